"""Bounded reading of an untrusted bundle: sizes, counts and inflation, checked while streaming.

Nothing from a bundle is inflated in memory before it is known to be small enough: the
zip's own directory is checked first (number of entries, declared sizes, the ratio of
declared to compressed size), members are read in chunks with a running count (a lying
directory cannot get more through), and the compressed payload is inflated chunk by chunk
with a cap on the total and on the inflation ratio. A zip bomb is therefore refused after
reading a few kilobytes, in milliseconds, with flat memory.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from jeugdtoegang.sync.errors import SyncError

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Upper bounds for one bundle (generous for a team's real work, tiny for a bomb)."""

    file_bytes: int = 512 * MiB
    zip_entries: int = 8
    #: per member name: the most bytes it may hold after zip inflation
    member_bytes: tuple[tuple[str, int], ...] = ()
    zip_ratio: int = 20
    plain_bytes: int = 2048 * MiB
    inflation_ratio: int = 60
    changes: int = 2_000_000
    line_bytes: int = 32 * MiB
    chunk: int = MiB

    def member_limit(self, name: str) -> int:
        return dict(self.member_bytes).get(name, self.file_bytes)


def _too_big(what: str, limit: int) -> SyncError:
    size = f"{limit // MiB} MB" if limit >= MiB else f"{limit} bytes"
    return SyncError(f"De bundel is geweigerd: {what} is groter dan toegestaan ({size}).")


def check_zip_directory(path: Path, limits: Limits) -> None:
    """Refuse a file that is too large or whose zip directory lists too many entries.

    Reads only the end-of-central-directory record (the last 64 KiB at most), before
    :mod:`zipfile` parses the directory itself.
    """
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise _too_big("het bestand", limits.file_bytes)
    with path.open("rb") as handle:
        tail = min(size, 65_536 + 22)
        handle.seek(size - tail)
        data = handle.read(tail)
    where = data.rfind(b"PK\x05\x06")
    if where < 0 or len(data) - where < 22:
        return  # not a zip: zipfile reports it precisely
    entries = struct.unpack("<H", data[where + 10 : where + 12])[0]
    if entries == 0xFFFF or entries > limits.zip_entries:
        raise SyncError(
            f"De bundel is geweigerd: hij bevat te veel onderdelen ({entries}; "
            f"hoogstens {limits.zip_entries})."
        )


def read_member(archive: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """One member, read in chunks; refused as soon as it passes its limit or ratio."""
    info = archive.getinfo(name)
    limit = limits.member_limit(name)
    if info.file_size > limit:
        raise _too_big(f"onderdeel '{name}'", limit)
    inflated = info.compress_type != zipfile.ZIP_STORED and info.file_size > MiB
    if inflated and info.file_size > limits.zip_ratio * max(info.compress_size, 1):
        raise SyncError(
            f"De bundel is geweigerd: onderdeel '{name}' pakt uit tot meer dan "
            f"{limits.zip_ratio} keer zijn grootte (een zip-bom)."
        )
    parts: list[bytes] = []
    total = 0
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(limits.chunk)
            if not chunk:
                break
            total += len(chunk)
            if total > limit or total > info.file_size:
                raise _too_big(f"onderdeel '{name}'", min(limit, info.file_size))
            parts.append(chunk)
    return b"".join(parts)


def inflate_lines(compressed: bytes, limits: Limits) -> Iterator[bytes]:
    """Inflate zlib data chunk by chunk and yield its lines; refuses a bomb early.

    The total is capped at ``inflation_ratio`` times the compressed size (and at
    ``plain_bytes``), one line at ``line_bytes`` and the number of lines at ``changes``.
    """
    cap = min(limits.plain_bytes, max(limits.inflation_ratio * len(compressed), MiB))
    inflater = zlib.decompressobj()
    total = 0
    buffer = bytearray()
    position = 0
    lines = 0

    def bomb() -> SyncError:
        return SyncError(
            f"De bundel is geweigerd: de inhoud pakt uit tot meer dan {max(cap // MiB, 1)} MB "
            f"(hoogstens {limits.inflation_ratio} keer de verpakte grootte; een zip-bom)."
        )

    try:
        while True:
            if inflater.unconsumed_tail:
                source = inflater.unconsumed_tail
            elif position < len(compressed):
                source = compressed[position : position + limits.chunk]
                position += limits.chunk
            else:
                out = inflater.flush()
                if not out:
                    break
                source = b""
            out = inflater.decompress(source, limits.chunk) if source else out
            total += len(out)
            if total > cap:
                raise bomb()
            start = 0
            while True:
                newline = out.find(b"\n", start)
                if newline < 0:
                    break
                if buffer:
                    buffer += out[start:newline]
                    line = bytes(buffer)
                    buffer.clear()
                else:
                    line = out[start:newline]
                lines += 1
                if lines > limits.changes + 1:
                    raise SyncError(
                        f"De bundel is geweigerd: meer dan {limits.changes} wijzigingen."
                    )
                yield line
                start = newline + 1
            buffer += out[start:]
            if len(buffer) > limits.line_bytes:
                raise _too_big("één wijziging", limits.line_bytes)
        if not inflater.eof:
            raise SyncError("De inhoud van de bundel is afgekapt.")
    except zlib.error as error:
        raise SyncError("De inhoud van de bundel is beschadigd (niet uit te pakken).") from error
    if buffer:
        yield bytes(buffer)


def deflate(data: bytes) -> bytes:
    return zlib.compress(data, 1)


def stream_copy(source: BinaryIO, limit: int) -> bytes:
    """Read at most ``limit`` bytes from a stream; refuse more (for small side files)."""
    data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_big("het bestand", limit)
    return data
