"""'Hulp inzetten': the dialog's five pages and its button row.

``PlaceHelpPages`` builds and names the widgets of every step (jeugdige, goals and
segment; product; provider; term and volume; findings) and keeps what only concerns one
page (the segment's note, the product list and note, the referral date). The flow itself
(moving between steps, reading the input, the live check, saving) is ``PlaceHelpDialog``'s,
which fills in the hooks at the end of this class.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.indication_rules import CheckResult
from jeugdtoegang.domain.indications import Frequency, Initiator, Perspective, Unit
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_views import IndicationView
from ui.widgets.provider_step import ProviderStep
from ui.widgets.qt_dates import qdate


class PlaceHelpPages(QDialog):
    """The widgets of the 'Hulp inzetten' steps, stacked in ``stack``, and the buttons."""

    def __init__(
        self,
        ctx: AppContext,
        household_id: uuid.UUID,
        goal_id: str | None = None,
        predecessor: IndicationView | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("place_help_dialog")
        self.setWindowTitle("Hulp inzetten")
        self.resize(760, 560)
        self.ctx = ctx
        self.household_id = household_id
        self.predecessor = predecessor
        self.saved: IndicationView | None = None
        self.result_check: CheckResult | None = None
        self._indication_id: uuid.UUID | None = None
        self._motivations: dict[str, QPlainTextEdit] = {}
        self._load_dossier()
        layout = QVBoxLayout(self)
        self.step_label = QLabel(objectName="step_label")
        font = self.step_label.font()
        font.setPointSizeF(font.pointSizeF() + 2)
        font.setBold(True)
        self.step_label.setFont(font)
        layout.addWidget(self.step_label)
        self.stack = QStackedWidget(objectName="steps")
        layout.addWidget(self.stack, 1)
        self.stack.addWidget(self._build_subject(goal_id))
        self.stack.addWidget(self._build_product())
        self.provider_step = ProviderStep(ctx)
        self.provider_step.changed.connect(self._refresh_summary)
        self.stack.addWidget(self.provider_step)
        self.stack.addWidget(self._build_term())
        self.stack.addWidget(self._build_findings())
        layout.addLayout(self._build_buttons())
        self._go(0)  # the first step (PlaceHelpDialog's navigation)

    # -- data ---------------------------------------------------------------------------------

    def _load_dossier(self) -> None:
        from jeugdtoegang.services.households import get_household

        self.household = get_household(self.ctx, self.household_id, purpose="hulp inzetten")
        self.goals: list[tuple[str, str]] = []
        try:
            from jeugdtoegang.services.plans import get_plan

            plan = get_plan(self.ctx, self.household_id)
            self.goals = [(g.id, f"{g.domain}: {g.description}") for g in plan.document.goals]
        except (ImportError, JeugdtoegangError):
            self.goals = []

    # -- pages --------------------------------------------------------------------------------

    def _build_subject(self, goal_id: str | None) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.person_combo = QComboBox(objectName="person_combo")
        for person in self.household.jeugdigen():
            self.person_combo.addItem(person.name, person.id)
        if self.predecessor is not None:
            self.person_combo.setCurrentIndex(
                max(self.person_combo.findData(self.predecessor.person_id), 0)
            )
        form.addRow("Jeugdige", self.person_combo)
        self.goal_list = QListWidget(objectName="goal_list")
        wanted = set(self.predecessor.goal_ids) if self.predecessor else {goal_id}
        for gid, text in self.goals:
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, gid)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if gid in wanted else Qt.CheckState.Unchecked)
            self.goal_list.addItem(item)
        if not self.goals:
            self.goal_list.addItem("Het perspectiefplan heeft nog geen doelen.")
        form.addRow("Voor de doelen", self.goal_list)
        self.segment_combo = QComboBox(objectName="segment_combo")
        for segment in self.ctx.profile.segments:
            self.segment_combo.addItem(segment.name, segment.id)
        start_segment = self.predecessor.segment if self.predecessor else "ambulant"
        self.segment_combo.setCurrentIndex(max(self.segment_combo.findData(start_segment), 0))
        form.addRow("Segment", self.segment_combo)
        self.segment_note = QLabel(objectName="segment_note")
        self.segment_note.setWordWrap(True)
        self.segment_combo.currentIndexChanged.connect(self._segment_changed)
        form.addRow("", self.segment_note)
        self.identity_edit = QLineEdit(objectName="identity_edit")
        self.identity_edit.setPlaceholderText(
            "Wens van het gezin, bijv. christelijk of islamitisch (leeg: geen wens)"
        )
        if self.predecessor is not None and self.predecessor.identity_wish:
            self.identity_edit.setText(self.predecessor.identity_wish)
        form.addRow("Wens identiteit", self.identity_edit)
        self._segment_changed()
        return page

    def _segment_changed(self) -> None:
        segment = self.ctx.profile.segment(self.segment_combo.currentData())
        self.segment_note.setText(
            segment.description
            + ("" if segment.needs_beschikking else " Vrij toegankelijk: geen beschikking nodig.")
        )

    def _build_product(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.product_list = QListWidget(objectName="product_list")
        self.product_list.currentItemChanged.connect(self._product_changed)
        layout.addWidget(self.product_list, 1)
        self.product_note = QLabel(objectName="product_note")
        self.product_note.setWordWrap(True)
        layout.addWidget(self.product_note)
        return page

    def _fill_products(self) -> None:
        current = self.product_code()
        self.product_list.clear()
        for product in self.ctx.profile.products_in(self.segment_combo.currentData()):
            group = " · groepsaanbod" if product.group else ""
            item = QListWidgetItem(
                f"{product.code}  {product.name} ({product.unit} {Frequency(product.default_frequency).label}){group}"
            )
            item.setData(Qt.ItemDataRole.UserRole, product.code)
            self.product_list.addItem(item)
        codes = [
            self.product_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.product_list.count())
        ]
        wanted = current or (self.predecessor.product_code if self.predecessor else None)
        self.product_list.setCurrentRow(codes.index(wanted) if wanted in codes else 0)

    def _product_changed(self, *_: Any) -> None:
        product = self.ctx.profile.product(self.product_code() or "")
        self.product_note.setText(product.description if product else "")

    def _build_term(self) -> QWidget:
        page = QWidget()
        form = QFormLayout(page)
        self.perspective_combo = QComboBox(objectName="perspective_combo")
        for perspective in Perspective:
            self.perspective_combo.addItem(perspective.label, perspective.value)
        form.addRow("Perspectief", self.perspective_combo)
        start = self.ctx.today() + timedelta(days=7)
        if self.predecessor is not None:
            start = max(self.predecessor.end + timedelta(days=1), self.ctx.today())
        self.start_edit = QDateEdit(qdate(start), objectName="start_edit")
        self.end_edit = QDateEdit(objectName="end_edit")
        for edit in (self.start_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
        form.addRow("Startdatum", self.start_edit)
        end_row = QHBoxLayout()
        end_row.addWidget(self.end_edit)
        self.suggest_button = QPushButton("Voorgestelde einddatum", objectName="suggest_button")
        self.suggest_button.clicked.connect(self.fill_suggested_end)
        end_row.addWidget(self.suggest_button)
        form.addRow("Einddatum", end_row)
        self.suggestion_label = QLabel(objectName="suggestion_label")
        form.addRow("", self.suggestion_label)
        self.volume_edit = QLineEdit("2", objectName="volume_edit")
        form.addRow("Omvang", self.volume_edit)
        self.unit_combo = QComboBox(objectName="unit_combo")
        for unit in Unit:
            self.unit_combo.addItem(unit.label, unit.value)
        form.addRow("Eenheid", self.unit_combo)
        self.frequency_combo = QComboBox(objectName="frequency_combo")
        for frequency in Frequency:
            self.frequency_combo.addItem(frequency.label, frequency.value)
        form.addRow("Frequentie", self.frequency_combo)
        self.initiator_combo = QComboBox(objectName="initiator_combo")
        for initiator in Initiator:
            self.initiator_combo.addItem(initiator.label, initiator.value)
        form.addRow("Verzoek door", self.initiator_combo)
        self.referral_edit = QDateEdit(qdate(self.ctx.today()), objectName="referral_edit")
        self.referral_edit.setCalendarPopup(True)
        self.referral_edit.setDisplayFormat("dd-MM-yyyy")
        form.addRow("Datum verwijzing", self.referral_edit)
        self.initiator_combo.currentIndexChanged.connect(self._initiator_changed)
        self.referral_edit.dateChanged.connect(self._refresh_summary)
        self._initiator_changed()
        self.summary_label = QLabel(objectName="summary_label")
        self.summary_label.setWordWrap(True)
        form.addRow("", self.summary_label)
        self.start_edit.dateChanged.connect(self._start_changed)
        self.perspective_combo.currentIndexChanged.connect(self._start_changed)
        for signal in (
            self.end_edit.dateChanged,
            self.volume_edit.textChanged,
            self.unit_combo.currentIndexChanged,
            self.frequency_combo.currentIndexChanged,
        ):
            signal.connect(self._refresh_summary)
        return page

    def _initiator_changed(self, *_: Any) -> None:
        initiator = Initiator(self.initiator_combo.currentData())
        self.referral_edit.setEnabled(initiator.needs_referral_date)
        self._refresh_summary()

    def _build_findings(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.result_label = QLabel(objectName="result_label")
        self.result_label.setWordWrap(True)
        layout.addWidget(self.result_label)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        self.findings_box = QWidget(objectName="findings_box")
        self.findings_layout = QVBoxLayout(self.findings_box)
        self.findings_layout.addStretch(1)
        scroll.setWidget(self.findings_box)
        layout.addWidget(scroll, 1)
        return page

    def _build_buttons(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.back_button = QPushButton("Vorige", objectName="back_button")
        self.next_button = QPushButton("Volgende", objectName="next_button")
        self.save_button = QPushButton("Opslaan als concept", objectName="save_button")
        self.submit_button = QPushButton("Indienen", objectName="submit_button")
        cancel = QPushButton("Annuleren", objectName="cancel_button")
        self.back_button.clicked.connect(lambda: self._go(self.stack.currentIndex() - 1))
        self.next_button.clicked.connect(lambda: self._go(self.stack.currentIndex() + 1))
        self.save_button.clicked.connect(lambda: self.save(submit=False))
        self.submit_button.clicked.connect(lambda: self.save(submit=True))
        cancel.clicked.connect(self.reject)
        cancel.setAutoDefault(False)  # Enter never throws the typed work away
        self.submit_button.setAutoDefault(False)  # submitting is a deliberate choice
        row.addWidget(cancel)
        row.addStretch(1)
        for button in (self.back_button, self.next_button, self.save_button, self.submit_button):
            row.addWidget(button)
        return row

    def product_code(self) -> str | None:
        item = self.product_list.currentItem() if hasattr(self, "product_list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    # -- what the flow adds (PlaceHelpDialog) -------------------------------------------------

    def _refresh_summary(self, *_: Any) -> None:
        """Re-check the proposal after a change on a page."""
        raise NotImplementedError

    def _start_changed(self, *_: Any) -> None:
        """The start date or perspective changed: suggest the end date again."""
        raise NotImplementedError

    def fill_suggested_end(self) -> None:
        """Set the end date to the suggested one."""
        raise NotImplementedError

    def _go(self, index: int) -> None:
        """Move to step ``index``."""
        raise NotImplementedError

    def save(self, submit: bool) -> IndicationView | None:
        """Save the proposal as a concept (and submit it)."""
        raise NotImplementedError
