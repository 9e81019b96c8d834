"""The program's own log file: a rotating file in the user data folder, free of personal data.

The log helps IT and developers see *that* something failed (start, stop, version, the
type of an unexpected error, how long a batch took); it never says *about whom*. Code logs
no personal data, and as a second line of defence every record passes a filter that masks
anything that looks like a BSN, a dossier number, a postcode or an e-mail address before
it reaches the file. Files rotate at 1 MB and five old files are kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
from logging.handlers import RotatingFileHandler
from pathlib import Path

from jeugdtoegang.paths import user_data_dir

LOG_FOLDER = "logs"
LOG_FILE = "jeugdtoegang.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_HANDLER_NAME = "jeugdtoegang-file"

#: Patterns masked in every record (BSN-like numbers, dossier numbers, postcodes, e-mail).
_MASKS = (
    (re.compile(r"\b\d{8,10}\b"), "[nummer]"),
    (re.compile(r"\b\d{4}-[0-9a-f]{3}-\d{3,}\b", re.IGNORECASE), "[dossiernummer]"),
    (re.compile(r"\b\d{4}\s?[A-Z]{2}\b"), "[postcode]"),
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[e-mail]"),
)


def log_folder() -> Path:
    """The folder of the log files (created on demand, private to the user)."""
    folder = user_data_dir() / LOG_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # e.g. a file system without modes
        folder.chmod(0o700)
    return folder


def mask_personal_data(text: str) -> str:
    """The text with BSN-like numbers, dossier numbers, postcodes and e-mail masked."""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    return text


class MaskingFormatter(logging.Formatter):
    """Format a record without traceback or stack, then mask what could identify a person.

    Tracebacks are left out because they can show values of variables; the record itself is
    not changed, so other handlers (a console while developing) see it as it was.
    """

    def format(self, record: logging.LogRecord) -> str:
        plain = logging.makeLogRecord(record.__dict__)
        plain.exc_info = None
        plain.exc_text = None
        plain.stack_info = None
        return mask_personal_data(super().format(plain))


def configure_logging(program: str, level: str = "INFO") -> Path:
    """Send the ``jeugdtoegang`` loggers to the rotating file; returns the file's path.

    Calling it again (a second window, tests) does not add a second handler.
    """
    path = log_folder() / LOG_FILE
    logger = logging.getLogger("jeugdtoegang")
    logger.setLevel(getattr(logging, level, logging.INFO))
    for handler in list(logger.handlers):
        if handler.get_name() == _HANDLER_NAME:
            if Path(getattr(handler, "baseFilename", "")) == path:
                return path
            logger.removeHandler(handler)  # another user data folder (JEUGDTOEGANG_HOME)
            handler.close()
    handler = RotatingFileHandler(
        path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8", delay=True
    )
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(
        MaskingFormatter(f"%(asctime)s %(levelname)s {program} %(name)s: %(message)s")
    )
    logger.addHandler(handler)
    _private_file(path)
    return path


def _private_file(path: Path) -> None:
    """Create the log file now, readable by its owner only (whatever the umask)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.close(fd)
        path.chmod(0o600)
