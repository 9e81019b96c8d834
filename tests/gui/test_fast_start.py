"""The interactive start: the login dialog comes first (plain Qt), the core is imported and
the database opened in a worker thread while the user types (``ui.app.FastStart``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from jeugdtoegang.services import auth
from jeugdtoegang.services.db_encryption import encrypt_new_database
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import initialise, open_database
from tests.gui.conftest import DialogLog, save_shot
from ui import app as gui_app
from ui import login, session_start
from ui.workers import UNEXPECTED_MESSAGE

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "geheim-wachtwoord-1"
SHOTS = "s5-startup"  # their folder under the screenshot root (save_shot)


@pytest.fixture(autouse=True)
def _quick_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    encryption.forget()
    yield
    encryption.forget()
    login._unlocked_with.clear()
    app = QApplication.instance()
    if isinstance(app, QApplication):
        app.setQuitOnLastWindowClosed(True)


@pytest.fixture
def team_db(tmp_path: Path) -> Path:
    """A team database with one account (the administrator)."""
    path = tmp_path / "team.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
    auth.create_first_administrator(database, "beheer", "Bea Heerkens", PASSWORD)
    database.close()
    return path


class Recorder:
    """What a start did instead of a main window: the full start, or its exit code."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.full_starts: list[tuple[str | None, bool]] = []
        self.exits: list[int] = []

        def build_window(db: str | None, *, demo: bool = False, **_: Any) -> None:
            self.full_starts.append((db, demo))

        monkeypatch.setattr(session_start, "build_window", build_window)
        monkeypatch.setattr(gui_app.FastStart, "_finish", lambda _s, code: self.exits.append(code))


def _start(qtbot: Any, db: Path | str | None) -> gui_app.FastStart:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    start = gui_app.FastStart(app, None if db is None else str(db))
    qtbot.addWidget(start.dialog)
    return start


def _close(start: gui_app.FastStart) -> None:
    start.wait()
    if start.window is not None:
        start.window.ctx.database.close()
        start.window.close()
    elif start.database is not None:
        start.database.close()


def test_the_login_dialog_is_shown_without_the_core_imported() -> None:
    """The first window must not wait for SQLAlchemy, the models, pydantic or the main
    window: a fresh process builds and paints the login and has none of them loaded."""
    script = (
        "import sys, json\n"
        "from PySide6.QtWidgets import QApplication\n"
        "app = QApplication([])\n"
        "import ui.app as gui\n"
        "gui.configure_application(app)\n"
        "start = gui.FastStart(app, None)\n"
        "start.dialog.show()\n"
        "start.dialog.grab()\n"
        "heavy = ('sqlalchemy', 'pydantic', 'alembic', 'jeugdtoegang.storage.database',\n"
        "         'jeugdtoegang.services.context', 'jeugdtoegang.regions', 'ui.main_window')\n"
        "print(json.dumps(sorted(m for m in heavy if m in sys.modules)))\n"
    )
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == []


def test_the_login_appears_at_once_and_logs_in_when_the_database_is_open(
    qtbot: Any, team_db: Path, shown: DialogLog
) -> None:
    start = _start(qtbot, team_db)
    assert start.dialog.database is None
    assert start.dialog.status.text() == login.OPENING_TEXT
    start.dialog.resize(430, start.dialog.sizeHint().height())
    save_shot(start.dialog, f"{SHOTS}/login_opening.png")

    start.start()
    qtbot.waitUntil(lambda: start.database is not None, timeout=60_000)
    assert start.dialog.database is start.database
    assert not start.dialog.status.isVisibleTo(start.dialog)
    save_shot(start.dialog, f"{SHOTS}/login_ready.png")

    start.dialog.username_field.setText("beheer")
    start.dialog.password_field.setText(PASSWORD)
    start.dialog.login_button.click()
    try:
        assert start.window is not None and start.window.isVisible()
        assert start.window.ctx.actor.username == "beheer"
        assert shown.errors == []
    finally:
        _close(start)


def test_a_click_on_inloggen_before_the_database_is_open_waits_and_then_logs_in(
    qtbot: Any, team_db: Path, shown: DialogLog
) -> None:
    start = _start(qtbot, team_db)
    start.dialog.show()
    start.dialog.username_field.setText("beheer")
    start.dialog.password_field.setText(PASSWORD)
    start.dialog.login_button.click()  # nothing opened yet
    assert start.window is None
    assert start.dialog.status.text() == login.WAITING_TEXT
    assert not start.dialog.login_button.isEnabled()
    save_shot(start.dialog, f"{SHOTS}/login_waiting.png")

    start._begin()
    try:
        qtbot.waitUntil(lambda: start.window is not None, timeout=60_000)
        assert start.window is not None and start.window.ctx.actor.username == "beheer"
    finally:
        _close(start)


