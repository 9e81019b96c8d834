"""The bundle file: one zip with a signed manifest and the changes as JSON Lines.

Members:

``manifest.json``
    format name and version, source database id/name and region, the intended target,
    the source's sequence range ``seq_from``..``seq_to``, created at/by, record counts
    per table, the SHA-256 and size of every other member, the id of the team key, the
    source's schema revisions and (when the audit service offers one) the latest audit
    chain anchor.
``changes.jsonl``
    one JSON object per changed record (the last change of each record in the range):
    ``seq, table, id, version, op (insert/update/delete), updated_at, updated_by,
    origin`` (the database where the change was made), ``data`` (all columns, or null for
    a tombstone) and ``history``: the ``[version, digest]`` of earlier states of the
    record on the source, oldest first. The receiver uses it to tell "newer version of
    what I have" from "changed on both sides" (a conflict).
``signature``
    hex HMAC-SHA256 of the exact ``manifest.json`` bytes with the team key. Since the
    manifest holds the SHA-256 of every other member, the signature covers everything.

The file is written atomically: a temporary file in the target folder, flushed and
fsynced, then renamed over the final name; a killed export leaves no torn bundle.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeugdtoegang.atomic import atomic_file
from jeugdtoegang.sync.errors import SyncError
from jeugdtoegang.sync.keys import key_id

FORMAT = "jeugdtoegang-sync"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
CHANGES = "changes.jsonl"
SIGNATURE = "signature"
MEMBERS = (MANIFEST, CHANGES, SIGNATURE)
OPERATIONS = ("insert", "update", "delete")
TOMBSTONE = "tombstone"


def canonical_json(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def digest(data: dict[str, Any] | None) -> str:
    """Identity of one state of a record: a hash of its full snapshot (or 'tombstone')."""
    if data is None:
        return TOMBSTONE
    return hashlib.sha256(canonical_json(data)).hexdigest()[:32]


@dataclass(frozen=True)
class Change:
    """The latest state of one record in a bundle, with the states it came from."""

    seq: int
    table: str
    id: str
    version: int
    op: str
    updated_at: str
    updated_by: str
    origin: str
    data: dict[str, Any] | None
    history: tuple[tuple[int, str], ...] = ()
    #: the snapshot as JSON text straight from the change log (export side, saves a
    #: decode/encode round per record); ``data`` is then parsed only when asked for
    data_json: str | None = None

    @property
    def snapshot(self) -> dict[str, Any] | None:
        if self.data is None and self.data_json is not None:
            return json.loads(self.data_json)  # type: ignore[no-any-return]
        return self.data

    def to_line(self, encode: Callable[[Any], str]) -> str:
        """One line of ``changes.jsonl`` (without the newline)."""
        if self.data_json is None:
            return encode(self.to_json())
        head = encode({**self.to_json(), "data": None})
        # the key can only occur unescaped as the key itself: string values escape quotes
        return head.replace('"data":null', f'"data":{self.data_json}', 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "table": self.table,
            "id": self.id,
            "version": self.version,
            "op": self.op,
            "updated_at": self.updated_at,
            "updated_by": self.updated_by,
            "origin": self.origin,
            "data": self.data,
            "history": [list(item) for item in self.history],
        }


@dataclass(frozen=True)
class Bundle:
    """A verified bundle: its manifest and its changes in sequence order."""

    manifest: dict[str, Any]
    changes: tuple[Change, ...]

    @property
    def source_database_id(self) -> str:
        return str(self.manifest["source_database_id"])

    @property
    def seq_from(self) -> int:
        return int(self.manifest["seq_from"])

    @property
    def seq_to(self) -> int:
        return int(self.manifest["seq_to"])


# --- writing ------------------------------------------------------------------------------


def changes_bytes(changes: list[Change]) -> bytes:
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    return "".join(change.to_line(dumps) + "\n" for change in changes).encode()


def write_bundle(
    target: Path,
    manifest: dict[str, Any],
    changes: list[Change],
    key: bytes,
    *,
    before_rename: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Write a signed bundle atomically; returns the manifest as written."""
    body = changes_bytes(changes)
    counts: dict[str, int] = {}
    for change in changes:
        counts[change.table] = counts.get(change.table, 0) + 1
    manifest = {
        **manifest,
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "record_counts": dict(sorted(counts.items())),
        "change_count": len(changes),
        "members": {CHANGES: {"sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}},
        "key_id": key_id(key),
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
    signature = hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest().encode()
    with atomic_file(target) as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(MANIFEST, manifest_bytes)
            archive.writestr(CHANGES, body)
            archive.writestr(SIGNATURE, signature)
        if before_rename is not None:
            before_rename()
    return manifest


# --- reading and verifying ----------------------------------------------------------------


def _read_members(path: Path) -> dict[str, bytes]:
    if not path.is_file():
        raise SyncError(f"Het bestand '{path}' bestaat niet.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            for name in MEMBERS:
                if name not in names:
                    raise SyncError(f"Onderdeel '{name}' ontbreekt in de bundel.")
            extra = sorted(set(names) - set(MEMBERS))
            if extra or len(names) != len(set(names)):
                what = extra[0] if extra else "dubbel onderdeel"
                raise SyncError(f"De bundel bevat een onbekend onderdeel ('{what}').")
            return {name: archive.read(name) for name in MEMBERS}
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        OSError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        raise SyncError(
            "Het bestand is geen leesbare synchronisatiebundel: het is beschadigd of "
            f"onvolledig (afgekapt) ({type(error).__name__})."
        ) from error


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SyncError("Het manifest van de bundel is onleesbaar.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SyncError("Dit bestand is geen synchronisatiebundel van jeugdtoegang.")
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise SyncError(
            f"Bundelformaat versie {version} wordt niet ondersteund; deze versie van "
            f"jeugdtoegang leest versie {FORMAT_VERSION}. Werk het programma bij."
        )
    return manifest


def _check_manifest_fields(manifest: dict[str, Any]) -> None:
    required = {
        "source_database_id": str,
        "region": str,
        "seq_from": int,
        "seq_to": int,
        "record_counts": dict,
        "change_count": int,
        "members": dict,
        "created_at": str,
    }
    for name, kind in required.items():
        if not isinstance(manifest.get(name), kind):
            raise SyncError(f"Het manifest mist het veld '{name}' of het is ongeldig.")
    if manifest["seq_from"] < 1 or manifest["seq_to"] < manifest["seq_from"] - 1:
        raise SyncError("Het manifest noemt een ongeldig bereik van volgnummers.")


def _parse_change(number: int, line: bytes) -> Change:
    where = f"Regel {number} van {CHANGES} is ongeldig"
    try:
        item = json.loads(line)
        if not isinstance(item, dict):
            raise TypeError("geen object")
        data = item["data"]
        op = item["op"]
        if op not in OPERATIONS or (data is None) != (op == "delete"):
            raise ValueError("onbekende bewerking")
        if data is not None and not isinstance(data, dict):
            raise TypeError("data")
        history = tuple((int(v), str(d)) for v, d in item["history"])
        return Change(
            seq=int(item["seq"]),
            table=str(item["table"]),
            id=str(item["id"]),
            version=int(item["version"]),
            op=op,
            updated_at=str(item["updated_at"]),
            updated_by=str(item["updated_by"]),
            origin=str(item["origin"]),
            data=data,
            history=history,
        )
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise SyncError(f"{where} ({error}).") from error


def read_bundle(path: Path, key: bytes) -> Bundle:
    """Open and fully verify a bundle; raises SyncError with the precise reason."""
    members = _read_members(path)
    manifest = _parse_manifest(members[MANIFEST])
    if manifest.get("key_id") != key_id(key):
        raise SyncError(
            "De bundel is ondertekend met een andere teamsleutel dan op deze computer is "
            "ingesteld (of komt van een ander team)."
        )
    expected = hmac.new(key, members[MANIFEST], hashlib.sha256).hexdigest().encode()
    if not hmac.compare_digest(expected, members[SIGNATURE].strip()):
        raise SyncError(
            "De handtekening van de bundel klopt niet: het manifest is na het ondertekenen "
            "gewijzigd."
        )
    _check_manifest_fields(manifest)
    listed = manifest["members"]
    if set(listed) != {CHANGES}:
        raise SyncError("Het manifest noemt andere onderdelen dan de bundel bevat.")
    for name, facts in listed.items():
        body = members[name]
        if len(body) != facts.get("size") or hashlib.sha256(body).hexdigest() != facts.get(
            "sha256"
        ):
            raise SyncError(
                f"Onderdeel '{name}' is gewijzigd of beschadigd: de SHA-256-controlesom "
                "klopt niet met het manifest."
            )
    changes = tuple(
        _parse_change(number, line)
        for number, line in enumerate(members[CHANGES].splitlines(), start=1)
        if line.strip()
    )
    _check_changes(manifest, changes)
    return Bundle(manifest, changes)


def _check_changes(manifest: dict[str, Any], changes: tuple[Change, ...]) -> None:
    counts: dict[str, int] = {}
    previous = manifest["seq_from"] - 1
    for change in changes:
        counts[change.table] = counts.get(change.table, 0) + 1
        if not previous < change.seq <= manifest["seq_to"]:
            raise SyncError(
                f"Wijziging {change.seq} valt buiten het bereik of de volgorde van de bundel."
            )
        previous = change.seq
    if len(changes) != manifest["change_count"] or counts != manifest["record_counts"]:
        raise SyncError("Het aantal wijzigingen in de bundel klopt niet met het manifest.")
