"""One place that knows where the project's files live.

Works from a source checkout or editable install (the repository root sits next to the
package), and from a frozen PyInstaller bundle (files unpacked under ``sys._MEIPASS``).
"""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "jeugdtoegang"


def _root() -> Path:
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


ROOT_DIR = _root()
RESOURCES_DIR = ROOT_DIR / "resources"
MIGRATIONS_DIR = ROOT_DIR / "db"


def resource_path(*parts: str) -> Path:
    """Return the path of a file or folder under ``resources/``."""
    return RESOURCES_DIR.joinpath(*parts)


def user_data_dir() -> Path:
    """The folder for the user's databases, backups and autosaves (created on demand).

    ``JEUGDTOEGANG_HOME`` overrides it, which tests and portable installs use.
    """
    override = os.environ.get("JEUGDTOEGANG_HOME")
    path = Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, False))
    if not path.is_dir():
        from jeugdtoegang.atomic import private_dir

        private_dir(path)
    elif not override and sys.platform != "win32":
        # our own folder: keep it private (0700) even if an older version made it 0755
        with contextlib.suppress(OSError):
            if path.stat().st_mode & 0o077:
                path.chmod(0o700)
    return path


def default_database_path() -> Path:
    """The SQLite database used when neither ``--db`` nor ``JEUGDTOEGANG_DB`` is given."""
    return user_data_dir() / "jeugdtoegang.sqlite"
