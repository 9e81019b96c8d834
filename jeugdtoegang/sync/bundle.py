"""The bundle file: one zip with a plain header, an encrypted payload and a signature.

Members (all stored, not zip-compressed):

``header.json`` (plain, small)
    format name and version, the source database id (the workstation that signed it), the
    id of the team key, the AES-GCM nonce, the payload's size and SHA-256.
``payload``
    AES-256-GCM (key derived from the team key) of the zlib-compressed text whose first
    line is the manifest and whose further lines are the changes. Nothing readable about
    a family leaves the workstation in clear text.
``signature``
    Ed25519 signature of the exact ``header.json`` bytes by the workstation's own key.
    The header holds the payload's SHA-256, so the signature covers everything; the
    receiver checks it against the *enrolled* public key of that workstation before it
    decrypts or inflates anything.

The manifest (inside the payload)
    ``manifest``
    format name and version, source database id/name and region, the intended target,
    the source's sequence range ``seq_from``..``seq_to``, created at/by, record counts
    per table, the SHA-256 and size of every other member, the id of the team key, the
    source's schema revisions and (when the audit service offers one) the latest audit
    chain anchor.
The changes (inside the payload)
    one JSON object per changed record (the last change of each record in the range):
    ``seq, table, id, version, op (insert/update/delete), updated_at, updated_by,
    origin`` (the database where the change was made), ``data`` (all columns, or null for
    a tombstone) and ``history``: the ``[version, digest]`` of earlier states of the
    record on the source, oldest first. The receiver uses it to tell "newer version of
    what I have" from "changed on both sides" (a conflict).
The file is written atomically: a temporary file in the target folder, flushed and
fsynced, then renamed over the final name; a killed export leaves no torn bundle.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jeugdtoegang.atomic import atomic_file
from jeugdtoegang.sync import crypto
from jeugdtoegang.sync.errors import SyncError
from jeugdtoegang.sync.keys import key_id
from jeugdtoegang.sync.limits import (
    Limits,
    check_zip_directory,
    deflate,
    inflate_lines,
    read_member,
)

UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)
FORMAT = "jeugdtoegang-sync"
FORMAT_VERSION = 2
HEADER = "header.json"
PAYLOAD = "payload"
SIGNATURE = "signature"
MEMBERS = (HEADER, PAYLOAD, SIGNATURE)
#: name used in messages for the change lines inside the payload
CHANGES = "de wijzigingen"
LIMITS = Limits(member_bytes=((HEADER, 16_384), (SIGNATURE, 1024)))
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
        """One line of the changes (without the newline): the JSON object of
        :meth:`to_json`, put together from its parts (the snapshot's JSON text from the
        change log is used as it is; every string goes through the JSON encoder)."""
        text = _text
        data = self.data_json if self.data_json is not None else encode(self.data)
        history = encode([list(item) for item in self.history]) if self.history else "[]"
        return (
            f'{{"seq":{int(self.seq)},"table":{text(self.table)},"id":{text(self.id)},'
            f'"version":{int(self.version)},"op":{text(self.op)},'
            f'"updated_at":{text(self.updated_at)},"updated_by":{text(self.updated_by)},'
            f'"origin":{text(self.origin)},"data":{data},"history":{history}}}'
        )

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
    #: the public key (hex) of the workstation that signed it
    signer: str = ""

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


def _associated(source: str, team_key_id: str) -> bytes:
    return f"{FORMAT}/{FORMAT_VERSION}/{source}/{team_key_id}".encode()


def write_bundle(
    target: Path,
    manifest: dict[str, Any],
    changes: list[Change],
    key: bytes,
    signing_key: Ed25519PrivateKey,
    *,
    before_rename: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """Write an encrypted, signed bundle atomically; returns the manifest as written."""
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
    }
    manifest_line = json.dumps(manifest, ensure_ascii=False, sort_keys=True).encode()
    source = str(manifest["source_database_id"])
    team_key_id = key_id(key)
    nonce, payload = crypto.encrypt(
        crypto.encryption_key(key),
        deflate(manifest_line + b"\n" + body),
        _associated(source, team_key_id),
    )
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source_database_id": source,
        "signer": crypto.public_key_hex(signing_key),
        "key_id": team_key_id,
        "nonce": nonce.hex(),
        "payload": {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)},
    }
    header_bytes = json.dumps(header, indent=1, sort_keys=True).encode()
    signature = crypto.sign(signing_key, header_bytes).hex().encode()
    with atomic_file(target) as handle:
        with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_STORED) as archive:
            archive.writestr(HEADER, header_bytes)
            archive.writestr(PAYLOAD, payload)
            archive.writestr(SIGNATURE, signature)
        if before_rename is not None:
            before_rename()
    return manifest


# --- reading and verifying ----------------------------------------------------------------

#: Given the source database id and the public key in the header, return the enrolled
#: public key to check the signature with, or raise SyncError (unknown, revoked, ...).
SignerCheck = Callable[[uuid.UUID, str], str]


def _read_members(path: Path, limits: Limits) -> dict[str, bytes]:
    if not path.is_file():
        raise SyncError(f"Het bestand '{path}' bestaat niet.")
    try:
        check_zip_directory(path, limits)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if len(names) > limits.zip_entries:
                raise SyncError("De bundel is geweigerd: hij bevat te veel onderdelen.")
            for name in MEMBERS:
                if name not in names:
                    if name == HEADER and "manifest.json" in names:
                        raise SyncError(
                            "Bundelformaat versie 1 wordt niet meer ondersteund (niet "
                            "versleuteld, niet door een werkplek ondertekend). Exporteer "
                            "opnieuw met deze versie van jeugdtoegang."
                        )
                    raise SyncError(f"Onderdeel '{name}' ontbreekt in de bundel.")
            extra = sorted(set(names) - set(MEMBERS))
            if extra or len(names) != len(set(names)):
                what = extra[0] if extra else "dubbel onderdeel"
                raise SyncError(f"De bundel bevat een onbekend onderdeel ('{what}').")
            return {name: read_member(archive, name, limits) for name in MEMBERS}
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


def _parse_header(raw: bytes) -> dict[str, Any]:
    try:
        header = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SyncError("De kop van de bundel is onleesbaar.") from error
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SyncError("Dit bestand is geen synchronisatiebundel van jeugdtoegang.")
    version = header.get("format_version")
    if version != FORMAT_VERSION:
        raise SyncError(
            f"Bundelformaat versie {version} wordt niet ondersteund; deze versie van "
            f"jeugdtoegang leest versie {FORMAT_VERSION}. Werk het programma bij."
        )
    payload = header.get("payload")
    fields_ok = (
        isinstance(header.get("source_database_id"), str)
        and isinstance(header.get("signer"), str)
        and isinstance(header.get("key_id"), str)
        and isinstance(header.get("nonce"), str)
        and isinstance(payload, dict)
        and isinstance(payload.get("sha256"), str)
        and isinstance(payload.get("size"), int)
    )
    if not fields_ok:
        raise SyncError("De kop van de bundel mist gegevens of is ongeldig.")
    try:
        uuid.UUID(header["source_database_id"])
        bytes.fromhex(header["nonce"])
    except ValueError as error:
        raise SyncError("De kop van de bundel mist gegevens of is ongeldig.") from error
    return header


def _check_manifest_fields(manifest: dict[str, Any]) -> None:
    required = {
        "source_database_id": str,
        "region": str,
        "seq_from": int,
        "seq_to": int,
        "record_counts": dict,
        "change_count": int,
        "created_at": str,
    }
    for name, kind in required.items():
        if not isinstance(manifest.get(name), kind) or isinstance(manifest.get(name), bool):
            raise SyncError(f"Het manifest mist het veld '{name}' of het is ongeldig.")
    if manifest["seq_from"] < 1 or manifest["seq_to"] < manifest["seq_from"] - 1:
        raise SyncError("Het manifest noemt een ongeldig bereik van volgnummers.")


#: a string as JSON text (the C encoder, not ASCII-escaped, as ``changes_bytes`` writes)
_text: Callable[[str], str] = json.encoder.encode_basestring  # type: ignore[attr-defined]
#: one decoder for every change line (UTF-8, as written)
_decode = json.JSONDecoder().decode


#: the members of a change line before its snapshot, as ``Change.to_line`` writes them
_HEAD_KEYS = frozenset(
    {"seq", "table", "id", "version", "op", "updated_at", "updated_by", "origin"}
)
_DATA_KEY = ',"data":'
_scan = json.JSONDecoder().scan_once


def _split_line(text: str) -> tuple[dict[str, Any], str | None]:
    """The change line parsed, with its snapshot's own JSON text when the line has the
    layout ``Change.to_line`` writes (head members, ``"data"``, ``"history"``): the
    importer writes that text into its change log as it came (no re-serialisation).

    The line is parsed in three pieces (head, snapshot, history) that together are the
    whole line; any other layout (and anything malformed) is parsed as one object, so the
    result is always exactly ``json.loads(line)``'s."""
    at = text.find(_DATA_KEY)
    if at > 0:
        try:
            head = _decode(text[:at] + "}")
            data, end = _scan(text, at + len(_DATA_KEY))
            tail = _decode("{" + text[end + 1 :]) if text[end : end + 1] == "," else None
        except (ValueError, StopIteration):
            tail = None
        if (
            isinstance(tail, dict)
            and tail.keys() == {"history"}
            and isinstance(head, dict)
            and head.keys() == _HEAD_KEYS
        ):
            head["data"] = data
            head["history"] = tail["history"]
            raw = text[at + len(_DATA_KEY) : end] if isinstance(data, dict) else None
            return head, raw
    return _decode(text), None


