"""Append a batch of audit entries to the claimed chain: numbers, hashes, rows, anchor.

The entries are numbered 1, 2, 3 ... within their chain and get a global number for
display (``seq``: from a PostgreSQL sequence, on SQLite, where writers are serialised
anyway, from the highest number plus one); each entry's hash extends the chain's. The
person index (who saw X) gets a row per person named. After the transaction commits, the
chain's anchor file is brought up to date.

The rows are written with as little client work as possible, since every save and every
read pays for it: on PostgreSQL the entries, the person index and the chain's new head go
in one statement (the rows as one JSON parameter: one round trip, one prepared plan
whatever the batch size); on SQLite through one compiled statement with the values converted as
SQLAlchemy would convert them. :func:`_write_generic` (the ORM's bulk insert) is the
reference both are compared with in the tests.
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

from sqlalchemy import Engine, event, func, insert, select, update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.storage.audit_chain import (
    ChainHasher,
    canonical_text,
    key_id,
    seq_text,
    write_anchor,
)
from jeugdtoegang.storage.audit_claims import (
    _A,
    _C,
    AUDIT_SEQUENCE,
    _Claim,
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
    #: the persons as the log writes them (:func:`person_texts`), when already known
    persons: tuple[str, ...] | None = None


_HEX_ID = re.compile(r"[0-9a-f]{32}")
_CANONICAL_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _id_text(value: Any) -> str:
    """A person id as the log writes it ("1b4e28ba-2fa1-11d2-883f-0016d3cca427"), from a
    UUID or from its text; the 32 hex digits SQLite stores are rewritten, not parsed."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if value.__class__ is str and _CANONICAL_ID.fullmatch(value):  # (written so already)
        return value
    text = str(value).strip().lower()
    if _HEX_ID.fullmatch(text):
        return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
    return str(uuid.UUID(text))


def person_texts(person_ids: Sequence[Any]) -> tuple[str, ...]:
    """The persons of an entry as it names them: each once, in order, as id text."""
    return tuple(
        dict.fromkeys([str(p) if p.__class__ is uuid.UUID else _id_text(p) for p in person_ids])
    )


def _global_numbers(session: Session, count: int) -> list[int]:
    if _is_postgres(session):
        return [
            int(n)
            for n in session.connection()
            .exec_driver_sql(
                f"SELECT nextval('{AUDIT_SEQUENCE}') FROM generate_series(1, %s) ORDER BY 1",
                (count,),
            )
            .scalars()
        ]
    connection = session.connection()
    if connection.dialect.name == "sqlite":  # (without the ORM's round of events)
        last = connection.exec_driver_sql("SELECT max(seq) FROM audit_log").scalar()
    else:
        last = session.execute(select(func.max(_A.seq))).scalar()
    last = int(last or 0)
    return list(range(last + 1, last + 1 + count))


#: the entry columns of one row, in this order (the chain and key id are the batch's)
_ENTRY_COLUMNS = (
    "id", "seq", "chain_seq", "created_at", "created_by", "role", "action", "object_type",
    "object_id", "person_ids", "purpose", "outcome", "chain_hash",
)  # fmt: skip
#: log key → its hasher and key id (both fixed per key)
_hashers: dict[bytes, tuple[ChainHasher, str]] = {}
_PERSON_IDS_COLUMN = _ENTRY_COLUMNS.index("person_ids")


