"""Hot-path reads: prepared SQL run on the session's own DBAPI connection (issue 11).

A rule check or a provider page runs a handful of small indexed queries; on SQLite
SQLAlchemy's per-statement work (cache key, execution context, result object) costs
several times the query itself. :class:`Prepared` compiles a Core ``select`` once per
dialect and, on SQLite, runs the SQL text on the session's DBAPI connection (same
transaction, same snapshot), converting parameters and result columns with the very
bind/result processors SQLAlchemy would use. On PostgreSQL (psycopg) :class:`ServerSQL` does
the same with the statement compiled for the server, and reads through :func:`raw_reads` are
single statements on a psycopg cursor; other databases take the ordinary Core path.
Engine ``before_cursor_execute`` listeners still see every statement (the benchmarks
record the queries there to replay them as their baseline).

:func:`unchanged_since` tells, for free on SQLite, that nothing was written to the
database since a value was cached on this connection (``PRAGMA data_version`` for
commits of other connections, ``total_changes`` for this connection's own writes).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session
from sqlalchemy.sql import CompoundSelect, Select

from jeugdtoegang.storage.wire import WireSQL, described, read_batch


def connection(session: Session) -> Connection:
    """The session's connection; pending changes are flushed first (as ``execute`` would)."""
    if session.new or session.deleted or session.dirty:
        session.flush()
    # the same Connection serves the whole transaction: kept per transaction (asking the
    # session costs more than a small indexed query)
    transaction = session.get_transaction()
    kept = session.info.get("jt_hot_connection")
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1]
    conn = session.connection()
    session.info["jt_hot_connection"] = (session.get_transaction(), conn)
    return conn


class _Compiled:
    __slots__ = ("binds", "converted", "defaults", "names", "results", "sql")

    def __init__(self, statement: Select[Any], dialect: Any) -> None:
        compiled = statement.compile(dialect=dialect)
        if not compiled.positional:
            raise ValueError("Prepared needs a dialect with positional parameters")
        sql: str = compiled.string
        processors = compiled._bind_processors
        marker_of = "?" if dialect.paramstyle == "qmark" else "%s"
        names: list[str] = []
        defaults: dict[str, Any] = {}
        binds: list[Callable[[Any], Any] | None] = []
        for name in compiled.positiontup or ():
            bind = compiled.binds[name]
            process = processors.get(name)
            if bind.expanding:  # a literal IN list: written out once, as SQLAlchemy would
                values = list(bind.value or ())
                if bind.callable is not None or not values:
                    raise ValueError(f"Prepared cannot expand bind parameter {name!r}")
                marker = f"__[POSTCOMPILE_{name}]"
                sql = sql.replace(marker, ", ".join([marker_of] * len(values)), 1)
                for index, value in enumerate(values, start=1):
                    names.append(f"{name}_{index}")
                    defaults[f"{name}_{index}"] = value
                    binds.append(process)
                continue
            names.append(name)
            if bind.value is not None and bind.callable is None:
                defaults[name] = bind.value
            binds.append(process)
        self.sql = sql
        self.names = tuple(names)
        self.defaults = defaults
        self.binds = tuple(binds)
        self.results: tuple[Callable[[Any], Any] | None, ...] = tuple(
            column[3]._cached_result_processor(dialect, None) for column in compiled._result_columns
        )
        #: (position, converter) of the columns that have one: a row of many plain text
        #: columns and one id is converted in one place, not column by column
        self.converted = tuple((i, p) for i, p in enumerate(self.results) if p is not None)


