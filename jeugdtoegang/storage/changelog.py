"""Session hooks that stamp who/when and write the change log in the same transaction.

This is infrastructure, not business logic: it makes "every record versioned with who
and when" and "every change gets a sequence number" impossible to forget in a service.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table, bindparam, event, func, insert, literal_column, select, text, update
from sqlalchemy.orm import Session

from jeugdtoegang.storage.base import VersionedBase, utcnow
from jeugdtoegang.storage.hot import ServerSQL, connection
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.snapshot import snapshot

CHANGE_COUNTER = "changes"
#: Tables whose rows describe this database itself (counters, sync bookkeeping): no
#: change-log rows, so they never travel in a sync bundle.
UNLOGGED_TABLES = frozenset({"sequence_counter", "sync_peer", "sync_conflict"})


def next_sequence(session: Session, counter: str, count: int) -> int:
    """Reserve ``count`` numbers from a named counter; returns the first one.

    The UPDATE comes first so that PostgreSQL holds the row lock before reading.
    """
    table = SequenceCounter.__table__
    result = session.execute(
        update(table).where(table.c.name == counter).values(last_seq=table.c.last_seq + count)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise RuntimeError(f"sequence counter {counter!r} missing; database not initialised")
    last = session.execute(select(table.c.last_seq).where(table.c.name == counter)).scalar_one()
    return int(last) - count + 1


#: PostgreSQL: the database sequence that numbers change-log rows (created by 0014_scale).
CHANGE_SEQUENCE = "change_log_seq"
#: PostgreSQL advisory-lock key ("jt-changes"): writers hold it shared while their numbers
#: are uncommitted; an export takes it exclusively for an instant to close its range.
_WRITERS_LOCK = 0x6A742D6368616E67
_ALLOCATE = text(f"SELECT nextval('{CHANGE_SEQUENCE}') FROM generate_series(1, :count) ORDER BY 1")
#: the same after taking the writers' shared lock, in one request: the series' length needs
#: the lock's sub-select first, so no number is drawn before the lock is held
_LOCK_AND_ALLOCATE = text(
    f"SELECT nextval('{CHANGE_SEQUENCE}') FROM generate_series(1, :count * (SELECT count(*) "
    "FROM (SELECT pg_advisory_xact_lock_shared(:key)) AS locked)) ORDER BY 1"
)


#: PostgreSQL: one change-log row numbered by the INSERT itself, under the writers' shared
#: lock (taken again for every row: re-entrant, held until commit), so a flush writes its
#: change log in one request instead of drawing the numbers first. The rows of one
#: executemany run in order, so their numbers increase in row order as before.
_LOCKED_NEXTVAL = literal_column(
    f"(SELECT nextval('{CHANGE_SEQUENCE}') FROM "
    f"(SELECT pg_advisory_xact_lock_shared({_WRITERS_LOCK})) AS locked)"
)
_INSERT_NUMBERED = insert(ChangeLogEntry.__table__).values(seq=_LOCKED_NEXTVAL)


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def allocate_changes(session: Session, count: int) -> list[int]:
    """``count`` change-log numbers, increasing, for one write transaction.

    SQLite serialises writers anyway (``BEGIN IMMEDIATE``): numbers come from the
    ``changes`` counter row and are gap-free. PostgreSQL takes them from a sequence, so
    writers never queue behind one row; numbers are unique and increasing but a
    rolled-back transaction leaves a hole, and a later number may commit first. Writers
    therefore hold a shared advisory lock until commit, which lets
    :func:`settled_sequence` find the point below which every number is final.
    """
    if count <= 0:
        return []
    if not _is_postgres(session):
        first = next_sequence(session, CHANGE_COUNTER, count)
        return list(range(first, first + count))
    if session.info.get("jt_allocated_in") is not session.get_transaction():
        numbers = session.execute(_LOCK_AND_ALLOCATE, {"count": count, "key": _WRITERS_LOCK})
        session.info["jt_allocated_in"] = session.get_transaction()
        return [int(n) for n in numbers.scalars()]
    return [int(n) for n in session.execute(_ALLOCATE, {"count": count}).scalars()]


def settled_sequence(session: Session) -> int:
    """The highest change-log number such that no lower number can still appear.

    A sync export covers exactly ``since + 1 .. settled_sequence()``; numbers in that
    range that never appear were rolled back (holes are normal on PostgreSQL). On
    PostgreSQL the exclusive advisory lock waits for writers that hold uncommitted numbers
    and is released at once (its own short transaction), so writers pause only for an
    instant.
    """
    maximum = select(func.max(ChangeLogEntry.__table__.c.seq))
    if not _is_postgres(session):
        return int(session.execute(maximum).scalar() or 0)
    if session.info.get("jt_allocated_in") is session.get_transaction():
        # this transaction holds numbers itself: wait for the others on its own connection
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITERS_LOCK})
        return int(session.execute(maximum).scalar() or 0)
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _WRITERS_LOCK})
        value = connection.execute(maximum).scalar()
        connection.commit()
    return int(value or 0)


def _actor_name(session: Session) -> str:
    actor = session.info.get("actor")
    return actor.username if actor is not None else "systeem"


def _stamp(session: Session, _flush_context: Any, _instances: Any) -> None:
    if session.info.get("sync_apply"):
        return  # imported records keep the who/when of their origin
    who = _actor_name(session)
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, VersionedBase):
            obj.created_by = obj.created_by or who
            obj.updated_by = who
            obj.created_at = obj.created_at or now
            obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, VersionedBase) and session.is_modified(obj, include_collections=False):
            obj.updated_by = who
            obj.updated_at = now


def _log_changes(session: Session, _flush_context: Any) -> None:
    rows: list[dict[str, Any]] = []
    for operation, objects in (
        ("insert", session.new),
        ("update", session.dirty),
        ("delete", session.deleted),
    ):
        for obj in objects:
            if not isinstance(obj, VersionedBase) or obj.__tablename__ in UNLOGGED_TABLES:
                continue
            if operation == "update" and not session.is_modified(obj, include_collections=False):
                continue
            rows.append(
                {
                    "table_name": obj.__tablename__,
                    "record_id": obj.id,
                    # a tombstone is the record's next version
                    "version": obj.version + 1 if operation == "delete" else obj.version,
                    "operation": operation,
                    "data": None if operation == "delete" else snapshot(obj),
                    "created_at": obj.updated_at if operation != "delete" else utcnow(),
                    "created_by": _actor_name(session) if operation == "delete" else obj.updated_by,
                    "origin_db": session.info.get("origin_db"),
                }
            )
    write_change_rows(session, rows)


def write_change_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert change-log rows (without ``seq`` and ``id``: numbered and keyed here) in
    this transaction; a write that bypasses the ORM's flush logs its records with this."""
    if not rows:
        return
    if _is_postgres(session):
        for row in rows:
            row["id"] = uuid.uuid4()
        session.execute(_INSERT_NUMBERED, rows)
        session.info["jt_allocated_in"] = session.get_transaction()
        return
    for row, seq in zip(rows, allocate_changes(session, len(rows)), strict=True):
        row["seq"] = seq
        row["id"] = uuid.uuid4()
    session.execute(insert(ChangeLogEntry.__table__), rows)


