"""Lay a :class:`LetterModel` out as an A4 PDF with reportlab platypus.

- The fixed parts of the pages (letterhead, window-envelope address, reference block,
  "pagina x van y", the CONCEPT watermark) are drawn by ``letter_pages.py``; this module
  flows the text (subject, decision, help tables, motivation, bezwaar …) into the frames.
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
import io
from functools import cache
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
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

from jeugdtoegang.letters.letter_pages import (
    BODY_TOP_FIRST,
    BOTTOM,
    FRAME_WIDTH,
    GREY,
    LEFT,
    PAGE_HEIGHT,
    TOP_LATER,
    canvas_class,
    draw_first_page,
    draw_later_page,
    draw_watermark,
)
from jeugdtoegang.letters.model import HelpRow, LetterModel
from jeugdtoegang.letters.pdf_caches import _CachedFlate, install_caches  # noqa: F401 (tests)
from jeugdtoegang.letters.pdfa import add_pdfa_parts, xmp_metadata  # noqa: F401 (API)
from jeugdtoegang.pdf.fonts import BOLD, REGULAR, register_fonts

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
            draw_watermark(canvas)
        draw_first_page(canvas, letter)

    def later(canvas: Canvas, _doc: BaseDocTemplate) -> None:
        if letter.concept:
            draw_watermark(canvas)
        draw_later_page(canvas, letter)

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
    doc.build(story(letter), canvasmaker=canvas_class(letter))
    return buffer.getvalue()
