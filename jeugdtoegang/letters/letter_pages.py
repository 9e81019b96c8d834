"""What a letter draws on its pages rather than flows: the fixed parts.

- The first page carries the municipal letterhead and the addressee block inside the
  left window of a window envelope (NEN 1026 / C5: window 20 mm from the left, 50 mm from
  the top, 90 x 45 mm); date and kenmerk stand to the right of the window. Later pages
  repeat the municipality, date and kenmerk at the top.
- Every page has "pagina x van y" (a canvas that keeps its pages until it knows the count),
  and on save the PDF/A parts (``pdfa.py``).
- Drafts carry a large light diagonal "CONCEPT" under the text (drawn as lines, not text,
  so text extraction and copying stay clean) and a marker at the top.
- The logo is decoded and compressed once per process.

``render.py`` flows the text into the frames between these parts.
"""

from __future__ import annotations

import copy
import hashlib
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.pdfa import add_pdfa_parts
from jeugdtoegang.pdf.fonts import BOLD, REGULAR
from jeugdtoegang.pdf.paged_canvas import PagedCanvas

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 25 * mm
RIGHT = 20 * mm
TOP_LATER = 25 * mm
BOTTOM = 25 * mm
BODY_TOP_FIRST = 103 * mm  # below the window and the reference block
FRAME_WIDTH = PAGE_WIDTH - LEFT - RIGHT

# Window of a C5/DL window envelope, measured from the top-left corner of the page.
WINDOW_LEFT = 20 * mm
WINDOW_TOP = 50 * mm
WINDOW_WIDTH = 90 * mm
WINDOW_HEIGHT = 45 * mm
INFO_LEFT = 125 * mm

GREY = colors.HexColor("#555555")


@cache
def _image_prototype(path: str) -> pdfdoc.PDFImageXObject:
    """The logo decoded and compressed once per process (drawImage does it per letter)."""
    name = "jtimg" + hashlib.sha1(path.encode("utf-8")).hexdigest()[:16]
    image = pdfdoc.PDFImageXObject(name, ImageReader(path), mask="auto")
    image.name = name
    smask = getattr(image, "_smask", None)
    if smask is not None:
        smask.name = name + "m"
    return image


def _draw_image(canvas: Canvas, path: str, x: float, y: float, width: float, height: float) -> None:
    """Like ``canvas.drawImage`` but reusing the compressed image of :func:`_image_prototype`.

    Registers a shallow copy (and its soft mask) in this canvas's document exactly the way
    reportlab's drawImage does, then paints it.
    """
    proto = _image_prototype(path)
    doc = canvas._doc
    reg_name = doc.getXObjectName(proto.name)
    if doc.idToObject.get(reg_name) is None:
        image = copy.copy(proto)
        smask = image.__dict__.pop("_smask", None)
        canvas._setXObjects(image)
        doc.Reference(image, reg_name)
        doc.addForm(proto.name, image)
        if smask is not None:
            mask = copy.copy(smask)
            canvas._setXObjects(mask)
            image.smask = doc.Reference(mask, doc.getXObjectName(smask.name))
    canvas._currentPageHasImages = 1
    canvas.saveState()
    canvas.translate(x, y)
    canvas.scale(width, height)
    canvas._code.append(f"/{reg_name} Do")
    canvas.restoreState()
    canvas._formsinuse.append(proto.name)


class _NumberedCanvas(PagedCanvas):
    """A letter's pages: 'pagina x van y' in the footer, PDF/A parts before saving."""

    footer_left: str = ""
    footer_right: str = ""
    letter_date_stamp: str = "20000101120000"
    letter_language: str = "nl-NL"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stamp = self.letter_date_stamp
        self.setDateFormatter(lambda *_: f"D:{stamp}+00'00'")

    def before_save(self) -> None:
        add_pdfa_parts(self, self.letter_date_stamp, self.letter_language)

    def draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(REGULAR, 8)
        self.setFillColor(GREY)
        y = 12 * mm
        self.drawString(LEFT, y, self.footer_left)
        text = f"{self.footer_right} · pagina {self._pageNumber} van {total}"
        self.drawRightString(PAGE_WIDTH - RIGHT, y, text)
        self.restoreState()


def canvas_class(letter: LetterModel) -> type[_NumberedCanvas]:
    return type(
        "LetterCanvas",
        (_NumberedCanvas,),
        {
            "footer_left": letter.letterhead.municipality,
            "footer_right": letter.footer,
            "letter_date_stamp": letter.letter_date.strftime("%Y%m%d") + "120000",
            "letter_language": letter.language,
        },
    )