#: one change-log row numbered as by :data:`_INSERT_NUMBERED`, its values bound as
#: ``log_<column>`` (so that they never clash with the record's own in one statement)
_INSERT_ONE_NUMBERED = insert(ChangeLogEntry.__table__).values(
    seq=_LOCKED_NEXTVAL,
    **{
        column.name: bindparam(f"log_{column.name}", type_=column.type)
        for column in ChangeLogEntry.__table__.columns
        if column.name != "seq"
    },
)


class LoggedInsert:
    """The INSERT of one new record of ``table`` (every column, bound as ``row_<column>``)
    together with its change-log row, for a write that bypasses the ORM's flush.

    On PostgreSQL the two are one statement, the record's INSERT a ``WITH`` clause of the
    change log's (PostgreSQL runs a data-modifying ``WITH`` clause even when nothing refers
    to it): one request instead of two, and all or nothing as before. SQLite has no such
    clause: the record's INSERT, then :func:`write_change_rows`.
    """

    def __init__(self, table: Table) -> None:
        self.record = insert(table).values(
            {
                column.name: bindparam(f"row_{column.name}", type_=column.type)
                for column in table.columns
            }
        )
        self.with_change = _INSERT_ONE_NUMBERED.add_cte(self.record.cte(f"new_{table.name}"))

    def execute(self, session: Session, row: dict[str, Any], change: dict[str, Any]) -> None:
        """Insert ``row`` (every column) and ``change`` (a change-log row without ``seq``
        and ``id``, as :func:`write_change_rows` takes it) in the session's transaction."""
        conn = connection(session)
        params = {f"row_{name}": value for name, value in row.items()}
        if conn.dialect.name != "postgresql":
            conn.execute(self.record, params)
            write_change_rows(session, [change])
            return
        for name, value in change.items():
            params[f"log_{name}"] = value
        params["log_id"] = uuid.uuid4()
        conn.execute(self.with_change, params)
        session.info["jt_allocated_in"] = session.get_transaction()


