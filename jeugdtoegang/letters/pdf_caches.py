"""Per-process caches that make every letter after the first cheaper, with the same bytes.

A font subset and the ICC profile are the same in nearly every letter; compressing and
subsetting them once per process (not once per letter) is most of a batch's saving.
"""

from __future__ import annotations

import hashlib
import zlib
from collections import OrderedDict
from functools import cache
from typing import Any

from reportlab.pdfbase import pdfdoc

from jeugdtoegang.pdf.fonts import BOLD, REGULAR, register_fonts

#: streams at least this long are looked up in the compression cache (page contents
#: differ per letter and are shorter than the font files it is meant for)
_CACHE_MIN_BYTES = 1024
_CACHE_ENTRIES = 64


class _CachedFlate(pdfdoc.PDFStreamFilterZCompress):
    """reportlab's Flate filter (``zlib.compress``, default level) that remembers the
    compressed form of the last few long streams by their content: a font subset or the ICC
    profile that every letter embeds is compressed once per process, not once per letter.
    The output is exactly what ``zlib.compress`` gives for the same input."""

    def __init__(self) -> None:
        self._memo: OrderedDict[bytes, bytes] = OrderedDict()

    def encode(self, text: str | bytes) -> bytes:
        data = text.encode("utf8") if isinstance(text, str) else text
        if len(data) < _CACHE_MIN_BYTES:
            return zlib.compress(data)
        key = hashlib.blake2b(data, digest_size=20).digest() + len(data).to_bytes(8, "big")
        found = self._memo.get(key)
        if found is None:
            found = self._memo[key] = zlib.compress(data)
            if len(self._memo) > _CACHE_ENTRIES:
                self._memo.popitem(last=False)
        else:
            self._memo.move_to_end(key)
        return found


def _cached_subsets(face: Any) -> None:
    """Make ``face.makeSubset`` remember its last results by the glyph list (a subset file
    depends only on it; letters mostly use the same glyphs in the same order)."""
    if getattr(face, "_jt_cached", False):
        return
    make = face.makeSubset
    memo: OrderedDict[tuple[int, ...], bytes] = OrderedDict()

    def make_subset(subset: list[int]) -> bytes:
        key = tuple(subset)
        found = memo.get(key)
        if found is None:
            found = memo[key] = make(subset)
            if len(memo) > 16:
                memo.popitem(last=False)
        return found

    face.makeSubset = make_subset
    face._jt_cached = True


@cache
def install_caches() -> None:
    """Once per process: the caching Flate filter and the subset caches of our fonts."""
    from reportlab.pdfbase import pdfmetrics

    register_fonts()
    if not isinstance(pdfdoc.PDFZCompress, _CachedFlate):
        pdfdoc.PDFZCompress = _CachedFlate()
    for name in (REGULAR, BOLD):
        _cached_subsets(pdfmetrics.getFont(name).face)
