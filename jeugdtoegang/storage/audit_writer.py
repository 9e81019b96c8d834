"""Append audit entries, extending the keyed hash chain.

Entries are numbered from the database's ``audit`` counter so that the log is a gap-free
sequence. Reserving the numbers (an UPDATE of the counter row) serialises writers, so the
previous entry read right after is the committed predecessor on SQLite and PostgreSQL.
After the transaction commits, the anchor file is brought up to date.

Changes are logged inside their own transaction (:func:`append_audit_entries`). Reads
are logged through a queue (:func:`queue_reads`): a background writer appends them in
batches (within a quarter of a second), with the time of the read. That keeps opening a dossier
fast (a write transaction per read would cost several times the read itself). The queue
is flushed before anything reads the audit log through a session, when the database's
engine is disposed (``Database.close``), and at exit; only a crash within those few
milliseconds can lose read entries.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    audit_key,
    canonical,
    chain_hash,
    key_id,
    write_anchor,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.audit import AuditEntry, AuditSubject
from jeugdtoegang.storage.models.meta import DatabaseInfo

if TYPE_CHECKING:
    from jeugdtoegang.storage.database import Database
    from jeugdtoegang.storage.uow import AccessRecord

AUDIT_COUNTER = "audit"
AUDIT_TABLES = frozenset({"audit_log", "audit_subject"})
_ANCHOR_INFO = "audit_anchor"
_DRAINED_INFO = "audit_drained"
_A = AuditEntry.__table__.c
log = logging.getLogger("jeugdtoegang.audit")


@dataclass(frozen=True)
class _Item:
    actor: Actor
    record: AccessRecord
    at: datetime


def previous_chain_hash(session: Session, first_seq: int) -> str:
    """The chain hash the entry numbered ``first_seq`` continues from."""
    if first_seq <= 1:
        return GENESIS
    value = session.execute(select(_A.chain_hash).where(_A.seq == first_seq - 1)).scalar()
    return value or GENESIS


def append_audit_entries(session: Session, actor: Actor, records: Sequence[AccessRecord]) -> None:
    """Insert the records as audit entries (now, by ``actor``), numbered and chained.

    Reads still queued for this database go first, in the same transaction, so the log
    stays in the order things happened (they are queued again if it rolls back).
    """
    now = utcnow()
    queued: list[_Item] = []
    queue = _queues.get(_url_key(session.get_bind()))
    if queue is not None and queue.items:
        with queue.lock:
            queued, queue.items = queue.items, []
        session.info[_DRAINED_INFO] = (queue, queued)
    _append(session, [*queued, *(_Item(actor, record, now) for record in records)])


def _append(session: Session, items: Sequence[_Item]) -> None:
    if not items:
        return
    first = next_sequence(session, AUDIT_COUNTER, len(items))
    key = audit_key()
    kid = key_id(key)
    previous = previous_chain_hash(session, first)
    rows: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        seq = first + index
        entry_id = uuid.uuid4()
        record, actor = item.record, item.actor
        role = actor.primary_role.value if actor.roles else None
        persons = list(dict.fromkeys(str(p) for p in record.person_ids))
        previous = chain_hash(
            key,
            previous,
            canonical(
                seq, entry_id, item.at, actor.username, role, record.action,
                record.object_type, record.object_id, persons, record.purpose,
                record.outcome, kid,
            ),
        )  # fmt: skip
        rows.append(
            {
                "id": entry_id,
                "seq": seq,
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
        subjects.extend({"person_id": uuid.UUID(p), "entry_seq": seq} for p in persons)
    session.execute(insert(AuditEntry.__table__), rows)
    if subjects:
        session.execute(insert(AuditSubject.__table__), subjects)
    database_id = session.execute(select(DatabaseInfo.id)).scalar()
    if database_id is not None:
        session.info[_ANCHOR_INFO] = (database_id, first + len(items) - 1, previous)


@event.listens_for(Session, "after_commit")
def _update_anchor(session: Session) -> None:
    session.info.pop(_DRAINED_INFO, None)
    pending = session.info.pop(_ANCHOR_INFO, None)
    if pending is not None:
        # the entry is safe in the database; a failed anchor write is retried next commit
        with contextlib.suppress(OSError):
            write_anchor(*pending)


@event.listens_for(Session, "after_soft_rollback")
def _drop_anchor(session: Session, _previous_transaction: Any) -> None:
    session.info.pop(_ANCHOR_INFO, None)
    drained = session.info.pop(_DRAINED_INFO, None)
    if drained is not None:
        queue, items = drained
        with queue.lock:
            queue.items[:0] = items


# --- the queue of read entries ---------------------------------------------------------------


class _Queue:
    """Read entries of one database waiting to be written, in order."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.items: list[_Item] = []
        self.lock = threading.Lock()  # guards items
        self.writing = threading.RLock()  # keeps batches in order

    def flush(self) -> None:
        with self.writing:
            with self.lock:
                items, self.items = self.items, []
            if not items:
                return
            try:
                with Session(self.engine) as session:
                    _append(session, items)
                    session.commit()
            except Exception:
                with self.lock:  # keep them for the next attempt
                    self.items[:0] = items
                raise


