"""Apply a verified bundle: decide per record (take over / already have / conflict), then
write everything in the caller's one transaction.

Decision per record, with *local* = this database's latest state of the record and
*remote* = the state in the bundle (identified by ``(version, digest)``):

* unknown here → take it over;
* local equals remote → nothing to do (this makes re-import idempotent);
* local is one of the remote's earlier states → remote is newer: take it over;
* remote is one of our earlier states → we are ahead: nothing to do;
* otherwise both sides changed it since the last common state → a **conflict**: nothing
  is overwritten, both versions are stored for a person to resolve.

Rows are written in foreign-key order (parents first, tombstones children first). A row
that breaks a constraint here (a duplicate BSN or dossier number, a parent deleted here)
becomes a conflict too, found with a savepoint so the rest still applies.
"""

from __future__ import annotations

import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.storage.models.sync import SyncConflict
from jeugdtoegang.sync.bundle import Bundle, Change, digest
from jeugdtoegang.sync.records import (
    LocalState,
    chunks,
    insert_rows,
    load_states,
    write_log_json,
)
from jeugdtoegang.sync.tables import (
    FILE_COLUMNS,
    log_data,
    row_from_json,
    syncable_tables,
    table_order,
)

#: Test-only hook: write this file and sleep inside the transaction (kill -9 tests).
PAUSE_ENV = "JEUGDTOEGANG_SYNC_TEST_PAUSE_FILE"
CONCURRENT = "Dit gegeven is hier en op de andere plek gewijzigd sinds de laatste uitwisseling."


@dataclass
class ApplyResult:
    applied: int = 0
    unchanged: int = 0
    conflicts: int = 0
    person_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass
class _Planned:
    change: Change
    record_id: uuid.UUID
    local: LocalState


def _decide(change: Change, local: LocalState) -> str:
    """'apply', 'same' or 'conflict' for one incoming record state."""
    if not local.known:
        return "apply"
    remote = (change.version, digest(log_data(change.table, change.data)))
    if local.digest is None:  # a row without change-log history: cannot prove anything
        return "conflict"
    mine = (local.version or 0, local.digest)
    if mine == remote:
        return "same"
    if mine in set(change.history):
        return "apply"
    if remote in local.history_states():
        return "same"
    return "conflict"


def _store_conflict(
    session: Session,
    planned: _Planned,
    source: uuid.UUID,
    reason: str,
    actor_name: str,
) -> None:
    change = planned.change
    existing = session.execute(
        select(SyncConflict).where(
            SyncConflict.table_name == change.table,
            SyncConflict.record_id == planned.record_id,
            SyncConflict.status == "open",
        )
    ).scalar_one_or_none()
    conflict = existing or SyncConflict(
        table_name=change.table,
        record_id=planned.record_id,
        source_database_id=source,
        created_by=actor_name,
        status="open",
    )
    conflict.local_version = planned.local.version if planned.local.known else None
    conflict.local_data = planned.local.data
    conflict.remote_version = change.version
    conflict.remote_data = change.data
    conflict.remote_origin = uuid.UUID(change.origin)
    conflict.source_database_id = source
    conflict.remote_updated_by = change.updated_by
    conflict.remote_updated_at = datetime.fromisoformat(change.updated_at)
    conflict.reason = reason
    conflict.updated_by = actor_name
    if existing is None:
        session.add(conflict)


def _constraint_reason(error: DBAPIError) -> str:
    text = str(error.orig).lower()
    if "unique" in text or "duplicate" in text:
        return (
            "Dit gegeven botst met een gegeven dat hier al bestaat (bijvoorbeeld hetzelfde "
            "BSN of dossiernummer in een ander dossier)."
        )
    if "foreign key" in text:
        return (
            "Dit gegeven hoort bij een gegeven dat hier ontbreekt of is verwijderd, of er "
            "hangen hier nog gegevens aan."
        )
    return "Dit gegeven voldoet hier niet aan de regels van de database."


def _write_batch(session: Session, table_name: str, batch: list[_Planned]) -> None:
    """Insert, update or delete the rows of one table as one batch."""
    table = syncable_tables()[table_name]
    inserts = [p.change.data for p in batch if p.change.data and not p.local.exists]
    updates = [p for p in batch if p.change.data is not None and p.local.exists]
    deletes = [p.record_id for p in batch if p.change.data is None and p.local.exists]
    if inserts:
        insert_rows(session, table, inserts, from_json=True)
    for planned in updates:
        values = row_from_json(table_name, planned.change.data or {})
        values.pop("id", None)
        session.execute(update(table).where(table.c.id == planned.record_id).values(values))
    for part in chunks(deletes):
        session.execute(delete(table).where(table.c.id.in_(part)))


