"""Small input widgets the plan editor shares: a typed date field and a text area."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPlainTextEdit, QWidget

from jeugdtoegang.domain.dutch import parse_short_date, short_date
from jeugdtoegang.domain.plans import PlanDocument
from jeugdtoegang.services.views import PersonView


class DateField(QLineEdit):
    """A date typed as dd-mm-jjjj; empty means "no date". Quicker than a calendar popup."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("dd-mm-jjjj")
        self.setMaximumWidth(120)
        self.textChanged.connect(self._mark)

    def value(self) -> date | None:
        return parse_short_date(self.text())

    def set_value(self, value: date | None) -> None:
        self.setText(short_date(value))

    def is_valid(self) -> bool:
        return not self.text().strip() or self.value() is not None

    def _mark(self) -> None:
        if self.is_valid():
            self.setStyleSheet("")
            self.setToolTip("")
        else:
            self.setStyleSheet("QLineEdit { background: #fde8e8; }")
            self.setToolTip("Geen geldige datum; schrijf de datum als dd-mm-jjjj.")


class TextArea(QPlainTextEdit):
    """Multi-line text where Tab moves on to the next field (keyboard use during a talk)."""

    def __init__(self, placeholder: str = "", lines: int = 3, parent: QWidget | None = None):
        super().__init__(parent)
        self.setTabChangesFocus(True)
        self.setPlaceholderText(placeholder)
        height = self.fontMetrics().lineSpacing() * lines + 12
        self.setMinimumHeight(height)
        self.setMaximumHeight(height + self.fontMetrics().lineSpacing() * 3)

    def text(self) -> str:
        return self.toPlainText()

    def set_text(self, text: str) -> None:
        if text != self.toPlainText():
            self.setPlainText(text)


@dataclass(frozen=True)
class EditorContext:
    """What the sections need to know about the household and the region."""

    members: tuple[PersonView, ...]
    life_domains: tuple[str, ...]
    today: date
    horizon_months: int
    familiegroepsplan_required: bool

    def names(self) -> dict[str, str]:
        return {str(m.id): m.name for m in self.members}

    def jeugdigen(self) -> tuple[PersonView, ...]:
        return tuple(m for m in self.members if m.role == "jeugdige")


class Section(QWidget):
    """A part of the plan editor: ``load`` a document, ``apply`` edits to a document."""

    changed = Signal()

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        raise NotImplementedError

    def apply(self, document: PlanDocument) -> PlanDocument:
        raise NotImplementedError

    def emit_changed(self, *_args: object) -> None:
        self.changed.emit()
