"""The 'Hulp inzetten' flow, the evaluation dialog, the Hulp tab and the Signalen area."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services import indications as svc
from tests.gui.conftest import FakeShell, save_shot
from tests.indication_helpers import add_plan, add_provider, draft, make_family
from ui.widgets.evaluation_dialog import EvaluationDialog
from ui.widgets.place_help import PlaceHelpDialog, qdate


@pytest.fixture
def family(ctx):
    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    return household_id, person_id, goals


def _walk_to_term(qtbot, dialog):
    assert dialog.step_label.text() == "Stap 1 van 5: Voor wie en waarvoor"
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    codes = [dialog.product_list.item(i).text()[:5] for i in range(dialog.product_list.count())]
    assert "45Z01" in codes
    dialog.product_list.setCurrentRow(codes.index("45Z01"))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    picker = dialog.provider_step.picker
    assert picker.eligible.row_at(0).naam == "Zorg Zeist BV"
    assert "Gekozen: Zorg Zeist BV" in dialog.provider_step.choice_label.text()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.step_label.text() == "Stap 4 van 5: Termijn en omvang"


def test_placing_help_from_a_goal_suggests_the_end_date_and_saves_a_concept(
    qtbot, ctx, family, shown
):
    household_id, _person_id, goals = family
    dialog = PlaceHelpDialog(ctx, household_id, goals[0])
    qtbot.addWidget(dialog)
    checked = [dialog.goal_list.item(i).checkState() for i in range(dialog.goal_list.count())]
    assert checked == [Qt.CheckState.Checked, Qt.CheckState.Unchecked]
    _walk_to_term(qtbot, dialog)
    assert dialog.end_edit.date() == qdate(date(2027, 8, 29))  # 30-11-2026 + 9 months − 1 day
    assert "Voorgesteld: tot en met 29-08-2027 (9 maanden" in dialog.suggestion_label.text()
    assert "Maximale kosten: € 6.240,00" in dialog.summary_label.text()
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.findChild(object, "no_findings_label") is not None
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None
    assert dialog.saved.status is IndicationStatus.CONCEPT
    assert dialog.saved.goal_ids == (goals[0],)
    assert shown.errors == []


def test_a_longer_term_asks_for_a_motivation_before_it_can_be_submitted(qtbot, ctx, family, shown):
    household_id, _, goals = family
    dialog = PlaceHelpDialog(ctx, household_id, goals[0])
    qtbot.addWidget(dialog)
    _walk_to_term(qtbot, dialog)
    dialog.end_edit.setDate(qdate(date(2027, 11, 30)))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    finding = dialog.findChild(object, "finding_TERM_DEVELOPMENT_EXCEEDED")
    assert finding is not None and "hoogstens 9 maanden" in finding.text()
    assert not dialog.submit_button.isEnabled()
    motivation = dialog.findChild(object, "motivation_TERM_DEVELOPMENT_EXCEEDED")
    qtbot.keyClicks(motivation, "Behandeling duurt volgens de GGZ 12 maanden")
    assert dialog.submit_button.isEnabled()
    assert "Akkoord van de teamleider nodig" in dialog.result_label.text()
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.status is IndicationStatus.INGEDIEND
    assert dialog.saved.motivations == {
        "TERM_DEVELOPMENT_EXCEEDED": "Behandeling duurt volgens de GGZ 12 maanden"
    }


def _issued(ctx, lead_ctx, person_id, goals):
    view = svc.save_concept(ctx, draft(person_id, goals))
    svc.submit_indication(ctx, view.id)
    return svc.issue_indication(ctx, view.id)


def test_the_evaluation_dialog_records_progress_per_goal_and_suggests_phase_out(
    qtbot, ctx, lead_ctx, family, shown
):
    _household_id, person_id, goals = family
    issued = _issued(ctx, lead_ctx, person_id, goals)
    dialog = EvaluationDialog(ctx, issued, [(goals[0], "Naar school"), (goals[1], "Vriend")])
    qtbot.addWidget(dialog)
    for combo in dialog.progress_combos.values():
        combo.setCurrentIndex(combo.findData("nee"))
    assert dialog.decision_combo.currentData() == "afbouwen"
    assert "Geen vooruitgang" in dialog.advice_label.text()
    qtbot.keyClicks(dialog.notes_edit, "Geen verbetering na 9 maanden")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.progress.value == "nee"
    assert svc.get_indication(ctx, issued.id).evaluation is not None


def test_continuing_tenzij_without_a_motivation_shows_a_dutch_error(
    qtbot, ctx, lead_ctx, family, shown
):
    _household_id, person_id, goals = family
    issued = _issued(ctx, lead_ctx, person_id, goals)
    dialog = EvaluationDialog(ctx, issued, [(goals[0], "Naar school")])
    qtbot.addWidget(dialog)
    dialog.decision_combo.setCurrentIndex(dialog.decision_combo.findData("voortzetten_tenzij"))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is None
    assert "motivering" in shown.errors[0]


def test_the_help_tab_shows_the_timeline_and_enables_actions_per_status(
    qtbot, ctx, lead_ctx, family, shown
):
    from ui.dossier.indications_tab import IndicationsTab

    household_id, person_id, goals = family
    issued = _issued(ctx, lead_ctx, person_id, goals)
    shell = FakeShell(ctx)
    tab = IndicationsTab(ctx, shell, household_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    assert tab.model.rowCount() == 1
    assert tab.model.index(0, 7).data() == "Afgegeven"
    tab.table.selectRow(0)
    assert tab.evaluate_button.isEnabled() and tab.end_date_button.isEnabled()
    assert not tab.issue_button.isEnabled()
    dialog = tab.change_end()
    dialog.end_edit.setDate(qdate(date(2027, 6, 30)))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert tab.model.index(0, 5).data() == "30-06-2027"
    request = tab.provider_request()
    qtbot.keyClicks(request.reason_edit, "Meer tijd nodig")
    qtbot.mouseClick(request.ok_button, Qt.MouseButton.LeftButton)
    assert "verzoek" in tab.model.index(0, 7).data()
    assert svc.get_indication(ctx, issued.id).end == date(2027, 6, 30)


def test_the_signals_area_filters_and_opens_the_dossier(qtbot, ctx, shown):
    from ui.areas.signals import SignalsArea

    add_provider(ctx)
    household_id, _ = make_family(ctx, birth_date=date(2009, 5, 1))
    shell = FakeShell(ctx)
    area = SignalsArea(ctx, shell)
    qtbot.addWidget(area)
    assert area.model.rowCount() == 1
    assert "wordt 18" in area.model.index(0, 4).data()
    area.kind_combo.setCurrentIndex(area.kind_combo.findData("budget"))
    assert area.model.rowCount() == 0
    assert area.count_label.text() == "0 signalen, waarvan 0 urgent."
    area.kind_combo.setCurrentIndex(0)
    area.table.doubleClicked.emit(area.proxy.index(0, 0))
    assert shell.opened == [(household_id, "plan")]


def test_maatwerk_from_the_picker_goes_to_the_team_lead_with_its_motivation(
    qtbot, ctx, family, shown
):
    household_id, _, goals = family
    dialog = PlaceHelpDialog(ctx, household_id, goals[0])
    qtbot.addWidget(dialog)
    _walk_to_term(qtbot, dialog)
    dialog.go_to(2)
    picker = dialog.provider_step.picker
    qtbot.mouseClick(picker.maatwerk_button, Qt.MouseButton.LeftButton)
    maatwerk = picker.maatwerk_dialog
    qtbot.keyClicks(maatwerk.name, "Praktijk De Linde")
    qtbot.keyClicks(maatwerk.motivation, "Enige aanbieder met gebarentaal")
    qtbot.mouseClick(maatwerk.ok_button, Qt.MouseButton.LeftButton)
    assert "Praktijk De Linde (maatwerk" in dialog.provider_step.choice_label.text()
    dialog.go_to(4)
    assert dialog.findChild(object, "finding_PROVIDER_NOT_ELIGIBLE") is not None
    assert dialog.submit_button.isEnabled()
    qtbot.mouseClick(dialog.submit_button, Qt.MouseButton.LeftButton)
    assert dialog.saved is not None and dialog.saved.status is IndicationStatus.INGEDIEND
    assert dialog.saved.maatwerk_name == "Praktijk De Linde"
    assert dialog.saved.motivations["PROVIDER_NOT_ELIGIBLE"] == "Enige aanbieder met gebarentaal"


def test_the_family_identity_wish_and_own_choice_are_asked_shown_and_stored(
    qtbot, ctx, family, shown
):
    """Issue 11: the identity wish (seed 000 §3c, 004) and the family's own choice of
    provider have a field in 'Hulp inzetten', reach the ranking and are stored."""

    household_id, _, goals = family
    dialog = PlaceHelpDialog(ctx, household_id, goals[0])
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.keyClicks(dialog.identity_edit, "christelijk")
    shots = "issue-11"
    save_shot(dialog, f"{shots}/place_help_identity.png")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    codes = [dialog.product_list.item(i).text()[:5] for i in range(dialog.product_list.count())]
    dialog.product_list.setCurrentRow(codes.index("45Z01"))
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    assert dialog.provider_step.picker.need.identity == "christelijk"
    dialog.provider_step.family_choice.setChecked(True)
    save_shot(dialog, f"{shots}/place_help_family_choice.png")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    index = dialog.initiator_combo.findData("huisarts")
    dialog.initiator_combo.setCurrentIndex(index)
    assert dialog.referral_edit.isEnabled()
    save_shot(dialog, f"{shots}/place_help_referral.png")
    qtbot.mouseClick(dialog.next_button, Qt.MouseButton.LeftButton)
    save_shot(dialog, f"{shots}/place_help_findings.png")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert shown.errors == []
    saved = dialog.saved
    assert saved is not None
    assert saved.identity_wish == "christelijk"
    assert saved.chosen_by_family is True
    assert saved.referral_date == ctx.today()


def test_the_timeline_shows_the_chain_of_a_replaced_indication(qtbot, ctx, lead_ctx, family, shown):
    """Issue 11: a replacement keeps the original term; the Hulp tab shows the chain."""

    from ui.dossier.indications_tab import IndicationsTab

    household_id, person_id, goals = family
    issued = _issued(ctx, lead_ctx, person_id, goals)
    svc.replace_indication(
        ctx, issued.id, draft(person_id, goals, start=date(2027, 5, 1), end=date(2027, 8, 31))
    )
    tab = IndicationsTab(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    texts = [tab.timeline.bar_text(r) for r in tab.timeline._rows]
    assert any("termijn sinds 01-12-2026" in t for t in texts), texts
    save_shot(tab, "issue-11/help_tab_chain.png")
