"""Lay a :class:`LetterModel` out as an A4 PDF with reportlab platypus.

- The first page carries the municipal letterhead and the addressee block inside the
  left window of a window envelope (NEN 1026 / C5: window 20 mm from the left, 50 mm from
  the top, 90 x 45 mm); date and kenmerk stand to the right of the window.
- Every page has "pagina x van y" (a canvas that keeps its pages until it knows the count).
- Drafts carry a large light diagonal "CONCEPT" under the text (drawn as lines, not text,
  so text extraction and copying stay clean) and a marker at the top.
- The document language is nl-NL; the title and subject carry no personal data.
- Fonts are the embedded JTSans family, so ë, é and € print everywhere.
- Output is deterministic: reportlab's invariant mode fixes the document ID, and the
  creation date is the letter date, so the same letter always gives the same bytes.
- Work repeated per letter is done once per process: the font subsets (the same glyphs
  give the same subset file) and the compression of streams seen before (font files,
  ToUnicode maps, the ICC profile) come from a small cache; same input, same bytes.
- Towards PDF/A-2b (reportlab's open-source edition writes no PDF/A): every letter carries
  an XMP metadata stream that repeats the document information and declares PDF/A-2 level
  B, and an sRGB output intent with an embedded ICC profile; fonts are embedded, there is
  a document ID, and no encryption. What is and is not verified: README, "PDF/A".
"""

from __future__ import annotations

import copy
import hashlib
import io
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import NextPageTemplate
from reportlab.platypus.paragraph import cleanBlockQuotedText
from reportlab.platypus.paraparser import ParaFrag

from jeugdtoegang.letters.model import HelpRow, LetterModel
from jeugdtoegang.letters.pdf_caches import _CachedFlate, install_caches  # noqa: F401 (tests)
from jeugdtoegang.letters.pdfa import add_pdfa_parts, xmp_metadata  # noqa: F401 (API)
from jeugdtoegang.pdf.fonts import BOLD, REGULAR, register_fonts

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
LIGHT = colors.HexColor("#F1F3F5")


class _Para(Paragraph):
    """A paragraph that does not break its lines again for the width it was just wrapped to.

    Frames, KeepTogether, lists and tables each ask a paragraph for its size, mostly with
    the same width; reportlab's Paragraph breaks the lines anew on every call (about a
    third of the layout time of a letter). The result of the last width is kept, as long as
    the line breaking it belongs to (``blPara``) is still the one on the paragraph.
    """

    _memo: tuple[float, tuple[float, float], object] | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        memo = self._memo
        if memo is not None and memo[0] == availWidth and self.__dict__.get("blPara") is memo[2]:
            return memo[1]
        size = super().wrap(availWidth, availHeight)
        self._memo = (availWidth, size, self.__dict__.get("blPara"))
        return size


class _Frame(Frame):
    """A frame that copies itself cheaply: reportlab deep-copies the current frame each
    time a KeepTogether or a list measures its content (about 5% of a letter); a frame
    holds only numbers and strings besides its list of backgrounds, copied deeply here."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Frame:
        twin = copy.copy(self)
        if "_frameBGs" in self.__dict__:
            twin._frameBGs = copy.deepcopy(self._frameBGs, memo)
        return twin


@cache
def _plain_frag(style: ParagraphStyle) -> ParaFrag:
    """The fragment reportlab's parser makes for plain text in ``style`` (text aside)."""
    return Paragraph("x", style).frags[0]


def _plain(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain text (no markup): the parser's fragment for the style, reused,
    instead of running reportlab's HTML parser per paragraph (a sixth of a letter's time).
    Text with ``<``, ``>`` or ``&`` takes the parser's way, escaped."""
    if "<" in text or ">" in text or "&" in text or getattr(style, "textTransform", None):
        return _Para(_escape(text), style)
    cleaned = cleanBlockQuotedText(text)
    return _Para(cleaned, style, frags=[_plain_frag(style).clone(text=cleaned)])


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def warm_up() -> None:
    """Load what every letter needs (fonts, caches, the standard styles): a render
    process calls this when it starts, before its first letter arrives."""
    install_caches()
    _styles("#000000")


