"""A team's database server that is gone, busy or refusing: a message the user can act on.

A team shares one PostgreSQL server. It restarts for maintenance, a laptop loses its
network or VPN, the server has no connection free, or its administrator changed the
program's password. Each boundary of the program (the GUI's task runner and exception
hook, an area or tab that loads, the command line) used to call these "onverwacht";
for a team on a server they are expected, and the user can do something about them.

:func:`server_trouble` recognises them from the driver's error (psycopg's, wrapped by
SQLAlchemy or not) without importing the driver, so a SQLite workstation never loads it.
Nothing in these errors is shown: a driver's text may name the server, the account or a
statement's values.
"""

from __future__ import annotations

from jeugdtoegang.errors import JeugdtoegangError

SERVER_UNREACHABLE = (
    "De databaseserver is niet bereikbaar. Controleer de netwerkverbinding (buiten kantoor "
    "ook de VPN) en probeer het opnieuw; lukt het niet, neem dan contact op met de beheerder."
)
SERVER_GONE = (
    "De verbinding met de databaseserver viel weg. Er is niets half opgeslagen. Kijk na of "
    "uw laatste wijziging er staat voordat u die opnieuw doet. Lukt het niet, controleer dan "
    "de netwerkverbinding of neem contact op met de beheerder."
)
SERVER_BUSY = (
    "De databaseserver heeft nu geen verbinding vrij. Er is niets half opgeslagen. "
    "Probeer het over een minuut opnieuw; blijft het zo, neem dan contact op met de beheerder."
)
SERVER_REFUSED = (
    "De databaseserver weigert de aanmelding van dit programma: de gegevens van de "
    "databaseverbinding kloppen niet (meer). Neem contact op met de beheerder."
)


class DatabaseServerError(JeugdtoegangError):
    """The team's database server cannot serve this request now (see the module)."""


def server_trouble(error: BaseException) -> DatabaseServerError | None:
    """The Dutch error for a database server that is gone, busy or refusing; None for
    any other error (SQLite's included: its problems are the file's, not a server's)."""
    orig = getattr(error, "orig", None) or error  # SQLAlchemy wraps the driver's error
    if type(orig).__module__.partition(".")[0] != "psycopg":
        return None
    state = getattr(orig, "sqlstate", None) or ""
    if state.startswith("28"):  # invalid authorisation: a wrong password or account
        return DatabaseServerError(SERVER_REFUSED)
    if state == "53300":  # too many connections
        return DatabaseServerError(SERVER_BUSY)
    attempt = getattr(orig, "pgconn", None)  # set on a failed connection attempt only
    if attempt is not None and not getattr(attempt, "backend_pid", 0):
        # the server's answer to a login comes without a code (and in its own language):
        # a server that asked for the password was reached, and refused what it was given
        if getattr(attempt, "used_password", False) or getattr(attempt, "needs_password", False):
            return DatabaseServerError(SERVER_REFUSED)
        return DatabaseServerError(SERVER_UNREACHABLE)
    lost = bool(getattr(error, "connection_invalidated", False))
    # class 08: connection exception; 57P01–57P03: shut down, crashed, starting up
    if lost or state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return DatabaseServerError(SERVER_GONE)
    # no code at all: libpq's own failure on a connection in use (closed, timed out)
    if not state and any(k.__name__ == "OperationalError" for k in type(orig).__mro__):
        return DatabaseServerError(SERVER_GONE)
    return None
