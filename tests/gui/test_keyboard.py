"""Keyboard: Tab never gets stuck, Enter after tabbing never closes the login."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QPlainTextEdit


def test_tab_leaves_the_notes_field_and_the_dossier_table(qtbot: Any, main_window: Any) -> None:
    from jeugdtoegang.services.households import list_households

    household = list_households(main_window.ctx, 0, 1)[0]
    main_window.open_dossier(household.id, "household")
    qtbot.wait(30)
    view = main_window.area("dossiers").dossier_view(household.id)
    for field in view.findChildren(QPlainTextEdit):
        assert field.tabChangesFocus(), field.objectName()
    for table in main_window.area("dossiers").findChildren(QAbstractItemView):
        assert not table.tabKeyNavigation(), table.objectName()


def test_enter_after_tabbing_to_afsluiten_does_not_close_the_login(qtbot: Any, database: Any):
    from ui.login import LoginDialog

    dialog = LoginDialog(database)
    qtbot.addWidget(dialog)
    dialog.show()
    cancel = dialog.findChild(type(dialog.login_button), "cancel_button")
    assert not cancel.autoDefault()
    cancel.setFocus()
    qtbot.keyClick(cancel, Qt.Key.Key_Return)
    assert dialog.result() != dialog.DialogCode.Rejected or dialog.isVisible()
