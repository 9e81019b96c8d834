"""Embedded TrueType fonts, so every character (ë, é, €, ş) prints on every printer.

The PDF standard fonts are not embedded and depend on the reader's substitutes; DejaVu
Sans ships in ``resources/fonts`` and is embedded (subset) into every PDF we make.
"""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from jeugdtoegang.paths import resource_path

REGULAR = "JTSans"
BOLD = "JTSans-Bold"
ITALIC = "JTSans-Italic"


@cache
def register_fonts() -> str:
    """Register the family once per process; returns the regular font name."""
    folder = resource_path("fonts")
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFont(TTFont(ITALIC, str(folder / "DejaVuSans-Oblique.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, ITALIC)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR
