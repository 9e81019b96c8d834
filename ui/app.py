"""Entry point of ``jeugdtoegang-gui``: open the database, log in, show the main window.

``jeugdtoegang-gui [--db PATH|URL] [--demo]``. Without ``--db`` the database named by
``JEUGDTOEGANG_DB`` is used, else ``jeugdtoegang.sqlite`` in the user data folder. A
database without a region gets a start dialog: open the demo, or start a new empty one.
``--demo`` opens ``demo.sqlite`` in the user data folder, filled with demo data when new.

Start-up is fast because the first window, the login, needs only Qt: this module imports
the core (SQLAlchemy, the models, pydantic) only where it is used, and ``FastStart`` opens
the database in a worker thread while the user types (see README, Benchmarks).

The parts: ``app_setup`` (locale, exception hook, log file), ``start_dialog`` (an empty
database), ``session_start`` (database, login, main window), ``fast_start`` (the login
first). Tests replace functions where they are looked up: in ``ui.session_start``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from jeugdtoegang import __version__
from jeugdtoegang.errors import JeugdtoegangError
from ui import dialogs
from ui.app_setup import START_FAILED_TITLE, configure_application, excepthook, start_log
from ui.fast_start import FastStart, Prepared, fast_start_possible, prepare_database
from ui.session_start import (
    DEMO_FILE,
    apply_start_choice,
    build_window,
    open_demo_database,
    open_windows,
)
from ui.start_dialog import StartChoice, StartDialog

if TYPE_CHECKING:
    from ui.main_window import MainWindow

__all__ = [
    "FastStart",
    "Prepared",
    "StartChoice",
    "StartDialog",
    "apply_start_choice",
    "build_window",
    "configure_application",
    "excepthook",
    "fast_start_possible",
    "main",
    "open_demo_database",
    "prepare_database",
]

log = logging.getLogger("jeugdtoegang.ui")


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
    start_log()
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
    open_windows.append(window)
    window.show()
    if args.smoke_test:
        from PySide6.QtCore import QTimer

        QTimer.singleShot(0, lambda: _report_smoke_test(app, window, started))
        QTimer.singleShot(SMOKE_TIMEOUT_MS, lambda: app.exit(4))
    code = int(app.exec())
    log.info("jeugdtoegang-gui %s stopped (exit %s)", __version__, code)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
