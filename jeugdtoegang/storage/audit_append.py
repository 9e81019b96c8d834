"""Append a batch of audit entries to the claimed chain: numbers, hashes, rows, anchor.

The entries are numbered 1, 2, 3 ... within their chain and get a global number for
display (``seq``: from a PostgreSQL sequence, on SQLite, where writers are serialised
anyway, from the highest number plus one); each entry's hash extends the chain's. The
person index (who saw X) gets a row per person named. After the transaction commits, the
chain's anchor file is brought up to date.
"""

from __future__ import annotations

import contextlib
import json
import re
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, func, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.audit_chain import (
    canonical,
    chain_hash,
    key_id,
    seq_text,
    write_anchor,
)
from jeugdtoegang.storage.audit_claims import (
    _A,
    _C,
    AUDIT_SEQUENCE,
    _claim,
    _engine_of,
    _is_postgres,
    _key,
)
from jeugdtoegang.storage.bulk import insert_tuples
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry, AuditSubject
from jeugdtoegang.storage.models.meta import DatabaseInfo

if TYPE_CHECKING:
    from jeugdtoegang.storage.uow import AccessRecord

_ANCHOR_INFO = "audit_anchor"
_DRAINED_INFO = "audit_drained"


@dataclass(frozen=True)
class _Item:
    actor: Actor
    record: AccessRecord
    at: datetime
    entry_id: uuid.UUID | None = None


def _global_numbers(session: Session, count: int) -> list[int]:
    if _is_postgres(session):
        return [
            int(n)
            for n in session.execute(
                text(
                    f"SELECT nextval('{AUDIT_SEQUENCE}') FROM generate_series(1, :count) ORDER BY 1"
                ),
                {"count": count},
            ).scalars()
        ]
    last = int(session.execute(select(func.max(_A.seq))).scalar() or 0)
    return list(range(last + 1, last + 1 + count))


_HEX_ID = re.compile(r"[0-9a-f]{32}")


def _id_text(value: Any) -> str:
    """A person id as the log writes it ("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), from a
    UUID or from its text; the 32 hex digits SQLite stores are rewritten, not parsed."""
    if isinstance(value, uuid.UUID):
        return str(value)
    text = str(value).strip().lower()
    if _HEX_ID.fullmatch(text):
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return str(uuid.UUID(text))


_SUBJECT_COLUMNS = ("person_id", "entry_seq")
#: SQLite: the person index rows of a batch from one JSON parameter ([[entry, [person, …]],
#: …]), expanded and put in the index's order inside SQLite; the ids are stored as SQLAlchemy
#: stores a UUID there (32 lower-case hex digits)
_SQLITE_SUBJECTS = (
    "INSERT INTO audit_subject (person_id, entry_seq)"
    " SELECT replace(p.value, '-', ''), json_extract(e.value, '$[0]')"
    " FROM json_each(?) AS e, json_each(e.value, '$[1]') AS p ORDER BY 1, 2"
)


def _insert_subjects(session: Session, subjects: list[tuple[list[str], int]]) -> None:
    """The person index rows of appended entries, given as (person ids as text, entry) per
    entry: thousands for one export or import, a batch of searches naming ~100
    persons each.

    Inserted in the index's order (person, entry): a person's rows sit together, so each
    index page is read and written once per batch instead of once per row (a UUID's number
    orders as its text and as PostgreSQL's uuid type). On SQLite one statement expands
    the batch from JSON: no Python object per row (tens of thousands of small objects
    also cost the garbage collector a full pass over the program's heap).
    """
    if not subjects:
        return
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        batch = json.dumps([[seq, persons] for persons, seq in subjects], separators=(",", ":"))
        try:
            connection.exec_driver_sql(_SQLITE_SUBJECTS, (batch,))
            return
        except OperationalError:  # a SQLite without JSON functions: the rows one by one
            pass
    pairs = sorted((uuid.UUID(person), seq) for persons, seq in subjects for person in persons)
    insert_tuples(session, AuditSubject.__table__, _SUBJECT_COLUMNS, pairs)


def _append(session: Session, items: Sequence[_Item]) -> None:
    if not items:
        return
    claim = _claim(session, len(items))
    key = _key(session)
    kid = key_id(key)
    numbers, claim.numbers = claim.numbers, None
    if numbers is None or len(numbers) != len(items):
        numbers = _global_numbers(session, len(items))
    previous = claim.head_hash
    rows: list[dict[str, Any]] = []
    subjects: list[tuple[list[str], int]] = []
    for index, item in enumerate(items):
        seq = numbers[index]
        chain_seq = claim.head_seq + 1 + index
        entry_id = item.entry_id or uuid.uuid4()
        record, actor = item.record, item.actor
        role = actor.primary_role.value if actor.roles else None
        persons = list(dict.fromkeys(_id_text(p) for p in record.person_ids))
        previous = chain_hash(
            key,
            previous,
            canonical(
                seq_text(chain_seq, seq), entry_id, item.at, actor.username, role,
                record.action, record.object_type, record.object_id, persons, record.purpose,
                record.outcome, kid,
            ),
        )  # fmt: skip
        rows.append(
            {
                "id": entry_id,
                "seq": seq,
                "chain_id": claim.number,
                "chain_seq": chain_seq,
                "created_at": item.at,
                "created_by": actor.username,
                "role": role,
                "action": record.action,
                "object_type": record.object_type,
                "object_id": record.object_id,
                "person_ids": persons,
                "purpose": record.purpose,
                "outcome": record.outcome,
                "chain_hash": previous,
                "key_id": kid,
            }
        )
        if persons:
            subjects.append((persons, seq))
    session.execute(insert(AuditEntry.__table__), rows)
    _insert_subjects(session, subjects)
    claim.head_seq += len(items)
    claim.head_hash = previous
    session.execute(
        update(AuditChain.__table__)
        .where(_C.number == claim.number)
        .values(head_seq=claim.head_seq, head_hash=previous)
    )
    database_id = _database_id(session)
    if database_id is not None:
        session.info[_ANCHOR_INFO] = (database_id, claim.head_seq, previous, claim.number)


#: PostgreSQL engine → the id of its database (fixed once initialised): read once, not in
#: every append (a SQLite file may be swapped by a restore; reading it there costs little)
_database_ids: weakref.WeakKeyDictionary[Engine, uuid.UUID] = weakref.WeakKeyDictionary()


def _database_id(session: Session) -> uuid.UUID | None:
    if not _is_postgres(session):
        return session.execute(select(DatabaseInfo.id)).scalar()
    engine = _engine_of(session)
    known = _database_ids.get(engine)
    if known is None:
        known = session.execute(select(DatabaseInfo.id)).scalar()
        if known is not None:
            _database_ids[engine] = known
    return known


@event.listens_for(Session, "after_commit")
def _update_anchor(session: Session) -> None:
    drained = session.info.pop(_DRAINED_INFO, None)
    if drained is not None:
        queue, items = drained
        queue.done(items, written=True)
    pending = session.info.pop(_ANCHOR_INFO, None)
    if pending is not None:
        database_id, head_seq, hash_, chain = pending
        # the entry is safe in the database; a failed anchor write is retried next commit
        with contextlib.suppress(OSError):
            write_anchor(database_id, head_seq, hash_, chain)


@event.listens_for(Session, "after_soft_rollback")
def _drop_anchor(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_ANCHOR_INFO, None)
    drained = session.info.pop(_DRAINED_INFO, None)
    if drained is not None:
        queue, items = drained
        queue.done(items, written=False)
