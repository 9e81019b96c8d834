"""The fast start of an interactive session: the login dialog paints at once (plain Qt)
while a worker thread imports the core, opens and checks the database (see README,
Benchmarks). A database that needs another first window takes the full start
(``session_start.build_window``).
"""

from __future__ import annotations

import contextlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import user_data_dir
from ui import dialogs, login, session_start
from ui.app_setup import START_FAILED_TITLE, excepthook, start_log

if TYPE_CHECKING:
    from jeugdtoegang.storage.database import Database
    from ui.main_window import MainWindow

#: what the main window needs for its first paint, most likely first (a consultant's start
#: area, then the team lead's and the beheerder's), imported while the user types
PREWARM_MODULES = (
    "jeugdtoegang.services.region_setup",
    "ui.main_window",
    "jeugdtoegang.services.caseload",
    "jeugdtoegang.services.review",
    "jeugdtoegang.services.plans",
    "jeugdtoegang.services.indications",
    "jeugdtoegang.services.decisions",
    "jeugdtoegang.settings",
    "ui.areas.mywork",
    "ui.areas.dossiers",
    "ui.areas.review",
    "ui.areas.admin",
)


def prewarm(stop: threading.Event | None = None) -> None:
    """Import what the main window will need (in the worker thread, after the database is
    open); stops between two modules once ``stop`` is set (the user has logged in)."""
    import importlib

    for name in PREWARM_MODULES:
        if stop is not None and stop.is_set():
            return
        importlib.import_module(name)


@dataclass(frozen=True)
class Prepared:
    """What the background start found: an open database ready for the login; or nothing
    (take the full start: a new, an encrypted or an account-less database); or an error."""

    database: Database | None = None
    error: BaseException | None = None


def fast_start_possible(db: str | None, *, demo: bool) -> bool:
    """The login can come first unless this is plainly a first start (no file yet: the
    start dialog or the demo being made comes first, as before) or an encrypted file (the
    unlock dialog comes first). A database named only by the settings is checked behind
    the login, and a full start follows when it needs another first window."""
    if demo:
        target: str | None = str(user_data_dir() / session_start.DEMO_FILE)
    else:
        import os

        target = db if db is not None else os.environ.get("JEUGDTOEGANG_DB") or None
    if target is None or "://" in target:
        return True  # the settings name it, or a server: the background finds out
    path = Path(target).expanduser()
    if not path.is_file() or path.stat().st_size == 0:
        return False
    from jeugdtoegang.storage import encryption  # light: no SQLAlchemy

    # an encrypted file: the unlock dialog is the first window (it asks the same things)
    return not encryption.is_encrypted(path) or encryption.unlocked_key(path) is not None


def prepare_database(db: str | None, *, demo: bool = False) -> Prepared:
    """Runs in a worker thread while the login dialog is shown (touches no widgets): import
    the core, open, migrate and check the database."""
    from jeugdtoegang.services import auth
    from jeugdtoegang.storage import encryption
    from jeugdtoegang.storage.engine import resolve_database_url, sqlite_path

    target = str(user_data_dir() / session_start.DEMO_FILE) if demo else db
    path = sqlite_path(resolve_database_url(target))
    if path is not None and encryption.is_encrypted(path) and not encryption.unlocked_key(path):
        return Prepared()  # the unlock dialog asks for the credentials first
    database = session_start.open_database(target)
    try:
        ready = database.is_initialised() and auth.has_users(database)
        if ready and demo:
            from jeugdtoegang.domain.actor import SYSTEM_ACTOR
            from jeugdtoegang.services.region_setup import ensure_setup

            ready = session_start.has_households(database)
            if ready:  # an older demo file gets the current set-up
                ensure_setup(session_start.make_context(database, SYSTEM_ACTOR), fictional=True)
        if not ready:
            database.close()
            return Prepared()
    except BaseException:
        database.close()
        raise
    return Prepared(database)


