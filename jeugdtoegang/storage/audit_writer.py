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
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import logging
import os
import re
import sys
import threading
import uuid
import weakref
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, func, insert, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    AuditKeyError,
    audit_key,
    canonical,
    chain_genesis,
    chain_hash,
    key_id,
    seq_text,
    write_anchor,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.bulk import insert_tuples
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry, AuditSubject
from jeugdtoegang.storage.models.meta import DatabaseInfo

if TYPE_CHECKING:
    from jeugdtoegang.storage.database import Database
    from jeugdtoegang.storage.uow import AccessRecord

AUDIT_TABLES = frozenset({"audit_log", "audit_subject", "audit_chain"})
#: PostgreSQL: the sequence that gives entries their global (display) order (0016)
AUDIT_SEQUENCE = "audit_log_seq"
_ANCHOR_INFO = "audit_anchor"
_DRAINED_INFO = "audit_drained"
_CLAIM_INFO = "audit_chain_claim"
_A = AuditEntry.__table__.c
_C = AuditChain.__table__.c
#: PostgreSQL advisory locks: ("jtac", chain number) while a transaction appends to a
#: chain (tried, never waited for); "jt-chain" while registering a new chain
_CHAIN_LOCK = 0x6A746163
_REGISTRY_LOCK = 0x6A742D636861696E
log = logging.getLogger("jeugdtoegang.audit")


@dataclass(frozen=True)
class _Item:
    actor: Actor
    record: AccessRecord
    at: datetime
    entry_id: uuid.UUID | None = None


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


# --- chains: claimed per transaction, one head row per chain -----------------------------


@dataclass
class _Claim:
    transaction: SessionTransaction
    url: str
    number: int
    head_seq: int
    head_hash: str
    #: global numbers drawn with the claim (PostgreSQL), for the first append
    numbers: list[int] | None = None


_claims_lock = threading.Lock()
#: (database url, chain) claimed by an open transaction of this process
_held: set[tuple[str, int]] = set()
#: (database url, chain) → the engine (writer) that used it last: its home chain
_owners: weakref.WeakValueDictionary[tuple[str, int], Engine] = weakref.WeakValueDictionary()
#: database url → chain numbers known to exist (refreshed when all are busy)
_known: dict[str, list[int]] = {}


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


def _try_chain(
    session: Session, number: int, count: int = 0
) -> tuple[int, str, list[int] | None] | None:
    """Take chain ``number`` for this transaction if nobody else has it: (head, hash, and
    on PostgreSQL the next ``count`` global numbers, taken in the same request)."""
    if _is_postgres(session):
        # FOR UPDATE reads the head as the previous holder committed it (it waits for
        # nobody: only the holder of the advisory lock ever updates this row); the numbers
        # are drawn only when the chain was taken (the select list of a row that passed)
        row = session.execute(
            text(
                "SELECT head_seq, head_hash, ARRAY(SELECT nextval('"
                + AUDIT_SEQUENCE
                + "') FROM generate_series(1, :count) ORDER BY 1) FROM audit_chain "
                "WHERE number = :n AND pg_try_advisory_xact_lock(:k, :n) FOR UPDATE"
            ),
            {"n": number, "k": _CHAIN_LOCK, "count": count},
        ).first()
        if row is None:
            return None
        return int(row[0]), str(row[1]), [int(n) for n in row[2]] if count else None
    # SQLite: this transaction holds the database's write lock
    row = session.execute(select(_C.head_seq, _C.head_hash).where(_C.number == number)).first()
    return (int(row[0]), str(row[1]), None) if row is not None else None