def test_a_wrong_password_is_refused_in_the_dialog_as_before(
    qtbot: Any, team_db: Path, shown: DialogLog
) -> None:
    start = _start(qtbot, team_db)
    start.start()
    qtbot.waitUntil(lambda: start.database is not None, timeout=60_000)
    start.dialog.username_field.setText("beheer")
    start.dialog.password_field.setText("verkeerd-wachtwoord")
    start.dialog.login_button.click()
    try:
        assert start.window is None
        assert start.dialog.message.text() == "Gebruikersnaam of wachtwoord onjuist."
        assert start.dialog.login_button.isEnabled()
    finally:
        _close(start)


def test_a_database_that_cannot_be_opened_ends_with_a_dutch_message_and_exit_1(
    qtbot: Any, tmp_path: Path, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = tmp_path / "kapot.sqlite"
    broken.write_bytes(b"dit is geen database" * 100)
    recorder = Recorder(monkeypatch)
    start = _start(qtbot, broken)
    start.start()
    qtbot.waitUntil(lambda: recorder.exits != [], timeout=60_000)
    assert recorder.exits == [1]
    assert shown.errors == [UNEXPECTED_MESSAGE]
    assert not start.dialog.isVisible()


def test_a_database_without_accounts_takes_the_full_start_first_run(
    qtbot: Any, tmp_path: Path, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "zonder-accounts.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
    database.close()
    recorder = Recorder(monkeypatch)
    start = _start(qtbot, path)
    start.start()
    qtbot.waitUntil(lambda: recorder.full_starts != [], timeout=60_000)
    assert recorder.full_starts == [(str(path), False)]  # there: the first-run dialog
    assert start.database is None and not start.dialog.isVisible()


def test_an_encrypted_database_is_not_opened_behind_the_login_but_unlocked_first(
    qtbot: Any, tmp_path: Path, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "laptop.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
    result = encrypt_new_database(database)
    database = open_database(str(path), key=encryption.dek_from_recovery(result.recovery_key))
    auth.create_first_administrator(database, "beheer", "Bea Heerkens", PASSWORD)
    database.close()
    encryption.forget()

    assert not gui_app.fast_start_possible(str(path), demo=False)  # the unlock dialog first
    prepared = gui_app.prepare_database(str(path))
    assert prepared == gui_app.Prepared()  # nothing opened: the unlock dialog comes first

    # when the login came first anyway (a database named by the settings is only known
    # once they are read, behind the login), the full start follows: the unlock dialog
    monkeypatch.setenv("JEUGDTOEGANG_DB", str(path))
    recorder = Recorder(monkeypatch)
    start = _start(qtbot, None)
    start.start()
    qtbot.waitUntil(lambda: recorder.full_starts != [], timeout=60_000)
    assert recorder.full_starts == [(None, False)]  # build_window: ensure_unlocked


def test_closing_the_login_while_the_database_opens_stops_quietly(
    qtbot: Any, team_db: Path, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.storage.database import Database

    closed: list[str] = []
    real_close = Database.close
    monkeypatch.setattr(Database, "close", lambda db: (closed.append(db.url), real_close(db)))
    recorder = Recorder(monkeypatch)
    start = _start(qtbot, team_db)
    start.dialog.show()
    start._begin()
    start.dialog.reject()  # Afsluiten
    assert recorder.exits == [0]
    assert start.database is None and closed == [f"sqlite:///{team_db}"]  # closed again
    assert shown.errors == []


def test_a_new_file_starts_with_the_start_dialog_not_the_login(tmp_path: Path) -> None:
    assert not gui_app.fast_start_possible(str(tmp_path / "nieuw.sqlite"), demo=False)
    assert not gui_app.fast_start_possible(None, demo=True)  # no demo file made yet
    existing = tmp_path / "team.sqlite"
    existing.write_bytes(b"x")
    assert gui_app.fast_start_possible(str(existing), demo=False)
    assert gui_app.fast_start_possible("postgresql+psycopg://server/db", demo=False)


def test_the_demo_starts_with_its_login_and_hint_once_the_demo_file_exists(
    qtbot: Any, shown: DialogLog
) -> None:
    """README command 1 (``--demo``): the first start makes the demo (full start); later
    starts show the demo login at once, with the accounts hint, and log in as before."""
    assert not gui_app.fast_start_possible(None, demo=True)
    gui_app.open_demo_database().close()  # what the first start leaves behind
    assert gui_app.fast_start_possible(None, demo=True)

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    start = gui_app.FastStart(app, None, demo=True)
    qtbot.addWidget(start.dialog)
    assert start.dialog.demo_hint is not None
    assert start.dialog.username_field.text() == "c.jansen"
    start.start()
    qtbot.waitUntil(lambda: start.database is not None, timeout=120_000)
    save_shot(start.dialog, f"{SHOTS}/login_demo.png")
    start.dialog.password_field.setText("demo")
    start.dialog.login_button.click()
    try:
        assert start.window is not None, start.dialog.message.text()
        assert start.window.ctx.actor.username == "c.jansen"
        assert "FICTIEVE DEMOGEGEVENS" in start.window.windowTitle()
    finally:
        _close(start)