class FastStart(QObject):
    """The start of an interactive session: the login dialog paints at once (plain Qt), and
    a worker thread imports the core and opens the database meanwhile. A database that
    needs another first window (new, encrypted, without accounts) takes the full start
    (``build_window``); one that cannot be opened ends with a Dutch message and exit 1."""

    prepared = Signal(object)

    def __init__(self, app: QApplication, db: str | None, *, demo: bool = False) -> None:
        super().__init__()
        self.app, self.db, self.demo = app, db, demo
        self.database: Database | None = None
        self.window: MainWindow | None = None
        self.dialog = login.LoginDialog(None, preselect="c.jansen" if demo else "", demo=demo)
        self.dialog.accepted.connect(self._logged_in)
        self.dialog.rejected.connect(self._cancelled)
        self.prepared.connect(self._on_prepared)
        self.dialog.installEventFilter(self)
        self._thread: threading.Thread | None = None
        self._stopped = False
        self._stop_prewarm = threading.Event()

    def start(self) -> None:
        """Show the login; the background work starts once it has painted."""
        self.app.setQuitOnLastWindowClosed(False)  # between the login and the main window
        self.dialog.show()
        QTimer.singleShot(500, self._begin)  # in case no paint event arrives

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.Paint and self._thread is None:
            QTimer.singleShot(0, self._begin)  # after this paint: no contention for it
        return False

    def _begin(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._work, name="jeugdtoegang-start", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        with contextlib.suppress(Exception):  # a log that cannot start never stops the program
            start_log()
        try:
            result = prepare_database(self.db, demo=self.demo)
        except BaseException as error:  # delivered to the GUI thread, shown in Dutch there
            result = Prepared(error=error)
        self.prepared.emit(result)
        if result.database is not None:
            with contextlib.suppress(Exception):  # only a head start: the window imports anyway
                prewarm(self._stop_prewarm)

    def wait(self) -> None:
        """Until the background work is done (tests; a cancelled login; before the main
        window is made, so that no module is imported by two threads at once)."""
        self._stop_prewarm.set()
        if self._thread is not None:
            self._thread.join()
        QApplication.sendPostedEvents(self)

    def _on_prepared(self, result: Prepared) -> None:
        if self._stopped:  # the user closed the login while the database was opening
            if result.database is not None:
                result.database.close()
        elif result.error is not None:
            self.dialog.hide()
            error = result.error
            if isinstance(error, JeugdtoegangError):
                dialogs.show_error(None, error.message, START_FAILED_TITLE)
            else:
                excepthook(type(error), error, error.__traceback__)
            self._finish(1)
        elif result.database is None:
            self.dialog.hide()
            self._full_start()
        else:
            self.database = result.database
            self.dialog.set_database(result.database)

    def _full_start(self) -> None:
        try:
            window = session_start.build_window(self.db, demo=self.demo)
        except JeugdtoegangError as error:
            dialogs.show_error(None, error.message, START_FAILED_TITLE)
            self._finish(1)
            return
        except Exception as error:  # e.g. a database server that cannot be reached
            excepthook(type(error), error, error.__traceback__)
            self._finish(1)
            return
        if window is None:
            self._finish(0)
            return
        self._show(window)

    def _logged_in(self) -> None:
        actor, database = self.dialog.actor, self.database
        assert actor is not None and database is not None
        self.wait()  # the head start ends after the module being imported now
        try:
            window = session_start.make_main_window(database, actor)
        except Exception as error:
            excepthook(type(error), error, error.__traceback__)
            database.close()
            self._finish(1)
            return
        self._show(window)

    def _show(self, window: MainWindow) -> None:
        self.window = window
        session_start.open_windows.append(window)
        window.show()
        self.app.setQuitOnLastWindowClosed(True)
        self.dialog.deleteLater()

    def _cancelled(self) -> None:
        self._stopped = True
        self.dialog.hide()
        self.wait()  # a migration or check in progress ends first
        if self.database is not None:
            self.database.close()
        self._finish(0)

    def _finish(self, code: int) -> None:
        self.app.setQuitOnLastWindowClosed(True)
        self.app.exit(code)
