"""The main window: navigation over the areas, status bar, menu; implements ``Shell``."""

from __future__ import annotations

import importlib
import logging
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy.engine import make_url

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.progress import CancelToken, ProgressTask
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.engine import sqlite_path
from ui import dialogs
from ui.about import ORGANISATION
from ui.accessibility import focus_first, prepare
from ui.areas import AREAS, start_area
from ui.lock import install_lock
from ui.roles import gate
from ui.workers import TaskHandle, TaskRunner, user_message

log = logging.getLogger("jeugdtoegang.ui")

SETTINGS_APP = "jeugdtoegang-gui"
STATUS_TIMEOUT_MS = 6000


def gui_settings() -> QSettings:
    """The GUI's settings: an INI file in the user data folder (isolated by JEUGDTOEGANG_HOME)."""
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(user_data_dir() / "settings")
    )
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, SETTINGS_APP
    )


def database_label(url: str) -> str:
    """A short name of the database for the status bar (no folders, no credentials)."""
    path = sqlite_path(url)
    if path is not None:
        return path.name
    parsed = make_url(url)
    return f"{parsed.get_backend_name()}: {parsed.database or '?'}"


def _unavailable(message: str) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    label = QLabel(message)
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addStretch(1)
    return widget


class MainWindow(QMainWindow):
    """Navigation list on the left, the current area on the right."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main_window")
        fictional = " — FICTIEVE DEMOGEGEVENS" if ctx.setup.fictional else ""  # issue 13
        # the desktop adds the application's name itself ("Twente — Jeugdtoegang")
        self.setWindowTitle(f"{ctx.profile.name}{fictional}")
        self.runner = TaskRunner(self, on_error=self.show_error)
        #: set by the application: called with the path the user chose in "Database openen…"
        self.open_database_handler: Callable[[Path], None] | None = None
        self._areas: dict[str, QWidget] = {}
        self._area_index = {spec.key: i for i, spec in enumerate(AREAS)}

        self.navigation = QListWidget()
        self.navigation.setObjectName("navigation")
        self.navigation.setMinimumWidth(150)
        self.navigation.setStyleSheet("QListWidget::item { padding: 7px 10px; }")
        self.navigation.setAccessibleName("Onderdelen")
        for spec in AREAS:
            item = QListWidgetItem(spec.label)
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            self.navigation.addItem(item)
            item.setHidden(not spec.allowed(ctx.actor))  # not offered to this role
        self.stack = QStackedWidget()
        self.stack.setObjectName("area_stack")
        for _ in AREAS:
            self.stack.addWidget(QWidget())  # replaced when the area is first shown

        self.splitter = QSplitter()
        self.splitter.setObjectName("main_splitter")
        self.splitter.addWidget(self.navigation)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([170, 1000])
        self.setCentralWidget(self.splitter)

        self._build_menu()
        self._build_status_bar()
        self.navigation.currentRowChanged.connect(self._on_navigation)
        self._restore_state()
        # lock after inactivity (profile setting); widgets stay, so unsaved work stays
        self.lock = install_lock(self, ctx)

    # -- construction -----------------------------------------------------------------------

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&Bestand")
        self.new_dossier_action = QAction("&Nieuw dossier", self)
        self.new_dossier_action.setShortcut(QKeySequence("Ctrl+N"))
        self.new_dossier_action.triggered.connect(self.new_dossier)
        self.search_action = QAction("&Zoeken", self)
        self.search_action.setShortcut(QKeySequence("Ctrl+F"))
        self.search_action.triggered.connect(self.focus_search)
        open_action = QAction("&Database openen…", self)
        open_action.triggered.connect(self._choose_database)
        quit_action = QAction("&Afsluiten", self)
        quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        quit_action.triggered.connect(self.close)
        menu.addAction(self.new_dossier_action)
        menu.addAction(self.search_action)
        menu.addSeparator()
        menu.addAction(open_action)
        menu.addSeparator()
        menu.addAction(quit_action)
        gate(self.new_dossier_action, self.ctx.actor, Permission.DOSSIER_EDIT)
        gate(self.search_action, self.ctx.actor, Permission.DOSSIER_READ)
        self._build_area_shortcuts()
        help_menu = self.menuBar().addMenu("&Help")
        about_action = QAction("&Over Jeugdtoegang", self)
        about_action.triggered.connect(self._about)
        help_menu.addAction(about_action)

    def _build_area_shortcuts(self) -> None:
        """Ctrl+1 … Ctrl+9: the areas this role sees, in the order of the navigation."""
        menu = self.menuBar().addMenu("Ond&erdelen")  # Alt+E: Alt+G is Goedkeuren in Te beoordelen
        visible = [spec for spec in AREAS if spec.allowed(self.ctx.actor)]
        self.area_actions: dict[str, QAction] = {}
        for number, spec in enumerate(visible[:9], start=1):
            action = QAction(spec.label, self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _checked=False, key=spec.key: self.go_to_area(key))
            menu.addAction(action)
            self.area_actions[spec.key] = action

    def _build_status_bar(self) -> None:
        info = self.ctx.database.info()
        team = info.team_name or self.ctx.actor.team or self.ctx.profile.team_name_default
        parts = (
            ("status_region", f"Regio: {self.ctx.profile.name}"),
            ("status_team", f"Team: {team}"),
            ("status_user", f"Gebruiker: {self.ctx.actor.display_name}"),
            ("status_database", f"Database: {database_label(self.ctx.database.url)}"),
        )
        self.status_labels: dict[str, QLabel] = {}
        for name, text in parts:
            label = QLabel(text)
            label.setObjectName(name)
            label.setContentsMargins(8, 0, 8, 0)
            self.statusBar().addPermanentWidget(label)
            self.status_labels[name] = label

    # -- areas ------------------------------------------------------------------------------

    def area(self, key: str) -> QWidget:
        """The widget of an area, created (and its module imported) on first use."""
        widget = self._areas.get(key)
        if widget is not None:
            return widget
        spec = AREAS[self._area_index[key]]
        if not spec.allowed(self.ctx.actor):
            return self.stack.widget(self._area_index[key])  # never built for this role
        try:
            module = importlib.import_module(spec.module)
            widget = module.create(self.ctx, self)
        except JeugdtoegangError as error:
            widget = _unavailable(error.message)
        except Exception as error:  # an area that fails must not take the window down
            log.error("area %s failed to load: %s", key, type(error).__name__)
            widget = _unavailable(
                user_message(
                    error,
                    "Dit onderdeel kon niet worden geladen. Neem contact op met de beheerder.",
                )
            )
        widget.setObjectName(widget.objectName() or f"area_{key}")
        prepare(widget)
        index = self._area_index[key]
        placeholder = self.stack.widget(index)
        self.stack.removeWidget(placeholder)
        placeholder.deleteLater()
        self.stack.insertWidget(index, widget)
        self._areas[key] = widget
        return widget

    def current_area_key(self) -> str:
        return AREAS[max(self.navigation.currentRow(), 0)].key

    def _on_navigation(self, row: int) -> None:
        if 0 <= row < len(AREAS):
            self._show(AREAS[row].key)

    def _show(self, key: str) -> None:
        existed = key in self._areas
        widget = self.area(key)
        self.stack.setCurrentWidget(widget)
        refresh = getattr(widget, "refresh", None)
        if existed and callable(refresh):
            try:
                refresh()
            except JeugdtoegangError as error:
                self.show_error(error.message)

    # -- Shell ------------------------------------------------------------------------------

    def show_area(self, key: str) -> None:
        if not AREAS[self._area_index[key]].allowed(self.ctx.actor):
            key = start_area(self.ctx.actor)
        row = self._area_index[key]
        if self.navigation.currentRow() != row:
            self.navigation.setCurrentRow(row)  # → _on_navigation
        elif self.stack.currentIndex() != row or key not in self._areas:
            self._show(key)

    def go_to_area(self, key: str) -> None:
        """Show an area and put the keyboard focus in it (Ctrl+1 … Ctrl+9, and at start)."""
        self.show_area(key)
        focus_first(self.area(self.current_area_key()))

    def open_dossier(self, household_id: uuid.UUID, tab: str | None = None) -> None:
        if not AREAS[self._area_index["dossiers"]].allowed(self.ctx.actor):
            return
        self.show_area("dossiers")
        self.area("dossiers").open_dossier(household_id, tab)  # type: ignore[attr-defined]

    def new_dossier(self) -> None:
        if not AREAS[self._area_index["dossiers"]].allowed(self.ctx.actor):
            return
        self.show_area("dossiers")
        self.area("dossiers").new_dossier()  # type: ignore[attr-defined]

    def focus_search(self) -> None:
        if not AREAS[self._area_index["dossiers"]].allowed(self.ctx.actor):
            return
        self.show_area("dossiers")
        self.area("dossiers").focus_search()  # type: ignore[attr-defined]

    def show_error(self, message: str) -> None:
        dialogs.show_error(self, message)

    def status(self, message: str) -> None:
        self.statusBar().showMessage(message, STATUS_TIMEOUT_MS)

    def run_task(
        self,
        title: str,
        task_factory: Callable[[CancelToken], ProgressTask[Any]],
        on_done: Callable[[Any], None] | None = None,
    ) -> TaskHandle:
        return self.runner.run(title, task_factory, on_done)

    # -- menu actions -----------------------------------------------------------------------

    def _choose_database(self) -> None:
        path = dialogs.choose_open_file(
            self, "Database openen", "SQLite-database (*.sqlite *.db);;Alle bestanden (*)"
        )
        if path is not None and self.open_database_handler is not None:
            self.open_database_handler(path)

    def _about(self) -> None:
        from ui.about import AboutDialog

        dialog = AboutDialog(self.ctx.database.url, self)
        dialog.exec()

    # -- state ------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = gui_settings()
        geometry = settings.value("main_window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("main_window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = settings.value("main_window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        start = start_area(self.ctx.actor)
        key = settings.value("main_window/area", start)
        if key not in self._area_index or not AREAS[self._area_index[key]].allowed(self.ctx.actor):
            key = start
        self.show_area(key)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        super().showEvent(event)
        if self.focusWidget() is None:  # the keyboard starts in the area, not nowhere
            focus_first(self.area(self.current_area_key()))

    def save_state(self) -> None:
        settings = gui_settings()
        settings.setValue("main_window/geometry", self.saveGeometry())
        settings.setValue("main_window/state", self.saveState())
        settings.setValue("main_window/splitter", self.splitter.saveState())
        settings.setValue("main_window/area", self.current_area_key())
        settings.sync()

    def has_unsaved_changes(self) -> bool:
        return any(
            callable(getattr(w, "has_unsaved_changes", None)) and w.has_unsaved_changes()  # type: ignore[attr-defined]
            for w in self._areas.values()
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self.has_unsaved_changes() and not dialogs.confirm(
            self,
            "Niet opgeslagen wijzigingen",
            "Er zijn wijzigingen die nog niet zijn opgeslagen. Toch afsluiten? "
            "De wijzigingen gaan dan verloren.",
        ):
            event.ignore()
            return
        if self.runner.busy:
            self.runner.cancel_all()
            self.runner.wait_for_idle(5000)
        self.save_state()
        event.accept()
