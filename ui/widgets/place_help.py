"""'Hulp inzetten': place help from a plan goal, step by step, with live findings.

Steps: jeugdige and goal(s) + segment → product → provider → term and volume (the
suggested end date filled in) → findings with a motivation field for every finding that
needs one → save as concept or submit. The checks are the core's (``check_proposal``);
this dialog only collects input and shows the result.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from PySide6.QtCore import Qt

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indication_policies import help_kind
from jeugdtoegang.domain.indication_rules import CheckResult, IndicationProposal, suggested_end
from jeugdtoegang.domain.indications import Frequency, Initiator, Perspective, Unit
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import indications as indication_service
from jeugdtoegang.services.indication_inputs import IndicationDraft
from jeugdtoegang.services.indication_views import IndicationView
from ui import dialogs
from ui.widgets.place_help_findings import result_text, show_findings, state_text, summary_text
from ui.widgets.place_help_pages import PlaceHelpPages
from ui.widgets.qt_dates import pydate, qdate

__all__ = ["STEPS", "PlaceHelpDialog", "pydate", "qdate"]

STEPS = (
    "Voor wie en waarvoor",
    "Product",
    "Aanbieder",
    "Termijn en omvang",
    "Controle en motivering",
)


class PlaceHelpDialog(PlaceHelpPages):
    """The stepped 'Hulp inzetten' flow; ``saved`` holds the stored indication.

    ``PlaceHelpDialog(ctx, household_id, goal_id=None, predecessor=None, parent=None)``:
    the pages are built by ``PlaceHelpPages.__init__``, which then opens the first step.
    """

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
        self.summary_label.setText(summary_text(result))
        self.result_label.setText(result_text(result))
        show_findings(self.findings_layout, result, self._motivations, self._motivation_changed)
        self.submit_button.setEnabled(result.ok)
        return result

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
        self.result_label.setText(f"<b>{state_text(result)}</b>")

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
