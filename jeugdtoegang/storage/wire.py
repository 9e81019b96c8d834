"""Reads sent to PostgreSQL through libpq itself, without psycopg's cursors (issue 19).

A check sends its six independent reads in one request (``read_ahead``). Through psycopg's
cursors and its pipeline object that cost about 450 µs of client CPU per check, most of it
psycopg's bookkeeping per statement, in Python; the same six statements through the libpq
wrapper psycopg ships (``psycopg.pq``) cost about 120 µs, and a check as a whole went
from about 1.03 to 0.90 ms. With 20 consultants on 2 cores a check's latency follows its
client CPU (its p95 fell from 57–59 to 40–43 ms).

What stays psycopg's: the connection, its lock, the adapters that turn parameters into
the wire format and result text into Python values (a ``Transformer`` on the connection,
as every cursor uses), and its error classes (built from the server's error, as psycopg
builds them). The rows are therefore the ones ``cursor.fetchall()`` would return.

Only reads outside a transaction take this path (the connection in autocommit and idle:
``single_reads``). There every statement is prepared once per connection under its own
name, as psycopg prepares a statement it saw five times. psycopg removes all prepared
statements of a connection (``DEALLOCATE ALL``) after a rollback of a transaction that
used them; a read that finds its statement gone prepares them all again and is read
again (reads outside a transaction have no effect to undo). Where names do not hold at
all (a connection pooler in transaction mode between us and the server), the connection's
reads go unnamed after a second miss. In any other state
:func:`read_batch` returns None and the caller uses psycopg as before. An exchange that
fails part-way (a lost connection, an interruption) leaves the connection invalidated:
it never goes back to the pool with half a pipeline on it.
"""

from __future__ import annotations

import functools
import itertools
import re
import select
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Connection

#: the server's codes for "prepared statement does not exist" and "… already exists"
_NAME_TROUBLE = ("26000", "42P05")
#: info key of a connection's :class:`_Kept`
_KEPT = "jt_wire"
#: statements prepared per connection at most (ours are a few dozen); beyond, unnamed
_MAX_PREPARED = 256
#: statement names, never used twice in this process (so never twice on a connection)
_NAMES = itertools.count()
_PLACEHOLDER = re.compile(r"%\((\w+)\)s|%%")


class WireSQL:
    """A ``pyformat`` statement (``%(name)s``) as libpq takes it: ``$n`` placeholders and
    the parameter names in their order. Built once per statement."""

    __slots__ = ("names", "text")

    def __init__(self, sql: str) -> None:
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name is None:
                return "%"
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        self.text = _PLACEHOLDER.sub(number, sql).encode()
        self.names = tuple(names)


@functools.cache
def _libpq_pipelines() -> bool:
    """Whether the libpq psycopg uses has pipeline mode (libpq 14 and later)."""
    import psycopg

    return bool(psycopg.Pipeline.is_supported())


def usable(raw: Any) -> bool:
    """Whether :func:`read_batch` can use this psycopg connection now (see the module)."""
    from psycopg import pq

    pgconn = raw.pgconn
    return (
        raw.autocommit
        and getattr(raw, "_pipeline", None) is None
        and _libpq_pipelines()
        and pgconn.transaction_status == pq.TransactionStatus.IDLE
        and pgconn.pipeline_status == pq.PipelineStatus.OFF
        and pgconn.parameter_status(b"client_encoding") == b"UTF8"
    )


def read_batch(
    conn: Connection, batch: Sequence[tuple[WireSQL, str, Mapping[str, Any]]]
) -> list[tuple[list[tuple[Any, ...]], tuple[int, ...]]] | None:
    """Run ``(statement, its SQL text as told to listeners, arguments by name)`` in one
    request; per statement its rows and the type codes of its columns. None when the
    connection is not in a state this path serves (the caller uses psycopg)."""
    raw: Any = conn.connection.driver_connection
    if not usable(raw):
        return None
    if conn._has_events or conn.engine._has_events:
        for _wire, sql, args in batch:
            conn.dispatch.before_cursor_execute(conn, None, sql, args, None, False)
    with raw.lock:
        try:
            try:
                return exchange(raw, _kept(conn, raw), batch)
            except _StatementGoneError:  # psycopg deallocated them: prepare anew, read again
                kept = _kept(conn, raw, forget=True)
                try:
                    return exchange(raw, kept, batch)
                except _StatementGoneError:  # names do not hold here (a pooler between us)
                    kept.named = False
                    return exchange(raw, kept, batch)
        except _MidwayError as midway:
            # what is still on the wire is unknown: the connection never serves again
            try:
                _raise_as_sqlalchemy(conn, raw, midway.error, batch)
            finally:
                if not conn.invalidated:
                    conn.invalidate()
        except _ServerError as refused:
            _raise_as_sqlalchemy(conn, raw, refused.error, batch)
        except raw.Error as error:  # a value psycopg cannot send: nothing was sent
            _raise_as_sqlalchemy(conn, raw, error, batch)
    raise AssertionError("not reached")


class _StatementGoneError(Exception):
    """A name of ours did not hold on the server: the statement was removed, or the
    name was taken (a connection pooler in transaction mode mixes server connections)."""