def _apply_table(
    session: Session, table_name: str, batch: list[_Planned], failed: list[tuple[_Planned, str]]
) -> list[_Planned]:
    """Write a batch under a savepoint; on a constraint error find the culprits one by one."""
    try:
        with session.begin_nested():
            _write_batch(session, table_name, batch)
        return batch
    except IntegrityError:
        pass
    done = []
    for planned in batch:
        try:
            with session.begin_nested():
                _write_batch(session, table_name, [planned])
            done.append(planned)
        except IntegrityError as error:
            failed.append((planned, _constraint_reason(error)))
    return done


def _close_settled_conflicts(session: Session, written: list[_Planned], actor_name: str) -> None:
    """An open conflict whose record now arrived as a newer version was resolved elsewhere."""
    by_table: dict[str, list[uuid.UUID]] = defaultdict(list)
    for p in written:
        by_table[p.change.table].append(p.record_id)
    table = SyncConflict.__table__
    if session.execute(select(table.c.id).where(table.c.status == "open").limit(1)).first() is None:
        return
    for table_name, ids in by_table.items():
        for part in chunks(ids):
            session.execute(
                update(table)
                .where(
                    table.c.table_name == table_name,
                    table.c.record_id.in_(part),
                    table.c.status == "open",
                )
                .values(
                    status="resolved",
                    resolution="elsewhere",
                    resolved_by=actor_name,
                    version=table.c.version + 1,
                )
            )


def _pause_for_tests() -> None:
    marker = os.environ.get(PAUSE_ENV)
    if marker:
        Path(marker).write_text(str(os.getpid()))
        time.sleep(60)


def apply_bundle(
    session: Session,
    bundle: Bundle,
    *,
    after_seq: int,
    own_database_id: uuid.UUID,
    actor_name: str,
    cancel: CancelToken | None = None,
) -> Iterator[Progress | ApplyResult]:
    """Apply the bundle's changes with sequence > ``after_seq``; yields progress, then the result."""
    source = uuid.UUID(bundle.source_database_id)
    changes = [c for c in bundle.changes if c.seq > after_seq]
    total = len(changes) or 1
    result = ApplyResult()
    by_table: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        by_table[change.table].append(change)
    planned: dict[str, list[_Planned]] = {}
    done = 0
    for table_name, items in by_table.items():
        ids = [uuid.UUID(c.id) for c in items]
        states = load_states(session, syncable_tables()[table_name], ids)
        rows = []
        for change, record_id in zip(items, ids, strict=True):
            local = states.get(record_id) or LocalState()
            step = _decide(change, local)
            entry = _Planned(change, record_id, local)
            if step == "apply":
                rows.append(entry)
            elif step == "same":
                result.unchanged += 1
            else:
                _store_conflict(session, entry, source, CONCURRENT, actor_name)
                result.conflicts += 1
        planned[table_name] = rows
        done += len(items)
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield Progress(done, total * 2, "Wijzigingen vergelijken")
    order = table_order()
    failed: list[tuple[_Planned, str]] = []
    written: list[_Planned] = []
    upserts = sorted(planned, key=lambda name: order[name])
    for table_name in upserts:
        batch = [p for p in planned[table_name] if p.change.data is not None]
        written += _apply_table(session, table_name, batch, failed)
    for table_name in reversed(upserts):
        batch = [p for p in planned[table_name] if p.change.data is None]
        written += _apply_table(session, table_name, batch, failed)
    if cancel is not None:
        cancel.raise_if_cancelled()
    yield Progress(total + len(written) // 2, total * 2, "Wijzigingen verwerken")
    for entry, reason in failed:
        _store_conflict(session, entry, source, reason, actor_name)
    result.conflicts += len(failed)
    written.sort(key=lambda p: p.change.seq)
    own = str(own_database_id)
    origins: dict[str, str | None] = {}
    for p in written:
        if p.change.origin not in origins:
            origin = str(uuid.UUID(p.change.origin))
            origins[p.change.origin] = None if origin == own else origin
    write_log_json(
        session,
        [
            {
                "table_name": p.change.table,
                "record_id": p.change.id,
                "version": p.change.version,
                "operation": (
                    "delete" if p.change.data is None else "update" if p.local.known else "insert"
                ),
                "data": log_data(p.change.table, p.change.data),
                # the snapshot's text as the bundle carried it (not for a final letter,
                # whose file the log leaves out)
                "data_json": None if p.change.table in FILE_COLUMNS else p.change.data_json,
                "created_at": p.change.updated_at,
                "created_by": p.change.updated_by,
                "origin_db": origins[p.change.origin],
            }
            for p in written
        ],
    )
    result.applied = len(written)
    _close_settled_conflicts(session, written, actor_name)
    for p in written:
        if p.change.table == "person":
            result.person_ids.append(p.record_id)
    _pause_for_tests()
    yield result