_queues: dict[str, _Queue] = {}
_queues_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None
BATCH_DELAY_S = 0.25


def _url_key(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def _queue_for(engine: Engine) -> _Queue:
    key = _url_key(engine)
    with _queues_lock:
        queue = _queues.get(key)
        if queue is None or queue.engine is not engine:
            if queue is not None:
                with contextlib.suppress(Exception):
                    queue.flush()
            queue = _queues[key] = _Queue(engine)
            event.listen(engine, "engine_disposed", _flush_on_dispose)
        return queue


def queue_reads(database: Database, actor: Actor, records: Sequence[AccessRecord]) -> None:
    """Log reads: queued with the time of the read, written by the background writer."""
    if not records:
        return
    now = utcnow()
    queue = _queue_for(database.engines.write)
    with queue.lock:
        queue.items.extend(_Item(actor, record, now) for record in records)
    _ensure_thread()
    _wake.set()


def flush_pending(database: Database | None = None) -> None:
    """Write queued read entries now (of one database, or of all)."""
    if database is not None:
        queue = _queues.get(_url_key(database.engines.write))
        if queue is not None:
            queue.flush()
        return
    for queue in list(_queues.values()):
        queue.flush()


def _flush_on_dispose(engine: Engine) -> None:
    queue = _queues.get(_url_key(engine))
    if queue is not None and queue.engine is engine and queue.items:
        try:
            queue.flush()
        finally:
            engine.pool.dispose()  # close the connection the flush opened


def _run() -> None:
    while True:
        _wake.wait()
        _wake.clear()
        threading.Event().wait(BATCH_DELAY_S)  # gather a batch
        for queue in list(_queues.values()):
            try:
                queue.flush()
            except Exception as error:  # retried at the next wake-up
                log.warning("audit entries not written yet: %s", type(error).__name__)


def _ensure_thread() -> None:
    global _thread
    if _thread is None or not _thread.is_alive():
        with _queues_lock:
            if _thread is None or not _thread.is_alive():
                _thread = threading.Thread(target=_run, name="audit-writer", daemon=True)
                _thread.start()


@atexit.register
def _flush_at_exit() -> None:
    for queue in list(_queues.values()):
        with contextlib.suppress(Exception):
            queue.flush()


@event.listens_for(Session, "do_orm_execute")
def _flush_before_reading_the_log(state: ORMExecuteState) -> None:
    """Anyone querying AuditEntry through a read session sees every earlier read.

    (The audit services flush explicitly; this keeps ad-hoc ORM queries consistent. Only
    the statement's primary mapper is looked at: inspecting the statement is too costly
    for a hook that runs on every query.)
    """
    if not state.is_select or not _has_pending():
        return
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not AuditEntry:
        return
    bind = state.session.get_bind(mapper=mapper)
    queue = _queues.get(_url_key(bind))
    if queue is not None and queue.items and bind is not queue.engine:
        # (never from the write engine: its open transaction may hold the lock needed)
        queue.flush()


def _has_pending() -> bool:
    return any(queue.items for queue in _queues.values())
