"""'Mijn werk': the consultant's start screen, opened by keyboard."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from tests.gui.conftest import FakeShell, save_shot
from tests.integration.test_caseload import _issued_with_evaluation_due


def test_my_work_shows_the_tasks_and_enter_opens_the_dossier_on_the_right_tab(
    qtbot: Any, ctx: Any, shown: Any
) -> None:
    from ui.areas.mywork import MyWorkArea

    household_id, _ = _issued_with_evaluation_due(ctx, date(2026, 11, 1))
    shell = FakeShell(ctx)
    area = MyWorkArea(ctx, shell)
    qtbot.addWidget(area)
    area.resize(1280, 760)
    area.show()
    qtbot.waitExposed(area)
    assert area.model.rowCount() == 2
    assert area.count_label.text() == "2 taken, waarvan 1 te laat"
    assert area.model.data(area.model.index(0, 0)) == "Evaluatie"
    assert "(te laat)" in area.model.data(area.model.index(0, 3))
    area.table.setFocus()
    area.table.setCurrentIndex(area.model.index(0, 0))
    qtbot.keyClick(area.table, Qt.Key.Key_Return)
    assert shell.opened == [(household_id, "indications")]
    save_shot(area, "issue-16/mywork-1280.png")


def test_a_consultant_starts_in_my_work(qtbot: Any, filled_ctx: Any, shown: Any) -> None:
    from ui.main_window import MainWindow

    window = MainWindow(filled_ctx)
    qtbot.addWidget(window)
    window.show()
    assert window.current_area_key() == "mywork"
