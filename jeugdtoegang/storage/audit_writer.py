"""Append audit entries, extending a keyed hash chain, without a row every writer locks.

Each writer (an opened database in a process; a second thread of it that writes at the
same moment gets another chain) appends to its own chain (:class:`AuditChain`): for one
transaction it claims the chain (in this process, and on PostgreSQL with a
``pg_try_advisory_xact_lock`` that never waits: a busy chain is skipped), reads and moves
the chain's head, and numbers its entries 1, 2, 3 ... within the chain. Nobody else touches
that head row meanwhile, so writers on a shared server never queue behind each other. When
every known chain is busy a new one is registered (gap-free numbers, each chain's genesis
linked to the previous chain's: the registry cannot lose a chain unnoticed). The global
order for display (``seq``) comes from a PostgreSQL sequence, on SQLite (writers are
serialised there anyway) from the highest number plus one. After the transaction commits,
the chain's anchor file is brought up to date.

Changes are logged inside their own transaction (:func:`append_audit_entries`). Reads
are logged through a queue (:func:`queue_reads`) that survives a crash: each read entry
is first appended to a per-process journal file (``audit-journal-<db>-<pid>.jsonl`` in
the user data folder, mode 0600; one ``write`` system call, so it is in the operating
system's hands before the data is shown and survives ``kill -9``), then a background
writer appends the queued entries to the log in batches (within a quarter of a second).
Journals of processes that died are replayed the next time the database's read log is
used (entry ids make the replay idempotent), so no read entry is lost to a crash; only a
power cut before the operating system wrote its cache can lose the last ones.

This module holds the entry points, the queue and its background writer; the chain claims
live in :mod:`~jeugdtoegang.storage.audit_claims`, the append of a batch (numbers, hashes,
rows, person index, anchor) in :mod:`~jeugdtoegang.storage.audit_append` and the crash
journal in :mod:`~jeugdtoegang.storage.audit_journal`.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import os
import threading
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.audit_append import _DRAINED_INFO, _append, _Item, person_texts
from jeugdtoegang.storage.audit_claims import AUDIT_SEQUENCE, _url_key
from jeugdtoegang.storage.audit_journal import (
    _journal_line,
    journal_dir,
    journal_prefix,
    recover_journals,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.audit import AuditEntry

if TYPE_CHECKING:
    from jeugdtoegang.storage.database import Database
    from jeugdtoegang.storage.uow import AccessRecord

__all__ = [
    "AUDIT_SEQUENCE",
    "AUDIT_TABLES",
    "BATCH_DELAY_S",
    "append_audit_entries",
    "flush_pending",
    "journal_dir",
    "journal_prefix",
    "queue_reads",
    "recover_journals",
]

AUDIT_TABLES = frozenset({"audit_log", "audit_subject", "audit_chain"})
log = logging.getLogger("jeugdtoegang.audit")


def append_audit_entries(session: Session, actor: Actor, records: Sequence[AccessRecord]) -> None:
    """Insert the records as audit entries (now, by ``actor``), numbered and chained.

    Reads still queued for this database go first, in the same transaction, so the log
    stays in the order things happened (they are queued again if it rolls back).
    """
    # the change log takes its numbers (and PostgreSQL's shared writers' lock) first, so a
    # transaction registering a new chain takes no other lock after the registry's
    session.flush()
    now = utcnow()
    queued: list[_Item] = []
    queue = _queues.get(_url_key(session.get_bind()))
    if queue is not None and queue.items:
        with queue.lock:
            queued = queue.take()
        if queued:
            session.info[_DRAINED_INFO] = (queue, queued)
    _append(session, [*queued, *(_Item(actor, record, now) for record in records)])


# --- the queue of read entries ---------------------------------------------------------------


class _Queue:
    """Read entries of one database waiting to be written, in order, with their journal."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.items: list[_Item] = []
        self.lock = threading.Lock()  # guards items, the journal and inflight
        self.writing = threading.RLock()  # keeps batches in order
        self.journal_path = journal_dir() / f"{journal_prefix(engine)}{os.getpid()}.jsonl"
        self.journal_fd: int | None = None
        #: drained batches not yet committed (the journal is kept until they are)
        self.inflight = 0

    def journal(self, items: Sequence[_Item]) -> None:
        """Append the items to the journal (caller holds ``lock``): one write call."""
        if self.journal_fd is None:
            self.journal_fd = os.open(
                self.journal_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600
            )
        data = "".join(_journal_line(item) for item in items).encode("utf-8")
        os.write(self.journal_fd, data)

    def take(self) -> list[_Item]:
        """Take every queued item (caller holds ``lock``); they are now in flight."""
        items, self.items = self.items, []
        if items:
            self.inflight += 1
        return items

    def done(self, items: list[_Item], *, written: bool) -> None:
        """A batch taken with :meth:`take` was committed (or not: queue it again)."""
        if not items:
            return
        with self.lock:
            self.inflight -= 1
            if not written:
                self.items[:0] = items
            elif not self.items and self.inflight == 0 and self.journal_fd is not None:
                os.ftruncate(self.journal_fd, 0)  # everything journaled is in the log now

    def flush(self) -> None:
        with self.writing:
            with self.lock:
                items = self.take()
            if not items:
                return
            written = False
            try:
                with Session(self.engine) as session:
                    _append(session, items)
                    session.commit()
                written = True
            finally:
                self.done(items, written=written)


_queues: dict[str, _Queue] = {}
_queues_lock = threading.Lock()
_wake = threading.Event()
_thread: threading.Thread | None = None
BATCH_DELAY_S = 0.25


def _queue_for(engine: Engine) -> _Queue:
    key = _url_key(engine)
    queue = _queues.get(key)
    if queue is not None and queue.engine is engine:
        return queue
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
    items = [
        _Item(actor, record, now, uuid.uuid4(), person_texts(record.person_ids))
        for record in records
    ]
    with queue.lock:
        queue.journal(items)  # durable before the caller shows the data
        queue.items.extend(items)
    _ensure_thread()
    if not _wake.is_set():  # (set already: the writer gathers a batch and takes these too)
        _wake.set()


def flush_pending(database: Database | None = None) -> None:
    """Write queued read entries now (of one database, or of all)."""
    if database is not None:
        recover_journals(database.engines.write)
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
        with queue.lock:
            if not queue.items and queue.inflight == 0 and queue.journal_fd is not None:
                os.close(queue.journal_fd)
                queue.journal_fd = None
                with contextlib.suppress(OSError):
                    queue.journal_path.unlink()


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
