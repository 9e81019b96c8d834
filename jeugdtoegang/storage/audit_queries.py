"""The reads of the audit log: verification chunks, the person index, searches, the Logboek.

Each function takes a ``Session`` (a read session unless said otherwise) and plain values
and returns rows or plain values; each docstring names the index it reads. The log is the
largest table of a database (1,000,000 entries is a normal year of a team), so nothing here
reads more of it than the caller asked for.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import String, and_, bindparam, select, true, type_coerce, union_all
from sqlalchemy.orm import Session

from jeugdtoegang.storage.audit_chain import id_text
from jeugdtoegang.storage.hot import Prepared
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry, AuditSubject
from jeugdtoegang.storage.models.households import Household, Person

_A = AuditEntry.__table__.c
_C = AuditChain.__table__.c
_S = AuditSubject.__table__.c
_RAW = String()

#: the columns verification hashes, in this order, as stored (text on SQLite)
VERIFY_COLUMNS = (
    "seq", "chain_id", "chain_seq", "id", "created_at", "created_by", "role", "action",
    "object_type", "object_id", "person_ids", "purpose", "outcome", "key_id", "chain_hash",
)  # fmt: skip
_VERIFY_SQL = (
    f"SELECT {', '.join(VERIFY_COLUMNS)} FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"
)
_SUBJECT_SQL = "SELECT entry_seq, person_id FROM audit_subject WHERE entry_seq >= ?"
#: object types whose entries carry a household id as ``object_id``
DOSSIER_OBJECT_TYPES = ("household", "plan")


def _sqlite_cursor(session: Session) -> Any | None:
    """The DBAPI cursor of the session's own connection (same read transaction) on
    SQLite; None elsewhere (PostgreSQL keeps the Core statements and their converters)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return None
    return connection.connection.driver_connection.cursor()  # type: ignore[union-attr]


def chain_registry(session: Session) -> list[tuple[int, str, Any, str, int, str]]:
    """(number, genesis, created_at as stored, created_by, head_seq, head_hash) of every
    registered chain, by number (the registry is a handful of rows)."""
    rows = session.execute(
        select(
            _C.number, _C.genesis, type_coerce(_C.created_at, _RAW), _C.created_by,
            _C.head_seq, _C.head_hash,
        ).order_by(_C.number)
    ).all()  # fmt: skip
    return [tuple(row) for row in rows]  # type: ignore[misc]


