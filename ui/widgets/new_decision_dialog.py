"""Dialog "Nieuwe beschikking": a draft decision for one jeugdige from its indications.

The consultant picks the jeugdige, the kind of decision, the help it is about (the
household's indications), the request it answers, and writes the structured motivation:
the facts (prefilled from the plan and the evaluation with "Uit het plan halen"), the
weighing (optionally from a standard text block) and the parts the type needs (reason and
named alternative of an afwijzing, the refused part, the evaluation result and legal
ground of a beëindiging, what changes, why an earlier decision is withdrawn). Only the
fields of the chosen type are shown. Field errors from the core are shown in the dialog;
nothing is saved until valid; parts still empty are listed and block approval.
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
    QFrame,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.decisions import AMBTSHALVE_TYPES, REFERRING_TYPES, DecisionType
from jeugdtoegang.domain.dutch import parse_short_date
from jeugdtoegang.domain.motivation import REQUIRED_PARTS, MotivationParts, ReasonCategory
from jeugdtoegang.errors import JeugdtoegangError, ValidationError
from jeugdtoegang.services import decisions, households, indications, requests
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_motivation import draft_motivation, letter_texts
from jeugdtoegang.services.decision_views import DecisionDetail
from jeugdtoegang.services.indication_views import IndicationView

FIELD_LABELS = {
    "person_id": "Jeugdige",
    "indication_ids": "Hulp",
    "request_date": "Aanvraagdatum",
    "request_text": "Gevraagd",
    "motivation": "Motivering",
    "corrects_decision_id": "Vervangt besluit",
}

#: structured parts shown as text boxes: (key, label, single line)
PART_FIELDS = (
    ("weighing", "Afweging:", False),
    ("alternative", "Wat wel kan (met naam):", True),
    ("refused_part", "Dit deel niet:", True),
    ("refused_reason", "Waarom dat deel niet:", False),
    ("evaluation_result", "Uitkomst evaluatie:", False),
    ("legal_ground", "Grond voor beëindigen:", False),
    ("change", "Wat verandert en waarom:", False),
    ("withdrawal_reason", "Waarom intrekken:", False),
    ("retroactive_reason", "Terugwerkende kracht, omdat:", False),
)


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
        self.resize(720, 660)

        detail = households.get_household(ctx, household_id, purpose=None)
        self._indications = indications.list_for_household(ctx, household_id)
        self.person_combo = QComboBox(objectName="decision_person")
        for person in detail.jeugdigen():
            self.person_combo.addItem(person.name, person.id)
        self.type_combo = QComboBox(objectName="decision_type")
        for kind in DecisionType:
            self.type_combo.addItem(kind.label, kind)
        self.help_list = QListWidget(objectName="decision_help")
        self.help_list.setMaximumHeight(120)
        self.request_date = QLineEdit(ctx.today().strftime("%d-%m-%Y"), objectName="request_date")
        self.request_date.setPlaceholderText("dd-mm-jjjj")
        self.request_text = QLineEdit(objectName="request_text")
        self.request_text.setPlaceholderText("bijv. hulp bij opvoeden thuis en op school")
        self.motivation = QPlainTextEdit(objectName="decision_motivation")
        self.motivation.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.motivation.setMinimumHeight(110)
        self.motivation.setPlaceholderText(
            "De feiten en de reden van het besluit, in gewone woorden (B1)."
        )
        self.fill_button = QPushButton("Uit het plan halen", objectName="fill_from_plan")
        self.fill_button.clicked.connect(self.fill_from_case)
        self.block_combo = QComboBox(objectName="decision_block")
        self.reason_combo = QComboBox(objectName="decision_reason")
        self.reason_combo.addItem("(kies een reden)", "")
        for category in ReasonCategory:
            self.reason_combo.addItem(category.label, category.value)
        self.parts: dict[str, QLineEdit | QPlainTextEdit] = {}
        for key, _label, single in PART_FIELDS:
            box: QLineEdit | QPlainTextEdit = QLineEdit() if single else QPlainTextEdit()
            if isinstance(box, QPlainTextEdit):
                box.setTabChangesFocus(True)  # Tab moves on (issue 16)
            box.setObjectName(f"part_{key}")
            if isinstance(box, QPlainTextEdit):
                box.setFixedHeight(72)
            self.parts[key] = box
        self.aanvraag_combo = QComboBox(objectName="decision_aanvraag")
        self._requests = [r for r in requests.list_requests(ctx, household_id, open_only=True)]
        self.previous_combo = QComboBox(objectName="decision_previous")
        self.effective_date = QLineEdit(objectName="decision_effective")
        self.effective_date.setPlaceholderText("dd-mm-jjjj")
        self.end_date = QLineEdit(objectName="decision_end")
        self.end_date.setPlaceholderText("dd-mm-jjjj")
        self.errors = QLabel(objectName="decision_errors")
        self.errors.setWordWrap(True)
        self.errors.setStyleSheet("color: #a4262c;")

        form = QFormLayout()
        self.form = form
        form.addRow("Jeugdige:", self.person_combo)
        form.addRow("Soort besluit:", self.type_combo)
        form.addRow("Vervangt besluit:", self.previous_combo)
        form.addRow("Aanvraag:", self.aanvraag_combo)
        form.addRow("Hulp in de brief:", self.help_list)
        form.addRow("Aanvraagdatum:", self.request_date)
        form.addRow("Gevraagd:", self.request_text)
        form.addRow("Geldt vanaf:", self.effective_date)
        form.addRow("Hulp stopt op:", self.end_date)
        form.addRow("Feiten (één per alinea):", self.motivation)
        form.addRow("", self.fill_button)
        form.addRow("Reden van afwijzing:", self.reason_combo)
        form.addRow("Standaardtekst:", self.block_combo)
        for key, label, _single in PART_FIELDS:
            form.addRow(label, self.parts[key])
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Concept maken")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuleren")
        buttons.accepted.connect(self.create_draft)
        buttons.rejected.connect(self.reject)
        # the form scrolls inside the dialog: the dialog fits on a 1280×800 screen (issue 16)
        holder = QWidget()
        holder.setLayout(form)
        scroll = QScrollArea(objectName="decision_form_scroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.errors)
        layout.addWidget(buttons)
        self.person_combo.currentIndexChanged.connect(self._fill_help)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.aanvraag_combo.currentIndexChanged.connect(self._type_changed)
        self.block_combo.activated.connect(self._use_block)
        self._fill_help()
        self._fill_previous()
        self._type_changed()

    def decision_type(self) -> DecisionType:
        return DecisionType(self.type_combo.currentData())

    def _type_changed(self) -> None:
        """Show only the fields the chosen type uses; offer its text blocks."""
        kind = self.decision_type()
        required = set(REQUIRED_PARTS[kind]) | {"retroactive_reason"}
        for key, _label, _single in PART_FIELDS:
            self.form.setRowVisible(self.parts[key], key in required)
        self.form.setRowVisible(self.reason_combo, kind is DecisionType.AFWIJZING)
        self.form.setRowVisible(self.previous_combo, kind in REFERRING_TYPES)
        self.form.setRowVisible(self.effective_date, kind is DecisionType.WIJZIGING)
        self.form.setRowVisible(self.end_date, kind is DecisionType.BEEINDIGING)
        ambtshalve = kind in AMBTSHALVE_TYPES
        linked = self.aanvraag_combo.currentData() is not None
        self.form.setRowVisible(self.aanvraag_combo, not ambtshalve or linked)
        self.form.setRowVisible(self.request_date, not ambtshalve and not linked)
        self.form.setRowVisible(self.request_text, not ambtshalve and not linked)
        self.block_combo.clear()
        self.block_combo.addItem("(geen)", "")
        for key, block in letter_texts(self.ctx).blocks.items():
            if kind in block.types:
                self.block_combo.addItem(block.label, key)

    def _use_block(self) -> None:
        key = self.block_combo.currentData()
        if key:
            self.fill_from_case(block=key)

    def _fill_previous(self) -> None:
        self.previous_combo.clear()
        self.previous_combo.addItem("(kies het eerdere besluit)", None)
        for row in decisions.list_decisions(self.ctx, self.household_id):
            if row.status.value != "concept":
                self.previous_combo.addItem(
                    f"{row.kenmerk} · {row.type_label} · {row.date:%d-%m-%Y} · {row.jeugdige}",
                    row.id,
                )

    def fill_from_case(self, *, block: str | None = None) -> None:
        """Prefill facts (plan, evaluation) and, with a text block, the weighing."""
        person_id = self.person_combo.currentData()
        if person_id is None:
            return
        try:
            draft = draft_motivation(
                self.ctx,
                self.household_id,
                person_id,
                self.decision_type(),
                self.chosen_indications(),
                block=block,
                reason_category=self.reason_combo.currentData() or "",
                alternative=self._text("alternative"),
                requested=self._requested_text(),
            )
        except JeugdtoegangError as error:
            self.errors.setText(error.message)
            return
        if draft.facts and not self.motivation.toPlainText().strip():
            self.motivation.setPlainText("\n\n".join(draft.facts))
        for key in ("weighing", "evaluation_result"):
            value = getattr(draft, key)
            if value and not self._text(key):
                self._set_text(key, value)
        if draft.reason_category:
            self.reason_combo.setCurrentIndex(self.reason_combo.findData(draft.reason_category))

    def _requested_text(self) -> str:
        """What was asked: the linked aanvraag's words, else the text field."""
        chosen = self.aanvraag_combo.currentData()
        for view in self._requests:
            if view.id == chosen:
                return view.requested
        return self.request_text.text()

    def _text(self, key: str) -> str:
        box = self.parts[key]
        return box.text() if isinstance(box, QLineEdit) else box.toPlainText()

    def _set_text(self, key: str, value: str) -> None:
        box = self.parts[key]
        if isinstance(box, QLineEdit):
            box.setText(value)
        else:
            box.setPlainText(value)

    def motivation_parts(self) -> MotivationParts:
        facts = tuple(p.strip() for p in self.motivation.toPlainText().split("\n\n") if p.strip())
        values = {key: self._text(key).strip() for key, _label, _single in PART_FIELDS}
        return MotivationParts(
            facts=facts, reason_category=self.reason_combo.currentData() or "", **values
        )

    def _fill_requests(self) -> None:
        self.aanvraag_combo.clear()
        self.aanvraag_combo.addItem("(geen geregistreerde aanvraag)", None)
        person_id = self.person_combo.currentData()
        for view in self._requests:
            if view.person_id == person_id:
                left = f"{view.days_left} dagen over" if view.days_left is not None else ""
                self.aanvraag_combo.addItem(
                    f"{view.received_on:%d-%m-%Y} · {view.requested} · {left}", view.id
                )
        if self.aanvraag_combo.count() > 1:
            self.aanvraag_combo.setCurrentIndex(1)

    def _fill_help(self) -> None:
        self._fill_requests()
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
        effective = (
            parse_short_date(self.effective_date.text()) if self.effective_date.text() else None
        )
        end = parse_short_date(self.end_date.text()) if self.end_date.text() else None
        try:
            self.created = decisions.create_decision(
                self.ctx,
                self.household_id,
                person_id,
                self.decision_type(),
                self.chosen_indications(),
                requested,
                self.request_text.text(),
                self.motivation.toPlainText(),
                parts=self.motivation_parts(),
                corrects_decision_id=self.previous_combo.currentData(),
                aanvraag_id=self.aanvraag_combo.currentData(),
                effective_date=effective,
                end_date=end,
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
