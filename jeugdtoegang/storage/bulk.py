"""Fast inserts of many new records, change log included (demo data, imports, benchmarks).

The ORM's per-object bookkeeping costs ~100x a plain executemany; for thousands of new
records we build the rows ourselves, with the same who/when/version columns and change-log
snapshots the session hooks would write.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, event, insert
from sqlalchemy.orm import Session

from jeugdtoegang.storage.base import VersionedBase, utcnow
from jeugdtoegang.storage.changelog import allocate_changes
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.snapshot import to_json_value


def _same(value: Any) -> Any:
    return value


#: to_json_value by exact type (the common cases without its isinstance chain)
_JSON: dict[type, Callable[[Any], Any]] = {
    str: _same,
    int: _same,
    bool: _same,
    float: _same,
    type(None): _same,
    uuid.UUID: str,
    datetime: datetime.isoformat,
    date: date.isoformat,
    Decimal: str,
}


@contextmanager
def large_page_cache(engine: Engine, mebibytes: int) -> Iterator[None]:
    """While building a large data set: every connection ``engine`` hands out keeps up to
    ``mebibytes`` of database pages in memory (SQLite; other dialects are left alone).

    SQLite's default page cache is 2 MB. Inserts into the indexes of random UUID keys
    (every table's primary key, the change log's record ids) touch pages all over a file
    of hundreds of megabytes, and with the default cache each one is read back from the
    operating system again: at 10,000 demo households that was half of the build's time,
    growing with the file. A connection keeps its cache between transactions (the pages
    stay valid while no other connection writes), so the size is set once per connection;
    on leaving, the engine's pooled connections are closed and new ones get the default.
    """
    if engine.dialect.name != "sqlite":
        yield
        return

    def checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if record.info.get("large_page_cache") != mebibytes:
            dbapi_connection.execute(f"PRAGMA cache_size = -{mebibytes * 1024}")
            record.info["large_page_cache"] = mebibytes

    event.listen(engine, "checkout", checkout)
    try:
        yield
    finally:
        event.remove(engine, "checkout", checkout)
        engine.dispose()


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` random (version 4) UUIDs from one read of the system's random source
    (``uuid.uuid4`` reads it once per id)."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def bulk_insert(
    session: Session, model: type[VersionedBase], rows: Sequence[dict[str, Any]], actor_name: str
) -> list[uuid.UUID]:
    """Insert new records of ``model`` from column dicts; returns their ids in order."""
    if not rows:
        return []
    from jeugdtoegang.sync.records import insert_rows  # one compiled executemany (SQLite)

    now = utcnow()
    table = model.__table__
    defaults = {  # once per call, not per row
        column.name: column.default.arg
        if column.default is not None and not callable(column.default.arg)
        else None
        for column in table.columns
    }
    stamp = {
        "created_at": now,
        "updated_at": now,
        "created_by": actor_name,
        "updated_by": actor_name,
        "version": 1,
    }
    full_rows = []
    for row, fresh in zip(rows, new_ids(len(rows)), strict=True):
        values = {**defaults, **row, **stamp}
        values["id"] = values.get("id") or fresh
        full_rows.append(values)
    if table.name == "household":
        from jeugdtoegang.storage.household_sort import with_sort_keys

        with_sort_keys(full_rows)
    insert_rows(session, table, full_rows)
    if table.name == "indication":
        from jeugdtoegang.storage.commitments import apply_deltas, deltas_for

        apply_deltas(session, deltas_for((None, values) for values in full_rows))
    elif table.name in ("household", "person"):
        from jeugdtoegang.storage.search_keys import refresh

        key = "id" if table.name == "household" else "household_id"
        refresh(session, {values[key] for values in full_rows})
    numbers = allocate_changes(session, len(full_rows))
    log_ids = new_ids(len(full_rows))
    origin = session.info.get("origin_db")
    log_rows = [
        {
            "id": log_ids[index],
            "seq": numbers[index],
            "table_name": table.name,
            "record_id": values["id"],
            "version": 1,
            "operation": "insert",
            "data": data,
            "created_at": now,
            "created_by": actor_name,
            "origin_db": origin,
        }
        for index, (values, data) in enumerate(
            zip(full_rows, _snapshots(full_rows, defaults, model.snapshot_exclude), strict=True)
        )
    ]
    insert_rows(session, ChangeLogEntry.__table__, log_rows)
    return [values["id"] for values in full_rows]


#: the JSON snapshot keeps these as they are
_PLAIN = frozenset((str, int, bool, float, type(None)))


def _snapshots(
    rows: list[dict[str, Any]], columns: dict[str, Any], exclude: Any
) -> list[dict[str, Any]]:
    """The change-log snapshot of each row: its values as JSON values, ``exclude`` left out.

    Rows holding exactly the table's ``columns`` (the usual case) have their keys in the
    same order, so they are converted column by column: a column of only text, numbers
    and NULLs (most of them) is taken as it is, without a look-up per value.
    """
    if any(len(row) != len(columns) for row in rows):
        return [
            {k: _JSON.get(type(v), to_json_value)(v) for k, v in row.items() if k not in exclude}
            for row in rows
        ]
    keys = [k for k in columns if k not in exclude]
    converted = []
    for key in keys:
        column = [row[key] for row in rows]
        if {type(v) for v in column} <= _PLAIN:
            converted.append(column)
        else:
            converted.append([_JSON.get(type(v), to_json_value)(v) for v in column])
    return [dict(zip(keys, values, strict=True)) for values in zip(*converted, strict=True)]


def insert_tuples(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """INSERT many rows given as tuples in ``columns`` order, as one executemany.

    On a dialect with positional parameters (SQLite) the statement is compiled once and
    each value goes through its column's own bind conversion, without SQLAlchemy's per-row
    parameter bookkeeping (which costs more than the insert itself for thousands of small
    rows, e.g. the audit log's person index); others take SQLAlchemy's executemany.
    """
    if not rows:
        return
    dialect = session.get_bind().dialect
    compiled = insert(table).compile(dialect=dialect, column_keys=list(columns))
    order = (
        [compiled.binds[name].key for name in compiled.positiontup]
        if compiled.positional and compiled.positiontup is not None
        else None
    )
    if order is None or sorted(order) != sorted(columns) or len(order) != len(columns):
        session.execute(insert(table), [dict(zip(columns, row, strict=True)) for row in rows])
        return
    where = [list(columns).index(name) for name in order]
    binds = [table.c[name].type._cached_bind_processor(dialect) for name in order]
    values = [list(column) for column in zip(*rows, strict=True)]
    params = [
        column if bind is None else [bind(value) for value in column]
        for column, bind in zip((values[index] for index in where), binds, strict=True)
    ]
    session.connection().exec_driver_sql(str(compiled), list(zip(*params, strict=True)))
