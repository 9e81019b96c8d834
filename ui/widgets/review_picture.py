"""The full picture of a queue item as rich text, and a letter preview that fits its width.

``picture_html`` turns a :class:`~jeugdtoegang.services.review_detail.ReviewDetail` into
HTML for a read-only text browser (every user text escaped). ``LetterPages`` shows the
rendered pages of a letter scaled to the available width, so a whole page is readable
at 1280×800.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.services.review_detail import HelpPicture, ReviewDetail

_COLOURS = {Severity.ERROR: "#a40000", Severity.APPROVAL: "#8a5300", Severity.WARNING: "#3a5a80"}


def _row(label: str, value: str) -> str:
    return (
        f"<tr><td style='padding-right:12px; color:#555'>{escape(label)}</td><td>{value}</td></tr>"
    )


def _help_html(picture: HelpPicture) -> str:
    age = f", {picture.age} jaar" if picture.age is not None else ""
    born = f" (geboren {short_date(picture.birth_date)})" if picture.birth_date else ""
    goals = (
        "<br>".join(f"• {escape(g)}" for g in picture.plan_goals)
        if picture.plan_goals
        else "<i>geen doel uit het plan gekoppeld</i>"
    )
    if picture.earlier:
        chain = "<br>".join(
            f"{short_date(e.start)} – {short_date(e.end)}: {escape(e.product)} bij "
            f"{escape(e.provider)}, {escape(e.amount)}"
            + (f" → na evaluatie: {escape(e.outcome)}" if e.outcome else "")
            for e in picture.earlier
        )
    else:
        chain = "geen (eerste inzet)"
    rows = [
        _row("Jeugdige", f"<b>{escape(picture.jeugdige)}</b>{age}{born}"),
        _row("Doel in het plan", goals),
        _row("Soort hulp", f"{escape(picture.segment)} · {escape(picture.perspective)}"),
        _row("Product", escape(picture.product)),
        _row("Aanbieder", escape(picture.provider)),
        _row("Looptijd", escape(picture.term_text)),
        _row("Eerdere hulp", chain),
        _row("Omvang", escape(picture.amount)),
        _row("Maximale kosten", f"<b>{escape(picture.max_cost_text)}</b>"),
    ]
    return "<table cellspacing='2'>" + "".join(rows) + "</table>"


def picture_html(detail: ReviewDetail) -> str:
    """The proposal, its findings with their motivation, and notes, as HTML."""
    parts: list[str] = []
    for picture in detail.help:
        parts.append(_help_html(picture))
    parts.append("<h4>Bevindingen en motivering</h4>")
    if detail.findings:
        items = []
        for f in detail.findings:
            motivation = (
                f"<br><span style='color:#333'>Motivering: {escape(f.motivation)}</span>"
                if f.motivation
                else ""
            )
            items.append(
                f"<li><span style='color:{_COLOURS[f.severity]}'><b>"
                f"{escape(f.severity_label)}</b></span>: {escape(f.message)}{motivation}</li>"
            )
        parts.append("<ul>" + "".join(items) + "</ul>")
    else:
        parts.append("<p>Geen bevindingen.</p>")
    if detail.motivation:
        parts.append(f"<h4>Motivering in de beschikking</h4><p>{escape(detail.motivation)}</p>")
    for note in detail.notes:
        parts.append(f"<p><i>{escape(note)}</i></p>")
    return "".join(parts)


class LetterPages(QScrollArea):
    """Rendered letter pages, scaled to the width of the view (whole page readable)."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "review_letter_preview",
        page_name: str = "review_letter_page",
    ) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._page_name = page_name
        self.setAccessibleName("Voorbeeld van de brief")
        self.setWidgetResizable(True)
        # a steady scroll bar: pages that appear or go never change the width they are
        # scaled to (no rescale loop), and the page never needs a horizontal scroll bar
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._built_width = 0
        self._images: list[QImage] = []
        self._holder = QWidget()
        self._layout = QVBoxLayout(self._holder)
        self._message = QLabel("Kies een item om de brief te zien.")
        self._message.setWordWrap(True)
        self._layout.addWidget(self._message)
        self._layout.addStretch(1)
        self.setWidget(self._holder)

    def show_message(self, text: str) -> None:
        self._images = []
        self._rebuild(text)

    def set_pages(self, images: list[QImage]) -> None:
        self._images = images
        self._rebuild(None)
        self.verticalScrollBar().setValue(0)

    def message(self) -> str:
        return self._message.text() if not self._images else ""

    def page_count(self) -> int:
        return len(self._images)

    def _rebuild(self, message: str | None) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget()
            if widget is not None:
                widget.hide()  # at once: a pending deleteLater would still be painted
                widget.deleteLater()
        if message is not None or not self._images:
            self._message = QLabel(message or "")
            self._message.setWordWrap(True)
            self._layout.addWidget(self._message)
        width = self._page_width()
        self._built_width = width
        for number, image in enumerate(self._images, start=1):
            label = QLabel()
            label.setObjectName(f"{self._page_name}_{number}")
            pixmap = QPixmap.fromImage(image).scaledToWidth(
                width, Qt.TransformationMode.SmoothTransformation
            )
            label.setPixmap(pixmap)
            label.setFixedSize(pixmap.size())  # the whole page, never squeezed
            label.setToolTip(f"Pagina {number} van {len(self._images)}")
            self._layout.addWidget(label)
        self._layout.addStretch(1)

    def _page_width(self) -> int:
        return max(200, self.viewport().width() - 24)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self._images and self._page_width() != self._built_width:
            self._rebuild(None)