#: "CONCEPT" as strokes in a 10 x 14 cell per letter: (kind, coordinates). Drawn as
#: vector lines, not text, so copying text from a draft is not mixed with the watermark.
_STROKE_LETTERS: dict[str, tuple[tuple[str, tuple[float, ...]], ...]] = {
    "C": (("arc", (0, 0, 10, 14, 45, 270)),),
    "O": (("ellipse", (0, 0, 10, 14)),),
    "N": (("line", (0, 0, 0, 14)), ("line", (0, 14, 10, 0)), ("line", (10, 0, 10, 14))),
    "E": (
        ("line", (0, 0, 0, 14)),
        ("line", (0, 14, 9, 14)),
        ("line", (0, 7, 7, 7)),
        ("line", (0, 0, 9, 0)),
    ),
    "P": (
        ("line", (0, 0, 0, 14)),
        ("line", (0, 14, 6, 14)),
        ("line", (0, 7, 6, 7)),
        ("arc", (2, 7, 10, 14, -90, 180)),
    ),
    "T": (("line", (0, 14, 10, 14)), ("line", (5, 0, 5, 14))),
}


def _draw_stroke_word(canvas: Canvas, word: str, scale: float) -> None:
    width = len(word) * 13 - 3
    canvas.translate(-width * scale / 2, -7 * scale)
    for index, char in enumerate(word):
        for kind, c in _STROKE_LETTERS[char]:
            x0 = (index * 13) * scale
            if kind == "line":
                canvas.line(x0 + c[0] * scale, c[1] * scale, x0 + c[2] * scale, c[3] * scale)
            elif kind == "ellipse":
                canvas.ellipse(x0 + c[0] * scale, c[1] * scale, x0 + c[2] * scale, c[3] * scale)
            else:
                canvas.arc(
                    x0 + c[0] * scale, c[1] * scale, x0 + c[2] * scale, c[3] * scale, c[4], c[5]
                )


def draw_watermark(canvas: Canvas) -> None:
    canvas.saveState()
    canvas.setStrokeColor(colors.HexColor("#C62828"))
    canvas.setStrokeAlpha(0.12)
    canvas.setLineWidth(14)
    canvas.setLineCap(1)
    canvas.setLineJoin(1)
    canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2 - 20 * mm)
    canvas.rotate(45)
    _draw_stroke_word(canvas, "CONCEPT", 6.2)
    canvas.restoreState()
    canvas.saveState()
    canvas.setFillColor(colors.HexColor("#C62828"))
    canvas.setFont(BOLD, 9)
    canvas.drawRightString(PAGE_WIDTH - RIGHT, PAGE_HEIGHT - 10 * mm, "CONCEPT - niet verzenden")
    canvas.restoreState()


def draw_first_page(canvas: Canvas, letter: LetterModel) -> None:
    head = letter.letterhead
    accent = colors.HexColor(head.colour)
    top = PAGE_HEIGHT
    canvas.saveState()
    # letterhead: logo and name at the top left, the address at the top right
    x = WINDOW_LEFT
    if head.logo_path:
        _draw_image(canvas, head.logo_path, x, top - 38 * mm, 20 * mm, 20 * mm)
        x += 24 * mm
    canvas.setFillColor(accent)
    room = INFO_LEFT - x - 4 * mm  # long names shrink instead of running into the address
    size = min(16.0, room / max(stringWidth(head.municipality, BOLD, 1), 1))
    canvas.setFont(BOLD, size)
    canvas.drawString(x, top - 26 * mm, head.municipality)
    if head.department:
        canvas.setFont(REGULAR, 9)
        canvas.setFillColor(GREY)
        canvas.drawString(x, top - 32 * mm, head.department)
    canvas.setFont(REGULAR, 8.5)
    canvas.setFillColor(GREY)
    y = top - 22 * mm
    for line in head.address_lines:
        canvas.drawString(INFO_LEFT, y, line)
        y -= 4 * mm
    canvas.setStrokeColor(accent)
    canvas.setLineWidth(1.2)
    canvas.line(WINDOW_LEFT, top - 43 * mm, PAGE_WIDTH - RIGHT, top - 43 * mm)
    # window envelope: return address in small print, then the addressee
    canvas.setFont(REGULAR, 6.5)
    canvas.drawString(
        WINDOW_LEFT + 5 * mm,
        top - WINDOW_TOP - 5 * mm,
        f"{head.municipality}, " + ", ".join(head.address_lines),
    )
    canvas.setFillColor(colors.black)
    canvas.setFont(REGULAR, 10)
    y = top - WINDOW_TOP - 13 * mm
    for line in letter.addressee_lines:
        canvas.drawString(WINDOW_LEFT + 5 * mm, y, line)
        y -= 4.6 * mm
    # reference block right of the window
    labels = (("Datum", f"{letter.place}, {letter.date_text}"), ("Kenmerk", letter.kenmerk))
    y = top - WINDOW_TOP - 5 * mm
    for label, value in labels:
        canvas.setFont(BOLD, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(INFO_LEFT, y, label)
        canvas.setFont(REGULAR, 9.5)
        canvas.setFillColor(colors.black)
        canvas.drawString(INFO_LEFT, y - 4.5 * mm, value)
        y -= 11 * mm
    canvas.restoreState()


def draw_later_page(canvas: Canvas, letter: LetterModel) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(GREY)
    canvas.drawString(LEFT, PAGE_HEIGHT - 14 * mm, letter.letterhead.municipality)
    canvas.drawRightString(
        PAGE_WIDTH - RIGHT, PAGE_HEIGHT - 14 * mm, f"{letter.date_text} · {letter.kenmerk}"
    )
    canvas.restoreState()
