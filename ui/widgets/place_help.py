"""'Hulp inzetten': place help from a plan goal, step by step, with live findings.

Steps: jeugdige and goal(s) + segment → product → provider → term and volume (the
suggested end date filled in) → findings with a motivation field for every finding that
needs one → save as concept or submit. The checks are the core's (``check_proposal``);
this dialog only collects input and shows the result.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
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

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_policies import help_kind
from jeugdtoegang.domain.indication_rules import CheckResult, IndicationProposal, suggested_end
from jeugdtoegang.domain.indications import Frequency, Initiator, Perspective, Unit
from jeugdtoegang.domain.providers import MaatwerkProvider
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import indications as indication_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_inputs import IndicationDraft
from jeugdtoegang.services.indication_views import IndicationView
from ui import dialogs
from ui.widgets.provider_picker import ProviderChoice, ProviderPicker

STEPS = (
    "Voor wie en waarvoor",
    "Product",
    "Aanbieder",
    "Termijn en omvang",
    "Controle en motivering",
)
SEVERITY_STYLE = {
    Severity.ERROR: ("Kan niet", "#c62828"),
    Severity.APPROVAL: ("Akkoord teamleider nodig", "#b26a00"),
    Severity.WARNING: ("Let op", "#37474f"),
}


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ProviderStep(QWidget):
    """The provider catalogue's picker (ranked eligible providers, free access, maatwerk).

    The selected eligible provider counts as the choice; 'Kiezen' or the picker's maatwerk
    dialog set it explicitly. A maatwerk motivation becomes the PROVIDER_NOT_ELIGIBLE one.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice: ProviderChoice | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.picker = ProviderPicker(ctx, self)
        self.picker.chosen.connect(self._chosen)
        self.picker.eligible_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._selected()
        )
        layout.addWidget(self.picker, 1)
        self.choice_label = QLabel(objectName="provider_choice_label")
        self.choice_label.setWordWrap(True)
        layout.addWidget(self.choice_label)
        self.family_choice = QCheckBox(
            "Het gezin heeft deze aanbieder zelf gekozen", objectName="family_choice_check"
        )
        layout.addWidget(self.family_choice)
        self.partner_edit = QLineEdit(objectName="partner_edit")
        self.partner_edit.setPlaceholderText(
            "Afspraak met de strategische partner (wie doet wat, wanneer)"
        )
        self.partner_edit.setVisible(ctx.profile.policies.strategic_partners)
        layout.addWidget(self.partner_edit)
        self.family_choice.toggled.connect(lambda *_: self.changed.emit())
        self.partner_edit.textChanged.connect(lambda *_: self.changed.emit())

    def load(
        self,
        segment: str,
        product_code: str,
        gemeente: str,
        wijk: str | None,
        start: date,
        identity: str | None = None,
    ) -> None:
        from jeugdtoegang.domain.providers import Need

        if self.choice is not None and self.choice.maatwerk is None:
            self.choice = None  # a new need: choose again (a maatwerk choice is kept)
        self.picker.load(
            Need(segment, product_code, gemeente, start, wijk or None, identity=identity or None)
        )
        self._selected()

    def _selected(self) -> None:
        if self.choice is not None and self.choice.maatwerk is not None:
            return
        row = self.picker.eligible.row_at(self.picker.eligible_view.currentIndex().row())
        self.choice = ProviderChoice(row.agb, row.naam, provider=row) if row else None
        self._show()

    def _chosen(self, choice: ProviderChoice) -> None:
        self.choice = choice
        self._show()

    def _show(self) -> None:
        if self.choice is None:
            text = "Nog geen aanbieder gekozen."
        elif self.choice.maatwerk is not None:
            text = f"Gekozen: {self.choice.naam} (maatwerk, nee tenzij)."
        else:
            text = f"Gekozen: {self.choice.naam} (AGB {self.choice.agb})."
        self.choice_label.setText(text)
        self.changed.emit()

    def agb(self) -> str | None:
        if self.choice is None or self.choice.maatwerk is not None:
            return None
        return self.choice.agb

    def tariff(self) -> Decimal | None:
        if self.choice is None or self.choice.provider is None:
            return None
        return self.choice.provider.tariff

    def maatwerk(self) -> MaatwerkProvider | None:
        return self.choice.maatwerk if self.choice is not None else None

    def motivation(self) -> str | None:
        return self.choice.motivation if self.choice is not None else None