@cache
def _styles(colour: str) -> dict[str, ParagraphStyle]:
    register_fonts()
    accent = colors.HexColor(colour)
    body = ParagraphStyle(
        "body", fontName=REGULAR, bulletFontName=REGULAR, fontSize=10, leading=14.5, spaceAfter=6
    )
    return {
        "body": body,
        "sentence": ParagraphStyle(
            "sentence", parent=body, fontName=BOLD, fontSize=11.5, leading=16, spaceAfter=8
        ),
        "subject": ParagraphStyle(
            "subject", parent=body, fontName=BOLD, fontSize=11, leading=15, spaceAfter=10
        ),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=BOLD,
            fontSize=10.5,
            leading=14,
            textColor=accent,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11.5, spaceAfter=0),
        "head_cell": ParagraphStyle(
            "head_cell",
            parent=body,
            fontName=BOLD,
            fontSize=9,
            leading=11.5,
            spaceAfter=0,
            textColor=colors.white,
        ),
        "bullet": ParagraphStyle("bullet", parent=body, spaceAfter=1),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "right": ParagraphStyle("right", parent=body, alignment=TA_RIGHT),
    }


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


class _NumberedCanvas(Canvas):
    """Keeps every page until save, then writes 'pagina x van y' on each."""

    footer_left: str = ""
    footer_right: str = ""
    letter_date_stamp: str = "20000101120000"
    letter_language: str = "nl-NL"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved_pages: list[dict[str, Any]] = []
        stamp = self.letter_date_stamp
        self.setDateFormatter(lambda *_: f"D:{stamp}+00'00'")

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        add_pdfa_parts(self, self.letter_date_stamp, self.letter_language)
        super().save()

    def _draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(REGULAR, 8)
        self.setFillColor(GREY)
        y = 12 * mm
        self.drawString(LEFT, y, self.footer_left)
        text = f"{self.footer_right} · pagina {self._pageNumber} van {total}"
        self.drawRightString(PAGE_WIDTH - RIGHT, y, text)
        self.restoreState()


def _canvas_class(letter: LetterModel) -> type[_NumberedCanvas]:
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


def _draw_watermark(canvas: Canvas) -> None:
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


def _draw_first_page(canvas: Canvas, letter: LetterModel) -> None:
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


def _draw_later_page(canvas: Canvas, letter: LetterModel) -> None:
    canvas.saveState()
    canvas.setFont(REGULAR, 8)
    canvas.setFillColor(GREY)
    canvas.drawString(LEFT, PAGE_HEIGHT - 14 * mm, letter.letterhead.municipality)
    canvas.drawRightString(
        PAGE_WIDTH - RIGHT, PAGE_HEIGHT - 14 * mm, f"{letter.date_text} · {letter.kenmerk}"
    )
    canvas.restoreState()


