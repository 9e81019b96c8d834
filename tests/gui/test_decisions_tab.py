"""The Beschikkingen tab: list, in-app letter preview, save as PDF, approve, mark sent."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtWidgets import QLabel

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.services import decisions
from jeugdtoegang.services.context import AppContext
from tests.gui.conftest import DialogLog, FakeShell, save_shot
from tests.integration.decision_fixtures import add_indication, case_parts, make_household
from ui import dialogs
from ui.dossier.decisions_tab import DecisionsTab


@pytest.fixture
def household(ctx: AppContext) -> Any:
    household_id, person_id = make_household(ctx)
    indication = add_indication(ctx, household_id, person_id)
    detail = decisions.create_decision(
        ctx,
        household_id,
        person_id,
        DecisionType.TOEKENNING,
        [indication],
        date(2026, 11, 2),
        "hulp thuis bij de opvoeding",
        "Daan is vaak boos.",
        parts=case_parts(DecisionType.TOEKENNING),
    )
    return household_id, detail


def test_preview_shows_the_pages_of_the_letter_inside_the_application(
    qtbot: Any, ctx: AppContext, household: Any, shown: DialogLog
) -> None:
    household_id, detail = household
    tab = DecisionsTab(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(tab)
    tab.resize(1300, 800)
    tab.show()
    qtbot.waitUntil(lambda: tab.page_count() == 3)  # letter with full rechtsmiddelen
    assert tab.model.rowCount() == 1
    assert "Toekenning" in tab.info.text() and detail.row.kenmerk in tab.info.text()
    page = tab.findChild(QLabel, "letter_page_1")
    assert page is not None and not page.pixmap().isNull()
    assert tab.approve_button.isEnabled() is False  # a consultant does not approve
    save_shot(tab, "issue-12/decisions_tab.png")


def test_save_writes_the_letter_as_pdf_through_the_save_dialog(
    qtbot: Any,
    ctx: AppContext,
    household: Any,
    shown: DialogLog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    household_id, _detail = household
    target = tmp_path / "brief.pdf"
    monkeypatch.setattr(dialogs, "choose_save_file", lambda *_a, **_k: target)
    shell = FakeShell(ctx)
    tab = DecisionsTab(ctx, shell, household_id)
    qtbot.addWidget(tab)
    qtbot.mouseClick(tab.save_button, qtbot_left())
    text = "".join(p.extract_text() for p in PdfReader(target).pages)
    assert "U krijgt de hulp voor Daan Yılmaz-Çelik die u hebt gevraagd." in text
    assert "CONCEPT" in text
    assert any("opgeslagen" in m for m in shell.messages)
    assert not shown.errors


def test_team_lead_approves_and_marks_the_letter_as_sent(
    qtbot: Any, lead_ctx: AppContext, household: Any, shown: DialogLog
) -> None:
    household_id, _detail = household
    tab = DecisionsTab(lead_ctx, FakeShell(lead_ctx), household_id)
    qtbot.addWidget(tab)
    assert tab.approve_button.isEnabled()
    qtbot.mouseClick(tab.approve_button, qtbot_left())
    assert tab.current() is not None and tab.current().status_label == "Goedgekeurd"
    assert shown.confirms and not shown.errors
    # a team lead has no print permission in the role model: the button stays off
    assert tab.sent_button.isEnabled() is False


def qtbot_left() -> Any:
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_rapportage_prints_the_letters_of_the_day_into_a_chosen_folder(
    qtbot: Any,
    ctx: AppContext,
    lead_ctx: AppContext,
    household: Any,
    shown: DialogLog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from ui.areas.reports import ReportsArea

    _household_id, detail = household
    decisions.approve_decision(lead_ctx, detail.id)
    folder = tmp_path / "brieven"
    monkeypatch.setattr(dialogs, "choose_directory", lambda *_a, **_k: folder)
    area = ReportsArea(ctx, FakeShell(ctx))
    qtbot.addWidget(area)
    assert area.count_label.text() == "1 brief klaar om af te drukken."
    qtbot.mouseClick(area.print_button, qtbot_left())
    assert [p.name for p in folder.iterdir()] == [f"{detail.row.kenmerk}.pdf"]
    assert shown.infos == ["1 brief opgeslagen."]


def test_a_consultant_makes_a_draft_decision_and_submits_it(
    qtbot: Any, ctx: AppContext, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDialog

    from ui.widgets.new_decision_dialog import NewDecisionDialog

    household_id, person_id = make_household(ctx)
    add_indication(ctx, household_id, person_id)
    tab = DecisionsTab(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(tab)
    assert "nog geen beschikkingen" in tab.info.text()

    def fill_and_accept(dialog: NewDecisionDialog) -> int:
        dialog.create_draft()  # nothing chosen yet: the core's messages show in the dialog
        assert "Hulp:" in dialog.errors.text() and "Motivering:" in dialog.errors.text()
        dialog.help_list.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.request_text.setText("hulp thuis bij de opvoeding")
        dialog.motivation.setPlainText("Daan is vaak boos. Thuis lukt het niet meer alleen.")
        dialog.create_draft()
        return int(dialog.result() == QDialog.DialogCode.Accepted)

    monkeypatch.setattr(NewDecisionDialog, "exec", fill_and_accept)
    qtbot.mouseClick(tab.new_button, Qt.MouseButton.LeftButton)
    assert tab.model.rowCount() == 1
    row = tab.current()
    assert row is not None and row.type_label == "Toekenning" and row.status_label == "Concept"
    assert tab.submit_button.isEnabled()
    qtbot.mouseClick(tab.submit_button, Qt.MouseButton.LeftButton)
    from tests.conftest import TEAMLEIDER

    # the pending list is the team lead's (a consultant may not read the review queue)
    pending = decisions.list_pending_decisions(ctx.with_actor(TEAMLEIDER))
    assert [p.id for p in pending] == [row.id]
    submitted = tab.current()
    assert submitted is not None and submitted.status_label == "Ingediend"


def test_the_new_decision_dialog_asks_for_the_parts_of_an_afwijzing(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, shown: DialogLog
) -> None:
    from jeugdtoegang.domain.requests import RequestedBy
    from jeugdtoegang.services import requests
    from ui.widgets.new_decision_dialog import NewDecisionDialog

    household_id, person_id = make_household(ctx)
    aanvraag = requests.add_request(
        ctx, household_id, person_id, date(2026, 11, 9), RequestedBy.OUDERS, "behandeling"
    )
    dialog = NewDecisionDialog(ctx, household_id)
    qtbot.addWidget(dialog)
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(DecisionType.AFWIJZING))
    dialog.show()
    assert dialog.parts["alternative"].isVisible() and dialog.reason_combo.isVisible()
    assert not dialog.parts["legal_ground"].isVisible()
    dialog.request_text.setText("behandeling bij angst")
    dialog.motivation.setPlainText("Daan is bang in groepen.\n\nOma past op woensdag op.")
    dialog.reason_combo.setCurrentIndex(dialog.reason_combo.findData("voorliggende_voorziening"))
    dialog.parts["alternative"].setText("de gratis groep van het CJG Zeist")
    dialog.block_combo.setCurrentIndex(dialog.block_combo.findData("afwijzing_voorliggend"))
    dialog.fill_from_case(block="afwijzing_voorliggend")
    assert "de gratis groep van het CJG Zeist" in dialog.parts["weighing"].toPlainText()
    save_shot(dialog, "issue-12/new_decision_dialog.png")
    dialog.create_draft()
    assert dialog.created is not None and dialog.created.missing_parts == ()
    assert dialog.created.aanvraag_id == aanvraag.id  # the open aanvraag is preselected
    assert not dialog.request_text.isVisible()
    approved = decisions.approve_decision(lead_ctx, dialog.created.id)
    assert approved.status.value == "goedgekeurd"
