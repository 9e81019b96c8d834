"""Reading and writing records by table name, with their change-log rows.

Sync writes rows with SQLAlchemy Core (exact versions and who/when of the origin, and
fast for thousands of records) and writes the change-log rows itself, the same rows the
session hooks write for local edits, so that imported changes travel on to other peers.
"""

from __future__ import annotations

import json
import operator
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from jeugdtoegang.storage.changelog import allocate_changes
from jeugdtoegang.storage.commitments import apply_deltas, deltas_for, previous_states
from jeugdtoegang.storage.household_sort import keep_after_sync as keep_sort_keys
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.search_keys import keep_after_sync
from jeugdtoegang.sync.bundle import digest
from jeugdtoegang.sync.tables import converters, row_from_json, same

CHUNK = 500
_LOG = ChangeLogEntry.__table__
Convert = Callable[[Any], Any]


class JsonText(str):
    """A JSON column's value already as its JSON text (a snapshot as a bundle carried it):
    stored as it is where the column stores text, parsed back where it does not."""


def _json_or_text(step: Convert) -> Convert:
    def convert(value: Any) -> Any:
        return str(value) if value.__class__ is JsonText else step(value)

    return convert


@dataclass(frozen=True)
class _InsertPlan:
    """One compiled INSERT and, per parameter, the column and its value conversion."""

    sql: str
    columns: tuple[str, ...]
    convert: tuple[Convert | None, ...]
    #: what None becomes (a JSON column writes 'null', as SQLAlchemy does)
    nones: tuple[Any, ...]


_PLANS: dict[tuple[str, str, frozenset[str], bool], _InsertPlan | None] = {}


_UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _uuid_text_to_hex(slow: Convert) -> Convert:
    """A UUID's text as a character-based database stores it (32 lowercase hex digits),
    without building a UUID object; anything not in the canonical form takes ``slow``."""

    def convert(value: Any) -> Any:
        if isinstance(value, str) and _UUID_TEXT.fullmatch(value):
            return value.replace("-", "").lower()
        return slow(value)

    return convert


def _date_text(slow: Convert) -> Convert:
    """A date's ISO text as a text-based database stores it (the same ISO text, checked
    by parsing), without the generic bind processing; anything else takes ``slow``."""

    def convert(value: Any) -> Any:
        if value.__class__ is str:
            return date.fromisoformat(value).isoformat()
        return slow(value)

    return convert


#: an aware UTC timestamp as snapshots write it (microseconds, '+00:00')
_UTC_TEXT = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d\.\d{6}\+00:00", re.ASCII)


def _moment_text(slow: Convert) -> Convert:
    """A UTC timestamp's ISO text as a text-based database stores it ('YYYY-MM-DD
    HH:MM:SS.ffffff'), checked by parsing, without the generic bind processing; any
    other form takes ``slow`` (which refuses a naive timestamp)."""
    parse = datetime.fromisoformat

    def convert(value: Any) -> Any:
        if value.__class__ is str and _UTC_TEXT.fullmatch(value):
            parse(value)  # a moment that exists
            return f"{value[:10]} {value[11:26]}"
        return slow(value)

    return convert


#: text → storage shortcuts, each used only when it gives exactly what the column's own
#: conversion gives for every probe (so a dialect storing values otherwise keeps its own)
_SHORTCUTS: dict[Any, tuple[Callable[[Convert], Convert], tuple[str, ...]]] = {
    uuid.UUID: (
        _uuid_text_to_hex,
        ("0123ABCD-4567-89AB-CDEF-0123456789AB", "01234567-89ab-cdef-0123-456789abcdef"),
    ),
    date.fromisoformat: (_date_text, ("2012-01-31", "0999-12-01", "2026-11-23")),
    datetime.fromisoformat: (
        _moment_text,
        (
            "2026-12-02T04:08:19.123456+00:00",
            "2026-12-02T05:08:19+01:00",
            "0999-01-01T00:00:00+00:00",
            "2026-12-02 04:08:19.5-03:30",
        ),
    ),
}


def _shortcut(from_text: Convert, step: Convert) -> Convert:
    """``step`` (a column's text → storage conversion starting with ``from_text``) or a
    faster one of the same kind that gives exactly the same for every probe."""
    if from_text not in _SHORTCUTS:
        return step
    make, probes = _SHORTCUTS[from_text]
    fast = make(step)
    try:
        if all(fast(probe) == step(probe) for probe in probes):
            return fast
    except Exception:  # a conversion that cannot take a probe: keep it
        pass
    return step


