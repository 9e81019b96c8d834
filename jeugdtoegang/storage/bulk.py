"""Fast inserts of many new records, change log included (demo data, imports, benchmarks).

The ORM's per-object bookkeeping costs ~100x a plain executemany; for thousands of new
records we build the rows ourselves, with the same who/when/version columns and change-log
snapshots the session hooks would write.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, insert
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
    insert_rows(session, table, full_rows)
    if table.name == "indication":
        from jeugdtoegang.storage.commitments import apply_deltas, deltas_for

        apply_deltas(session, deltas_for((None, values) for values in full_rows))
    elif table.name in ("household", "person"):
        from jeugdtoegang.storage.search_keys import refresh

        key = "id" if table.name == "household" else "household_id"
        refresh(session, {values[key] for values in full_rows})
    numbers = allocate_changes(session, len(full_rows))
    exclude = model.snapshot_exclude
    log_ids = new_ids(len(full_rows))
    log_rows = [
        {
            "id": log_ids[index],
            "seq": numbers[index],
            "table_name": table.name,
            "record_id": values["id"],
            "version": 1,
            "operation": "insert",
            "data": {
                k: _JSON.get(type(v), to_json_value)(v)
                for k, v in values.items()
                if k not in exclude
            },
            "created_at": now,
            "created_by": actor_name,
            "origin_db": session.info.get("origin_db"),
        }
        for index, values in enumerate(full_rows)
    ]
    insert_rows(session, ChangeLogEntry.__table__, log_rows)
    return [values["id"] for values in full_rows]


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