def _append(session: Session, items: Sequence[_Item]) -> None:
    if not items:
        return
    claim = _claim(session, len(items))
    key = _key(session)
    known = _hashers.get(key)
    if known is None:
        known = _hashers[key] = (ChainHasher(key), key_id(key))
    hasher, kid = known
    numbers, claim.numbers = claim.numbers, None
    if numbers is None or len(numbers) != len(items):
        numbers = _global_numbers(session, len(items))
    previous = claim.head_hash
    rows: list[tuple[Any, ...]] = []
    subjects: list[tuple[tuple[str, ...], int]] = []
    for index, item in enumerate(items):
        seq = numbers[index]
        chain_seq = claim.head_seq + 1 + index
        entry_id = item.entry_id or uuid.uuid4()
        record, actor = item.record, item.actor
        if item.at.tzinfo is None:  # (as the column type refuses it)
            raise ValueError("naive datetime stored; use timezone-aware UTC")
        role = actor.primary_role.value if actor.roles else None
        persons = item.persons if item.persons is not None else person_texts(record.person_ids)
        previous = hasher.link(
            previous,
            canonical_text(
                seq_text(chain_seq, seq), entry_id, item.at, actor.username, role,
                record.action, record.object_type, record.object_id, persons, record.purpose,
                record.outcome, kid,
            ),
        )  # fmt: skip
        rows.append(
            (
                entry_id, seq, chain_seq, item.at, actor.username, role, record.action,
                record.object_type, record.object_id, persons, record.purpose, record.outcome,
                previous,
            )
        )  # fmt: skip
        if persons:
            subjects.append((persons, seq))
    # the writers store the new head from the claim; it stays only if the rows are written
    before = claim.head_seq, claim.head_hash
    claim.head_seq, claim.head_hash = claim.head_seq + len(items), previous
    dialect = session.get_bind().dialect
    try:
        if dialect.name == "postgresql":
            _write_postgres(session, claim, kid, rows, subjects)
        elif dialect.name == "sqlite":
            _write_sqlite(session, dialect, claim, kid, rows, subjects)
        else:
            _write_generic(session, claim, kid, rows, subjects)
    except BaseException:
        claim.head_seq, claim.head_hash = before
        raise
    database_id = _database_id(session)
    if database_id is not None:
        session.info[_ANCHOR_INFO] = (database_id, claim.head_seq, previous, claim.number)


#: PostgreSQL: a batch's entries, its person index rows (in the index's order, so each
#: index page is touched once per batch) and its chain's new head in one statement; the
#: same text for every batch, so psycopg prepares it once per connection
_PG_APPEND = (
    "WITH entries AS ("
    " INSERT INTO audit_log (id, seq, chain_id, chain_seq, created_at, created_by, role,"
    " action, object_type, object_id, person_ids, purpose, outcome, chain_hash, key_id)"
    " SELECT e.id, e.seq, %(chain)s, e.chain_seq, e.created_at, e.created_by, e.role,"
    " e.action, e.object_type, e.object_id, e.person_ids::json, e.purpose, e.outcome,"
    " e.chain_hash, %(key_id)s"
    " FROM json_to_recordset(%(rows)s::json) AS e(id uuid, seq int8, chain_seq int8,"
    " created_at timestamptz, created_by text, role text, action text, object_type text,"
    " object_id uuid, person_ids text, purpose text, outcome text, chain_hash text)"
    "), subjects AS ("
    " INSERT INTO audit_subject (person_id, entry_seq)"
    " SELECT s.person_id, s.entry_seq"
    " FROM unnest(%(persons)s::uuid[], %(entries)s::int8[]) AS s(person_id, entry_seq)"
    " ORDER BY 1, 2"
    ")"
    " UPDATE audit_chain SET head_seq = %(head_seq)s, head_hash = %(head_hash)s"
    " WHERE number = %(chain)s"
)


def _write_postgres(
    session: Session,
    claim: _Claim,
    kid: str,
    rows: list[tuple[Any, ...]],
    subjects: list[tuple[tuple[str, ...], int]],
) -> None:
    """The batch in one round trip, its rows as one JSON text (one parameter to adapt
    instead of a dozen arrays; ids, times and ``person_ids`` as text the server converts:
    ``person_ids`` exactly as SQLAlchemy's JSON type writes it, ``json.dumps``, since
    PostgreSQL's json keeps the text as given), the person index as two array literals."""
    batch = [
        {
            "id": str(entry_id), "seq": seq, "chain_seq": chain_seq,
            "created_at": at.isoformat(), "created_by": created_by, "role": role,
            "action": action, "object_type": object_type,
            "object_id": None if object_id is None else str(object_id),
            "person_ids": json.dumps(list(persons)), "purpose": purpose, "outcome": outcome,
            "chain_hash": hash_,
        }
        for (
            entry_id, seq, chain_seq, at, created_by, role, action, object_type, object_id,
            persons, purpose, outcome, hash_,
        ) in rows
    ]  # fmt: skip
    params = {
        "rows": json.dumps(batch, separators=(",", ":")),
        "persons": "{" + ",".join(p for persons, _seq in subjects for p in persons) + "}",
        "entries": "{" + ",".join(str(seq) for persons, seq in subjects for _p in persons) + "}",
        "chain": claim.number,
        "key_id": kid,
        "head_seq": claim.head_seq,
        "head_hash": claim.head_hash,
    }
    session.connection().exec_driver_sql(_PG_APPEND, params)


