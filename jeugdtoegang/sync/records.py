"""Reading and writing records by table name, with their change-log rows.

Sync writes rows with SQLAlchemy Core (exact versions and who/when of the origin, and
fast for thousands of records) and writes the change-log rows itself, the same rows the
session hooks write for local edits, so that imported changes travel on to other peers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from jeugdtoegang.storage.changelog import allocate_changes
from jeugdtoegang.storage.commitments import apply_deltas, deltas_for, previous_states
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.sync.bundle import digest
from jeugdtoegang.sync.tables import row_from_json

CHUNK = 500
_LOG = ChangeLogEntry.__table__


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
    for part in chunks(values, 5000):
        session.execute(insert(_LOG), list(part))
