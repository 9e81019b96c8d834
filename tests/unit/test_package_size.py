"""The package's size guard: the smaller ICU data library and the build's size check."""

from __future__ import annotations

import importlib.util
import shutil
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load(name: str) -> ModuleType:
    """A module of packaging/ under its own name (``build`` would clash with PyPA's)."""
    sys.path.insert(0, str(ROOT / "packaging"))  # build.py imports bootstrap beside it
    try:
        spec = importlib.util.spec_from_file_location(
            f"packaging_{name}", ROOT / "packaging" / f"{name}.py"
        )
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "packaging"))


build = _load("build")
icu_data = _load("icu_data")


def _common_data(names: list[str]) -> bytes:
    """A small ICU common-data package as ``icupkg`` writes it (header, TOC, names, data)."""
    header = bytearray(32)
    struct.pack_into("<H", header, 0, len(header))
    header[2:4] = b"\xda\x27"
    header[12:16] = b"CmnD"
    items = [(name, f"data of {name}".encode() * (i + 1)) for i, name in enumerate(names)]
    return icu_data.pack(bytes(header), items)


NAMES = [
    "icudt73l/brkitr/cjdict.dict",
    "icudt73l/brkitr/root.res",
    "icudt73l/cnvalias.icu",
    "icudt73l/coll/nl.res",
    "icudt73l/coll/root.res",
    "icudt73l/ibm-5348_P100-1997.cnv",
    "icudt73l/ibm-923_P100-1998.cnv",
    "icudt73l/nl.res",
    "icudt73l/rbnf/nl.res",
    "icudt73l/shiftjis.cnv",
    "icudt73l/translit/root.res",
    "icudt73l/ucadata.icu",
    "icudt73l/unit/nl.res",
    "icudt73l/zone/nl.res",
]


def test_the_package_reads_back_item_by_item_with_16_byte_aligned_data() -> None:
    blob = _common_data(NAMES)
    header, items = icu_data.items(blob)
    assert [name for name, _ in items] == NAMES
    assert items[3][1].rstrip(b"\0") == b"data of icudt73l/coll/nl.res" * 4
    count = struct.unpack_from("<I", blob, len(header))[0]
    offsets = [struct.unpack_from("<II", blob, len(header) + 4 + 8 * i)[1] for i in range(count)]
    assert all(offset % 16 == 0 for offset in offsets)


def test_only_items_qt_never_reaches_are_trimmed() -> None:
    trimmed = {name for name in NAMES if icu_data.TRIMMED_ITEMS.match(name)}
    assert trimmed == {
        "icudt73l/brkitr/cjdict.dict",  # word dictionary: Qt imports no break iterator
        "icudt73l/rbnf/nl.res",
        "icudt73l/shiftjis.cnv",  # a legacy converter the program never names
        "icudt73l/translit/root.res",
        "icudt73l/unit/nl.res",
    }  # collation, case mapping, zones, the locale tree and Western converters stay


def test_not_icu_common_data_is_refused() -> None:
    with pytest.raises(ValueError, match="CmnD"):
        icu_data.items(b"\x20\x00\xda\x27" + b"\0" * 28)


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or not (shutil.which("cc") and shutil.which("nm")),
    reason="needs Linux, cc and nm",
)
def test_the_rebuilt_library_carries_the_kept_items_under_the_same_symbol(
    tmp_path: Path,
) -> None:
    import subprocess

    source = tmp_path / "src" / "icudata.S"
    source.parent.mkdir()
    data = tmp_path / "src" / "full.dat"
    data.write_bytes(_common_data(NAMES))
    source.write_text(
        '\t.section .rodata\n\t.globl icudt73_dat\n\t.balign 16\nicudt73_dat:\n\t.incbin "'
        f'{data}"\n\t.section .note.GNU-stack,"",@progbits\n'
    )
    original = tmp_path / "lib" / "libicudata.so.73"
    original.parent.mkdir()
    subprocess.run(["cc", "-shared", "-nostdlib", "-o", str(original), str(source)], check=True)

    smaller = icu_data.trimmed_library(original, tmp_path / "out")
    assert smaller is not None and smaller.name == "libicudata.so.73"
    _, kept = icu_data.items(icu_data._rodata(smaller.read_bytes()))
    assert [name for name, _ in kept] == [n for n in NAMES if not icu_data.TRIMMED_ITEMS.match(n)]
    symbols = subprocess.run(["nm", "-D", str(smaller)], capture_output=True, text=True).stdout
    assert "R icudt73_dat" in symbols


def test_the_build_fails_over_the_size_target_and_says_by_how_much() -> None:
    ok, line = build.size_check(147_400_000)
    assert ok and "147.4 MB (binnen de grens van 150 MB)" in line
    ok, line = build.size_check(152_800_000)
    assert not ok and "MISLUKT" in line and "2.8 MB BOVEN de grens van 150 MB" in line