class PlaceHelpDialog(QDialog):
    """The stepped 'Hulp inzetten' flow; ``saved`` holds the stored indication."""

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
        self._go(0)

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

    # -- navigation ---------------------------------------------------------------------------

    def _go(self, index: int) -> None:
        index = max(0, min(index, len(STEPS) - 1))
        leaving = self.stack.currentIndex()
        if index > leaving:
            if leaving == 0 and index >= 1:
                self._fill_products()
            if index >= 2 and leaving <= 1:
                self._product_defaults()
                self.provider_step.load(
                    self.segment_combo.currentData(),
                    self.product_code() or "",
                    self.household.gemeente,
                    self.household.wijk,
                    pydate(self.start_edit.date()),
                    self.identity_wish(),
                )
        self.stack.setCurrentIndex(index)
        self.step_label.setText(f"Stap {index + 1} van {len(STEPS)}: {STEPS[index]}")
        self.back_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < len(STEPS) - 1)
        last = index == len(STEPS) - 1
        self.save_button.setVisible(last)
        self.submit_button.setVisible(last)
        # Enter goes on to the next step; at the end it saves a concept (the safe choice)
        (self.save_button if last else self.next_button).setDefault(True)
        if index >= 3:
            self.refresh_findings()

    def go_to(self, index: int) -> None:
        """Move to a step, as the Volgende/Vorige buttons do (for tests and shortcuts)."""
        while self.stack.currentIndex() < index:
            self._go(self.stack.currentIndex() + 1)
        if self.stack.currentIndex() > index:
            self._go(index)

    def _product_defaults(self) -> None:
        product = self.ctx.profile.product(self.product_code() or "")
        if product is None:
            return
        self.unit_combo.setCurrentIndex(self.unit_combo.findData(product.unit))
        self.frequency_combo.setCurrentIndex(
            self.frequency_combo.findData(product.default_frequency)
        )
        perspective = (
            self.predecessor.perspective.value if self.predecessor else product.perspective
        )
        if perspective in ("ontwikkeling", "stabilisatie"):
            self.perspective_combo.setCurrentIndex(self.perspective_combo.findData(perspective))
        if self.predecessor is not None:
            self.volume_edit.setText(f"{self.predecessor.volume.normalize():f}")
        self.fill_suggested_end()

    def _start_changed(self, *_: Any) -> None:
        self.fill_suggested_end()

    def fill_suggested_end(self) -> None:
        end = self.suggested_end()
        if end is not None:
            self.end_edit.setDate(qdate(end))
            rules = self.ctx.profile.term_rules
            kind = help_kind(self.ctx.profile, self.product_code() or "", self.perspective())
            span = (
                f"{rules.crisis_max_weeks} weken"
                if kind == "crisis"
                else f"{rules.placement_max_months} maanden"
                if kind == "plaatsing"
                else f"{rules.development_max_months} maanden"
                if self.perspective() is Perspective.ONTWIKKELING
                else f"{rules.stabilising_max_months} maanden"
            )
            self.suggestion_label.setText(
                f"Voorgesteld: tot en met {short_date(end)} ({span}, het maximum zonder akkoord "
                f"voor {self.perspective().label.lower()}). Zet deze hulp eerdere hulp voort, "
                "dan telt de termijn vanaf de start daarvan."
            )
        self._refresh_summary()

    # -- reading the input --------------------------------------------------------------------

    def suggested_end(self) -> date | None:
        return suggested_end(
            self.ctx.profile,
            self.perspective(),
            pydate(self.start_edit.date()),
            self.product_code(),
        )

    def identity_wish(self) -> str | None:
        return self.identity_edit.text().strip() or None

    def referral_date(self) -> date | None:
        if not Initiator(self.initiator_combo.currentData()).needs_referral_date:
            return None
        return pydate(self.referral_edit.date())

    def perspective(self) -> Perspective:
        return Perspective(self.perspective_combo.currentData())

    def product_code(self) -> str | None:
        item = self.product_list.currentItem() if hasattr(self, "product_list") else None
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None

    def volume(self) -> Decimal | None:
        try:
            value = Decimal(self.volume_edit.text().strip().replace(",", "."))
        except InvalidOperation:
            return None
        return value if value.is_finite() else None

    def goal_ids(self) -> tuple[str, ...]:
        ids = []
        for index in range(self.goal_list.count()):
            item = self.goal_list.item(index)
            if item.data(Qt.ItemDataRole.UserRole) and item.checkState() == Qt.CheckState.Checked:
                ids.append(item.data(Qt.ItemDataRole.UserRole))
        return tuple(ids)

    def motivations(self) -> dict[str, str]:
        return {
            code: edit.toPlainText().strip()
            for code, edit in self._motivations.items()
            if edit.toPlainText().strip()
        }

    def draft(self) -> IndicationDraft | None:
        volume = self.volume()
        code = self.product_code()
        if volume is None or code is None:
            return None
        maatwerk = self.provider_step.maatwerk()
        motivations = self.motivations()
        if maatwerk is not None and self.provider_step.motivation():
            motivations.setdefault("PROVIDER_NOT_ELIGIBLE", self.provider_step.motivation() or "")
        proposal = IndicationProposal(
            segment=self.segment_combo.currentData(),
            product_code=code,
            perspective=self.perspective(),
            start=pydate(self.start_edit.date()),
            end=pydate(self.end_edit.date()),
            volume=volume,
            unit=Unit(self.unit_combo.currentData()),
            frequency=Frequency(self.frequency_combo.currentData()),
            initiator=Initiator(self.initiator_combo.currentData()),
            provider_agb=self.provider_step.agb(),
            maatwerk_name=maatwerk.naam if maatwerk is not None else None,
            tariff=self.provider_step.tariff(),
            motivations=motivations,
            own_id=self._indication_id,
            referral_date=self.referral_date(),
            identity_wish=self.identity_wish(),
            chosen_by_family=self.provider_step.family_choice.isChecked(),
            partner_agreement=self.provider_step.partner_edit.text().strip() or None,
        )
        agb = maatwerk.agb if maatwerk is not None else None
        return IndicationDraft(
            proposal=proposal,
            person_id=self.person_combo.currentData(),
            household_id=self.household_id,
            goal_ids=self.goal_ids(),
            predecessor_id=self.predecessor.id if self.predecessor else None,
            extra={"maatwerk_agb": agb} if agb else {},
        )

    # -- live findings ------------------------------------------------------------------------

    def _refresh_summary(self, *_: Any) -> None:
        if not hasattr(self, "summary_label"):
            return
        if self.stack.currentIndex() >= 3:
            self.refresh_findings()

    def refresh_findings(self) -> CheckResult | None:
        draft = self.draft()
        if draft is None:
            self.summary_label.setText("Vul een geldige omvang in (een getal, bijv. 2 of 1,5).")
            self.result_check = None
            return None
        try:
            result = indication_service.check_proposal(self.ctx, draft)
        except JeugdtoegangError as error:
            self.summary_label.setText(error.message)
            self.result_check = None
            return None
        self.result_check = result
        cost = (
            f"Maximale kosten: {money(result.max_kosten)}. "
            if result.max_kosten is not None
            else ""
        )
        state = (
            "Kan nog niet worden ingediend."
            if not result.ok
            else "Akkoord van de teamleider nodig."
            if result.approval_required
            else "In orde."
        )
        lines = [f"{cost}{state}"] + [
            f"• {SEVERITY_STYLE[f.severity][0]}: {f.message}" for f in result.findings
        ]
        self.summary_label.setText("\n".join(lines))
        self.result_label.setText(
            f"<b>{state}</b> {cost}"
            + (
                "Schrijf bij elke bevinding die akkoord vraagt een motivering."
                if any(f.code in self._approval_codes(result) for f in result.findings)
                else ""
            )
        )
        self._show_findings(result)
        self.submit_button.setEnabled(result.ok)
        return result

    @staticmethod
    def _approval_codes(result: CheckResult) -> set[str]:
        # an approval finding without motivation comes back as an error with this suffix
        return {
            f.code
            for f in result.findings
            if f.severity is Severity.APPROVAL
            or (f.severity is Severity.ERROR and "motivering" in f.message.lower())
        }

    def _show_findings(self, result: CheckResult) -> None:
        needed = self._approval_codes(result)
        keep = set(self._motivations.values())
        while self.findings_layout.count() > 1:
            widget = self.findings_layout.takeAt(0).widget()
            if widget is None:
                continue
            widget.hide()
            if widget not in keep:
                widget.setParent(None)
                widget.deleteLater()
        position = 0
        if not result.findings:
            ok = QLabel("Geen bevindingen: dit voorstel past binnen de regels van de regio.")
            ok.setObjectName("no_findings_label")
            self.findings_layout.insertWidget(position, ok)
            return
        for finding in result.findings:
            label_text, colour = SEVERITY_STYLE[finding.severity]
            if finding.severity is Severity.ERROR and finding.code in needed:
                label_text, colour = "Motivering nodig, daarna akkoord teamleider", "#b26a00"
            label = QLabel(
                f"<span style='color:{colour}'><b>{label_text}</b></span> "
                f"<small>({finding.code})</small><br>{finding.message}"
            )
            label.setObjectName(f"finding_{finding.code}")
            label.setWordWrap(True)
            self.findings_layout.insertWidget(position, label)
            position += 1
            if finding.code in needed:
                edit = self._motivations.get(finding.code)
                if edit is None:
                    edit = QPlainTextEdit(objectName=f"motivation_{finding.code}")
                    edit.setTabChangesFocus(True)  # Tab moves on (issue 16)
                    edit.setPlaceholderText("Motivering (waarom is dit hier nodig?)")
                    edit.setFixedHeight(60)
                    edit.textChanged.connect(self._motivation_changed)
                    self._motivations[finding.code] = edit
                self.findings_layout.insertWidget(position, edit)
                edit.show()
                position += 1

    def _motivation_changed(self) -> None:
        draft = self.draft()
        if draft is None:
            return
        try:
            result = indication_service.check_proposal(self.ctx, draft)
        except JeugdtoegangError:
            return
        self.result_check = result
        self.submit_button.setEnabled(result.ok)
        state = (
            "Kan nog niet worden ingediend."
            if not result.ok
            else "Akkoord van de teamleider nodig."
            if result.approval_required
            else "In orde."
        )
        self.result_label.setText(f"<b>{state}</b>")

    # -- saving -------------------------------------------------------------------------------

    def save(self, submit: bool) -> IndicationView | None:
        draft = self.draft()
        if draft is None:
            dialogs.show_error(self, "Vul een geldige omvang in (een getal, bijv. 2 of 1,5).")
            return None
        try:
            view = indication_service.save_concept(self.ctx, draft, self._indication_id)
            self._indication_id = view.id
            if submit:
                view = indication_service.submit_indication(self.ctx, view.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            self.refresh_findings()
            return None
        self.saved = view
        self.accept()
        return view
