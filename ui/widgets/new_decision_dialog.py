"""Dialog "Nieuwe beschikking": a draft decision for one jeugdige from its indications.

The consultant picks the jeugdige, the kind of decision, the help it is about (the
household's indications), the request it answers, and writes the motivation. Field errors
from the core (``ValidationError``) are shown in the dialog; nothing is saved until valid.
"""

from __future__ import annotations

import uuid
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.domain.dutch import parse_short_date
from jeugdtoegang.errors import JeugdtoegangError, ValidationError
from jeugdtoegang.services import decisions, households, indications
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_views import DecisionDetail
from jeugdtoegang.services.indication_views import IndicationView

FIELD_LABELS = {
    "person_id": "Jeugdige",
    "indication_ids": "Hulp",
    "request_date": "Aanvraagdatum",
    "request_text": "Gevraagd",
    "motivation": "Motivering",
}


def _help_line(view: IndicationView) -> str:
    provider = view.provider_name or view.maatwerk_name or "aanbieder onbekend"
    return (
        f"{view.product_name} · {provider} · {view.start:%d-%m-%Y} t/m {view.end:%d-%m-%Y}"
        f" · {view.status.label if hasattr(view.status, 'label') else view.status}"
    )


class NewDecisionDialog(QDialog):
    """Collects a new draft decision and creates it through the decisions service."""

    def __init__(self, ctx: AppContext, household_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.household_id = household_id
        self.created: DecisionDetail | None = None
        self.setWindowTitle("Nieuwe beschikking")
        self.setObjectName("new_decision_dialog")
        self.resize(640, 560)

        detail = households.get_household(ctx, household_id, purpose=None)
        self._indications = indications.list_for_household(ctx, household_id)
        self.person_combo = QComboBox(objectName="decision_person")
        for person in detail.jeugdigen():
            self.person_combo.addItem(person.name, person.id)
        self.type_combo = QComboBox(objectName="decision_type")
        for kind in DecisionType:
            self.type_combo.addItem(kind.label, kind)
        self.help_list = QListWidget(objectName="decision_help")
        self.request_date = QLineEdit(ctx.today().strftime("%d-%m-%Y"), objectName="request_date")
        self.request_date.setPlaceholderText("dd-mm-jjjj")
        self.request_text = QLineEdit(objectName="request_text")
        self.request_text.setPlaceholderText("bijv. hulp bij opvoeden thuis en op school")
        self.motivation = QPlainTextEdit(objectName="decision_motivation")
        self.motivation.setPlaceholderText(
            "De feiten en de reden van het besluit, in gewone woorden (B1)."
        )
        self.errors = QLabel(objectName="decision_errors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #a4262c;")

        form = QFormLayout()
        form.addRow("Jeugdige:", self.person_combo)
        form.addRow("Soort besluit:", self.type_combo)
        form.addRow("Hulp in de brief:", self.help_list)
        form.addRow("Aanvraagdatum:", self.request_date)
        form.addRow("Gevraagd:", self.request_text)
        form.addRow("Motivering:", self.motivation)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Concept maken")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuleren")
        buttons.accepted.connect(self.create_draft)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.person_combo.currentIndexChanged.connect(self._fill_help)
        self._fill_help()

    def _fill_help(self) -> None:
        self.help_list.clear()
        person_id = self.person_combo.currentData()
        for view in self._indications:
            if view.person_id != person_id:
                continue
            item = QListWidgetItem(_help_line(view))
            item.setData(Qt.ItemDataRole.UserRole, view.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.help_list.addItem(item)
        if self.help_list.count() == 0:
            self.help_list.addItem("Deze jeugdige heeft nog geen hulp (indicaties).")

    def chosen_indications(self) -> list[uuid.UUID]:
        chosen = []
        for row in range(self.help_list.count()):
            item = self.help_list.item(row)
            value = item.data(Qt.ItemDataRole.UserRole)
            if value is not None and item.checkState() == Qt.CheckState.Checked:
                chosen.append(value)
        return chosen

    def _request_date(self) -> date | None:
        return parse_short_date(self.request_date.text())

    def create_draft(self) -> None:
        person_id = self.person_combo.currentData()
        requested = self._request_date()
        if person_id is None:
            self.errors.setText("Dit gezin heeft geen jeugdige.")
            return
        if requested is None:
            self.errors.setText("Aanvraagdatum: schrijf de datum als dd-mm-jjjj.")
            return
        try:
            self.created = decisions.create_decision(
                self.ctx,
                self.household_id,
                person_id,
                DecisionType(self.type_combo.currentData()),
                self.chosen_indications(),
                requested,
                self.request_text.text(),
                self.motivation.toPlainText(),
            )
        except ValidationError as error:
            self.errors.setText(
                "\n".join(
                    f"{FIELD_LABELS.get(e.field, e.field)}: {e.message}" for e in error.errors
                )
            )
            return
        except JeugdtoegangError as error:
            self.errors.setText(error.message)
            return
        self.accept()