def _parse_change(number: int, line: bytes) -> Change:
    try:
        item, data_json = _split_line(line.decode("utf-8"))
        if not isinstance(item, dict):
            raise TypeError("geen object")
        data = item["data"]
        op = item["op"]
        if op not in OPERATIONS or (data is None) != (op == "delete"):
            raise ValueError("onbekende bewerking")
        if data is not None and not isinstance(data, dict):
            raise TypeError("data")
        for name in ("seq", "version"):
            if not isinstance(item[name], int) or not 0 <= item[name] < 2**62:
                raise ValueError(f"{name} is geen geldig getal")
        history = tuple((int(v), str(d)) for v, d in item["history"])
        change = Change(
            seq=item["seq"],
            table=str(item["table"]),
            id=str(item["id"]),
            version=item["version"],
            op=op,
            updated_at=str(item["updated_at"]),
            updated_by=str(item["updated_by"]),
            origin=str(item["origin"]),
            data=data,
            history=history,
            data_json=data_json,
        )
        if not (UUID_TEXT.fullmatch(change.id) and UUID_TEXT.fullmatch(change.origin)):
            raise ValueError("geen geldige UUID")
        datetime.fromisoformat(change.updated_at)
        if not 0 < len(change.updated_by) <= 100:
            raise ValueError("onbekende auteur")
        return change
    except (KeyError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise SyncError(f"Wijziging {number} in de bundel is ongeldig ({error}).") from error


def read_bundle(
    path: Path, key: bytes, check_signer: SignerCheck, limits: Limits = LIMITS
) -> Bundle:
    """Open and fully verify a bundle; raises SyncError with the precise reason.

    Order: bounded zip reading, header, team key id, the signer's enrolment and signature,
    payload hash, decryption, bounded inflation, manifest, changes.
    """
    members = _read_members(path, limits)
    header = _parse_header(members[HEADER])
    if header["key_id"] != key_id(key):
        raise SyncError(
            "De bundel is versleuteld met een andere teamsleutel dan op deze computer is "
            "ingesteld (of komt van een ander team)."
        )
    source = uuid.UUID(header["source_database_id"])
    enrolled = check_signer(source, header["signer"])
    try:
        signature = bytes.fromhex(members[SIGNATURE].decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        signature = b""
    if not crypto.verify(enrolled, signature, members[HEADER]):
        raise SyncError(
            "De handtekening van de bundel klopt niet: hij is na het ondertekenen gewijzigd "
            "of niet ondertekend door de ingeschreven werkplek."
        )
    payload = members[PAYLOAD]
    facts = header["payload"]
    if len(payload) != facts["size"] or hashlib.sha256(payload).hexdigest() != facts["sha256"]:
        raise SyncError(
            "Het versleutelde deel van de bundel is gewijzigd of beschadigd: de "
            "SHA-256-controlesom klopt niet."
        )
    plain = crypto.decrypt(
        crypto.encryption_key(key),
        bytes.fromhex(header["nonce"]),
        payload,
        _associated(header["source_database_id"], header["key_id"]),
    )
    lines = inflate_lines(plain, limits)
    first = next(lines, None)
    manifest = _parse_manifest(first or b"")
    _check_manifest_fields(manifest)
    if manifest["source_database_id"] != header["source_database_id"]:
        raise SyncError("Het manifest noemt een andere bron dan de ondertekende kop.")
    changes = tuple(
        _parse_change(number, line) for number, line in enumerate(lines, start=1) if line.strip()
    )
    _check_changes(manifest, changes)
    return Bundle(manifest, changes, signer=header["signer"])


def _parse_manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SyncError("Het manifest van de bundel is onleesbaar.") from error
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise SyncError("Dit bestand is geen synchronisatiebundel van jeugdtoegang.")
    return manifest


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