def entry_chunks(session: Session, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The whole log in ``seq`` order as chunks of at most ``size`` rows of
    :data:`VERIFY_COLUMNS`, ids, times and person lists as stored (keyset on the unique
    ``seq`` index, never OFFSET). On SQLite the rows come straight from the DBAPI cursor
    of the session's read transaction: no result processing per row."""
    cursor = _sqlite_cursor(session)
    after = 0
    if cursor is not None:
        try:
            while rows := cursor.execute(_VERIFY_SQL, (after, size)).fetchall():
                yield rows
                after = rows[-1][0]
        finally:
            cursor.close()
        return
    columns = [
        type_coerce(_A[name], _RAW) if name in ("id", "created_at", "object_id", "person_ids")
        else _A[name]
        for name in VERIFY_COLUMNS
    ]  # fmt: skip
    while rows := session.execute(
        select(*columns).where(_A.seq > after).order_by(_A.seq).limit(size)
    ).all():
        yield [tuple(row) for row in rows]
        after = rows[-1][0]


def indexed_persons(session: Session, low: int, high: int | None) -> dict[int, set[str]]:
    """The person index (``audit_subject``) of the entries ``low`` … ``high`` (open-ended
    when None): entry number -> person ids as hashed (32 hex digits). Reads the index's
    ``entry_seq`` range."""
    cursor = _sqlite_cursor(session)
    if cursor is not None:
        sql, args = _SUBJECT_SQL, [low]
        if high is not None:
            sql, args = sql + " AND entry_seq <= ?", [low, high]
        try:
            rows: Any = cursor.execute(sql, args).fetchall()
        finally:
            cursor.close()
    else:
        query = select(_S.entry_seq, type_coerce(_S.person_id, _RAW)).where(_S.entry_seq >= low)
        if high is not None:
            query = query.where(_S.entry_seq <= high)
        rows = session.execute(query)
    indexed: dict[int, set[str]] = {}
    texts: dict[Any, str] = {}  # a person is named by many entries: normalise each once
    for seq, person in rows:
        text = texts.get(person)
        if text is None:
            text = texts[person] = id_text(person)
        found = indexed.get(seq)
        if found is None:
            indexed[seq] = {text}
        else:
            found.add(text)
    return indexed


def first_entry_with_action(session: Session, action: str, from_seq: int) -> int | None:
    """The first entry at or after ``from_seq`` with ``action`` (a key replacement is rare:
    asked only when a signature does not match)."""
    return session.execute(
        select(_A.seq).where(_A.action == action, _A.seq >= from_seq).order_by(_A.seq).limit(1)
    ).scalar()


def global_number(session: Session, chain: int, chain_seq: int) -> int | None:
    """The global number of entry ``chain_seq`` of ``chain`` (unique chain index)."""
    return session.execute(
        select(_A.seq).where(_A.chain_id == chain, _A.chain_seq == chain_seq)
    ).scalar()


def stored_chain_hash(session: Session, chain: int, chain_seq: int) -> str | None:
    """The stored hash of entry ``chain_seq`` of ``chain`` (unique chain index)."""
    return session.execute(
        select(_A.chain_hash).where(_A.chain_id == chain, _A.chain_seq == chain_seq)
    ).scalar()


def newest_entry(session: Session) -> Any | None:
    """(seq, chain_hash, key_id, chain_id, chain_seq) of the newest entry (``seq`` index)."""
    return session.execute(
        select(_A.seq, _A.chain_hash, _A.key_id, _A.chain_id, _A.chain_seq)
        .order_by(_A.seq.desc())
        .limit(1)
    ).first()


def chain_heads(session: Session) -> list[tuple[int, int, str, int | None]]:
    """(number, head number, head hash, the head's global number) of every chain."""
    rows = session.execute(
        select(_C.number, _C.head_seq, _C.head_hash, _A.seq)
        .select_from(AuditChain.__table__)
        .outerjoin(
            AuditEntry.__table__, and_(_A.chain_id == _C.number, _A.chain_seq == _C.head_seq)
        )
        .order_by(_C.number)
    ).all()
    return [tuple(row) for row in rows]  # type: ignore[misc]


def search_entries(
    session: Session,
    *,
    person_id: uuid.UUID | None,
    username: str | None,
    action: str | None,
    outcome: str | None,
    since: datetime | None,
    until: datetime | None,
    before: int | None,
    limit: int,
) -> list[Any]:
    """Entries matching every given condition, newest first, at most ``limit``, all older
    than entry ``before`` when given (keyset paging on ``seq``, never OFFSET)."""
    conditions = []
    if person_id is not None:
        conditions.append(_A.seq.in_(select(_S.entry_seq).where(_S.person_id == person_id)))
    if username:
        conditions.append(_A.created_by == username)
    if action:
        conditions.append(_A.action == action)
    if outcome:
        conditions.append(_A.outcome == outcome)
    if since is not None:
        conditions.append(_A.created_at >= since)
    if until is not None:
        conditions.append(_A.created_at < until)
    if before is not None:
        conditions.append(_A.seq < before)
    return list(
        session.execute(
            select(AuditEntry.__table__)
            .where(and_(true(), *conditions))
            .order_by(_A.seq.desc())
            .limit(limit)
        ).all()
    )


_MEMBERS = Prepared(
    select(Household.id, Person.id)
    .select_from(Household)
    .outerjoin(Person, Person.household_id == Household.id)
    .where(Household.id == bindparam("household_id"))
)


def dossier_members(session: Session, household_id: uuid.UUID) -> list[uuid.UUID] | None:
    """The ids of a dossier's members (None: no such dossier), in one statement (the
    dossier's primary key joined to the persons' ``household_id`` index)."""
    rows = _MEMBERS.all(session, {"household_id": household_id})
    if not rows:
        return None
    return [person for _household, person in rows if person is not None]


class LogRow(NamedTuple):
    """The columns of an entry that the Logboek shows."""

    seq: int
    created_at: datetime
    created_by: str
    role: str | None
    action: str
    object_type: str | None
    object_id: uuid.UUID | None
    person_ids: Any
    purpose: str | None
    outcome: str


_LOG_COLUMNS = tuple(_A[name] for name in LogRow._fields)
#: the page statement per (number of members, whether it has a ``before`` key)
_PAGES: dict[tuple[int, bool], Prepared] = {}


def _page_statement(members: int, older: bool) -> Prepared:
    """The statement of one page: each source (the dossier's object types, each member)
    its own keyset range with its own limit, their union cut to the limit."""
    found = _PAGES.get((members, older))
    if found is not None:
        return found
    limit, before = bindparam("limit"), bindparam("before")
    sources = []
    for object_type in DOSSIER_OBJECT_TYPES:
        query = select(_A.seq.label("seq")).where(
            _A.object_type == object_type, _A.object_id == bindparam("household_id")
        )
        if older:
            query = query.where(_A.seq < before)
        sources.append(select(query.order_by(_A.seq.desc()).limit(limit).subquery().c.seq))
    for number in range(members):
        query = select(_S.entry_seq.label("seq")).where(
            _S.person_id == bindparam(f"person_{number}", type_=_S.person_id.type)
        )
        if older:
            query = query.where(_S.entry_seq < before)
        sources.append(select(query.order_by(_S.entry_seq.desc()).limit(limit).subquery().c.seq))
    wanted = union_all(*sources).subquery()
    found = _PAGES[(members, older)] = Prepared(
        select(*_LOG_COLUMNS)
        .where(_A.seq.in_(select(wanted.c.seq)))
        .order_by(_A.seq.desc())
        .limit(limit)
    )
    return found


def dossier_entries(
    session: Session,
    household_id: uuid.UUID,
    members: Sequence[uuid.UUID],
    limit: int,
    before: int | None = None,
) -> list[LogRow]:
    """The newest ``limit`` entries older than ``before`` (all when None) on the dossier or
    its members, newest first, in one statement that reads index ranges only.

    Each source is its own keyset range with its own limit, read newest first: the object
    index (``object_type``, ``object_id``, ``seq``) once per dossier object type, the
    person index (``person_id``, ``entry_seq``) once per member; their union is cut to
    ``limit`` and joined to the log by ``seq``. So a page costs ``limit`` index steps per
    source, whatever the size of the log and however far back the page is. The statement
    is prepared once per number of members (:class:`~jeugdtoegang.storage.hot.Prepared`).
    """
    params: dict[str, Any] = {"household_id": household_id, "limit": limit}
    if before is not None:
        params["before"] = before
    for number, person in enumerate(members):
        params[f"person_{number}"] = person
    rows = _page_statement(len(members), before is not None).all(session, params)
    return [LogRow(*row) for row in rows]


def person_list(stored: Any) -> list[str]:
    """An entry's ``person_ids`` as a list (some drivers hand JSON back as text)."""
    if isinstance(stored, str):
        return list(json.loads(stored))
    return list(stored or ())
