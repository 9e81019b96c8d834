"""Entry point of ``jeugdtoegang-gui``: open the database, log in, show the main window.

``jeugdtoegang-gui [--db PATH|URL] [--demo]``. Without ``--db`` the database named by
``JEUGDTOEGANG_DB`` is used, else ``jeugdtoegang.sqlite`` in the user data folder. A
database without a region gets a start dialog: open the demo, or start a new empty one.
``--demo`` opens ``demo.sqlite`` in the user data folder, filled with demo data when new.

Start-up is fast because the first window, the login, needs only Qt: this module imports
the core (SQLAlchemy, the models, pydantic) only where it is used, and ``FastStart`` opens
the database in a worker thread while the user types (see README, Benchmarks).
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QEvent,
    QEventLoop,
    QLibraryInfo,
    QLocale,
    QObject,
    QTimer,
    QTranslator,
    Signal,
)
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang import __version__
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from ui import dialogs, login
from ui.about import ORGANISATION
from ui.workers import UNEXPECTED_MESSAGE, TaskRunner

if TYPE_CHECKING:
    from jeugdtoegang.regions import RegionProfile
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.database import Database
    from ui.main_window import MainWindow

log = logging.getLogger("jeugdtoegang.ui")

DEMO_REGION = "zuidoost-utrecht"
DEMO_FILE = "demo.sqlite"
START_FAILED_TITLE = "Jeugdtoegang kan niet starten"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="jeugdtoegang-gui", description="Jeugdtoegang: de werkplek voor het toegangsteam."
    )
    parser.add_argument("--version", action="version", version=f"jeugdtoegang {__version__}")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db",
        help="database: pad naar een SQLite-bestand of een SQLAlchemy-URL "
        "(standaard JEUGDTOEGANG_DB of de gebruikersmap)",
    )
    where.add_argument(
        "--demo",
        action="store_true",
        help=f"open de demodatabase ({DEMO_FILE} in de gebruikersmap; wordt zo nodig gevuld)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="controle na installatie: open het hoofdvenster (inloggen met JEUGDTOEGANG_USER en "
        "JEUGDTOEGANG_PASSWORD), meld het en sluit af",
    )
    return parser


# -- the core, imported on first use -----------------------------------------------------------
# The first window (the login) must paint without SQLAlchemy, the models or pydantic: they
# are imported in the background while the user types (see ``FastStart``), or here when the
# start needs them at once (smoke test, a new database, an encrypted one).


def open_database(db: str | None = None, **options: Any) -> Database:
    from jeugdtoegang.storage.database import open_database as open_db

    return open_db(db, **options)


def initialise(database: Database, region_slug: str, **options: Any) -> Any:
    from jeugdtoegang.storage.database import initialise as init

    return init(database, region_slug, **options)


def load_all_profiles() -> dict[str, RegionProfile]:
    from jeugdtoegang.regions import load_all_profiles as load_all

    return load_all()


def load_profile(slug: str) -> RegionProfile:
    from jeugdtoegang.regions import load_profile as load

    return load(slug)


def _context(database: Database, actor: Actor) -> AppContext:
    from jeugdtoegang.services.context import AppContext

    return AppContext(database, actor)


# -- application set-up ---------------------------------------------------------------------

_translators: list[QTranslator] = []


def configure_application(app: QApplication) -> None:
    """Dutch locale and Qt's own Dutch texts (Ja/Nee, Annuleren), names for QSettings."""
    app.setApplicationName("Jeugdtoegang")
    app.setApplicationDisplayName("Jeugdtoegang")
    app.setOrganizationName(ORGANISATION)
    app.setApplicationVersion(__version__)
    from ui.about import app_icon

    app.setWindowIcon(app_icon())
    # on Linux desktops the task bar finds the icon through the .desktop entry of this name
    app.setDesktopFileName("jeugdtoegang")
    QLocale.setDefault(QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands))
    if not _translators:
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        translator = QTranslator(app)
        if translator.load("qtbase_nl", folder):
            app.installTranslator(translator)
            _translators.append(translator)


