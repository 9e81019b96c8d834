"""A read transaction without a Session, for answers that come from kept values (issue 11).

The provider picker's page is usually served from kept values (candidate pools,
provisions, commitments): what a read needs then is only "did any commit reach the
database since this connection last checked?". Opening a Session, beginning its
transaction and closing it costs about 0.1 ms, several times the answer itself.
:func:`quick_reads` checks a connection out of a SQLite read engine's pool, begins a
read transaction on the DBAPI connection, reads ``PRAGMA data_version`` once, and offers
the very bookkeeping of :func:`jeugdtoegang.storage.hot.unchanged_since` and
:func:`~jeugdtoegang.storage.hot.snapshot_memo` (kept in the pool record's ``info``, so
both paths see what the other remembered). Statements run on it are told to the engine's
``before_cursor_execute`` listeners, as on the session path (the benchmarks replay them
as their baseline); there is no SQLAlchemy Connection, so listeners get ``None`` for it.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine

from jeugdtoegang.storage.hot import (
    Prepared,
    RawReads,
    TellingCursor,
    memo_at,
    remember_at,
    seen_at,
)


class QuickReads:
    """One read transaction (see the module): freshness checks and a few statements."""

    __slots__ = ("engine", "info", "reads", "stamp")

    def __init__(self, engine: Engine, info: dict[Any, Any], cursor: Any, stamp: int) -> None:
        self.engine = engine
        self.info = info
        self.stamp = stamp
        self.reads = RawReads(TellingCursor(cursor, engine), engine.dialect)

    def unchanged(self, slot: str, key: object) -> bool:
        """Whether :func:`~jeugdtoegang.storage.hot.unchanged_since` would say that no
        commit reached the database since ``(slot, key)`` was remembered here."""
        return seen_at(self.info, slot, key, self.stamp)

    def remember(self, slot: str, key: object) -> None:
        remember_at(self.info, slot, key, self.stamp)

    def memo(self, slot: object) -> dict[Any, Any]:
        """:func:`~jeugdtoegang.storage.hot.snapshot_memo` of this connection."""
        return memo_at(self.info, slot, self.stamp)

    def rows(self, statement: Prepared, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        return statement.all(self.reads, params)

    def execute(self, sql: str, args: Sequence[Any]) -> list[tuple[Any, ...]]:
        """Plain SQL text (SQLite's own syntax), all rows."""
        return self.reads.cursor.execute(sql, args).fetchall()  # type: ignore[no-any-return]


@contextmanager
def quick_reads(engine: Engine) -> Iterator[QuickReads | None]:
    """A :class:`QuickReads` on a SQLite read engine; None elsewhere, or on a connection
    that wrote anything itself (its own writes do not move the data version)."""
    if engine.dialect.name != "sqlite":
        yield None
        return
    fairy = engine.raw_connection()  # the pool's events (keys, pragmas) have run
    cursor = None
    try:
        raw = fairy.driver_connection
        if raw.total_changes:  # type: ignore[union-attr]
            yield None
            return
        # closed below while this thread still owns the connection (see hot.raw_reads)
        cursor = raw.cursor()  # type: ignore[union-attr]
        cursor.execute("BEGIN")
        stamp = cursor.execute("PRAGMA data_version").fetchone()[0]
        yield QuickReads(engine, fairy.info, cursor, stamp)
    finally:
        if cursor is not None:
            if fairy.driver_connection.in_transaction:  # type: ignore[union-attr]
                cursor.execute("ROLLBACK")
            cursor.close()
        fairy.close()
