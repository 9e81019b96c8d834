"""The GUI's login unlocks an encrypted database before anything in it is read."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jeugdtoegang.services import auth
from jeugdtoegang.services.db_encryption import encrypt_new_database
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import initialise, open_database
from tests.gui.conftest import DialogLog, save_shot
from ui import app as gui_app
from ui import login, session_start

PASSWORD = "geheim-wachtwoord-1"
SHOTS = "s3-cipher"  # their folder under the screenshot root (save_shot)


@pytest.fixture(autouse=True)
def _clean_keys(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    encryption.forget()
    yield
    encryption.forget()
    login._unlocked_with.clear()


@pytest.fixture
def encrypted_db(tmp_path: Path) -> Path:
    path = tmp_path / "laptop.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
    result = encrypt_new_database(database)
    database = open_database(str(path), key=encryption.dek_from_recovery(result.recovery_key))
    auth.create_first_administrator(database, "beheer", "Bea Heerkens", PASSWORD)
    database.close()
    encryption.forget()
    return path


def test_the_unlock_dialog_refuses_a_wrong_password_in_dutch_and_unlocks_with_the_right_one(
    qtbot: Any, encrypted_db: Path
) -> None:
    dialog = login.UnlockDialog(encrypted_db)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.username_field.setText("beheer")
    dialog.password_field.setText("verkeerd-wachtwoord")
    dialog.unlock_button.click()
    assert dialog.message.text() == "Gebruikersnaam of wachtwoord onjuist."
    assert dialog.password_field.text() == "" and dialog.credentials is None
    assert encryption.unlocked_key(encrypted_db) is None
    save_shot(dialog, f"{SHOTS}/unlock_dialog_wrong_password.png")
    dialog.password_field.setText(PASSWORD)
    dialog.unlock_button.click()
    assert dialog.credentials == ("beheer", PASSWORD)
    assert encryption.unlocked_key(encrypted_db) is not None


def test_start_up_unlocks_before_the_database_is_opened_and_logs_in_without_a_second_question(
    qtbot: Any, encrypted_db: Path, monkeypatch: pytest.MonkeyPatch, shown: DialogLog
) -> None:
    events: list[str] = []
    real_open = session_start.open_database

    def ask_unlock(path: Path, _parent: Any = None) -> tuple[str, str] | None:
        events.append("unlock")
        encryption.unlock_with_password(path, "beheer", PASSWORD)
        return ("beheer", PASSWORD)

    def opening(*args: Any, **kwargs: Any) -> Any:
        events.append("open")
        return real_open(*args, **kwargs)

    def no_dialog(_database: Any, _parent: Any = None) -> None:
        raise AssertionError("the login dialog must not ask again")

    monkeypatch.setattr(login, "ask_unlock", ask_unlock)
    monkeypatch.setattr(login, "ask_login", no_dialog)
    monkeypatch.setattr(session_start, "open_database", opening)
    window = gui_app.build_window(str(encrypted_db))
    assert window is not None
    qtbot.addWidget(window)
    assert events == ["unlock", "open"]
    assert window.ctx.actor.username == "beheer" and window.ctx.database.encrypted
    window.ctx.database.close()


def test_cancelling_the_unlock_opens_nothing(
    encrypted_db: Path, monkeypatch: pytest.MonkeyPatch, shown: DialogLog
) -> None:
    monkeypatch.setattr(login, "ask_unlock", lambda _path, _parent=None: None)
    monkeypatch.setattr(session_start, "open_database", lambda *_a, **_k: pytest.fail("opened"))
    assert gui_app.build_window(str(encrypted_db)) is None


def test_an_encrypted_database_without_accounts_says_how_to_create_the_first_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: DialogLog
) -> None:
    from jeugdtoegang.errors import JeugdtoegangError

    path = tmp_path / "nieuw.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
    encrypt_new_database(database)
    encryption.forget()
    monkeypatch.setattr(login, "ask_unlock", lambda _path, _parent=None: pytest.fail("asked"))
    with pytest.raises(JeugdtoegangError, match="herstelsleutel"):
        gui_app.build_window(str(path))