def _compose(first: Convert | None, second: Convert | None) -> Convert | None:
    if first is same:
        first = None
    if first is None:
        return second
    if second is None:
        return first
    return lambda value: second(first(value))


def _stores_json_text(table: Table, name: str, step: Convert) -> bool:
    """Whether a JSON column stores its value as the JSON text of it (so that a
    :class:`JsonText` may go in as it is)."""
    if not isinstance(table.c[name].type, JSON):
        return False
    probe = {"a": [1, "é", None]}
    try:
        return json.loads(step(probe)) == probe
    except (TypeError, ValueError):
        return False


def _insert_plan(
    session: Session, table: Table, keys: frozenset[str], from_json: bool
) -> _InsertPlan | None:
    """The plan for inserting rows with exactly ``keys``; None when the generic path is
    needed (a dialect with named parameters, or columns with a client-side default that
    the rows leave out)."""
    dialect = session.get_bind().dialect
    cache_key = (dialect.name, table.name, keys, from_json)
    if cache_key in _PLANS:
        return _PLANS[cache_key]
    plan: _InsertPlan | None = None
    defaults_left_out = any(
        column.default is not None or column.onupdate is not None
        for column in table.columns
        if column.name not in keys
    )
    if not defaults_left_out and keys <= set(table.columns.keys()):
        compiled = insert(table).compile(dialect=dialect, column_keys=sorted(keys))
        if compiled.positional and compiled.positiontup is not None:
            columns = tuple(compiled.binds[name].key for name in compiled.positiontup)
            if set(columns) == keys and len(columns) == len(keys):
                from_text = converters(table.name) if from_json else {}
                binds = [table.c[name].type._cached_bind_processor(dialect) for name in columns]
                convert = []
                for name, bind in zip(columns, binds, strict=True):
                    step = _compose(from_text.get(name), bind)
                    if step is not None and from_json and name in from_text:
                        step = _shortcut(from_text[name], step)
                    if step is not None and from_json and _stores_json_text(table, name, step):
                        step = _json_or_text(step)
                    convert.append(step)
                plan = _InsertPlan(
                    sql=str(compiled),
                    columns=columns,
                    convert=tuple(convert),
                    nones=tuple(None if bind is None else bind(None) for bind in binds),
                )
    _PLANS[cache_key] = plan
    return plan


