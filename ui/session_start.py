"""Opening a session: the database (set up when new, the demo made on first use), the
login, the main window; and 'Database openen…', which swaps the window for another's.

The core (SQLAlchemy, the models, pydantic) is imported on first use only, so that the
login can paint before it is loaded (see ``ui/fast_start.py``).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from ui import dialogs, login
from ui.start_dialog import DEMO_REGION, StartChoice, ask_start_choice
from ui.workers import TaskRunner

if TYPE_CHECKING:
    from jeugdtoegang.regions import RegionProfile
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.database import Database
    from ui.main_window import MainWindow

DEMO_FILE = "demo.sqlite"

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


def load_profile(slug: str) -> RegionProfile:
    from jeugdtoegang.regions import load_profile as load

    return load(slug)


def make_context(database: Database, actor: Actor) -> AppContext:
    from jeugdtoegang.services.context import AppContext

    return AppContext(database, actor)


# -- opening the database -------------------------------------------------------------------


def _demo_actor(team: str | None) -> Actor:
    return Actor("demo", "Demo", frozenset({Role.SYSTEEM}), team=team)


def fill_demo_with_progress(database: Database, team: str | None) -> int:
    """Fill an initialised, empty database with the demo set in a worker (dialog shown)."""
    from jeugdtoegang.demo import fill_demo

    ctx = make_context(database, _demo_actor(team))
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

    ensure_setup(make_context(database, SYSTEM_ACTOR), fictional=choice.demo)
    if choice.demo:
        fill_demo_with_progress(database, team)


def has_households(database: Database) -> bool:
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.households import count_households

    return count_households(make_context(database, SYSTEM_ACTOR)) > 0


def open_demo_database() -> Database:
    """The built-in demo database, created and filled on first use."""
    database = open_database(str(user_data_dir() / DEMO_FILE))
    if not database.is_initialised():
        team = load_profile(DEMO_REGION).team_name_default
        initialise(database, DEMO_REGION, team_name=team)
    if not has_households(database):
        fill_demo_with_progress(database, database.info().team_name)
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from jeugdtoegang.services.region_setup import ensure_setup

    ensure_setup(make_context(database, SYSTEM_ACTOR), fictional=True)  # an older demo file
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

    window = MainWindow(make_context(database, actor))
    window.open_database_handler = lambda path, w=window: switch_database(w, path)
    return window


#: the open main windows (referenced here so that Qt keeps them)
open_windows: list[MainWindow] = []


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
    open_windows.append(window)
    if current in open_windows:
        open_windows.remove(current)
    window.show()
    return window
