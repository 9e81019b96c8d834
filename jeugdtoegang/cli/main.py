"""Entry point of ``jeugdtoegang``: parse, run one command, map failures to exit codes.

Exit 0 on success; 1 on a rule or input error, or a team server that cannot serve (a
readable Dutch message on stderr); 2 on an unexpected error (a short message, never a
traceback or personal data).
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import sys

from sqlalchemy.exc import OperationalError

from jeugdtoegang import __version__
from jeugdtoegang.cli import (
    access,
    caseload,
    db,
    decisions,
    households,
    ijw,
    indications,
    lifecycle,
    plans,
    providers,
    reports,
    requests,
    review,
    security,
    settings_cmd,
    sync,
)
from jeugdtoegang.cli import setup as region_setup_cli
from jeugdtoegang.cli.dutch_argparse import DutchArgumentParser
from jeugdtoegang.errors import JeugdtoegangError, file_error_message
from jeugdtoegang.storage.server_errors import server_trouble

AREAS = (
    households,
    providers,
    plans,
    indications,
    decisions,
    requests,
    review,
    security,
    sync,
    lifecycle,
    access,
    region_setup_cli,
    reports,
    caseload,
    ijw,
    settings_cmd,
    db,
)
log = logging.getLogger("jeugdtoegang.cli")


def build_parser() -> argparse.ArgumentParser:
    parser = DutchArgumentParser(
        prog="jeugdtoegang",
        description="Jeugdtoegang: perspectiefplannen, indicaties en beschikkingen.",
    )
    parser.add_argument("--version", action="version", version=f"jeugdtoegang {__version__}")
    parser.add_argument(
        "--db",
        help="database: pad naar een SQLite-bestand of een SQLAlchemy-URL "
        "(standaard JEUGDTOEGANG_DB of de gebruikersmap)",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMANDO")
    for area in AREAS:
        area.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # every file and folder this process creates is private to the user
    parser = build_parser()
    args = parser.parse_args(argv)
    _start_log()
    try:
        return int(args.handler(args))
    except JeugdtoegangError as error:
        print(error.message, file=sys.stderr)
        return 1
    except OSError as error:  # a full or unwritable disk is the user's to fix: exit 1
        print(file_error_message(getattr(error, "filename", None), error), file=sys.stderr)
        return 1
    except OperationalError as error:
        if "full" in str(error.orig) or "disk" in str(error.orig):
            print(file_error_message(None, OSError(errno.ENOSPC, "vol")), file=sys.stderr)
            return 1
        return _unexpected(error)
    except KeyboardInterrupt:
        print("Afgebroken.", file=sys.stderr)
        return 130
    except Exception as error:  # one boundary: never show a traceback to the user
        return _unexpected(error)


def _unexpected(error: Exception) -> int:
    trouble = server_trouble(error)  # the team's server gone, busy or refusing: exit 1
    if trouble is not None:
        log.error("database server: %s", type(error).__name__)
        print(trouble.message, file=sys.stderr)
        return 1
    return _unexpected_error(error)


def _unexpected_error(error: Exception) -> int:
    # the type only: exception texts can hold personal data
    log.error("unexpected error: %s", type(error).__name__)
    print(
        f"Er ging iets onverwachts mis ({type(error).__name__}). Er is niets half "
        "opgeslagen. Probeer het opnieuw of neem contact op met de beheerder.",
        file=sys.stderr,
    )
    return 2


def _start_log() -> None:
    """The rotating log file in the user data folder (never fatal for a command)."""
    try:
        from jeugdtoegang.applog import configure_logging
        from jeugdtoegang.settings import load_settings

        try:
            level = load_settings().log_level
        except JeugdtoegangError:
            level = "INFO"
        configure_logging("cli", level)
    except OSError:  # pragma: no cover - a read-only user folder must not stop a command
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
