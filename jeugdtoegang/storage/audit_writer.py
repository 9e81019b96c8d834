"""Append audit entries, extending the keyed hash chain.

Entries are numbered from the database's ``audit`` counter so that the log is a gap-free
sequence. Reserving the numbers (an UPDATE of the counter row) serialises writers, so the
previous entry read right after is the committed predecessor on SQLite and PostgreSQL.
After the transaction commits, the anchor file is brought up to date.

Changes are logged inside their own transaction (:func:`append_audit_entries`). Reads
are logged through a queue (:func:`queue_reads`) that survives a crash: each read entry
is first appended to a per-process journal file (``audit-journal-<db>-<pid>.jsonl`` in
the user data folder, mode 0600; one ``write`` system call, so it is in the operating
system's hands before the data is shown and survives ``kill -9``), then a background
writer appends the queued entries to the log in batches (within a quarter of a second).
Journals of processes that died are replayed the next time the database's read log is
used (entry ids make the replay idempotent), so no read entry is lost to a crash; only a
power cut before the operating system wrote its cache can lose the last ones.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import sys
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import ORMExecuteState, Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.paths import user_data_dir
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
    entry_id: uuid.UUID | None = None


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
            queued = queue.take()
        if queued:
            session.info[_DRAINED_INFO] = (queue, queued)
    _append(session, [*queued, *(_Item(actor, record, now) for record in records)])


def _append(session: Session, items: Sequence[_Item]) -> None:
    if not items:
        return
    first = next_sequence(session, AUDIT_COUNTER, len(items))
    # once the log has entries a missing key file is an alarm, never a silent new key
    key = audit_key(create=first <= 1)
    kid = key_id(key)
    previous = previous_chain_hash(session, first)
    rows: list[dict[str, Any]] = []
    subjects: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        seq = first + index
        entry_id = item.entry_id or uuid.uuid4()
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
    drained = session.info.pop(_DRAINED_INFO, None)
    if drained is not None:
        queue, items = drained
        queue.done(items, written=True)
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
        queue.done(items, written=False)


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


def journal_dir() -> Path:
    return user_data_dir()


def journal_prefix(engine: Engine) -> str:
    """The journal file name prefix of a database (by its URL; no secrets in the name)."""
    digest = hashlib.sha256(_url_key(engine).encode("utf-8")).hexdigest()[:16]
    return f"audit-journal-{digest}-"


def _journal_line(item: _Item) -> str:
    record, actor = item.record, item.actor
    return (
        json.dumps(
            {
                "id": str(item.entry_id),
                "at": item.at.isoformat(),
                "user": actor.username,
                "name": actor.display_name,
                "roles": sorted(r.value for r in actor.roles),
                "team": actor.team,
                "action": record.action,
                "object_type": record.object_type,
                "object_id": str(record.object_id) if record.object_id else None,
                "persons": [str(p) for p in record.person_ids],
                "purpose": record.purpose,
                "outcome": record.outcome,
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        + "\n"
    )


def _item_from_line(line: str) -> _Item | None:
    from jeugdtoegang.storage.uow import AccessRecord

    try:
        data = json.loads(line)
        actor = Actor(
            data["user"], data["name"], frozenset(Role(r) for r in data["roles"]), data["team"]
        )
        record = AccessRecord(
            data["action"],
            data["object_type"],
            uuid.UUID(data["object_id"]) if data["object_id"] else None,
            tuple(uuid.UUID(p) for p in data["persons"]),
            data["purpose"],
            data["outcome"],
        )
        return _Item(actor, record, datetime.fromisoformat(data["at"]), uuid.UUID(data["id"]))
    except (ValueError, KeyError, TypeError):
        return None  # a torn last line of a killed process: the read was never shown


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if sys.platform == "win32":  # os.kill would terminate the process there
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        kernel32.CloseHandle(handle)
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def recover_journals(engine: Engine) -> int:
    """Write the read entries of dead processes' journals that are not in the log yet.

    Returns how many entries were recovered. Safe to call any time (idempotent).
    """
    prefix = journal_prefix(engine)
    recovered = 0
    for path in sorted(journal_dir().glob(f"{prefix}*.jsonl")):
        try:
            pid = int(path.stem[len(prefix) :])
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        items = [i for i in map(_item_from_line, text.splitlines()) if i is not None]
        if items:
            with Session(engine) as session:
                known = {
                    str(v)
                    for v in session.execute(
                        select(_A.id).where(_A.id.in_([i.entry_id for i in items]))
                    ).scalars()
                }
                missing = [i for i in items if str(i.entry_id) not in known]
                if missing:
                    _append(session, missing)
                    session.commit()
                    recovered += len(missing)
        with contextlib.suppress(OSError):
            path.unlink()
    return recovered


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
    items = [_Item(actor, record, now, uuid.uuid4()) for record in records]
    with queue.lock:
        queue.journal(items)  # durable before the caller shows the data
        queue.items.extend(items)
    _ensure_thread()
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
