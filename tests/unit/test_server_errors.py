"""The team server's trouble in words a user can act on (``storage.server_errors``).

A restart, a dropped network, a server without a free connection or a changed password
are expected for a team on one PostgreSQL server: each gets its Dutch message, whether
SQLAlchemy wrapped the driver's error or not. Anything else (SQLite's own errors, a
query the server refused, a programming error) stays "unexpected" for the boundary.
"""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy.exc import IntegrityError, OperationalError

from jeugdtoegang.storage.server_errors import (
    SERVER_BUSY,
    SERVER_GONE,
    SERVER_REFUSED,
    server_trouble,
)

psycopg = pytest.importorskip("psycopg")
errors = psycopg.errors


def wrapped(orig: BaseException, *, lost: bool = False) -> OperationalError:
    return OperationalError("SELECT 1", {}, orig, connection_invalidated=lost)


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (psycopg.OperationalError("connection refused"), SERVER_GONE),
        (wrapped(psycopg.OperationalError("timeout expired")), SERVER_GONE),
        (wrapped(psycopg.OperationalError("server closed the connection"), lost=True), SERVER_GONE),
        (wrapped(errors.AdminShutdown("terminating connection")), SERVER_GONE),
        (wrapped(errors.CannotConnectNow("the database system is starting up")), SERVER_GONE),
        (errors.ConnectionFailure("connection failure"), SERVER_GONE),
        (wrapped(errors.InvalidPassword("password authentication failed")), SERVER_REFUSED),
        (errors.InvalidAuthorizationSpecification("no pg_hba.conf entry"), SERVER_REFUSED),
        (wrapped(errors.TooManyConnections("sorry, too many clients already")), SERVER_BUSY),
    ],
)
def test_a_server_gone_busy_or_refusing_gets_its_message(error, message):
    trouble = server_trouble(error)
    assert trouble is not None and trouble.message == message
    assert "localhost" not in trouble.message and "jt" not in trouble.message.split()


@pytest.mark.parametrize(
    "error",
    [
        wrapped(sqlite3.OperationalError("database is locked")),
        sqlite3.OperationalError("disk I/O error"),
        IntegrityError("INSERT", {}, errors.UniqueViolation("duplicate key")),
        wrapped(errors.QueryCanceled("canceling statement due to statement timeout")),
        errors.InvalidTextRepresentation("invalid input syntax for type integer"),
        ValueError("BSN 123456782"),
    ],
)
def test_other_errors_are_not_the_servers(error):
    assert server_trouble(error) is None
