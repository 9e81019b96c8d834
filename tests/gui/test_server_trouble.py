"""The GUI when the team's database server is gone or cannot be reached (issue 19).

A task that loses its server, an error that reaches the last boundary, and a start
against a server that cannot be reached: each shows the Dutch sentence the user can act
on, never "onverwachts" and never the driver's text (it names the server and account)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy.exc import OperationalError

from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.storage.server_errors import SERVER_GONE, SERVER_UNREACHABLE
from tests.gui.conftest import DialogLog
from tests.integration.test_server_trouble import closed_port
from ui import app as gui_app
from ui.main_window import MainWindow

psycopg = pytest.importorskip("psycopg")


def lost_server() -> OperationalError:
    orig = psycopg.OperationalError("server closed the connection unexpectedly (db.team:5432)")
    return OperationalError("SELECT 1", {}, orig, connection_invalidated=True)


def test_a_task_that_loses_the_server_says_so_in_dutch(
    qtbot: Any, main_window: MainWindow, shown: DialogLog
) -> None:
    def losing(_token: CancelToken) -> Iterator[Progress]:
        yield Progress(1, 2, "Bezig")
        raise lost_server()

    main_window.run_task("Opslaan", losing)
    assert main_window.runner.wait_for_idle(5000)
    assert shown.errors == [SERVER_GONE]


def test_the_last_boundary_names_a_lost_server_too(shown: DialogLog) -> None:
    error = lost_server()
    gui_app.excepthook(type(error), error, error.__traceback__)
    assert shown.errors == [SERVER_GONE]
    assert "db.team" not in shown.errors[0]


def test_a_start_against_a_server_that_cannot_be_reached_says_so_and_exits_1(
    shown: DialogLog,
) -> None:
    url = f"postgresql+psycopg://jt:geheim@127.0.0.1:{closed_port()}/team"
    assert gui_app.main(["--db", url]) == 1
    assert shown.errors == [SERVER_UNREACHABLE]


def test_an_area_that_cannot_load_for_want_of_its_server_says_why(
    main_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QLabel

    from ui.areas import signals

    def unreachable(*_args: Any) -> Any:
        raise lost_server()

    monkeypatch.setattr(signals, "create", unreachable)
    widget = main_window.area("signals")
    texts = [label.text() for label in widget.findChildren(QLabel)]
    assert texts == [SERVER_GONE]
