"""What every command shares: opening the context, printing results, reporting errors."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Callable
from datetime import date
from typing import Any

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database, DatabaseNotInitialisedError, open_database

Handler = Callable[[argparse.Namespace], int]


def open_db(args: argparse.Namespace) -> Database:
    """Open and migrate the database named by ``--db`` / ``JEUGDTOEGANG_DB``.

    An encrypted database is unlocked first with the login's user name and password (the
    same ones the command then logs in with), or, while it has no accounts yet, with the
    beheerder's recovery key."""
    unlock_if_encrypted(args.db)
    return open_database(args.db)


RECOVERY_ENV = "JEUGDTOEGANG_RECOVERY_KEY"
#: the credentials that unlocked an encrypted database (the login reuses them)
_unlocked_with: tuple[str, str] | None = None


def recovery_key_input() -> str:
    """The recovery key from ``JEUGDTOEGANG_RECOVERY_KEY`` or typed in the terminal (never
    an argument: the process list would show it)."""
    value = os.environ.get(RECOVERY_ENV, "").strip()
    if value:
        return value
    if not sys.stdin.isatty():
        raise JeugdtoegangError(
            f"Geef de herstelsleutel via {RECOVERY_ENV} of start de opdracht in een terminal."
        )
    return getpass.getpass("Herstelsleutel: ")


def unlock_if_encrypted(db: str | None) -> bool:
    """Unlock an encrypted SQLite database for this process; False for a plain one."""
    global _unlocked_with
    from jeugdtoegang.storage import encryption
    from jeugdtoegang.storage.engine import resolve_database_url, sqlite_path

    path = sqlite_path(resolve_database_url(db))
    if encryption.lost_key_file(path) and (path is None or not encryption.unlocked_key(path)):
        assert path is not None
        raise encryption.DatabaseLockedError(
            encryption.LOST_KEY_FILE.format(name=encryption.key_file_for(path).name)
        )
    if not encryption.is_encrypted(path):
        return False
    assert path is not None
    if encryption.unlocked_key(path) is not None:
        return True
    keys = encryption.KeyFile.load(encryption.key_file_for(path))
    if not keys.users:  # encrypted before its first account: the beheerder's recovery key
        encryption.unlock_with_recovery_key(path, recovery_key_input())
        return True
    username, password = _credentials()
    encryption.unlock_with_password(path, username, password)
    _unlocked_with = (username, password)
    return True


def _credentials() -> tuple[str, str]:
    if _unlocked_with is not None:
        return _unlocked_with
    username = os.environ.get(USER_ENV, "").strip()
    password = os.environ.get(PASSWORD_ENV)
    if not username or password is None:
        if not sys.stdin.isatty():
            raise JeugdtoegangError(
                "Deze database heeft gebruikersaccounts: log in. Zet voor scripts "
                f"{USER_ENV} en {PASSWORD_ENV}, of start de opdracht in een terminal."
            )
        if not username:
            username = input("Gebruikersnaam: ").strip()
        password = getpass.getpass("Wachtwoord: ")
    return username, password


NO_ACCOUNTS = (
    "Deze database heeft nog geen beheerder. Maak die eerst aan met 'jeugdtoegang users "
    'add NAAM --name "Volledige naam"\' (op kantoor), of haal de accounts van kantoor op '
    "met 'jeugdtoegang sync join BUNDEL --vertrouw VINGERAFDRUK' (op een nieuwe werkplek)."
)
USER_ENV = "JEUGDTOEGANG_USER"
PASSWORD_ENV = "JEUGDTOEGANG_PASSWORD"


def cli_actor(args: argparse.Namespace, database: Database) -> Actor:
    """The user the command acts for: always a login.

    The command logs in with ``JEUGDTOEGANG_USER`` / ``JEUGDTOEGANG_PASSWORD`` for scripted
    use, else by asking in the terminal. A database without accounts is refused: its
    administrator must be created first (``users add``, or ``sync join`` on a new
    workstation), before any personal data can be entered or imported.
    """
    from jeugdtoegang.services import auth

    if not auth.has_users(database):
        raise JeugdtoegangError(NO_ACCOUNTS)
    username, password = _credentials()
    actor = auth.login(database, username, password)
    if auth.must_change_password(database, actor.username):
        raise JeugdtoegangError(  # a temporary password opens nothing until it is changed
            "U heeft een tijdelijk wachtwoord. Kies eerst een eigen wachtwoord met "
            f"'jeugdtoegang users passwd {actor.username}'."
        )
    return actor


def open_context(args: argparse.Namespace) -> AppContext:
    """Open an initialised database and the acting user (refuses an empty database)."""
    database = open_db(args)
    if not database.is_initialised():
        database.close()
        raise DatabaseNotInitialisedError()
    return AppContext(database, cli_actor(args, database))


def json_default(value: Any) -> Any:
    from jeugdtoegang.storage.snapshot import to_json_value

    converted = to_json_value(value)
    if converted is value:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")
    return converted


def emit(args: argparse.Namespace, data: Any, text: str | Callable[[], str]) -> None:
    """Print ``data`` as JSON with ``--json``, else the human-readable ``text``."""
    if getattr(args, "json", False):
        print(json.dumps(data, ensure_ascii=False, indent=2, default=json_default))
    else:
        print(text() if callable(text) else text)


def uuid_arg(value: str) -> uuid.UUID:
    """argparse type: a record id (refused in Dutch when it is not a UUID)."""
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"geen geldig id: {value!r}") from error


def day_arg(value: str) -> date:
    """argparse type: a date as JJJJ-MM-DD (refused in Dutch otherwise)."""
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"geen datum (JJJJ-MM-DD): {value!r}") from error


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON")


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
