"""Collect the changes a peer has not received yet, as bundle :class:`Change` items.

"Everything since sequence N": the change log holds every insert, update and delete
(tombstone) with an increasing sequence number. Numbers may have holes (PostgreSQL): a
bundle covers the explicit range ``seq_from..seq_to`` up to the settled sequence
(:func:`jeugdtoegang.storage.changelog.settled_sequence`), so nothing committed later can
still appear inside it. Per record only its last change in the
range travels (its full state), together with the ``[version, digest]`` of the states it
had before, so the receiver can tell a newer version from a concurrent edit.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, Text, cast, select, type_coerce
from sqlalchemy.orm import Session

from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.storage.changelog import settled_sequence
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.sync.bundle import Change, digest
from jeugdtoegang.sync.records import chunks
from jeugdtoegang.sync.tables import FILE_COLUMNS, syncable_tables

#: How many earlier states of a record travel along (enough for any realistic history).
HISTORY_LIMIT = 200
_LOG = ChangeLogEntry.__table__


@dataclass(frozen=True)
class Collected:
    """The changes for one bundle and the sequence range they cover."""

    seq_from: int
    seq_to: int
    changes: list[Change]
    person_ids: list[uuid.UUID]


def last_sequence(session: Session) -> int:
    return settled_sequence(session)


def _earlier_states(
    session: Session, keys: list[tuple[str, uuid.UUID]], before_seq: int
) -> dict[tuple[str, uuid.UUID], list[tuple[int, str]]]:
    """The states records had up to ``before_seq`` (inclusive), oldest first."""
    found: dict[tuple[str, uuid.UUID], list[tuple[int, str]]] = {}
    by_table: dict[str, list[uuid.UUID]] = {}
    for table, record_id in keys:
        by_table.setdefault(table, []).append(record_id)
    for table, ids in by_table.items():
        for part in chunks(ids):
            rows = session.execute(
                select(_LOG.c.record_id, _LOG.c.version, _LOG.c.data)
                .where(
                    _LOG.c.table_name == table,
                    _LOG.c.record_id.in_(part),
                    _LOG.c.seq <= before_seq,
                )
                .order_by(_LOG.c.seq)
            )
            for record_id, version, data in rows:
                found.setdefault((table, record_id), []).append((version, digest(data)))
    return found


def collect_changes(
    session: Session,
    *,
    since_seq: int,
    own_database_id: uuid.UUID,
    exclude_origin: uuid.UUID | None,
    cancel: CancelToken | None = None,
) -> Iterator[Progress | Collected]:
    """Yield progress, then one :class:`Collected` for the changes after ``since_seq``."""
    seq_to = last_sequence(session)
    seq_from = since_seq + 1
    syncable = syncable_tables()
    latest: dict[tuple[str, str], tuple[Any, ...]] = {}
    in_range: dict[tuple[str, str], list[tuple[int, str]]] = {}
    first_op: dict[tuple[str, str], str] = {}
    rows = session.execute(
        select(
            _LOG.c.seq,
            _LOG.c.table_name,
            # ids and moments as the database gives them: text for the bundle, no UUID or
            # datetime objects (see moment_text)
            type_coerce(_LOG.c.record_id, String).label("record_id"),
            _LOG.c.version,
            _LOG.c.operation,
            cast(_LOG.c.data, Text).label("data"),
            type_coerce(_LOG.c.created_at, String).label("created_at"),
            _LOG.c.created_by,
            type_coerce(_LOG.c.origin_db, String).label("origin_db"),
        )
        .where(_LOG.c.seq >= seq_from, _LOG.c.seq <= seq_to)
        .order_by(_LOG.c.seq)
    )
    # rows unpacked as tuples: attribute access by name costs more than the rest per row
    for count, (seq, table_name, record_id, version, operation, data, *rest) in enumerate(
        rows, start=1
    ):
        if table_name not in syncable:
            continue
        key = (table_name, uuid_text(record_id) or "")
        previous = latest.get(key)
        if previous is None:
            first_op[key] = operation
        else:
            previous_data = json.loads(previous[2]) if previous[2] is not None else None
            in_range.setdefault(key, []).append((previous[1], digest(previous_data)))
        latest[key] = (seq, version, data, operation, *rest)
        if cancel is not None and count % 2000 == 0:
            cancel.raise_if_cancelled()
            yield Progress(count, max(seq_to - seq_from + 1, 1), "Wijzigingen verzamelen")
    need_earlier = [(t, uuid.UUID(i)) for (t, i), op in first_op.items() if op != "insert"]
    earlier = (
        {
            (t, str(i)): s
            for (t, i), s in _earlier_states(session, need_earlier, seq_from - 1).items()
        }
        if need_earlier
        else {}
    )
    own = str(own_database_id)
    excluded = str(exclude_origin) if exclude_origin is not None else None
    changes: list[Change] = []
    person_ids: list[uuid.UUID] = []
    for key, (seq, version, data, operation, created_at, created_by, origin_db) in sorted(
        latest.items(), key=lambda item: item[1][0]
    ):
        origin = uuid_text(origin_db) or own
        if origin == excluded:
            continue  # the peer made this change itself
        history = (earlier.get(key, []) + in_range.get(key, []))[-HISTORY_LIMIT:]
        changes.append(
            Change(
                seq=seq,
                table=key[0],
                id=key[1],
                version=version,
                op=operation,
                updated_at=moment_text(created_at),
                updated_by=created_by,
                origin=origin,
                data=None,
                data_json=data,
                history=tuple(history),
            )
        )
        person_ids.extend(_person_ids(key[0], key[1], data))
    changes = _with_files(session, changes)
    yield Collected(seq_from, seq_to, changes, list(dict.fromkeys(person_ids)))


def _with_files(session: Session, changes: list[Change]) -> list[Change]:
    """Add the stored files (a final letter's PDF, base64) the change log leaves out."""
    result = list(changes)
    for table_name, column in FILE_COLUMNS.items():
        table = syncable_tables().get(table_name)
        wanted = {
            uuid.UUID(c.id): index
            for index, c in enumerate(result)
            if c.table == table_name and c.data_json is not None
        }
        if table is None or not wanted:
            continue
        for part in chunks(list(wanted)):
            rows = session.execute(select(table.c.id, table.c[column]).where(table.c.id.in_(part)))
            for record_id, blob in rows:
                index = wanted[record_id]
                change = result[index]
                data = json.loads(change.data_json or "{}")
                data[column] = base64.b64encode(blob).decode()
                result[index] = dataclasses.replace(change, data_json=json.dumps(data))
    return result


def uuid_text(value: Any) -> str | None:
    """A UUID column's value as the database returns it uncoerced (32 hex digits from
    SQLite, a UUID from PostgreSQL) in its canonical text form."""
    if value is None:
        return None
    if isinstance(value, str) and len(value) == 32:
        value = value.lower()
        return f"{value[:8]}-{value[8:12]}-{value[12:16]}-{value[16:20]}-{value[20:]}"
    return str(uuid.UUID(str(value)))


#: a UTC moment as SQLite stores it ('YYYY-MM-DD HH:MM:SS.ffffff')
_STORED_UTC = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}", re.ASCII)


def moment_text(value: Any) -> str:
    """A change-log moment as the database returns it uncoerced (SQLite's stored text, a
    datetime from PostgreSQL) in the ISO form of the aware UTC datetime the column type
    gives (``datetime.isoformat``), without building the datetime for SQLite's text."""
    if value.__class__ is str and _STORED_UTC.fullmatch(value):
        fraction = value[20:]
        return f"{value[:10]}T{value[11:19]}{'' if fraction == '000000' else '.' + fraction}+00:00"
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return str(moment.isoformat())


def _person_ids(table: str, record_id: str, data_json: str | None) -> list[uuid.UUID]:
    """Whose personal data a change carries (for the audit log of the export)."""
    if table == "person":
        return [uuid.UUID(record_id)]
    if not data_json or '"person_id"' not in data_json:
        return []
    data = json.loads(data_json)
    if isinstance(data.get("person_id"), str):
        try:
            return [uuid.UUID(data["person_id"])]
        except ValueError:
            return []
    return []
