"""The readable PDF of an inzage export (embedded JTSans fonts, A4)."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from jeugdtoegang.domain.field_labels import field_label
from jeugdtoegang.pdf.fonts import BOLD, register_fonts
from jeugdtoegang.services.inzage import TABLE_LABELS, InzageReport

_HIDDEN = {"id", "household_id", "person_id", "gemeente_code", "ended_on"}


def _styles() -> dict[str, ParagraphStyle]:
    font = register_fonts()
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=12.5)
    return {
        "base": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=16, leading=20),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=12,
            leading=15,
            spaceBefore=10,
            spaceAfter=4,
        ),
    }


def _value(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, (dict, list)):
        text = ", ".join(f"{k}: {v}" for k, v in value.items()) if isinstance(value, dict) else (
            ", ".join(str(v) for v in value)
        )  # fmt: skip
        return text[:600] + ("…" if len(text) > 600 else "")
    text = str(value)
    if len(text) >= 19 and text[4] == "-" and "T" in text[:11]:
        try:
            return datetime.fromisoformat(text).strftime("%d-%m-%Y %H:%M")
        except ValueError:
            return text
    return text


def _fields_table(data: dict[str, Any], styles: dict[str, ParagraphStyle]) -> Table:
    rows = [
        [Paragraph(escape(field_label(k)), styles["small"]),
         Paragraph(escape(_value(v)), styles["small"])]
        for k, v in data.items()
        if k not in _HIDDEN
    ]  # fmt: skip
    table = Table(rows or [["–", ""]], colWidths=(45 * mm, 125 * mm))
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
                ("TEXTCOLOR", (0, 0), (0, -1), colors.HexColor("#444444")),
            ]
        )
    )
    return table


def render_inzage_pdf(report: InzageReport, profile: Any = None) -> bytes:
    """The report as a PDF (A4): person, dossier, records, and the log of every access."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm,
        bottomMargin=18 * mm, title="Inzage persoonsgegevens", author="Jeugdtoegang",
    )  # fmt: skip
    story: list[Any] = [
        Paragraph("Inzage in persoonsgegevens", styles["title"]),
        Paragraph("Overzicht op grond van artikel 15 AVG", styles["base"]),
        Spacer(1, 4 * mm),
        Paragraph(
            f"Betrokkene: <b>{escape(report.person_name)}</b><br/>"
            f"Gemaakt op {report.made_at.strftime('%d-%m-%Y %H:%M')} (UTC) door "
            f"{escape(report.made_by)}<br/>"
            f"Bewaartermijn van het jeugddossier: {report.retention_years} jaar "
            "(Jeugdwet art. 7.3.8).",
            styles["base"],
        ),
        Paragraph("Persoonsgegevens", styles["h2"]),
        _fields_table(report.person, styles),
        Paragraph("Huishouden (dossier)", styles["h2"]),
        _fields_table(report.household, styles),
    ]
    for table_name, rows in report.records.items():
        label = TABLE_LABELS.get(table_name, table_name.replace("_", " ").capitalize())
        story.append(Paragraph(f"{escape(label)} ({len(rows)})", styles["h2"]))
        for row in rows:
            story.append(_fields_table(row, styles))
            story.append(Spacer(1, 2 * mm))
    story.append(
        Paragraph(
            f"Eerdere versies van de persoonsgegevens ({len(report.person_versions)})", styles["h2"]
        )
    )
    for version in report.person_versions:
        story.append(
            Paragraph(
                f"Versie {version['versie']} ({escape(version['bewerking'])}) op "
                f"{escape(_value(version['op']))} door {escape(version['door'])}",
                styles["small"],
            )
        )
    story.append(
        Paragraph(f"Logboek: wie heeft de gegevens verwerkt ({len(report.log)})", styles["h2"])
    )
    header = ["Nr.", "Datum en tijd", "Gebruiker", "Rol", "Handeling", "Doel", "Resultaat"]
    log_rows: list[list[Any]] = [[Paragraph(f"<b>{h}</b>", styles["small"]) for h in header]]
    for entry in report.log:
        log_rows.append(
            [
                Paragraph(str(entry.seq), styles["small"]),
                Paragraph(entry.at.strftime("%d-%m-%Y %H:%M"), styles["small"]),
                Paragraph(escape(entry.by), styles["small"]),
                Paragraph(escape(entry.role or "–"), styles["small"]),
                Paragraph(escape(entry.action_text), styles["small"]),
                Paragraph(escape(entry.purpose or "–"), styles["small"]),
                Paragraph(escape(entry.outcome_text), styles["small"]),
            ]
        )
    log_table = Table(
        log_rows,
        colWidths=(11 * mm, 27 * mm, 22 * mm, 20 * mm, 34 * mm, 40 * mm, 16 * mm),
        repeatRows=1,
    )
    log_table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
            ]
        )
    )
    story.append(log_table)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(styles["small"].fontName, 7.5)
        canvas.drawString(20 * mm, 10 * mm, "Inzage persoonsgegevens – vertrouwelijk")
        canvas.drawRightString(190 * mm, 10 * mm, f"Pagina {doc.page}")
        canvas.restoreState()

    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
