"""GUI fixtures: a main window on a small database, a fake shell, captured dialogs."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.progress import CancelToken, ProgressTask, run_to_end
from jeugdtoegang.services.context import AppContext
from ui import dialogs


@dataclass
class DialogLog:
    """What the code under test asked ``ui.dialogs`` to show."""

    errors: list[str] = field(default_factory=list)
    infos: list[str] = field(default_factory=list)
    confirm_answer: bool = True
    confirms: list[str] = field(default_factory=list)


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> DialogLog:
    """Replace the modal dialogs: errors and infos are recorded, confirm answers yes."""
    log = DialogLog()

    def confirm(_parent: Any, _title: str, text: str) -> bool:
        log.confirms.append(text)
        return log.confirm_answer

    monkeypatch.setattr(
        dialogs, "show_error", lambda _p, message, title="": log.errors.append(message)
    )
    monkeypatch.setattr(
        dialogs, "show_info", lambda _p, message, title="": log.infos.append(message)
    )
    monkeypatch.setattr(dialogs, "confirm", confirm)
    return log


class FakeShell:
    """A Shell for widgets hosted on their own; run_task runs synchronously."""

    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx
        self.opened: list[tuple[uuid.UUID, str | None]] = []
        self.areas: list[str] = []
        self.errors: list[str] = []
        self.messages: list[str] = []

    def open_dossier(self, household_id: uuid.UUID, tab: str | None = None) -> None:
        self.opened.append((household_id, tab))

    def show_area(self, key: str) -> None:
        self.areas.append(key)

    def show_error(self, message: str) -> None:
        self.errors.append(message)

    def status(self, message: str) -> None:
        self.messages.append(message)

    def run_task(
        self,
        title: str,
        task_factory: Callable[[CancelToken], ProgressTask[Any]],
        on_done: Callable[[Any], None] | None = None,
    ) -> None:
        result = run_to_end(task_factory(CancelToken()))
        if on_done is not None:
            on_done(result)


@pytest.fixture
def logged_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up without the login dialog: the consultant is logged in."""
    from tests.conftest import CONSULENT
    from ui import login

    monkeypatch.setattr(login, "obtain_actor", lambda _database, _parent=None: CONSULENT)


@pytest.fixture
def fake_shell(ctx: AppContext) -> FakeShell:
    return FakeShell(ctx)


@pytest.fixture
def filled_ctx(ctx: AppContext) -> AppContext:
    """The consultant's context on a database with 30 fictional households."""
    generate_households(ctx, 30, seed=7)
    return ctx


@pytest.fixture
def main_window(qtbot: Any, filled_ctx: AppContext, shown: DialogLog) -> Iterator[Any]:
    from ui.main_window import MainWindow

    window = MainWindow(filled_ctx)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.runner.wait_for_idle(5000)


@pytest.fixture(autouse=True)
def _no_login_dialog(monkeypatch: pytest.MonkeyPatch) -> None:
    """Start-up tests type no passwords: the login and first-run dialogs (ui.login) return
    the local user. Tests of the dialogs themselves build them directly."""
    from jeugdtoegang.domain.actor import local_actor
    from ui import login

    monkeypatch.setattr(login, "ask_login", lambda _database, _parent=None: local_actor())
    monkeypatch.setattr(login, "ask_first_run", lambda _database, _parent=None: local_actor())


# -- screenshots ----------------------------------------------------------------------------

#: the folder GUI tests save their screenshots in (they are looked at), e.g. /tmp/shots
SHOTS_ENV = "JEUGDTOEGANG_SHOTS"
_shots_root: list[Path] = []


@pytest.fixture(scope="session", autouse=True)
def shots_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: ``$JEUGDTOEGANG_SHOTS`` when set, else ``shots`` in this
    run's pytest base folder (never a fixed path shared by runs or users)."""
    configured = os.environ.get(SHOTS_ENV)
    root = Path(configured) if configured else tmp_path_factory.getbasetemp() / "shots"
    _shots_root[:] = [root]
    return root


def save_shot(widget: Any, relative: str) -> Path:
    """Save what ``widget`` shows as ``relative`` ("issue-16/dashboard-1280.png") under the
    screenshot root; returns the file. A picture that could not be written fails the test
    (it used to be lost without a word when its folder was missing)."""
    assert _shots_root, "the shots_root fixture sets the folder (tests/gui only)"
    path = _shots_root[0] / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    assert widget.grab().save(str(path)), f"screenshot not written: {path}"
    return path
