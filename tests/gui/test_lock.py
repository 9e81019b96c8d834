"""Lock screen after inactivity: covers the window and keeps unsaved input; login dialogs."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.services import auth
from jeugdtoegang.services.context import AppContext

PASSWORD = "lang genoeg wachtwoord"


@pytest.fixture
def user_ctx(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> AppContext:
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    actor = auth.create_first_administrator(ctx.database, "beheer", "Bea Heerkens", PASSWORD)
    return ctx.with_actor(actor)


def window_with_form(qtbot: Any) -> tuple[QMainWindow, QPlainTextEdit]:
    window = QMainWindow()
    central = QWidget()
    editor = QPlainTextEdit()
    editor.setObjectName("unsaved_notes")
    QVBoxLayout(central).addWidget(editor)
    window.setCentralWidget(central)
    qtbot.addWidget(window)
    window.resize(700, 500)
    window.show()
    qtbot.waitExposed(window)
    return window, editor


def test_the_window_locks_after_inactivity_and_resumes_with_the_typed_text(
    qtbot: Any, user_ctx: AppContext
) -> None:
    from ui.lock import install_lock

    window, editor = window_with_form(qtbot)
    editor.setFocus()
    qtbot.keyClicks(editor, "Nog niet opgeslagen gespreksverslag")
    lock = install_lock(window, user_ctx, minutes=0.3 / 60)  # 0.3 s of inactivity
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)

    overlay = lock.overlay
    assert overlay.isVisible() and overlay.geometry() == window.rect()
    assert not window.centralWidget().isEnabled()
    assert "vergrendeld" in overlay.findChild(QLabel, "lock_title").text()
    qtbot.keyClicks(overlay.password_field, "fout wachtwoord")
    qtbot.mouseClick(overlay.unlock_button, Qt.MouseButton.LeftButton)
    assert lock.locked and "onjuist" in overlay.message.text()

    qtbot.keyClicks(overlay.password_field, PASSWORD)
    qtbot.keyClick(overlay.password_field, Qt.Key.Key_Return)
    assert not lock.locked and not overlay.isVisible()
    assert window.centralWidget().isEnabled()
    assert editor.toPlainText() == "Nog niet opgeslagen gespreksverslag"
    qtbot.keyClicks(editor, " en verder")
    assert editor.toPlainText().endswith("gespreksverslag en verder")


def test_activity_keeps_the_window_unlocked(qtbot: Any, user_ctx: AppContext) -> None:
    from ui.lock import install_lock

    window, editor = window_with_form(qtbot)
    lock = install_lock(window, user_ctx, minutes=0.6 / 60)
    for _ in range(8):
        qtbot.wait(100)
        qtbot.keyClick(editor, Qt.Key.Key_A)
    assert not lock.locked
    qtbot.waitUntil(lambda: lock.locked, timeout=3000)


def test_the_lock_minutes_come_from_the_region_profile(qtbot: Any, user_ctx: AppContext) -> None:
    from ui.lock import install_lock

    window, _ = window_with_form(qtbot)
    lock = install_lock(window, user_ctx)
    assert lock.timeout_s == user_ctx.profile.settings.lock_minutes * 60


def test_the_login_dialog_logs_in_and_shows_wrong_passwords_in_dutch(
    qtbot: Any, user_ctx: AppContext
) -> None:
    from ui.login import LoginDialog

    dialog = LoginDialog(user_ctx.database)
    qtbot.addWidget(dialog)
    dialog.username_field.setText("beheer")
    qtbot.keyClicks(dialog.password_field, "verkeerd")
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is None
    assert dialog.message.text() == "Gebruikersnaam of wachtwoord onjuist."
    qtbot.keyClicks(dialog.password_field, PASSWORD)
    qtbot.mouseClick(dialog.login_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and dialog.actor.username == "beheer"


def test_the_first_run_dialog_creates_the_administrator(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui.login import FirstRunDialog

    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    dialog = FirstRunDialog(ctx.database)
    qtbot.addWidget(dialog)
    dialog.username_field.setText("beheer")
    dialog.name_field.setText("Bea Heerkens")
    dialog.password_field.setText(PASSWORD)
    dialog.repeat_field.setText(PASSWORD + "x")
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "De wachtwoorden zijn niet gelijk."
    dialog.repeat_field.setText(PASSWORD)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    assert dialog.actor is not None and auth.has_users(ctx.database)
    assert isinstance(dialog.username_field, QLineEdit)
