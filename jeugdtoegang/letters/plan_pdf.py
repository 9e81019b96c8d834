"""The perspectiefplan as a PDF for the family, in plain Dutch (B1, seed 003 §4.3).

The family owns the plan, so the document speaks to them ("u", "uw gezin") and shows
their own words per life domain, the goals, who does what, when we look back together,
the network, the 18+ perspective and the agreement. Fonts are embedded (JTSans); every
page says "pagina x van y".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.plans import GoalPerspective, PlanDocument, PlanStatus, RegiehouderKind
from jeugdtoegang.pdf.fonts import BOLD, ITALIC, register_fonts
from jeugdtoegang.pdf.paged_canvas import PagedCanvas

ACCENT = colors.HexColor("#1f5f8b")
LIGHT = colors.HexColor("#eef4f8")
GRID = colors.HexColor("#b8c7d3")

ROLE_NAMES = {"ouder": "ouder", "jeugdige": "kind", "netwerk": "netwerk"}
PERSPECTIVE_TEXT = {
    GoalPerspective.ONTWIKKELING: "Ontwikkelen: het gaat beter worden",
    GoalPerspective.STABILISATIE: "Stabiel houden: leren leven met",
}


@dataclass(frozen=True)
class PlanMemberLine:
    id: str
    name: str
    role: str
    birth_date: date | None = None


@dataclass(frozen=True)
class PlanPdfInput:
    household_name: str
    dossier_number: str
    members: tuple[PlanMemberLine, ...]
    document: PlanDocument
    status: PlanStatus
    version_no: int
    printed_on: date


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=11, leading=15.5, alignment=TA_LEFT)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=9.5, leading=13),
        "title": ParagraphStyle(
            "title", parent=base, fontName=BOLD, fontSize=20, leading=25, textColor=ACCENT
        ),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=BOLD,
            fontSize=14.5,
            leading=19,
            spaceBefore=12,
            spaceAfter=5,
            textColor=ACCENT,
            keepWithNext=1,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=16,
            spaceBefore=7,
            spaceAfter=2,
            keepWithNext=1,
        ),
        "label": ParagraphStyle("label", parent=base, fontName=BOLD, fontSize=10.5),
        "lead": ParagraphStyle("lead", parent=base, fontName=BOLD, fontSize=10.5, keepWithNext=1),
        "quote": ParagraphStyle("quote", parent=base, fontName=ITALIC, leftIndent=8, spaceAfter=4),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


class _NumberedCanvas(PagedCanvas):
    """The plan's pages, with "pagina x van y" in the footer."""

    footer_text = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # never the non-embedded Helvetica, not even as the unused initial font
        kwargs["initialFontName"] = kwargs.get("initialFontName") or register_fonts()
        super().__init__(*args, **kwargs)

    def draw_footer(self, total: int) -> None:
        self.saveState()
        self.setFont(register_fonts(), 8.5)
        self.setFillColor(colors.HexColor("#555555"))
        self.drawString(20 * mm, 12 * mm, self.footer_text)
        self.drawRightString(A4[0] - 20 * mm, 12 * mm, f"pagina {self._pageNumber} van {total}")
        self.restoreState()


def _grid(rows: list[list[Any]], widths: Sequence[float], header: bool = True) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), register_fonts()),  # not the default Helvetica
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("LEFTPADDING", (0, 0), (-1, -1), 5),
        ("RIGHTPADDING", (0, 0), (-1, -1), 5),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT))
    table.setStyle(TableStyle(style))
    return table


def _names(ids: Sequence[str], people: Mapping[str, PlanMemberLine]) -> str:
    names = [people[i].name for i in ids if i in people]
    return ", ".join(names) if names else "het hele gezin"