_in_hook = False


def excepthook(
    exc_type: type[BaseException], error: BaseException, tb: TracebackType | None
) -> None:
    """Last boundary: a Dutch message, no traceback or personal data; log the type only."""
    global _in_hook
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, error, tb)
        return
    log.error("unexpected error: %s", exc_type.__name__)
    if _in_hook:
        return
    _in_hook = True
    try:
        message = error.message if isinstance(error, JeugdtoegangError) else UNEXPECTED_MESSAGE
        dialogs.show_error(QApplication.activeWindow(), message)
    except Exception:  # pragma: no cover - never let the hook itself fail loudly
        pass
    finally:
        _in_hook = False


# -- the start dialog -----------------------------------------------------------------------


@dataclass(frozen=True)
class StartChoice:
    """What to do with a database that has no region yet."""

    demo: bool
    region: str
    municipality: str | None = None
    team_name: str | None = None


class StartDialog(QDialog):
    """'Demo openen' or 'Nieuwe lege database' (region, optional municipality, team)."""

    def __init__(self, profiles: dict[str, RegionProfile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_dialog")
        self.setWindowTitle("Jeugdtoegang — eerste start")
        self.profiles = profiles
        self.choice: StartChoice | None = None
        intro = QLabel(
            "Deze database is nog leeg. Kies de regio en open de demo met verzonnen "
            "gezinnen, of begin met een nieuwe, lege database voor uw team."
        )
        intro.setWordWrap(True)
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("region_field")
        for slug, profile in profiles.items():
            self.region_combo.addItem(profile.name, slug)
        default = self.region_combo.findData(DEMO_REGION)
        self.region_combo.setCurrentIndex(max(default, 0))
        self.municipality_combo = QComboBox()
        self.municipality_combo.setObjectName("municipality_field")
        self.team_field = QLineEdit()
        self.team_field.setObjectName("team_field")
        form = QFormLayout()
        form.addRow("Regio", self.region_combo)
        form.addRow("Gemeente (mag leeg)", self.municipality_combo)
        form.addRow("Naam van het team", self.team_field)
        self.demo_button = QPushButton("Demo openen")
        self.demo_button.setObjectName("demo_button")
        self.new_button = QPushButton("Nieuwe lege database")
        self.new_button.setObjectName("new_database_button")
        self.cancel_button = QPushButton("Afsluiten")
        self.cancel_button.setObjectName("cancel_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.region_combo.currentIndexChanged.connect(self._region_changed)
        self.demo_button.clicked.connect(lambda: self._choose(demo=True))
        self.new_button.clicked.connect(lambda: self._choose(demo=False))
        self.cancel_button.clicked.connect(self.reject)
        self._region_changed()
        self.resize(520, self.sizeHint().height())

    def _region_changed(self, _index: int = 0) -> None:
        profile = self.profiles.get(self.region_combo.currentData())
        self.municipality_combo.clear()
        self.municipality_combo.addItem("— hele regio —", None)
        if profile is not None:
            for municipality in profile.municipalities:
                self.municipality_combo.addItem(municipality.name, municipality.name)
            self.team_field.setText(profile.team_name_default)

    def _choose(self, *, demo: bool) -> None:
        self.choice = StartChoice(
            demo=demo,
            region=self.region_combo.currentData(),
            municipality=self.municipality_combo.currentData(),
            team_name=self.team_field.text().strip() or None,
        )
        self.accept()


def ask_start_choice(parent: QWidget | None = None) -> StartChoice | None:
    """Ask what to do with an empty database (tests replace this function)."""
    dialog = StartDialog(load_all_profiles(), parent)
    dialog.exec()
    return dialog.choice


# -- opening the database -------------------------------------------------------------------


def _demo_actor(team: str | None) -> Actor:
    return Actor("demo", "Demo", frozenset({Role.SYSTEEM}), team=team)


def fill_demo_with_progress(database: Database, team: str | None) -> int:
    """Fill an initialised, empty database with the demo set in a worker (dialog shown)."""
    from jeugdtoegang.demo import fill_demo

    ctx = _context(database, _demo_actor(team))
    errors: list[str] = []
    runner = TaskRunner(None, on_error=errors.append)

    def task(_token: CancelToken) -> ProgressTask[int]:
        yield Progress(0, 0, "Demodata aanmaken…")
        return fill_demo(ctx)

    handle = runner.run("Demo voorbereiden", task)
    if not handle.done:
        loop = QEventLoop()
        handle.finished.connect(loop.quit)
        loop.exec()
    if errors or handle.error is not None:
        raise JeugdtoegangError(errors[0] if errors else "De demodata konden niet worden gemaakt.")
    return int(handle.result)


def apply_start_choice(database: Database, choice: StartChoice) -> None:
    """Initialise the database as chosen (and fill it with the demo set)."""
    profile = load_profile(choice.region)
    team = choice.team_name or profile.team_name_default
    initialise(database, choice.region, municipality=choice.municipality, team_name=team)
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.region_setup import ensure_setup

    ensure_setup(_context(database, SYSTEM_ACTOR), fictional=choice.demo)
    if choice.demo:
        fill_demo_with_progress(database, team)


def _has_households(database: Database) -> bool:
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.households import count_households

    return count_households(_context(database, SYSTEM_ACTOR)) > 0


def open_demo_database() -> Database:
    """The built-in demo database, created and filled on first use."""
    database = open_database(str(user_data_dir() / DEMO_FILE))
    if not database.is_initialised():
        team = load_profile(DEMO_REGION).team_name_default
        initialise(database, DEMO_REGION, team_name=team)
    if not _has_households(database):
        fill_demo_with_progress(database, database.info().team_name)
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.region_setup import ensure_setup

    ensure_setup(_context(database, SYSTEM_ACTOR), fictional=True)  # an older demo file
    return database


def open_for_session(db: str | None, *, demo: bool = False) -> Database | None:
    """Open (and if new, set up) the database; None when the user chose to stop."""
    if demo:
        return open_demo_database()
    database = open_database(db)
    if not database.is_initialised():
        choice = ask_start_choice()
        if choice is None:
            database.close()
            return None
        apply_start_choice(database, choice)
    return database


def _smoke_test_actor(database: Database) -> Actor:
    """The smoke test logs in like a script: with the account in the environment."""
    import os

    from jeugdtoegang.services import auth

    username = os.environ.get("JEUGDTOEGANG_USER", "").strip()
    password = os.environ.get("JEUGDTOEGANG_PASSWORD")
    if not auth.has_users(database) or not username or password is None:
        raise JeugdtoegangError(
            "De controle na installatie heeft een account nodig: zet JEUGDTOEGANG_USER en "
            "JEUGDTOEGANG_PASSWORD."
        )
    return auth.login(database, username, password)


def build_window(
    db: str | None, *, demo: bool = False, smoke_test: bool = False
) -> MainWindow | None:
    """Everything up to a ready (not yet shown) main window; None when the user stopped."""
    if smoke_test:  # like a script: an encrypted database unlocks with the account's env
        from jeugdtoegang.cli.common import unlock_if_encrypted

        unlock_if_encrypted(db)
    elif not demo and not login.ensure_unlocked(db):
        return None  # an encrypted database is unlocked by the login before it is opened
    database = open_for_session(db, demo=demo)
    if database is None:
        return None
    actor = _smoke_test_actor(database) if smoke_test else login.obtain_actor(database)
    if actor is None:
        database.close()
        return None
    return make_main_window(database, actor)


def make_main_window(database: Database, actor: Actor) -> MainWindow:
    from ui.main_window import MainWindow

    window = MainWindow(_context(database, actor))
    window.open_database_handler = lambda path, w=window: switch_database(w, path)
    return window


_windows: list[MainWindow] = []


def switch_database(current: MainWindow, path: Path) -> MainWindow | None:
    """'Database openen…': open another database in a new window, then close the old one."""
    try:
        window = build_window(str(path))
    except JeugdtoegangError as error:
        dialogs.show_error(current, error.message)
        return None
    if window is None:
        return None
    if not current.close():
        window.ctx.database.close()
        window.deleteLater()
        return None
    current.ctx.database.close()
    _windows.append(window)
    if current in _windows:
        _windows.remove(current)
    window.show()
    return window


SMOKE_TIMEOUT_MS = 120_000


def _report_smoke_test(app: QApplication, window: MainWindow, started: float) -> None:
    """Called once the main window is shown: say so on stdout and leave with 0."""
    import time

    shown = window.isVisible() and window.windowHandle() is not None
    print(  # noqa: T201 - the smoke test's answer to the installer script
        f"smoke-test: hoofdvenster {'getoond' if shown else 'NIET getoond'} "
        f"na {time.perf_counter() - started:.2f} s",
        flush=True,
    )
    window.close()
    app.exit(0 if shown else 3)


# -- the fast start: the login first, the core in the background ----------------------------

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
        target: str | None = str(user_data_dir() / DEMO_FILE)
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

    target = str(user_data_dir() / DEMO_FILE) if demo else db
    path = sqlite_path(resolve_database_url(target))
    if path is not None and encryption.is_encrypted(path) and not encryption.unlocked_key(path):
        return Prepared()  # the unlock dialog asks for the credentials first
    database = open_database(target)
    try:
        ready = database.is_initialised() and auth.has_users(database)
        if ready and demo:
            from jeugdtoegang.domain.actor import SYSTEM_ACTOR
            from jeugdtoegang.services.region_setup import ensure_setup

            ready = _has_households(database)
            if ready:  # an older demo file gets the current set-up
                ensure_setup(_context(database, SYSTEM_ACTOR), fictional=True)
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
            _start_log()
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
            window = build_window(self.db, demo=self.demo)
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
            window = make_main_window(database, actor)
        except Exception as error:
            excepthook(type(error), error, error.__traceback__)
            database.close()
            self._finish(1)
            return
        self._show(window)

    def _show(self, window: MainWindow) -> None:
        self.window = window
        _windows.append(window)
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


def main(argv: Sequence[str] | None = None) -> int:
    import time

    started = time.perf_counter()
    args = build_parser().parse_args(list(argv) if argv is not None else None)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    configure_application(app)
    sys.excepthook = excepthook
    if not args.smoke_test and fast_start_possible(args.db, demo=args.demo):
        start = FastStart(app, args.db, demo=args.demo)
        start.start()
        code = int(app.exec())
        log.info("jeugdtoegang-gui %s stopped (exit %s)", __version__, code)
        return code
    _start_log()
    try:
        window = build_window(args.db, demo=args.demo, smoke_test=args.smoke_test)
    except JeugdtoegangError as error:
        if args.smoke_test:  # unattended: the message on stderr, never a dialog that waits
            print(error.message, file=sys.stderr)  # noqa: T201
            return 1
        dialogs.show_error(None, error.message, START_FAILED_TITLE)
        return 1
    except Exception as error:  # e.g. a database server that cannot be reached
        excepthook(type(error), error, error.__traceback__)
        return 1
    if window is None:
        return 0
    _windows.append(window)
    window.show()
    if args.smoke_test:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: _report_smoke_test(app, window, started))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(4))
    code = int(app.exec())
    log.info("jeugdtoegang-gui %s stopped (exit %s)", __version__, code)
    return code


def _start_log() -> None:
    """The rotating log file in the user data folder (never fatal)."""
    try:
        from jeugdtoegang.applog import configure_logging
        from jeugdtoegang.settings import load_settings

        level = "INFO"
        with contextlib.suppress(JeugdtoegangError):  # reported where the settings are used
            level = load_settings().log_level
        configure_logging("gui", level)
        log.info("jeugdtoegang-gui %s started", __version__)
    except OSError:  # pragma: no cover - a read-only user folder must not stop the program
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