def _register_chain(session: Session) -> int:
    """Register a new chain (the next number, linked to the previous chain's genesis).

    On PostgreSQL in a short transaction of its own, so the registry's lock is held for an
    instant, not for the writer's whole transaction; on SQLite inside the writer's
    transaction (it holds the database's write lock already).
    """
    key = _key(session)
    now = utcnow()
    who = f"{os.getpid()}@{_host()}"[:100]

    def register(connection: Any) -> int:
        last = connection.execute(
            select(_C.number, _C.genesis).order_by(_C.number.desc()).limit(1)
        ).first()
        number = int(last[0]) + 1 if last is not None else 1
        genesis = chain_genesis(key, last[1] if last is not None else GENESIS, number, now, who)
        connection.execute(
            insert(AuditChain.__table__).values(
                id=uuid.uuid4(), number=number, genesis=genesis, created_at=now,
                created_by=who, head_seq=0, head_hash=genesis,
            )
        )  # fmt: skip
        return number

    if not _is_postgres(session):
        return register(session)
    with _engine_of(session).connect() as connection:
        connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _REGISTRY_LOCK})
        number = register(connection)
        connection.commit()
    return number


def _host() -> str:
    import socket

    try:
        return socket.gethostname()
    except OSError:  # pragma: no cover
        return "?"


def _claim(session: Session, count: int = 0) -> _Claim:
    """The chain this transaction appends to (claimed once per transaction).

    Tried in order: the chains this writer used before, then chains no other writer of
    this process uses; each try takes the chain only if no open transaction has it (never
    waits). When all are busy the list is read again, and then a new chain is registered.
    """
    session.connection()  # begins the transaction if it has not begun yet
    transaction = session.get_transaction()
    claim: _Claim | None = session.info.get(_CLAIM_INFO)
    if claim is not None and claim.transaction is transaction:
        return claim
    assert transaction is not None
    engine = _engine_of(session)
    url = _url_key(engine)
    tried: set[int] = set()
    head: tuple[int, str, list[int] | None] | None = None
    number = 0
    for refresh in (url not in _known, True):
        if refresh:
            numbers = [int(n) for n in session.execute(select(_C.number)).scalars()]
            with _claims_lock:
                _known[url] = sorted(numbers)
        with _claims_lock:
            owners = {n: _owners.get((url, n)) for n in _known[url] if n not in tried}
        order = [n for n, e in owners.items() if e is engine]
        order += [n for n, e in owners.items() if e is None]
        for number in order:
            tried.add(number)
            with _claims_lock:
                if (url, number) in _held:
                    continue
                _held.add((url, number))
            head = _try_chain(session, number, count)
            if head is not None:
                break
            with _claims_lock:
                _held.discard((url, number))
        if head is not None:
            break
    while head is None:
        number = _register_chain(session)
        with _claims_lock:
            _known.setdefault(url, []).append(number)
            _held.add((url, number))
        head = _try_chain(session, number, count)  # (another writer may have taken it now)
        if head is None:
            with _claims_lock:
                _held.discard((url, number))
    with _claims_lock:
        _owners[(url, number)] = engine
    claim = _Claim(transaction, url, number, head[0], head[1], head[2])
    session.info[_CLAIM_INFO] = claim
    return claim


@event.listens_for(Engine, "engine_disposed")
def _forget_owner(engine: Engine) -> None:
    """A closed database no longer keeps its chains for itself (a reopened one takes them).

    (Registered once for every engine: adding a listener while an engine is being disposed,
    when its queue is flushed, would change the listeners being called.)
    """
    with _claims_lock:
        for key, owner in list(_owners.items()):
            if owner is engine:
                del _owners[key]


@event.listens_for(Session, "after_transaction_end")
def _release_chain(session: Session, transaction: SessionTransaction) -> None:
    claim: _Claim | None = session.info.get(_CLAIM_INFO)
    if claim is not None and claim.transaction is transaction:
        session.info.pop(_CLAIM_INFO, None)
        with _claims_lock:
            _held.discard((claim.url, claim.number))


def _key(session: Session) -> bytes:
    """The log key; a missing key is an alarm once the log has entries (never a new key)."""
    try:
        return audit_key(create=False)
    except AuditKeyError:
        used = session.execute(select(_A.seq).limit(1)).first() is not None or (
            session.execute(select(_C.number).where(_C.head_seq > 0).limit(1)).first() is not None
        )
        if used:
            raise
        return audit_key(create=True)


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