def insert_rows(
    session: Session,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    from_json: bool = False,
) -> None:
    """INSERT many rows into one table as one executemany per set of keys.

    ``from_json``: the values are a JSON snapshot's (text dates, UUIDs, ...). On SQLite
    the statement is compiled once and every value converted by its column's own
    conversion, without SQLAlchemy's per-row parameter bookkeeping (which costs more than
    SQLite's insert itself); other dialects take SQLAlchemy's executemany.
    """
    by_keys: dict[frozenset[str], list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_keys[frozenset(row)].append(row)
    for keys, group in by_keys.items():
        plan = _insert_plan(session, table, keys, from_json)
        if plan is None:
            if from_json:
                group = [row_from_json(table.name, _parsed(row)) for row in group]
            session.execute(insert(table), group)
            continue
        columns = plan.columns
        get = operator.itemgetter(*columns)
        steps = [
            (index, convert, none)
            for index, (convert, none) in enumerate(zip(plan.convert, plan.nones, strict=True))
            if convert is not None or none is not None
        ]
        # column by column: one comprehension per column instead of a loop per value
        if len(columns) > 1:
            values: list[Any] = list(zip(*map(get, group), strict=True))
        else:
            values = [[row[columns[0]] for row in group]]
        for index, convert, none in steps:
            if convert is None:
                values[index] = [none if value is None else value for value in values[index]]
            else:
                values[index] = [
                    none if value is None else convert(value) for value in values[index]
                ]
        session.connection().exec_driver_sql(plan.sql, list(zip(*values, strict=True)))


def _parsed(row: dict[str, Any]) -> dict[str, Any]:
    """The row with every :class:`JsonText` value parsed back (the generic path)."""
    if not any(value.__class__ is JsonText for value in row.values()):
        return row
    return {k: json.loads(v) if v.__class__ is JsonText else v for k, v in row.items()}


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


@dataclass
class LocalState:
    """What this database knows of one record: its latest state and all earlier ones."""

    exists: bool = False
    version: int | None = None
    data: dict[str, Any] | None = None
    digest: str | None = None
    logged: list[tuple[int, dict[str, Any] | None]] = field(default_factory=list)

    @property
    def known(self) -> bool:
        """True when the record exists here or existed (a tombstone)."""
        return self.exists or bool(self.logged)

    def history_states(self) -> set[tuple[int, str]]:
        return {(version, digest(data)) for version, data in self.logged}


def load_states(
    session: Session, table: Table, ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, LocalState]:
    """Local state of the given records of one table (two queries per chunk of ids)."""
    states: dict[uuid.UUID, LocalState] = defaultdict(LocalState)
    for part in chunks(ids):
        for record_id, version in session.execute(
            select(table.c.id, table.c.version).where(table.c.id.in_(part))
        ):
            state = states[record_id]
            state.exists = True
            state.version = version
        for record_id, version, data in session.execute(
            select(_LOG.c.record_id, _LOG.c.version, _LOG.c.data)
            .where(_LOG.c.table_name == table.name, _LOG.c.record_id.in_(part))
            .order_by(_LOG.c.seq)
        ):
            states[record_id].logged.append((version, data))
    for state in states.values():
        if state.logged:
            state.version, state.data = state.logged[-1]
            state.digest = digest(state.data)
    return dict(states)


def write_state(
    session: Session, table: Table, record_id: uuid.UUID, data: dict[str, Any] | None, exists: bool
) -> None:
    """Make the row look like ``data`` (None: deleted)."""
    if data is None:
        if exists:
            session.execute(delete(table).where(table.c.id == record_id))
        return
    values = row_from_json(table.name, data)
    if exists:
        values.pop("id", None)
        session.execute(update(table).where(table.c.id == record_id).values(values))
    else:
        session.execute(insert(table).values(values))


def _keep_commitments(session: Session, rows: Sequence[LogRow]) -> None:
    """Budget commitments follow indications written by sync (previous logged state → new)."""
    ids = [row.record_id for row in rows if row.table == "indication"]
    if ids:
        before = previous_states(session, ids)
        new = {row.record_id: row.data for row in rows if row.table == "indication"}
        apply_deltas(session, deltas_for((before.get(i), new[i]) for i in new))


@dataclass(frozen=True)
class LogRow:
    """One change-log row to write for a record state taken over or resolved."""

    table: str
    record_id: uuid.UUID
    version: int
    data: dict[str, Any] | None
    created_at: datetime
    created_by: str
    origin: uuid.UUID | None

    @property
    def operation(self) -> str:
        return "delete" if self.data is None else "update"


def write_log(
    session: Session, rows: Sequence[LogRow], operations: Sequence[str] | None = None
) -> None:
    """Append change-log rows with fresh sequence numbers (increasing, not gap-free)."""
    if not rows:
        return
    _keep_commitments(session, rows)
    written = [(row.table, row.record_id, row.data) for row in rows]
    keep_after_sync(session, written)
    keep_sort_keys(session, written)
    numbers = allocate_changes(session, len(rows))
    values = [
        {
            "id": uuid.uuid4(),
            "seq": numbers[index],
            "table_name": row.table,
            "record_id": row.record_id,
            "version": row.version,
            "operation": operations[index] if operations else row.operation,
            "data": row.data,
            "created_at": row.created_at,
            "created_by": row.created_by,
            "origin_db": row.origin,
        }
        for index, row in enumerate(rows)
    ]
    insert_rows(session, _LOG, values)


def write_log_json(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append change-log rows given as a bundle carries them (ids, moments and snapshots as
    JSON values: ``table_name, record_id, version, operation, data, created_at,
    created_by, origin_db``), with fresh sequence numbers.

    The same rows as :func:`write_log`, converted straight from the bundle's text by the
    columns' own conversions (:func:`insert_rows` with ``from_json``), without building
    UUID and datetime objects first.
    """
    if not rows:
        return
    _keep_commitments(
        session,
        [
            LogRow(
                table=row["table_name"],
                record_id=uuid.UUID(row["record_id"]),
                version=row["version"],
                data=row["data"],
                created_at=datetime.fromisoformat(row["created_at"]),
                created_by=row["created_by"],
                origin=None,
            )
            for row in rows
            if row["table_name"] == "indication"
        ],
    )
    written = [
        (row["table_name"], uuid.UUID(row["record_id"]), row["data"])
        for row in rows
        if row["table_name"] in ("household", "person")
    ]
    keep_after_sync(session, written)  # search and sort keys follow, as in write_log
    keep_sort_keys(session, written)
    numbers = allocate_changes(session, len(rows))
    new_id = uuid.uuid4
    values = []
    for row, number in zip(rows, numbers, strict=True):
        value = {**row, "id": str(new_id()), "seq": number}
        text = value.pop("data_json", None)
        if text is not None:
            value["data"] = JsonText(text)
        values.append(value)
    insert_rows(session, _LOG, values, from_json=True)
