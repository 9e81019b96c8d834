"""The plan editor: build a plan with goals and network through the widgets and submit it."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import QApplication

from jeugdtoegang.domain.plans import PlanStatus
from jeugdtoegang.services import autosave, plans
from tests.gui.conftest import FakeShell
from tests.integration.test_plans import make_household
from ui.widgets.plan_editor import PlanEditor


def open_editor(qtbot: Any, ctx: Any, household_id: uuid.UUID) -> PlanEditor:
    editor = PlanEditor(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(editor)
    editor.resize(1200, 800)
    editor.show()
    qtbot.waitExposed(editor)
    qtbot.wait(20)  # let the start-up recovery check run
    return editor


def test_consultant_builds_a_plan_with_goal_and_network_and_submits_it(qtbot, ctx, shown) -> None:
    household_id = make_household(ctx)
    editor = open_editor(qtbot, ctx, household_id)
    assert any("nog geen doelen" in m for m in editor.findings.messages())
    assert editor.banner.text().startswith("Nieuw plan")

    editor.activateWindow()
    editor.goals.table.setFocus()
    qtbot.keyClick(editor.goals.table, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    assert editor.goals.model.rowCount() == 1
    qtbot.keyClicks(editor.goals.description, "Sem gaat weer elke dag naar school.")
    editor.goals.target_date.setText("01-06-2027")
    editor.goals.evaluation_date.setText("01-02-2027")
    row = editor.goals.add_action()
    assert row is not None
    row.kind.setCurrentIndex(row.kind.findData("school"))
    qtbot.keyClicks(row.description, "De mentor belt elke maandag.")

    editor.section_tabs.setCurrentWidget(editor.network)
    member = editor.network.add_member()
    qtbot.keyClicks(member.name, "Ria Bakker")
    qtbot.keyClicks(member.role, "oma, past op woensdag")
    editor.section_tabs.setCurrentWidget(editor.agreement)
    editor.agreement.parents_date.setText("20-11-2026")

    qtbot.waitUntil(
        lambda: autosave.read_recovery(household_id, author=ctx.actor.username) is not None,
        timeout=2000,
    )
    qtbot.waitUntil(
        lambda: (
            not any(
                f.startswith(("Het netwerk", "Het plan heeft")) for f in editor.findings.messages()
            )
        ),
        timeout=2000,
    )
    assert editor.has_unsaved_changes()

    assert editor.submit()  # saves first, asks for confirmation, then submits
    assert shown.errors == []
    assert shown.confirms and "teamleider" in shown.confirms[0]
    view = plans.get_plan(ctx, household_id)
    assert view.status is PlanStatus.INGEDIEND
    assert view.document.goals[0].description == "Sem gaat weer elke dag naar school."
    assert view.document.goals[0].actions[0].description == "De mentor belt elke maandag."
    assert view.document.network.members[0].name == "Ria Bakker"
    assert "Ingediend ter beoordeling" in editor.banner.text()
    assert not editor.goals.isEnabled()
    assert autosave.read_recovery(household_id, author=ctx.actor.username) is None


def test_findings_panel_updates_as_you_type_and_submission_errors_are_dutch(
    qtbot, ctx, shown
) -> None:
    household_id = make_household(ctx)
    editor = open_editor(qtbot, ctx, household_id)
    editor.new_goal()
    qtbot.waitUntil(
        lambda: any("staat nog niet wie wat doet" in m for m in editor.findings.messages()),
        timeout=2000,
    )
    assert "moeten nog worden ingevuld" in editor.findings.summary.text()
    assert not editor.submit()
    assert shown.errors and "kan nog niet worden ingediend" in shown.errors[0]
    assert "netwerk" in shown.errors[0]


def test_unsaved_typing_is_offered_back_after_a_crash(qtbot, ctx, shown) -> None:
    household_id = make_household(ctx)
    editor = open_editor(qtbot, ctx, household_id)
    editor.new_goal()
    qtbot.keyClicks(editor.goals.description, "Rustig praten als Sem boos is")
    editor.flush()
    typed = editor.document()
    # "crash": the widget disappears without saving; the recovery file stays behind
    editor.close()
    editor.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert autosave.read_recovery(household_id, author=ctx.actor.username) is not None

    reopened = PlanEditor(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(reopened)
    qtbot.waitUntil(lambda: bool(shown.confirms), timeout=2000)
    assert "niet zijn opgeslagen" in shown.confirms[0]
    assert reopened.document().to_json() == typed.to_json()
    assert reopened.goals.description.text() == "Rustig praten als Sem boos is"
    assert reopened.has_unsaved_changes()


def test_history_dialog_shows_what_changed_between_versions(qtbot, ctx, shown) -> None:
    household_id = make_household(ctx)
    editor = open_editor(qtbot, ctx, household_id)
    editor.new_goal()
    qtbot.keyClicks(editor.goals.description, "Eerste doel")
    assert editor.save()
    editor.goals.description.setPlainText("Eerste doel, nu scherper")
    assert editor.save()
    dialog = editor.show_history()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 2
    html = dialog.diff_view.toPlainText()
    assert "Van versie 1 naar versie 2" in html
    assert "Eerste doel, nu scherper" in html


def test_a_team_lead_cannot_type_in_the_plan_and_leaves_no_draft(qtbot, ctx, lead_ctx, shown):
    household_id = make_household(ctx)
    plans.save_draft(ctx, household_id, plans.get_plan(ctx, household_id).document, 0)
    editor = open_editor(qtbot, lead_ctx, household_id)
    assert not editor.goals.isEnabled() and not editor.save_button.isEnabled()
    assert "teamleider" in editor.save_button.toolTip()
    assert not editor.submit_button.isEnabled() and editor.submit_button.toolTip()
    editor._dirty = True  # even a forced change writes no recovery file for the team lead
    editor.flush()
    assert autosave.read_recovery(household_id, author=lead_ctx.actor.username) is None


def test_another_users_unsaved_typing_is_not_offered(qtbot, ctx, shown) -> None:
    household_id = make_household(ctx)
    editor = open_editor(qtbot, ctx, household_id)
    editor.new_goal()
    qtbot.keyClicks(editor.goals.description, "Alleen van Carla")
    editor.flush()
    editor.close()
    colleague = ctx.with_actor(
        type(ctx.actor)("m.elamrani", "Mira", ctx.actor.roles, team=ctx.actor.team)
    )
    other = PlanEditor(colleague, FakeShell(colleague), household_id)
    qtbot.addWidget(other)
    qtbot.wait(50)
    assert shown.confirms == []
    assert "Alleen van Carla" not in str(other.document().to_json())
