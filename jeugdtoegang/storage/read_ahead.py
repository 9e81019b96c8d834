"""Several reads in one request to PostgreSQL, each kept for the first ask (issue 19).

With a team on one server every request is a wake-up of the client and of its backend;
with 20 clients on 2 cores each one waits its turn, so an operation's latency under load
grows with its requests more than with its statements (a check of five requests had a
p95 of 65–80 ms, a dossier open of one 25 ms). A use case that knows up front reads whose
parameters do not depend on each other's answers sends them together:

    with reads_ahead(session, {key: (statement, params), ...}):
        ...  # the storage function that reads `key` takes the kept rows instead (once)

On PostgreSQL with psycopg the reads run in one pipeline on the session's connection (in
its transaction when it has one, through psycopg; else each in its own snapshot, as single
statements would, through libpq itself: ``wire``), and every statement is still told to
the engine's listeners. Elsewhere (SQLite, where these reads are local and mostly cached,
or another driver) nothing is read ahead and each read runs when it is asked, as before.
A kept result nobody asked for is dropped when the block ends.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any, Protocol

from sqlalchemy.orm import Session

from jeugdtoegang.storage.hot import ServerSQL, connection
from jeugdtoegang.storage.wire import described, read_batch

#: session.info key of the kept results
_SLOT = "jt_read_ahead"


class ServerStatement(Protocol):
    """A statement that can tell its psycopg form (``hot.Prepared`` and :class:`ServerOnly`)."""

    def server_sql(self, dialect: Any) -> ServerSQL | None: ...


class ServerOnly:
    """A statement only the server runs, built on first use for the dialect (the SQLite
    workstation never imports the PostgreSQL dialect)."""

    def __init__(self, build: Any) -> None:
        self._build = build
        self._server: dict[str, ServerSQL | None] = {}

    def server_sql(self, dialect: Any) -> ServerSQL | None:
        key = dialect.name
        if dialect.name != "postgresql" or dialect.driver != "psycopg":
            return None
        if key not in self._server:
            self._server[key] = ServerSQL.of(self._build(), dialect)
        return self._server[key]


Reads = Mapping[Hashable, tuple[ServerStatement, Mapping[str, Any]]]


def pipelines(session: Session) -> bool:
    """Whether :func:`reads_ahead` sends reads together on this session's database."""
    dialect = session.get_bind().dialect
    return dialect.name == "postgresql" and dialect.driver == "psycopg"


@contextmanager
def reads_ahead(session: Session, reads: Reads) -> Iterator[None]:
    """Read ``reads`` in one request where the database allows it (see the module);
    :func:`take` hands each result out once, inside the block."""
    store: dict[Hashable, list[tuple[Any, ...]]] = session.info.setdefault(_SLOT, {})
    try:
        if len(reads) > 1 and pipelines(session):
            store.update(_read_together(session, reads))
        yield
    finally:
        for key in reads:
            store.pop(key, None)


def take(session: Session, key: Hashable) -> list[tuple[Any, ...]] | None:
    """The rows read ahead under ``key`` (once), or None: read them now."""
    store = session.info.get(_SLOT)
    return store.pop(key, None) if store else None


def kept_reads(session: Session) -> Mapping[Hashable, list[tuple[Any, ...]]]:
    """Everything read ahead and not yet taken, by key (looked at, not taken: for a read
    whose later asks may each want a part of it)."""
    return session.info.get(_SLOT) or {}


def _read_together(session: Session, reads: Reads) -> dict[Hashable, list[tuple[Any, ...]]]:
    conn = connection(session)
    dialect = conn.dialect
    planned = []
    for key, (statement, params) in reads.items():
        server = statement.server_sql(dialect)
        if server is not None:
            planned.append((key, server, server.args(params)))
    through_libpq = read_batch(conn, [(s.wire, s.sql, args) for _k, s, args in planned])
    if through_libpq is not None:
        return {
            key: server.converted(rows, described(types), dialect)
            for (key, server, _args), (rows, types) in zip(planned, through_libpq, strict=True)
        }
    raw: Any = conn.connection.driver_connection
    tell = conn._has_events or conn.engine._has_events
    cursors: list[Any] = []
    sql, args = "", {}
    try:
        with raw.pipeline():
            for _key, server, args in planned:
                sql = server.sql
                if tell:
                    conn.dispatch.before_cursor_execute(conn, None, sql, args, None, False)
                cursor = raw.cursor()
                cursors.append(cursor)
                cursor.execute(sql, args)
        found = {}
        for (key, server, _args), cursor in zip(planned, cursors, strict=True):
            rows = cursor.fetchall()
            description = cursor.description if server.results is None else None
            found[key] = server.converted(rows, description, dialect)
        return found
    except dialect.loaded_dbapi.Error as error:
        conn._handle_dbapi_exception(error, sql, args, cursors[-1] if cursors else None, None)
        raise  # not reached: the handler raises
    finally:
        for cursor in cursors:
            cursor.close()