#: the change-log columns a caller gives (``seq`` is drawn by the statement itself)
_LOGGED_COLUMNS = tuple(c for c in ChangeLogEntry.__table__.columns if c.name != "seq")


class LoggedUpdate:
    """The versioned UPDATE of one record of ``table`` (the columns ``names``, bound as
    ``row_<column>``; the row matched by ``record_id`` at ``read_version``) together with
    its change-log row, for a write that bypasses the ORM's flush.

    On PostgreSQL the two are one statement: the UPDATE a ``WITH`` clause whose returned
    row feeds the change log's INSERT (no row updated: no change-log row, no number drawn),
    run on the DBAPI connection (:class:`~jeugdtoegang.storage.hot.ServerSQL`): one request
    instead of two, and SQLAlchemy's per-statement work once instead of twice. SQLite: the
    UPDATE, then :func:`write_change_rows` when it changed the row.
    """

    def __init__(self, table: Table, names: Sequence[str]) -> None:
        record = table.c
        self.record = (
            update(table)
            .where(record.id == bindparam("record_id"), record.version == bindparam("read_version"))
            .values({name: bindparam(f"row_{name}", type_=record[name].type) for name in names})
        )
        changed = self.record.returning(record.id).cte(f"changed_{table.name}")
        log = ChangeLogEntry.__table__
        self.with_change = (
            insert(log)
            .from_select(
                ["seq", *(column.name for column in _LOGGED_COLUMNS)],
                select(
                    _LOCKED_NEXTVAL,
                    *(bindparam(f"log_{c.name}", type_=c.type) for c in _LOGGED_COLUMNS),
                ).select_from(changed),
            )
            .returning(log.c.seq)
        )
        self._server: dict[str, ServerSQL | None] = {}

    def execute(
        self,
        session: Session,
        key: tuple[Any, int],
        values: dict[str, Any],
        change: dict[str, Any],
    ) -> bool:
        """Write ``values`` (every column of ``names``) to the record ``key`` = (id, the
        version read) and log ``change`` (a change-log row without ``seq`` and ``id``, as
        :func:`write_change_rows` takes it) in the session's transaction; False (nothing
        written) when no such record is at that version."""
        conn = connection(session)
        params = {f"row_{name}": value for name, value in values.items()}
        params["record_id"], params["read_version"] = key
        dialect = conn.dialect
        if dialect.name != "postgresql":
            if conn.execute(self.record, params).rowcount != 1:
                return False
            write_change_rows(session, [change])
            return True
        for name, value in change.items():
            params[f"log_{name}"] = value
        params["log_id"] = uuid.uuid4()
        if dialect.name not in self._server:
            self._server[dialect.name] = ServerSQL.of(self.with_change, dialect)  # type: ignore[arg-type]
        server = self._server[dialect.name]
        if server is None:
            logged = conn.execute(self.with_change, params).all()
        else:
            logged = server.run_on(conn, params)
        if not logged:
            return False
        session.info["jt_allocated_in"] = session.get_transaction()
        return True


def install_session_hooks(target: Any) -> None:
    """Attach the stamping and change-log hooks to a session or a sessionmaker."""
    event.listen(target, "before_flush", _stamp)
    event.listen(target, "after_flush", _log_changes)
