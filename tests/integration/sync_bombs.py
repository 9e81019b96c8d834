"""Zip bombs for the bounded-reading tests and the benchmark (built fast, from zeros)."""

from __future__ import annotations

import json
import uuid
import zipfile
import zlib
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


def deflated_zeros(size: int) -> bytes:
    """A raw zlib stream of ``size`` zero bytes (about 1/1000 of that), built in chunks."""
    compressor = zlib.compressobj(9)
    block = bytes(MiB)
    parts = [compressor.compress(block) for _ in range(size // MiB)]
    parts.append(compressor.flush())
    return b"".join(parts)


def zip_member_bomb(target: Path, member: str, size: int) -> None:
    """A zip whose ``member`` inflates to ``size`` zero bytes (the other members small)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in ("header.json", "payload", "signature"):
            if name == member:
                info = zipfile.ZipInfo(name)
                info.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(info, "w", force_zip64=True) as handle:
                    block = bytes(MiB)
                    for _ in range(size // MiB):
                        handle.write(block)
            else:
                archive.writestr(name, b"{}")


def many_entries(target: Path, count: int) -> None:
    with zipfile.ZipFile(target, "w") as archive:
        for index in range(count):
            archive.writestr(f"x{index}", b"")


def signed_payload_bomb(
    target: Path, manifest: dict[str, Any], signing_key: Any, team_key: str, size: int
) -> None:
    """A well-signed, well-encrypted bundle whose payload inflates to ``size`` bytes."""
    import hashlib

    from jeugdtoegang.sync import crypto
    from jeugdtoegang.sync.bundle import FORMAT, FORMAT_VERSION, _associated
    from jeugdtoegang.sync.keys import key_id

    compressor = zlib.compressobj(9)
    first = json.dumps(manifest).encode() + b"\n"
    parts = [compressor.compress(first)]
    block = b" " * MiB
    parts += [compressor.compress(block) for _ in range(size // MiB)]
    parts.append(compressor.flush())
    source = str(manifest.get("source_database_id", uuid.uuid4()))
    kid = key_id(team_key.encode())
    nonce, payload = crypto.encrypt(
        crypto.encryption_key(team_key.encode()), b"".join(parts), _associated(source, kid)
    )
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source_database_id": source,
        "signer": crypto.public_key_hex(signing_key),
        "key_id": kid,
        "nonce": nonce.hex(),
        "payload": {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)},
    }
    raw = json.dumps(header).encode()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("header.json", raw)
        archive.writestr("payload", payload)
        archive.writestr("signature", signing_key.sign(raw).hex())