class ServerSQL:
    """A Core ``select`` compiled once for PostgreSQL (psycopg: named ``%(name)s``
    parameters) and run on the DBAPI connection itself: SQLAlchemy's per-statement work
    costs more client CPU than a small indexed query. Parameters pass the very bind
    processors and values the very result processors (chosen by the columns' type codes,
    as SQLAlchemy chooses them) that ``execute`` would use, so the rows are equal; a
    driver error is raised as SQLAlchemy raises it (wrapped, a lost connection
    invalidated), and engine listeners are told every statement."""

    __slots__ = ("_wire", "binds", "defaults", "results", "sql", "types")

    def __init__(self, sql: str, binds: dict[str, Any], defaults: dict[str, Any], types: Any):
        self.sql = sql
        self._wire: WireSQL | None = None
        #: name in the SQL → (the caller's parameter key, bind processor or None)
        self.binds = binds
        self.defaults = defaults
        self.types = types
        #: per column: the result processor, chosen on the first run
        self.results: tuple[Callable[[Any], Any] | None, ...] | None = None

    @classmethod
    def of(cls, statement: Select[Any] | CompoundSelect, dialect: Any) -> ServerSQL | None:
        """The compiled statement, or None when it needs SQLAlchemy's own execution (a
        driver other than psycopg; parameters rendered per call). A literal IN list of
        fixed values is written out once, as SQLAlchemy would write it."""
        if dialect.name != "postgresql" or dialect.driver != "psycopg":
            return None
        compiled = statement.compile(dialect=dialect)
        rendered = compiled.bind_names  # bind → its name in the SQL text
        if (
            compiled.positional
            or compiled.literal_execute_params
            or compiled.escaped_bind_names
            or any(bind.callable is not None for bind in rendered)
        ):
            return None
        sql: str = compiled.string
        processors: Mapping[str, Any] = compiled._bind_processors
        #: name in the SQL → the caller's parameter key
        keys = {name: bind.key for bind, name in rendered.items()}
        defaults = {name: bind.value for bind, name in rendered.items() if bind.value is not None}
        if compiled.post_compile_params:
            if any(not bind.expanding or not bind.value for bind in compiled.post_compile_params):
                return None
            expanding = compiled.post_compile_params
            state = compiled.construct_expanded_state(
                {bind.key: None for bind in rendered if bind not in expanding}
            )
            sql, processors = state.statement, state.processors
            for bind in expanding:
                name = rendered[bind]
                del keys[name], defaults[name]
                for each in state.parameter_expansion[name]:
                    keys[each] = each
                    defaults[each] = state.parameters[each]
        binds = {name: (key, processors.get(name)) for name, key in keys.items()}
        types = tuple(column[3] for column in compiled._result_columns)
        return cls(sql, binds, defaults, types)

    def args(self, params: Mapping[str, Any]) -> dict[str, Any]:
        args = {}
        defaults = self.defaults
        for name, (key, process) in self.binds.items():
            value = params[key] if key in params else defaults[name]
            args[name] = process(value) if process is not None and value is not None else value
        return args

    @property
    def wire(self) -> WireSQL:
        """The statement as libpq takes it (``wire``)."""
        if self._wire is None:
            self._wire = WireSQL(self.sql)
        return self._wire

    def run_on(self, conn: Connection, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Run on a SQLAlchemy Connection's DBAPI connection (its transaction, if any):
        outside a transaction through libpq itself (``wire``), else on a psycopg cursor."""
        args = self.args(params)
        through_libpq = read_batch(conn, [(self.wire, self.sql, args)])
        if through_libpq is not None:
            rows, types = through_libpq[0]
            return self.converted(rows, described(types), conn.dialect)
        if conn._has_events or conn.engine._has_events:
            conn.dispatch.before_cursor_execute(conn, None, self.sql, args, None, False)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(self.sql, args)
            rows = cursor.fetchall()
            description = cursor.description if self.results is None else None
        except conn.dialect.loaded_dbapi.Error as error:
            conn._handle_dbapi_exception(error, self.sql, args, cursor, None)
        finally:
            cursor.close()
        return self.converted(rows, description, conn.dialect)

    def converted(
        self, rows: list[tuple[Any, ...]], description: Any, dialect: Any
    ) -> list[tuple[Any, ...]]:
        results = self.results
        if results is None:
            results = self.results = tuple(
                type_._cached_result_processor(dialect, column[1])
                for type_, column in zip(self.types, description, strict=True)
            )
        if not any(results):
            return rows
        return [
            tuple(v if p is None or v is None else p(v) for p, v in zip(results, row, strict=True))
            for row in rows
        ]


class Prepared:
    """A Core ``select`` (named bind parameters, no expanding ones) compiled once per
    dialect; :meth:`all` returns plain tuples with the same values as ``execute().all()``."""

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        self._compiled: dict[str, _Compiled] = {}
        self._server: dict[str, ServerSQL | None] = {}

    def _for(self, dialect: Any) -> _Compiled:
        found = self._compiled.get(dialect.name)
        if found is None:
            found = self._compiled[dialect.name] = _Compiled(self.statement, dialect)
        return found

    def server_sql(self, dialect: Any) -> ServerSQL | None:
        """The statement as psycopg runs it (None: only the Core path can run it)."""
        key = dialect.name
        if key not in self._server:
            self._server[key] = ServerSQL.of(self.statement, dialect)
        return self._server[key]

    def all(self, session: Session | RawReads, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        if isinstance(session, RawReads):
            dialect: Any = session.dialect
            conn: Any = None
        else:
            conn = connection(session)
            dialect = conn.dialect
            if dialect.name != "sqlite":
                server = self.server_sql(dialect)
                if server is None:
                    return [tuple(row) for row in conn.execute(self.statement, dict(params)).all()]
                return server.run_on(conn, params)
        compiled = self._for(dialect)
        defaults = compiled.defaults
        args = []
        for name, process in zip(compiled.names, compiled.binds, strict=True):
            value = params[name] if name in params else defaults[name]
            args.append(process(value) if process is not None and value is not None else value)
        if conn is None:
            rows = session.cursor.execute(compiled.sql, args).fetchall()  # type: ignore[union-attr]
        else:
            rows = run(conn, compiled.sql, args)
        converted = compiled.converted
        if not converted:
            return rows
        if len(converted) == 1:
            i, p = converted[0]
            after = i + 1
            return [row if row[i] is None else (*row[:i], p(row[i]), *row[after:]) for row in rows]
        converted_rows = []
        for row in rows:
            values = list(row)
            for i, p in converted:
                if values[i] is not None:
                    values[i] = p(values[i])
            converted_rows.append(tuple(values))
        return converted_rows

    def first(
        self, session: Session | RawReads, params: Mapping[str, Any]
    ) -> tuple[Any, ...] | None:
        rows = self.all(session, params)
        return rows[0] if rows else None


class RawReads:
    """Reads on a pooled DBAPI connection of a read engine, for a use case whose reads
    are all :class:`Prepared` (the search): no Session, no SQLAlchemy Connection. On
    SQLite one read transaction without per-statement events; on PostgreSQL single
    statements, told to the engine's listeners. Use :func:`raw_reads`."""

    __slots__ = ("cursor", "dialect")

    def __init__(self, cursor: Any, dialect: Any) -> None:
        self.cursor = cursor
        self.dialect = dialect


class TellingCursor:
    """A DBAPI cursor whose statements are told to the engine's ``before_cursor_execute``
    listeners first (with ``None`` for the SQLAlchemy Connection there is none of)."""

    __slots__ = ("cursor", "engine")

    def __init__(self, cursor: Any, engine: Engine) -> None:
        self.cursor = cursor
        self.engine = engine

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        if self.engine._has_events:
            self.engine.dispatch.before_cursor_execute(
                None, self.cursor, sql, tuple(args), None, False
            )
        return self.cursor.execute(sql, args)


def positional_dialect(dialect: Any) -> Any:
    """The engine's PostgreSQL dialect compiling positional ``%s`` parameters (psycopg
    takes both styles), for :class:`Prepared` on a DBAPI cursor: the same SQL, casts and
    bind/result processors as the engine's own ``pyformat`` compilation."""
    found = dialect.__dict__.get("_jt_positional")
    if found is None:
        found = copy.copy(dialect)
        found.paramstyle = "format"
        found.positional = True
        dialect.__dict__["_jt_positional"] = found
    return found


@contextmanager
def _postgresql_reads(engine: Engine) -> Iterator[RawReads]:
    """Single statements in autocommit on a pooled psycopg connection.

    Under READ COMMITTED every statement sees its own snapshot inside a transaction as
    well, so the transaction added nothing but its BEGIN and ROLLBACK requests, and
    psycopg forgets its prepared statements on every ROLLBACK (so the search's few
    statements were parsed and planned anew each time)."""
    fairy = engine.raw_connection()
    raw: Any = fairy.driver_connection
    cursor = None
    try:
        raw.autocommit = True  # no request: applies from the next statement
        cursor = raw.cursor()
        yield RawReads(TellingCursor(cursor, engine), positional_dialect(engine.dialect))
    finally:
        try:
            if cursor is not None:
                cursor.close()
            raw.autocommit = False  # as the pool hands connections out
        except Exception:
            fairy.invalidate()  # never back to the pool in autocommit
        fairy.close()


@contextmanager
def raw_reads(session: Session) -> Iterator[Session | RawReads]:
    """Reads for a read-only unit of work that the session itself then never needs: on
    SQLite one read transaction (``BEGIN`` … rolled back when the connection goes back
    to the pool: its statements see one snapshot) on a DBAPI connection of the session's
    engine; on PostgreSQL single statements outside a transaction
    (:func:`_postgresql_reads`). Elsewhere, or when the session already holds a
    transaction, the session as it is."""
    engine = session.get_bind()
    name = engine.dialect.name
    if session.in_transaction() or name not in ("sqlite", "postgresql"):
        yield session
        return
    if name == "postgresql":
        if engine.dialect.driver != "psycopg":
            yield session
            return
        with _postgresql_reads(engine) as reads:
            yield reads
        return
    fairy = engine.raw_connection()  # the pool's events (keys, pragmas) have run
    cursor = None
    try:
        cursor = fairy.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute("BEGIN")
        yield RawReads(cursor, engine.dialect)
    finally:
        # Close the cursor here, while this thread still owns the connection: a cursor
        # left to be freed later (by whoever drops the last reference, or by the garbage
        # collector in any thread) resets its statement on a connection that another
        # thread may be using by then, which crashes SQLite.
        if cursor is not None:
            cursor.close()
        fairy.close()  # the pool rolls the read transaction back


def run(conn: Connection, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run SQL text on the connection's DBAPI connection (SQLite; PostgreSQL takes
    :class:`ServerSQL`), telling engine listeners."""
    raw = conn.connection.driver_connection
    if conn._has_events or conn.engine._has_events:
        conn.dispatch.before_cursor_execute(conn, None, sql, tuple(args), None, False)
    return raw.execute(sql, args).fetchall()  # type: ignore[union-attr]


def _stamp(session: Session) -> tuple[Any, int] | None:
    """(connection info, data version) of the session's SQLite snapshot, or None when the
    counters cannot tell (another database; a connection that wrote anything itself:
    ``total_changes`` moves, but its own uncommitted or rolled-back writes do not move
    ``PRAGMA data_version``). Read once per transaction, inside it, so the version
    belongs to the snapshot being read."""
    conn = connection(session)
    if conn.dialect.name != "sqlite":
        return None
    raw = conn.connection.driver_connection
    if raw.total_changes:  # type: ignore[union-attr]
        return None
    transaction = session.get_transaction()
    kept = session.info.get("jt_hot_stamp")
    if kept is not None and kept[0] is transaction:
        return conn.connection.info, kept[1]
    stamp = raw.execute("PRAGMA data_version").fetchone()[0]  # type: ignore[union-attr]
    session.info["jt_hot_stamp"] = (transaction, stamp)
    return conn.connection.info, stamp


def seen_at(info: dict[Any, Any], slot: str, key: object, stamp: int) -> bool:
    """Whether ``(slot, key)`` was remembered on this connection at data version ``stamp``."""
    seen = info.get("jt_seen")
    return seen is not None and seen.get((slot, key)) == stamp


def remember_at(info: dict[Any, Any], slot: str, key: object, stamp: int) -> None:
    """Remember ``(slot, key)`` on this connection at data version ``stamp``."""
    seen: dict[tuple[str, object], int] = info.setdefault("jt_seen", {})
    if len(seen) > 4096:
        seen.clear()
    seen[(slot, key)] = stamp


def memo_at(info: dict[Any, Any], slot: object, stamp: int) -> dict[Any, Any]:
    """The connection's memo dict for ``slot``, emptied when the data version moved."""
    memos: dict[object, tuple[int, dict[Any, Any]]] = info.setdefault("jt_memo", {})
    kept = memos.get(slot)
    if kept is None or kept[0] != stamp:
        if len(memos) > 256:
            memos.clear()
        kept = memos[slot] = (stamp, {})
    return kept[1]


def unchanged_since(session: Session, slot: str, key: object) -> Callable[[], None] | None:
    """None when no commit reached the database since the returned ``remember`` ran for
    ``(slot, key)`` on this connection; otherwise a function that remembers now.

    Free on SQLite (see :func:`_stamp`); elsewhere the caller always checks its own way.
    """
    found = _stamp(session)
    if found is None:
        return lambda: None
    info, stamp = found
    if seen_at(info, slot, key, stamp):
        return None
    return lambda: remember_at(info, slot, key, stamp)


def snapshot_memo(session: Session, slot: object) -> dict[Any, Any] | None:
    """A dict for values read from the database that stays valid while no commit reaches
    it (kept per connection, emptied when one did); None when that cannot be told."""
    found = _stamp(session)
    if found is None:
        return None
    info, stamp = found
    return memo_at(info, slot, stamp)