class _ServerError(Exception):
    """The server refused a statement (raised as psycopg's error after the exchange)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _MidwayError(Exception):
    """The exchange failed part-way (lost connection, interruption): see ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _Kept:
    """What one connection keeps between reads: the names of the statements prepared on
    it (by text and parameter types) and its adapters' context (a ``Transformer`` caches
    the adapter it chose per Python type; a new one per read chooses them all again)."""

    __slots__ = ("named", "names", "pgconn", "tx")

    def __init__(self, raw: Any) -> None:
        from psycopg.adapt import Transformer

        self.pgconn = raw.pgconn
        self.names: dict[bytes, bytes] = {}
        #: False once names did not hold twice in a row: statements go unnamed
        self.named = True
        self.tx = Transformer(raw)


def _kept(conn: Connection, raw: Any, *, forget: bool = False) -> _Kept:
    info = conn.connection.info
    kept = info.get(_KEPT)
    if forget or kept is None or kept.pgconn is not raw.pgconn:
        kept = info[_KEPT] = _Kept(raw)
    return kept  # type: ignore[no-any-return]


def exchange(
    raw: Any,
    kept: _Kept,
    batch: Sequence[tuple[WireSQL, str, Mapping[str, Any]]],
) -> list[tuple[list[tuple[Any, ...]], tuple[int, ...]]]:
    """One request: the batch's statements (prepared first where new) and a sync."""
    from psycopg import errors, pq
    from psycopg.adapt import PyFormat

    pgconn, tx, prepared = raw.pgconn, kept.tx, kept.names
    # every value adapted before anything is sent: a value psycopg cannot send fails here
    planned = []
    for wire, _sql, args in batch:
        values = [args[name] for name in wire.names]
        params = tx.dump_sequence(values, [PyFormat.AUTO] * len(values))
        types = tx.types or ()
        key = wire.text + b"\0" + b",".join(b"%d" % oid for oid in types)
        planned.append((wire.text, key, params, types, tx.formats))
    sent: list[bool] = []  # per command: True for a read, False for a prepare
    new: list[tuple[bytes, bytes]] = []
    try:
        pgconn.enter_pipeline_mode()
        for text, key, params, types, formats in planned:
            name = prepared.get(key)
            if name is None and kept.named and len(prepared) + len(new) < _MAX_PREPARED:
                name = b"jt_%d" % next(_NAMES)
                pgconn.send_prepare(name, text, param_types=types)
                sent.append(False)
                new.append((key, name))
            if name is None:
                pgconn.send_query_params(text, params, param_types=types, param_formats=formats)
            else:
                pgconn.send_query_prepared(name, params, param_formats=formats)
            sent.append(True)
        pgconn.pipeline_sync()
        results = _results(pgconn, len(sent))
        pgconn.exit_pipeline_mode()
    except BaseException as error:
        raise _MidwayError(error) from error
    failed = next((r for r in results if r.status == pq.ExecStatus.FATAL_ERROR), None)
    if failed is not None:
        state = failed.error_field(pq.DiagnosticField.SQLSTATE) or b""
        if state.decode() in _NAME_TROUBLE:
            raise _StatementGoneError()
        raise _ServerError(errors.error_from_result(failed, encoding="utf-8"))
    prepared.update(new)
    found = []
    for result, is_read in zip(results, sent, strict=True):
        if not is_read:
            continue
        tx.set_pgresult(result)
        rows = tx.load_rows(0, result.ntuples, tuple) if result.ntuples else []
        found.append((rows, tuple(result.ftype(i) for i in range(result.nfields))))
    return found


def described(types: tuple[int, ...]) -> list[tuple[None, int]]:
    """A cursor description's (name, type code) per column, for code written for one."""
    return [(None, oid) for oid in types]


def _results(pgconn: Any, expected: int) -> list[Any]:
    """One result per sent command, up to the pipeline's sync (blocking on the socket)."""
    from psycopg import pq

    sync = pq.ExecStatus.PIPELINE_SYNC
    results: list[Any] = []
    current: Any = None
    while pgconn.flush():  # more to send: wait until the socket takes it (or answers)
        _wait(pgconn, write=True)
    while True:
        if pgconn.is_busy():
            _wait(pgconn)
            pgconn.consume_input()
            continue
        result = pgconn.get_result()
        if result is None:  # the end of one command's results
            results.append(current)
            current = None
            continue
        if result.status == sync:
            if len(results) != expected:
                raise RuntimeError("libpq pipeline out of step")
            return results
        if current is None or result.status == pq.ExecStatus.FATAL_ERROR:
            current = result


def _wait(pgconn: Any, *, write: bool = False) -> None:
    """Block until the server's socket is readable (or, with ``write``, writable; what
    arrives meanwhile is taken in, as libpq asks while a large request is sent)."""
    socket = pgconn.socket
    if not hasattr(select, "poll"):  # Windows: select() takes sockets of any number
        readable, _, _ = select.select([socket], [socket] if write else [], [])
    else:
        poll = select.poll()
        poll.register(socket, select.POLLIN | (select.POLLOUT if write else 0))
        readable = [fd for fd, event in poll.poll() if event & ~select.POLLOUT]
    if write and readable:
        pgconn.consume_input()


def _raise_as_sqlalchemy(
    conn: Connection,
    raw: Any,
    error: BaseException,
    batch: Sequence[tuple[WireSQL, str, Mapping[str, Any]]],
) -> None:
    """Raise as SQLAlchemy raises a driver's error (wrapped; a lost connection
    invalidated); anything else (an interruption) as it is."""
    if isinstance(error, raw.Error):
        sql, args = (batch[0][1], batch[0][2]) if batch else ("", {})
        conn._handle_dbapi_exception(error, sql, args, None, None)  # type: ignore[arg-type]
    raise error