#: SQLite: the person index rows of a batch from one JSON parameter ([[entry, [person, …]],
#: …]), expanded and put in the index's order inside SQLite; the ids are stored as SQLAlchemy
#: stores a UUID there (32 lower-case hex digits)
_SQLITE_SUBJECTS = (
    "INSERT INTO audit_subject (person_id, entry_seq)"
    " SELECT replace(p.value, '-', ''), json_extract(e.value, '$[0]')"
    " FROM json_each(?) AS e, json_each(e.value, '$[1]') AS p ORDER BY 1, 2"
)
_SQLITE_HEAD = "UPDATE audit_chain SET head_seq = ?, head_hash = ? WHERE number = ?"
#: SQLite: the compiled entry INSERT and each value's conversion, per dialect
_sqlite_inserts: weakref.WeakKeyDictionary[Dialect, tuple[str, list[int], list[Any]]] = (
    weakref.WeakKeyDictionary()
)


def _sqlite_insert(dialect: Dialect) -> tuple[str, list[int], list[Any]]:
    """The entry INSERT compiled once: its text, where each parameter comes from in a
    row (``_ENTRY_COLUMNS`` + chain + key id) and its column type's conversion."""
    known = _sqlite_inserts.get(dialect)
    if known is None:
        columns = [*_ENTRY_COLUMNS, "chain_id", "key_id"]
        compiled = insert(AuditEntry.__table__).compile(dialect=dialect, column_keys=columns)
        assert compiled.positiontup is not None
        order = [compiled.binds[name].key for name in compiled.positiontup]
        known = (
            str(compiled),
            [columns.index(name) for name in order],
            [_A[name].type._cached_bind_processor(dialect) for name in order],
        )
        _sqlite_inserts[dialect] = known
    return known


def _write_sqlite(
    session: Session,
    dialect: Dialect,
    claim: _Claim,
    kid: str,
    rows: list[tuple[Any, ...]],
    subjects: list[tuple[tuple[str, ...], int]],
) -> None:
    """The entries through one compiled statement (each value converted by its column
    type, as SQLAlchemy's executemany would, a column at a time), the person index from one JSON parameter,
    the head by a plain UPDATE."""
    sql, where, binds = _sqlite_insert(dialect)
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    columns[_PERSON_IDS_COLUMN] = [list(persons) for persons in columns[_PERSON_IDS_COLUMN]]
    columns += [[claim.number] * len(rows), [kid] * len(rows)]
    converted = [
        columns[index] if bind is None else list(map(bind, columns[index]))
        for index, bind in zip(where, binds, strict=True)
    ]
    params = list(zip(*converted, strict=True))
    connection = session.connection()
    connection.exec_driver_sql(sql, params)
    _insert_subjects(session, subjects)
    connection.exec_driver_sql(_SQLITE_HEAD, (claim.head_seq, claim.head_hash, claim.number))


def _write_generic(
    session: Session,
    claim: _Claim,
    kid: str,
    rows: list[tuple[Any, ...]],
    subjects: list[tuple[tuple[str, ...], int]],
) -> None:
    """Through SQLAlchemy's bulk insert (any dialect; the reference of the fast paths)."""
    session.execute(
        insert(AuditEntry.__table__),
        [
            {
                **dict(zip(_ENTRY_COLUMNS, row, strict=True)),
                "person_ids": list(row[_PERSON_IDS_COLUMN]),
                "chain_id": claim.number,
                "key_id": kid,
            }
            for row in rows
        ],
    )
    _insert_subjects(session, subjects)
    session.execute(
        update(AuditChain.__table__)
        .where(_C.number == claim.number)
        .values(head_seq=claim.head_seq, head_hash=claim.head_hash)
    )


_SUBJECT_COLUMNS = ("person_id", "entry_seq")


def _insert_subjects(session: Session, subjects: list[tuple[tuple[str, ...], int]]) -> None:
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


#: PostgreSQL engine → the id of its database (fixed once initialised): read once, not in
#: every append (a SQLite file may be swapped by a restore; reading it there costs little)
_database_ids: weakref.WeakKeyDictionary[Engine, uuid.UUID] = weakref.WeakKeyDictionary()


def _database_id(session: Session) -> uuid.UUID | None:
    if not _is_postgres(session):
        connection = session.connection()
        if connection.dialect.name == "sqlite":  # (without the ORM's round of events)
            value = connection.exec_driver_sql("SELECT id FROM database_info").scalar()
            return None if value is None else uuid.UUID(str(value))
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
