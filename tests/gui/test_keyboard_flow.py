"""The consultant's day and the team lead's review without a mouse (issue 16).

Everything after the set-up is driven by key events sent to the widget that has the focus
(``QTest.keyClick``); the test only reads widget state. ``tab_to`` presses Tab until the
wanted widget has the focus and fails when Tab gets stuck or never reaches it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from jeugdtoegang.services.context import AppContext
from tests.indication_helpers import add_provider
from tests.integration.test_review import complete_plan, make_household

K = Qt.Key
CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def focused() -> QWidget:
    widget = QApplication.focusWidget()
    assert widget is not None, "niets heeft de focus"
    return widget


def describe(widget: QWidget | None) -> str:
    if widget is None:
        return "-"
    text = widget.text() if isinstance(widget, QAbstractButton) else ""
    return f"{type(widget).__name__}:{widget.objectName() or widget.accessibleName()}:{text}"


def press(key: Qt.Key, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    QTest.keyClick(focused(), key, modifier)
    QApplication.processEvents()


def type_text(text: str) -> None:
    QTest.keyClicks(focused(), text)
    QApplication.processEvents()


def tab_to(wanted: Callable[[QWidget], bool], limit: int = 80, back: bool = False) -> QWidget:
    """Tab (or Shift+Tab) until ``wanted(focus)``; fails when focus stays put or never gets there."""
    trail = [describe(QApplication.focusWidget())]
    for _ in range(limit):
        widget = focused()
        if wanted(widget):
            return widget
        before = widget
        press(K.Key_Backtab if back else K.Key_Tab)
        trail.append(describe(QApplication.focusWidget()))
        assert QApplication.focusWidget() is not before, "Tab blijft hangen:\n" + "\n".join(trail)
    raise AssertionError("niet bereikt met Tab:\n" + "\n".join(trail))


def named(name: str) -> Callable[[QWidget], bool]:
    return lambda widget: widget.objectName() == name


def button(text: str) -> Callable[[QWidget], bool]:
    return lambda w: isinstance(w, QAbstractButton) and w.text().replace("&", "") == text


@pytest.fixture
def family(ctx: AppContext) -> Any:
    """Familie Bos with a complete plan (one goal) and a contracted provider for 45Z01."""
    from jeugdtoegang.services import plans

    add_provider(ctx)
    household = make_household(ctx)
    plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    return household.id


def modal(qtbot: Any, drive: Callable[[QWidget], None]) -> list[BaseException]:
    """Drive the next modal dialog (opened with exec()) by keys; failures are returned and
    close the dialog, so the test never hangs."""
    failures: list[BaseException] = []

    def run() -> None:
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, run)
            return
        try:
            qtbot.waitUntil(dialog.isActiveWindow)
            drive(dialog)
        except BaseException as error:
            failures.append(error)
            dialog.reject()

    QTimer.singleShot(0, run)
    return failures


def returned_to(qtbot: Any, window: QWidget) -> None:
    """After a dialog closes the window manager activates the main window again; the
    offscreen platform has no window manager, so do what it would."""
    qtbot.wait(50)
    if not window.isActiveWindow():
        window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def start_window(qtbot: Any, ctx: AppContext) -> Any:
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_the_consultant_flow_and_the_review_work_without_a_mouse(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, family: Any, shown: Any
) -> None:
    from jeugdtoegang.services import decisions, indications, plans

    household_id = family
    window = start_window(qtbot, ctx)
    assert window.current_area_key() == "mywork"
    assert window.isAncestorOf(focused())  # the keyboard starts somewhere, in the window

    # search → dossier
    press(K.Key_F, CTRL)
    assert focused().objectName() == "search_field"
    type_text("Bos")
    press(K.Key_Return)  # the list gets the focus, first row chosen
    assert focused().objectName() == "household_table"
    press(K.Key_Return)  # opens the dossier
    view = window.area("dossiers").dossier_view(household_id)
    assert view is not None and view.isVisible()
    assert view.isAncestorOf(focused())

    # plan: the goal made concrete, saved with Ctrl+S, submitted
    press(K.Key_2, ALT)
    assert view.current_tab_key() == "plan"
    press(K.Key_D, ALT)  # the section "Doelen en afspraken"
    tab_to(named("goal_description_edit"))
    press(K.Key_End)
    type_text(" en is uitgerust op school")
    press(K.Key_S, CTRL)
    plan = plans.get_plan(ctx, household_id)
    assert plan.document.goals[0].description == "Ties slaapt weer door en is uitgerust op school"
    tab_to(named("submit_plan_button"), back=True)
    press(K.Key_Space)
    assert shown.errors == []
    assert plans.get_plan(ctx, household_id).status == "ingediend"

    # Hulp inzetten
    press(K.Key_3, ALT)
    assert view.current_tab_key() == "indications"
    tab_to(named("place_button"))
    press(K.Key_Space)
    dialog = QApplication.activeModalWidget() or view.tab_widget("indications").dialog
    qtbot.waitUntil(dialog.isActiveWindow)
    assert dialog.step_label.text().startswith("Stap 1 van 5")
    tab_to(named("goal_list"))
    press(K.Key_Home)
    press(K.Key_Space)  # the first goal
    assert dialog.goal_ids()
    press(K.Key_Return)  # Volgende is the default button
    assert dialog.step_label.text().startswith("Stap 2 van 5")
    tab_to(named("product_list"))
    type_text("45Z01")
    assert dialog.product_code() == "45Z01"
    press(K.Key_Return)
    assert dialog.step_label.text().startswith("Stap 3 van 5")
    assert "Zorg Zeist BV" in dialog.provider_step.choice_label.text()
    press(K.Key_Return)
    assert dialog.step_label.text().startswith("Stap 4 van 5")
    press(K.Key_Return)
    assert dialog.step_label.text().startswith("Stap 5 van 5")
    tab_to(named("submit_button"))
    press(K.Key_Space)
    assert not dialog.isVisible(), shown.errors
    placed = indications.list_for_household(ctx, household_id)
    assert [i.status.value for i in placed] in (["ingediend"], ["goedgekeurd"])

    returned_to(qtbot, window)
    assert focused().objectName() == "place_button"  # back where the dialog was opened

    # beschikking: a concept from the help just placed, then indienen
    press(K.Key_4, ALT)
    assert view.current_tab_key() == "decisions"
    tab_to(named("new_decision_button"))

    def write_decision(dialog: QWidget) -> None:
        tab_to(named("decision_help"))
        press(K.Key_Home)
        press(K.Key_Space)
        tab_to(named("request_text"))
        type_text("hulp bij school en vriendschappen")
        tab_to(named("decision_motivation"))
        type_text("Sem gaat niet naar school en heeft weinig vrienden.")
        tab_to(named("fill_from_plan"))
        press(K.Key_Space)
        tab_to(named("part_weighing"))
        if not focused().toPlainText():
            type_text("Thuis lukt het niet zonder hulp; de hulp past bij het doel in het plan.")
        tab_to(button("Concept maken"))
        press(K.Key_Space)
        assert not dialog.isVisible(), dialog.errors.text()

    failures = modal(qtbot, write_decision)
    press(K.Key_Space)
    assert not failures, failures
    rows = decisions.list_decisions(ctx, household_id)
    assert len(rows) == 1
    returned_to(qtbot, window)
    tab_to(named("submit_decision_button"))
    press(K.Key_Space)
    assert shown.errors == []
    assert decisions.list_decisions(ctx, household_id)[0].submitted
    assert not view.tab_widget("decisions").submit_button.isEnabled()  # not twice
    window.close()

    # the team lead: starts at the queue; returns the plan with a comment, approves the letter
    lead = start_window(qtbot, lead_ctx)
    shortcut = lead.area_actions["review"].shortcut().toString()
    assert shortcut == "Ctrl+2"  # Dossiers, Te beoordelen, … for a team lead
    press(K.Key_2, CTRL)
    assert lead.current_area_key() == "review"
    area = lead.area("review")
    assert area.isAncestorOf(focused())
    assert area.model.rowCount() == 2
    tab_to(named("review_queue"))
    for _ in range(area.model.rowCount()):
        if "Perspectiefplan" in area.item_title.text():
            break
        press(K.Key_Down)
    assert "Perspectiefplan" in area.item_title.text()
    tab_to(named("comment_field"))
    type_text("Graag een doel over school.")
    press(K.Key_T, ALT)
    assert plans.get_plan(ctx, household_id).status != "ingediend"
    assert area.model.rowCount() == 1
    tab_to(named("review_queue"))
    press(K.Key_Home)
    assert "eschikking" in area.item_title.text()
    press(K.Key_G, ALT)
    assert shown.errors == []
    assert decisions.list_decisions(ctx, household_id)[0].status.value == "goedgekeurd"
    assert area.model.rowCount() == 0


def test_enter_in_a_confirmation_answers_no(qtbot: Any) -> None:
    from ui import dialogs

    seen: list[str] = []

    def answer(dialog: QWidget) -> None:
        seen.append(describe(focused()))
        press(K.Key_Return)

    failures = modal(qtbot, answer)
    assert dialogs.confirm(None, "Beschikking goedkeuren", "Nu goedkeuren?") is False
    assert not failures, failures
    assert seen == ["QPushButton::Nee"]  # the default button is the safe one

    failures = modal(qtbot, lambda _dialog: (tab_to(button("Ja")), press(K.Key_Space)))
    assert dialogs.confirm(None, "Beschikking goedkeuren", "Nu goedkeuren?") is True
    assert not failures, failures
