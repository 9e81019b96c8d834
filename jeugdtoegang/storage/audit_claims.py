"""Audit chains claimed per transaction: one head row per chain, no row every writer locks.

Each writer (an opened database in a process; a second thread of it that writes at the
same moment gets another chain) appends to its own chain (:class:`AuditChain`): for one
transaction it claims the chain (in this process, and on PostgreSQL with a
``pg_try_advisory_xact_lock`` that never waits: a busy chain is skipped) and reads its
head. Nobody else touches that head row meanwhile, so writers on a shared server never
queue behind each other. When every known chain is busy a new one is registered
(gap-free numbers, each chain's genesis linked to the previous chain's: the registry
cannot lose a chain unnoticed). The claim ends with the transaction.
"""

from __future__ import annotations

import os
import threading
import uuid
import weakref
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, event, insert, select, text
from sqlalchemy.orm import Session, SessionTransaction

from jeugdtoegang.storage.audit_chain import GENESIS, AuditKeyError, audit_key, chain_genesis
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry

#: PostgreSQL: the sequence that gives entries their global (display) order (0016)
AUDIT_SEQUENCE = "audit_log_seq"
_CLAIM_INFO = "audit_chain_claim"
_A = AuditEntry.__table__.c
_C = AuditChain.__table__.c
#: PostgreSQL advisory locks: ("jtac", chain number) while a transaction appends to a
#: chain (tried, never waited for); "jt-chain" while registering a new chain
_CHAIN_LOCK = 0x6A746163
_REGISTRY_LOCK = 0x6A742D636861696E


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


#: engine → its URL as text (rendering it costs more than a whole claim's bookkeeping)
_url_keys: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()


def _url_key(engine: Engine) -> str:
    key = _url_keys.get(engine)
    if key is None:
        key = _url_keys[engine] = engine.url.render_as_string(hide_password=False)
    return key


def _is_postgres(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def _engine_of(session: Session) -> Engine:
    bind = session.get_bind()
    return getattr(bind, "engine", bind)


#: PostgreSQL: take a chain (if free) and draw the batch's global numbers, in one request
_PG_TRY_CHAIN = (
    "SELECT head_seq, head_hash, ARRAY(SELECT nextval('" + AUDIT_SEQUENCE + "')"
    " FROM generate_series(1, %(count)s) ORDER BY 1) FROM audit_chain"
    " WHERE number = %(n)s AND pg_try_advisory_xact_lock(%(k)s, %(n)s) FOR UPDATE"
)


def _try_chain(
    session: Session, number: int, count: int = 0
) -> tuple[int, str, list[int] | None] | None:
    """Take chain ``number`` for this transaction if nobody else has it: (head, hash, and
    on PostgreSQL the next ``count`` global numbers, taken in the same request)."""
    if _is_postgres(session):
        # FOR UPDATE reads the head as the previous holder committed it (it waits for
        # nobody: only the holder of the advisory lock ever updates this row); the numbers
        # are drawn only when the chain was taken (the select list of a row that passed)
        row = (
            session.connection()
            .exec_driver_sql(_PG_TRY_CHAIN, {"n": number, "k": _CHAIN_LOCK, "count": count})
            .first()
        )
        if row is None:
            return None
        return int(row[0]), str(row[1]), [int(n) for n in row[2]] if count else None
    # SQLite: this transaction holds the database's write lock
    row = (
        session.connection()
        .exec_driver_sql("SELECT head_seq, head_hash FROM audit_chain WHERE number = ?", (number,))
        .first()
        if session.get_bind().dialect.name == "sqlite"
        else session.execute(select(_C.head_seq, _C.head_hash).where(_C.number == number)).first()
    )
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
