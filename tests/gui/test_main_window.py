"""The main window, the start-up path and the task runner, driven offscreen."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QPushButton

from jeugdtoegang.errors import RuleViolationError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.regions import load_all_profiles
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.households import count_households
from jeugdtoegang.storage.database import open_database
from tests.conftest import CONSULENT
from tests.gui.conftest import DialogLog
from ui import app as gui_app
from ui import session_start
from ui.main_window import MainWindow
from ui.workers import UNEXPECTED_MESSAGE

# -- the window ------------------------------------------------------------------------------


def test_title_names_the_region_and_the_status_bar_shows_who_and_where(
    main_window: MainWindow,
) -> None:
    assert main_window.windowTitle() == "Zuidoost-Utrecht"
    labels = {name: label.text() for name, label in main_window.status_labels.items()}
    assert labels["status_region"] == "Regio: Zuidoost-Utrecht"
    assert labels["status_team"] == "Team: Team Zeist"
    assert labels["status_user"] == "Gebruiker: Carla Jansen"
    if main_window.ctx.database.dialect == "sqlite":
        assert labels["status_database"] == "Database: test.sqlite"  # a file name, not a folder
    else:  # the suite run against a server: the server's database by name, no password
        name = main_window.ctx.database.engines.write.url.database
        assert labels["status_database"] == f"Database: postgresql: {name}"


def test_areas_are_created_only_when_first_shown(qtbot: Any, main_window: MainWindow) -> None:
    assert set(main_window._areas) == {"mywork"}  # the consultant's start screen
    labels = [main_window.navigation.item(i).text() for i in range(main_window.navigation.count())]
    assert labels[:8] == [
        "Mijn werk",
        "Dossiers",
        "Te beoordelen",
        "Teamoverzicht",
        "Signalen",
        "Aanbieders",
        "Rapportage",
        "Synchronisatie",
    ]

    main_window.navigation.setCurrentRow(labels.index("Aanbieders"))

    assert "providers" in main_window._areas
    assert main_window.stack.currentWidget() is main_window.area("providers")
    assert main_window.current_area_key() == "providers"


def test_keyboard_shortcuts_focus_the_search_and_start_a_new_dossier(
    qtbot: Any, main_window: MainWindow
) -> None:
    assert main_window.search_action.shortcut() == QKeySequence("Ctrl+F")
    assert main_window.new_dossier_action.shortcut() == QKeySequence("Ctrl+N")
    main_window.show_area("signals")
    main_window.activateWindow()

    main_window.search_action.trigger()
    area = main_window.area("dossiers")
    assert main_window.current_area_key() == "dossiers"
    qtbot.waitUntil(lambda: area.list_page.search_field.hasFocus(), timeout=2000)

    main_window.new_dossier_action.trigger()
    assert area.tabs.tabText(area.tabs.currentIndex()) == "Nieuw dossier"


def test_open_dossier_shows_the_dossier_view_on_the_requested_tab(
    main_window: MainWindow,
) -> None:
    area = main_window.area("dossiers")
    household_id = area.list_page.model.household_id(0)
    main_window.show_area("admin")

    main_window.open_dossier(household_id, tab="log")

    view = area.tabs.currentWidget()
    assert main_window.current_area_key() == "dossiers"
    assert view.household_id == household_id
    assert view.current_tab_key() == "log"
    assert view.tabs.tabText(view.tabs.currentIndex()) == "Logboek"
    main_window.open_dossier(household_id, tab="household")  # same tab, no second copy
    assert area.tabs.count() == 2
    assert view.current_tab_key() == "household"


def test_window_size_and_area_are_restored_on_the_next_start(
    qtbot: Any, filled_ctx: AppContext, shown: DialogLog
) -> None:
    first = MainWindow(filled_ctx)
    qtbot.addWidget(first)
    first.resize(720, 520)
    first.show()
    first.show_area("reports")
    first.close()

    second = MainWindow(filled_ctx)
    qtbot.addWidget(second)
    assert second.size() == QSize(720, 520)
    assert second.current_area_key() == "reports"
    assert (user_data_dir() / "settings").is_dir()  # kept with the user's data


def test_closing_with_unsaved_changes_asks_first(
    qtbot: Any, main_window: MainWindow, shown: DialogLog
) -> None:
    main_window.new_dossier()
    form = main_window.area("dossiers").tabs.currentWidget()
    qtbot.keyClicks(form.name_field, "Gezin Half")
    shown.confirm_answer = False

    assert main_window.close() is False
    assert "nog niet zijn opgeslagen" in shown.confirms[0]
    shown.confirm_answer = True
    assert main_window.close() is True


# -- the task runner ------------------------------------------------------------------------


def _counting(steps: int, delay: float = 0.0) -> Any:
    def factory(token: CancelToken) -> Iterator[Progress]:
        for done in range(steps):
            token.raise_if_cancelled()
            time.sleep(delay)
            yield Progress(done + 1, steps, f"Stap {done + 1} van {steps}")
        return f"klaar na {steps} stappen"

    return factory


def test_a_task_reports_progress_and_delivers_its_result_in_the_gui_thread(
    qtbot: Any, main_window: MainWindow, shown: DialogLog
) -> None:
    results: list[str] = []
    handle = main_window.run_task("Tellen", _counting(5), results.append)
    with qtbot.waitSignal(handle.finished, timeout=5000) as finished:
        pass
    assert finished.args == [True]
    assert results == ["klaar na 5 stappen"]
    assert handle.last_progress == Progress(5, 5, "Stap 5 van 5")
    assert shown.errors == []
    assert main_window.runner.wait_for_idle(1000)


def test_cancel_stops_a_task_without_a_result_or_an_error_message(
    qtbot: Any, main_window: MainWindow, shown: DialogLog
) -> None:
    results: list[str] = []
    handle = main_window.run_task("Lang werk", _counting(500, 0.01), results.append)
    qtbot.waitUntil(lambda: handle.dialog.value() >= 2, timeout=5000)
    assert handle.dialog.labelText().startswith("Stap ")
    cancel_button = handle.dialog.findChild(QPushButton)
    assert cancel_button.text() == "Annuleren"
    qtbot.mouseClick(cancel_button, Qt.MouseButton.LeftButton)

    assert handle.wait_for_idle(5000)
    assert handle.cancelled
    assert results == []
    assert shown.errors == []


def test_a_failing_task_shows_its_dutch_message(
    qtbot: Any, main_window: MainWindow, shown: DialogLog
) -> None:
    def failing(_token: CancelToken) -> Iterator[Progress]:
        yield Progress(1, 2, "Bezig")
        raise RuleViolationError("Dit plan mist nog doelen.")

    unexpected_done: list[object] = []

    def crashing(_token: CancelToken) -> Iterator[Progress]:
        yield Progress(1, 2, "Bezig")
        raise KeyError("Jansen 123456782")

    main_window.run_task("Controleren", failing)
    main_window.run_task("Crash", crashing, unexpected_done.append)
    assert main_window.runner.wait_for_idle(5000)

    assert sorted(shown.errors) == sorted(["Dit plan mist nog doelen.", UNEXPECTED_MESSAGE])
    assert unexpected_done == []


# -- start-up -------------------------------------------------------------------------------


def test_an_empty_database_offers_demo_or_new_and_a_new_one_gets_the_chosen_region(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: DialogLog, logged_in: None
) -> None:
    asked: list[bool] = []

    def choose(_parent: Any = None) -> gui_app.StartChoice:
        asked.append(True)
        return gui_app.StartChoice(
            demo=False, region="twente", municipality="Enschede", team_name="Team Enschede-Zuid"
        )

    monkeypatch.setattr(session_start, "ask_start_choice", choose)
    path = tmp_path / "nieuw.sqlite"

    window = gui_app.build_window(str(path))
    assert window is not None
    qtbot.addWidget(window)

    assert asked == [True]
    assert window.windowTitle() == "Twente"
    assert window.status_labels["status_team"].text() == "Team: Team Enschede-Zuid"
    assert window.area("dossiers").list_page.count_label.text() == "0 dossiers"
    info = window.ctx.database.info()
    assert (info.region_slug, info.municipality) == ("twente", "Enschede")
    window.ctx.database.close()


def test_the_start_dialog_offers_every_region_and_returns_the_choice(qtbot: Any) -> None:
    profiles = load_all_profiles()
    dialog = gui_app.StartDialog(profiles)
    qtbot.addWidget(dialog)
    assert dialog.region_combo.count() == len(profiles)
    assert dialog.region_combo.currentData() == "zuidoost-utrecht"
    assert dialog.demo_button.text() == "Demo openen"
    assert dialog.new_button.text() == "Nieuwe lege database"

    dialog.region_combo.setCurrentIndex(dialog.region_combo.findData("noord-veluwe"))
    dialog.municipality_combo.setCurrentIndex(dialog.municipality_combo.findData("Ermelo"))
    qtbot.mouseClick(dialog.demo_button, Qt.MouseButton.LeftButton)

    assert dialog.choice is not None
    assert (dialog.choice.demo, dialog.choice.region, dialog.choice.municipality) == (
        True,
        "noord-veluwe",
        "Ermelo",
    )


def test_choosing_the_demo_fills_the_empty_database(
    qtbot: Any, tmp_path: Path, shown: DialogLog
) -> None:
    database = open_database(str(tmp_path / "leeg.sqlite"))
    gui_app.apply_start_choice(database, gui_app.StartChoice(demo=True, region="zuidoost-utrecht"))
    # the demo team's consultant sees them (another team's consultant would not)
    demo_consultant = replace(CONSULENT, team=database.info().team_name)
    assert count_households(AppContext(database, demo_consultant)) > 100
    database.close()


def test_cancelling_the_start_dialog_ends_quietly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shown: DialogLog, logged_in: None
) -> None:
    monkeypatch.setattr(session_start, "ask_start_choice", lambda _parent=None: None)
    assert gui_app.build_window(str(tmp_path / "x.sqlite")) is None
    assert shown.errors == []


def test_demo_flag_opens_the_demo_database_in_the_user_folder(
    qtbot: Any, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ui import login

    # logged in as the demo team's consultant (lists show only the user's team)
    monkeypatch.setattr(
        login,
        "obtain_actor",
        lambda database, _parent=None: replace(CONSULENT, team=database.info().team_name),
    )
    window = gui_app.build_window(None, demo=True)
    assert window is not None
    qtbot.addWidget(window)
    assert (user_data_dir() / "demo.sqlite").is_file()
    assert window.status_labels["status_database"].text() == "Database: demo.sqlite"
    assert window.area("dossiers").list_page.model.total == 250
    window.ctx.database.close()


def test_a_broken_database_file_ends_with_a_dutch_message_and_exit_code_1(
    tmp_path: Path, shown: DialogLog, caplog: pytest.LogCaptureFixture
) -> None:
    broken = tmp_path / "Jansen-123456782.sqlite"
    broken.write_bytes(b"dit is geen database" * 100)

    with caplog.at_level(logging.ERROR):
        assert gui_app.main(["--db", str(broken)]) == 1

    assert shown.errors == [UNEXPECTED_MESSAGE]
    assert "Jansen" not in caplog.text and "123456782" not in caplog.text


def test_the_exception_hook_shows_no_traceback_or_personal_data(
    shown: DialogLog, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        try:
            raise ValueError("BSN 123456782 van Sem Jansen")
        except ValueError as error:
            gui_app.excepthook(ValueError, error, error.__traceback__)

    assert shown.errors == [UNEXPECTED_MESSAGE]
    assert "ValueError" in caplog.text
    assert "123456782" not in caplog.text and "Jansen" not in caplog.text
