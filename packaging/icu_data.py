"""A smaller ICU data library for the Linux bundle (used by ``jeugdtoegang.spec``).

Qt's wheel ships ``libicudata.so.73``: 32 MB, the biggest file of the package. It is one
read-only array (the symbol ``icudt73_dat``) holding ICU's "common data" package: a table of
contents and about 3,900 items. Qt is the only user of ICU in the program, and the ICU
functions Qt imports (``nm -D --undefined-only libQt6Core.so.6 | grep _73``) are only

* ``ucol_*``: collation (``coll/`` tree, ``ucadata.icu``): kept;
* ``u_strToUpper`` / ``u_strToLower``: case mapping (``ucase.icu``): kept;
* ``ucal_*``: time-zone ids and names (``zone/``, ``region/``, ``lang/``, ``curr/``,
  ``zoneinfo64``, the locale tree): kept;
* ``ucnv_*``: converters for ``QStringDecoder``/``QStringEncoder`` with a named legacy
  encoding. The program names no encoding; UTF-8, UTF-16/32, Latin-1 and ASCII are built into
  ICU and Qt without data. Dropped, except Windows-1252 and ISO-8859-15 (a few KB) for a
  Western clipboard or file that names them.

Never reached from those functions, so dropped (``TRIMMED_ITEMS``):

* ``brkitr/*.dict``: word dictionaries for Chinese/Japanese, Thai, Lao, Khmer and Burmese
  (3.0 MB); Qt imports no ``ubrk_*`` function and breaks text itself;
* ``unit/`` (MeasureFormat), ``rbnf/`` (spelled-out numbers), ``translit/``
  (Transliterator): 5.0 MB; Qt formats numbers and units with its own CLDR tables.

The new library has the same name and symbol and the same items in the same order, so
``libicuuc`` finds it exactly as before; a missing item would give ICU's ordinary
"missing resource" answer (Qt then falls back), never a crash. A C compiler (``cc``) builds
it; without one the full library stays (and the size check of ``build.py`` says so).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from pathlib import Path

SONAME_RE = re.compile(r"(^|/)libicudata\.so\.(\d+)$")
#: items ICU never reads for the functions Qt calls (see the module docstring)
TRIMMED_ITEMS = re.compile(
    r"^icudt\d+l/("
    r"(?!ibm-5348_P100-1997\.cnv$|ibm-923_P100-1998\.cnv$)[^/]+\.cnv"  # legacy converters
    r"|brkitr/[^/]+\.dict"  # word dictionaries (CJK, Thai, Lao, Khmer, Burmese)
    r"|unit/[^/]+|rbnf/[^/]+|translit/[^/]+"  # units, spelled-out numbers, transliteration
    r")$"
)


def _rodata(library: bytes) -> bytes:
    """The ``.rodata`` section of the (64-bit, little-endian) ELF data library."""
    if library[:6] != b"\x7fELF\x02\x01":
        raise ValueError("geen 64-bits little-endian ELF-bestand")
    shoff = struct.unpack_from("<Q", library, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", library, 0x3A)

    def section(index: int) -> tuple[int, int, int]:
        name, _type, _flags, _addr, offset, size = struct.unpack_from(
            "<IIQQQQ", library, shoff + index * shentsize
        )
        return name, offset, size

    _, names_at, _ = section(shstrndx)
    for index in range(shnum):
        name, offset, size = section(index)
        label = library[names_at + name : library.index(b"\0", names_at + name)]
        if label == b".rodata":
            return library[offset : offset + size]
    raise ValueError("geen .rodata-sectie")


def items(common: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """The header and the (name, data) items of an ICU common-data package, in TOC order."""
    header_size = struct.unpack_from("<H", common, 0)[0]
    if common[2:4] != b"\xda\x27" or common[12:16] != b"CmnD":
        raise ValueError("geen ICU common data (CmnD)")
    count = struct.unpack_from("<I", common, header_size)[0]
    toc = [struct.unpack_from("<II", common, header_size + 4 + 8 * i) for i in range(count)]
    result = []
    for i, (name_at, data_at) in enumerate(toc):
        start = header_size + name_at
        name = common[start : common.index(b"\0", start)].decode("ascii")
        end = header_size + toc[i + 1][1] if i + 1 < count else len(common)
        result.append((name, common[header_size + data_at : end]))
    return common[:header_size], result


def pack(header: bytes, kept: list[tuple[str, bytes]]) -> bytes:
    """An ICU common-data package (the layout ``icupkg`` writes: names, then 16-aligned data)."""
    toc_size = 4 + 8 * len(kept)
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in kept)
    data_start = -(-(toc_size + len(names)) // 16) * 16
    toc, body, name_at, data_at = [], bytearray(), toc_size, data_start
    for name, data in kept:
        toc.append(struct.pack("<II", name_at, data_at))
        name_at += len(name) + 1
        padded = data + b"\0" * (-len(data) % 16)
        body += padded
        data_at += len(padded)
    table = struct.pack("<I", len(kept)) + b"".join(toc) + names
    return header + table + b"\0" * (data_start - len(table)) + bytes(body)


def trimmed_library(original: Path, workdir: Path) -> Path | None:
    """Build the smaller ``libicudata.so.N`` in ``workdir``; None without a C compiler."""
    match = SONAME_RE.search(str(original))
    compiler = shutil.which("cc") or shutil.which("gcc")
    if match is None or compiler is None:
        return None
    major = match.group(2)
    header, all_items = items(_rodata(original.read_bytes()))
    kept = [(name, data) for name, data in all_items if not TRIMMED_ITEMS.match(name)]
    workdir.mkdir(parents=True, exist_ok=True)
    blob = workdir / f"icudt{major}l.dat"
    blob.write_bytes(pack(header, kept))
    source = workdir / "icudata.S"
    source.write_text(
        "\t.section .rodata\n"
        f"\t.globl icudt{major}_dat\n"
        f"\t.type icudt{major}_dat, @object\n"
        "\t.balign 16\n"
        f"icudt{major}_dat:\n"
        f'\t.incbin "{blob}"\n'
        f"\t.size icudt{major}_dat, . - icudt{major}_dat\n"
        '\t.section .note.GNU-stack,"",@progbits\n',
        encoding="ascii",
    )
    target = workdir / f"libicudata.so.{major}"
    subprocess.run(
        [
            compiler,
            "-shared",
            "-nostdlib",
            f"-Wl,-soname,libicudata.so.{major}",
            "-o",
            str(target),
            str(source),
        ],
        check=True,
    )
    dropped = len(all_items) - len(kept)
    print(
        f"icu: libicudata.so.{major} {original.stat().st_size / 1e6:.1f} MB → "
        f"{target.stat().st_size / 1e6:.1f} MB ({dropped} van {len(all_items)} items weg)",
        flush=True,
    )
    return target