def _intro(data: PlanPdfInput, s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    doc = data.document
    regie = (
        "uw gezin zelf"
        if doc.regiehouder.kind is RegiehouderKind.GEZIN
        else ", ".join(p for p in (doc.regiehouder.name, doc.regiehouder.organisation) if p)
    )
    parts: list[Any] = [
        _p(f"Ons plan – {data.household_name}", s["title"]),
        Spacer(1, 4),
        _p(
            "Dit is het plan van uw gezin. U heeft het samen gemaakt met "
            f"{doc.consultant or 'uw consulent'}. In dit plan staat wat goed gaat, waar u zich "
            "zorgen over maakt, wat u wilt bereiken en wie wat doet. Het is úw plan: klopt er "
            "iets niet, zeg het dan.",
            s["body"],
        ),
        Spacer(1, 8),
    ]
    members = ", ".join(
        f"{m.name} ({ROLE_NAMES.get(m.role, m.role)})" for m in data.members if m.role != "netwerk"
    )
    status = (
        "vastgesteld" if data.status is PlanStatus.VASTGESTELD else "nog niet vastgesteld (concept)"
    )
    rows = [
        ["Gezin", members or data.household_name],
        ["Dossiernummer", data.dossier_number],
        ["Wie heeft de regie", regie],
        ["Uw consulent", doc.consultant],
        ["Plan gestart op", short_date(doc.start_date) or "nog niet ingevuld"],
        ["Versie", f"{data.version_no}, {status}"],
        ["Gemaakt op", short_date(data.printed_on)],
    ]
    table = _grid(
        [[_p(k, s["label"]), _p(v, s["body"])] for k, v in rows], (48 * mm, width - 48 * mm), False
    )
    table.setStyle(TableStyle([("BACKGROUND", (0, 0), (0, -1), LIGHT)]))
    parts.append(table)
    return parts


def _domains(data: PlanPdfInput, s: dict[str, ParagraphStyle]) -> list[Any]:
    filled = [d for d in data.document.domains if not d.is_empty]
    parts: list[Any] = [_p("Hoe gaat het nu? In uw eigen woorden", s["h1"])]
    if not filled:
        return [*parts, _p("Hier is nog niets over opgeschreven.", s["body"])]
    for situation in filled:
        block: list[Any] = [_p(situation.domain, s["h2"])]
        if situation.krachten.strip():
            block += [_p("Wat goed gaat:", s["lead"]), _p(situation.krachten, s["quote"])]
        if situation.zorgen.strip():
            block += [
                _p("Waar u zich zorgen over maakt:", s["lead"]),
                _p(situation.zorgen, s["quote"]),
            ]
        parts.append(KeepTogether(block))
    return parts


def _goals(
    data: PlanPdfInput,
    s: dict[str, ParagraphStyle],
    people: Mapping[str, PlanMemberLine],
    width: float,
) -> list[Any]:
    parts: list[Any] = [_p("Wat wilt u bereiken? En wie doet wat?", s["h1"])]
    if not data.document.goals:
        return [*parts, _p("Er zijn nog geen doelen opgeschreven.", s["body"])]
    for number, goal in enumerate(data.document.goals, start=1):
        facts = [
            ["Voor wie", _names(goal.member_ids, people)],
            ["Leefgebied", goal.domain or "-"],
            ["Soort doel", PERSPECTIVE_TEXT[goal.perspective]],
            ["Wanneer bereikt", short_date(goal.target_date) or "nog niet afgesproken"],
            ["Samen terugkijken op", short_date(goal.evaluation_date) or "nog niet afgesproken"],
            ["Hoe staat het ervoor", goal.status.label],
        ]
        if goal.evaluation_notes.strip():
            facts.append(["Wat we zagen", goal.evaluation_notes])
        block: list[Any] = [
            _p(f"Doel {number}: {goal.description or '(nog geen omschrijving)'}", s["h2"]),
            _grid(
                [[_p(k, s["label"]), _p(v, s["body"])] for k, v in facts],
                (44 * mm, width - 44 * mm),
                header=False,
            ),
            Spacer(1, 4),
        ]
        action_rows = [[_p("Wie", s["label"]), _p("Doet wat", s["label"])]]
        for action in goal.actions:
            action_rows.append(
                [_p(action.owner_text, s["body"]), _p(action.description, s["body"])]
            )
        if len(action_rows) == 1:
            action_rows.append([_p("-", s["body"]), _p("Nog niet afgesproken.", s["body"])])
        block.append(_grid(action_rows, (55 * mm, width - 55 * mm)))
        block.append(Spacer(1, 6))
        parts.append(KeepTogether(block))
    return parts


def _evaluations(data: PlanPdfInput, s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    moments: dict[date, list[int]] = {}
    for number, goal in enumerate(data.document.goals, start=1):
        if goal.evaluation_date:
            moments.setdefault(goal.evaluation_date, []).append(number)
    parts: list[Any] = [_p("Wanneer kijken we samen hoe het gaat?", s["h1"])]
    if not moments:
        return [*parts, _p("Daar zijn nog geen data voor afgesproken.", s["body"])]
    rows = [[_p("Datum", s["label"]), _p("Over", s["label"])]]
    for day in sorted(moments):
        goals = moments[day]
        about = ("doel " if len(goals) == 1 else "doelen ") + ", ".join(str(n) for n in goals)
        rows.append([_p(short_date(day), s["body"]), _p(about, s["body"])])
    return [*parts, _grid(rows, (40 * mm, width - 40 * mm))]


def _network(data: PlanPdfInput, s: dict[str, ParagraphStyle], width: float) -> list[Any]:
    network = data.document.network
    parts: list[Any] = [_p("Wie helpen er mee? Uw netwerk", s["h1"])]
    if network.named_members:
        rows = [[_p("Naam", s["label"]), _p("Wat doet deze persoon", s["label"])]]
        for member in network.named_members:
            rows.append([_p(member.name, s["body"]), _p(member.role or "-", s["body"])])
        parts.append(_grid(rows, (60 * mm, width - 60 * mm)))
    if network.no_network_reason.strip():
        parts += [
            _p("Waarom er (nu) geen netwerk meedoet:", s["lead"]),
            _p(network.no_network_reason, s["quote"]),
        ]
    if network.strengthening is not None:
        text = network.strengthening.kind.label
        if network.strengthening.description.strip():
            text += f": {network.strengthening.description.strip()}"
        parts += [_p("Wat we doen om uw netwerk groter te maken:", s["lead"]), _p(text, s["body"])]
    if len(parts) == 1:
        parts.append(_p("Hier is nog niets over opgeschreven.", s["body"]))
    return parts


def _perspectives(
    data: PlanPdfInput,
    s: dict[str, ParagraphStyle],
    people: Mapping[str, PlanMemberLine],
    width: float,
) -> list[Any]:
    items = [p for p in data.document.perspectives_18 if not p.is_empty]
    if not items:
        return []
    parts: list[Any] = [_p("Na de 18e verjaardag", s["h1"])]
    for perspective in items:
        person = people.get(perspective.person_id)
        name = person.name if person else "de jongere"
        zorg = perspective.zorg_na_18
        if perspective.care_laws:
            zorg = f"{zorg} ({', '.join(perspective.care_laws)})".strip()
        rows = [
            ["Wonen", perspective.wonen],
            ["School of werk", perspective.onderwijs_werk],
            ["Geld en inkomen", perspective.inkomen],
            ["Zorg en hulp na 18", zorg],
            ["Wie regelt dit", perspective.arranged_by],
        ]
        parts.append(
            KeepTogether(
                [
                    _p(f"Wat er geregeld wordt voor {name}", s["h2"]),
                    _grid(
                        [[_p(k, s["label"]), _p(v or "-", s["body"])] for k, v in rows],
                        (44 * mm, width - 44 * mm),
                        header=False,
                    ),
                ]
            )
        )
    return parts


def _agreement(
    data: PlanPdfInput, s: dict[str, ParagraphStyle], people: Mapping[str, PlanMemberLine]
) -> list[Any]:
    agreement = data.document.agreement
    parts: list[Any] = [_p("Akkoord", s["h1"])]
    if agreement.parents_agreed_on:
        parts.append(
            _p(
                f"De ouders zijn akkoord met dit plan sinds {short_date(agreement.parents_agreed_on)}.",
                s["body"],
            )
        )
    elif agreement.parents_view.strip():
        parts += [
            _p("Wat de ouders van het plan vinden:", s["lead"]),
            _p(agreement.parents_view, s["quote"]),
        ]
    else:
        parts.append(_p("De ouders hebben nog niet gezegd of zij akkoord zijn.", s["body"]))
    for youth in agreement.youth:
        person = people.get(youth.person_id)
        name = person.name if person else "De jongere"
        if youth.agreed_on:
            parts.append(_p(f"{name} is akkoord sinds {short_date(youth.agreed_on)}.", s["body"]))
        elif youth.view.strip():
            parts += [_p(f"Wat {name} van het plan vindt:", s["lead"]), _p(youth.view, s["quote"])]
    if data.document.familiegroepsplan.present:
        made = short_date(data.document.familiegroepsplan.made_on)
        parts.append(
            _p(
                f"Uw gezin heeft een familiegroepsplan gemaakt{' op ' + made if made else ''}.",
                s["body"],
            )
        )
    parts += [
        Spacer(1, 6),
        _p(
            "Wilt u iets veranderen aan dit plan? Bel of mail uw consulent. Samen passen we het "
            "plan aan.",
            s["body"],
        ),
    ]
    return parts


def render_plan_pdf(data: PlanPdfInput, target: Path | BinaryIO | None = None) -> bytes:
    """Write the plan PDF to ``target`` (a path or binary file) and return its bytes."""
    font = register_fonts()
    s = _styles(font)
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=22 * mm,
        title=f"Perspectiefplan {data.household_name}",
        author=data.document.consultant,
        subject="Perspectiefplan",
        initialFontName=font,
    )
    width = document.width
    people = {m.id: m for m in data.members}
    story: list[Any] = []
    story += _intro(data, s, width)
    story += _domains(data, s)
    story += _goals(data, s, people, width)
    story += _evaluations(data, s, width)
    story += _network(data, s, width)
    story += _perspectives(data, s, people, width)
    story += _agreement(data, s, people)

    status = "" if data.status is PlanStatus.VASTGESTELD else " – CONCEPT"
    footer = f"Perspectiefplan {data.household_name} – versie {data.version_no}{status}"

    class _Canvas(_NumberedCanvas):
        footer_text = footer

    document.build(story, canvasmaker=_Canvas)
    pdf = buffer.getvalue()
    if isinstance(target, Path):
        target.write_bytes(pdf)
    elif target is not None:
        target.write(pdf)
    return pdf
