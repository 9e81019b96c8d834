"""The Qt application's set-up: names, icon, the Dutch locale and Qt's Dutch texts; the
last-resort exception hook (a Dutch message, never a traceback); the log file.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from types import TracebackType

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from jeugdtoegang import __version__
from jeugdtoegang.errors import JeugdtoegangError
from ui import dialogs
from ui.about import ORGANISATION
from ui.workers import user_message

log = logging.getLogger("jeugdtoegang.ui")

START_FAILED_TITLE = "Jeugdtoegang kan niet starten"

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
        dialogs.show_error(QApplication.activeWindow(), user_message(error))
    except Exception:  # pragma: no cover - never let the hook itself fail loudly
        pass
    finally:
        _in_hook = False


def start_log() -> None:
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