def _help_table(
    help_rows: tuple[HelpRow, ...], letter: LetterModel, styles: dict[str, ParagraphStyle]
) -> Table:
    head = styles["head_cell"]
    cell = styles["cell"]
    header = [_plain(t, head) for t in ("Hulp", "Aanbieder", "Start", "Eind", "Hoeveel")]
    rows: list[list[Flowable]] = [header]
    for row in help_rows:
        rows.append(
            [
                _plain(row.product, cell),
                _plain(row.aanbieder, cell),
                _plain(row.start, cell),
                _plain(row.eind, cell),
                _plain(row.omvang, cell),
            ]
        )
    widths = [46 * mm, 40 * mm, 23 * mm, 23 * mm, FRAME_WIDTH - 132 * mm]
    table = Table(rows, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), REGULAR, 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(letter.letterhead.colour)),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, LIGHT]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, -1), (-1, -1), 0.6, colors.HexColor("#B0B7BF")),
                ("TOPPADDING", (0, 0), (-1, -1), 3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def _bullets(items: tuple[str, ...], style: ParagraphStyle) -> ListFlowable:
    return ListFlowable(
        [ListItem(_plain(i, style), leftIndent=12) for i in items],
        bulletType="bullet",
        start="•",
        bulletFontName=REGULAR,
        leftIndent=12,
        spaceAfter=6,
    )


def _labelled(label: str, text: str, style: ParagraphStyle) -> Paragraph:
    if not text:
        return _Para(f"<b>{_escape(label)}</b>", style)
    return _Para(f"<b>{_escape(label)}</b> {_escape(text)}", style)


def _table_block(
    caption: str, rows: tuple[HelpRow, ...], letter: LetterModel, styles: dict[str, ParagraphStyle]
) -> list[Flowable]:
    return [
        KeepTogether([_plain(caption, styles["heading"]), _help_table(rows, letter, styles)]),
        Spacer(1, 4),
    ]


def story(letter: LetterModel) -> list[Flowable]:
    """The flowing content of the letter, after the first page's fixed blocks."""
    styles = _styles(letter.letterhead.colour)
    body, heading = styles["body"], styles["heading"]
    titles = letter.headings
    parts: list[Flowable] = [
        NextPageTemplate("later"),
        _plain(letter.onderwerp, styles["subject"]),
        _plain(letter.salutation, body),
        _plain(letter.decision_sentence, styles["sentence"]),
    ]
    parts += [_plain(p, body) for p in letter.reference_paragraphs]
    parts += [_plain(p, body) for p in letter.intro_paragraphs]
    if letter.old_help_rows:
        parts += _table_block(letter.old_help_caption, letter.old_help_rows, letter, styles)
    if letter.help_rows:
        parts += _table_block(letter.help_caption, letter.help_rows, letter, styles)
    if letter.afbouw_rows:
        parts += _table_block(letter.afbouw_caption, letter.afbouw_rows, letter, styles)
    parts.append(_plain(titles.why, heading))
    parts += [_plain(p, body) for p in letter.motivation_paragraphs]
    if letter.facts:
        parts.append(_plain(letter.facts_intro, body))
        parts.append(_bullets(letter.facts, styles["bullet"]))
    if letter.goals:
        parts.append(_plain(letter.goals_intro, body))
        parts.append(_bullets(letter.goals, styles["bullet"]))
    parts += [_labelled(label, text, body) for label, text in letter.reason_parts]
    if letter.weighing:
        parts.append(_labelled(letter.weighing_label, letter.weighing, body))
    parts += [_plain(p, body) for p in letter.rule_paragraphs]
    parts.append(_plain(titles.rules, heading))
    parts.append(_plain(letter.legal_basis, body))
    parts.append(_plain(titles.next_steps, heading))
    parts += [_plain(p, body) for p in letter.next_steps]
    bezwaar: list[Flowable] = [_plain(titles.bezwaar, heading)]
    bezwaar += [_plain(p, body) for p in letter.bezwaar_paragraphs]
    bezwaar.append(_bullets(letter.bezwaar_contents, styles["bullet"]))
    parts.append(KeepTogether(bezwaar))
    if letter.voorlopige_voorziening:
        parts.append(_plain(letter.voorlopige_voorziening, body))
    if letter.rights_paragraphs:
        parts.append(_plain(titles.rights, heading))
        parts += [_plain(p, body) for p in letter.rights_paragraphs]
    parts.append(_plain(titles.questions, heading))
    parts.append(_plain(letter.contact, body))
    parts.append(Spacer(1, 6))
    parts.append(
        KeepTogether(
            [
                _plain(letter.closing, body),
                _plain(letter.signatory.on_behalf, body),
                Spacer(1, 12 * mm),
                _Para(f"<b>{_escape(letter.signatory.name)}</b>", body),
                _plain(letter.signatory.function, body),
            ]
        )
    )
    return parts


def render_letter(letter: LetterModel) -> bytes:
    """The letter as PDF bytes (deterministic for the same model)."""
    install_caches()
    buffer = io.BytesIO()

    def first(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if letter.concept:
            _draw_watermark(canvas)
        _draw_first_page(canvas, letter)

    def later(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if letter.concept:
            _draw_watermark(canvas)
        _draw_later_page(canvas, letter)

    first_frame = _Frame(
        LEFT,
        BOTTOM,
        FRAME_WIDTH,
        PAGE_HEIGHT - BODY_TOP_FIRST - BOTTOM,
        id="first",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    later_frame = _Frame(
        LEFT,
        BOTTOM,
        FRAME_WIDTH,
        PAGE_HEIGHT - TOP_LATER - BOTTOM,
        id="later",
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        invariant=1,
        initialFontName=REGULAR,
        title=letter.title,
        author=letter.letterhead.municipality,
        subject=letter.subject,
        lang=letter.language,
        creator="Jeugdtoegang",
        producer="Jeugdtoegang",
        pageTemplates=[
            PageTemplate("first", [first_frame], onPage=first),
            PageTemplate("later", [later_frame], onPage=later),
        ],
    )
    doc.build(story(letter), canvasmaker=_canvas_class(letter))
    return buffer.getvalue()
