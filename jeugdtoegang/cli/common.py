"""What every command shares: opening the context, printing results, reporting errors."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from jeugdtoegang.domain.actor import Actor, local_actor
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database, DatabaseNotInitialisedError, open_database

Handler = Callable[[argparse.Namespace], int]


def open_db(args: argparse.Namespace) -> Database:
    """Open and migrate the database named by ``--db`` / ``JEUGDTOEGANG_DB``."""
    return open_database(args.db)


def cli_actor(args: argparse.Namespace, database: Database) -> Actor:
    """The user the command acts for (replaced by real login when accounts exist)."""
    return local_actor()


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


def add_json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="uitvoer als JSON")


def fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code
