"""The audit append's fast paths write exactly what SQLAlchemy's bulk insert wrote.

PostgreSQL writes a batch (entries, person index, chain head) in one statement and SQLite
through one compiled insert; ``audit_append._write_generic`` is the ORM path they
replaced. The same batch is written both ways at the same point of the chain (the first
rolled back, PostgreSQL's sequence put back), and every stored column, hash, number,
person-index row and the chain's head must be the same; the log then verifies. Runs on
SQLite, and on PostgreSQL with ``-m postgres``.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit
from jeugdtoegang.storage import audit_append
from jeugdtoegang.storage.audit_append import _append, _Item, _write_generic
from jeugdtoegang.storage.audit_claims import AUDIT_SEQUENCE
from jeugdtoegang.storage.audit_journal import _item_from_line, _journal_line
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.uow import AccessRecord

pytestmark = pytest.mark.postgres

CONSULENT = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
NO_ROLE = Actor("systeemtaak", 'Taak "nacht"\\ ë', frozenset())
ENTRY_COLUMNS = (
    "CAST(id AS TEXT), seq, chain_id, chain_seq, created_at, created_by, role, action,"
    " object_type, CAST(object_id AS TEXT), CAST(person_ids AS TEXT), purpose, outcome,"
    " chain_hash, key_id"
)


def batch(size: int = 4) -> list[_Item]:
    """Entries with every kind of value: no object, no role, doubled and hex-written
    person ids, none at all, quotes, backslashes, commas and non-ASCII text."""
    at = datetime(2026, 11, 23, 9, 30, 15, 123456, tzinfo=UTC)
    person = uuid.uuid4()
    many = tuple(uuid.uuid4() for _ in range(90))
    records = [
        AccessRecord("inzien", "household", uuid.uuid4(), (person, uuid.uuid4(), person),
                     "dossier inzien"),
        AccessRecord("zoeken", None, None, many, 'zoekterm "de Vries, J." \\ ë ğ 😀'),
        AccessRecord("anker_ontvangen", None, None, (), None, "alarm"),
        AccessRecord("inzien", "person", person, (person.hex, str(uuid.uuid4()).upper()),
                     "inzage {a,b}"),
    ]  # fmt: skip
    return [
        _Item(CONSULENT if index % 2 == 0 else NO_ROLE, records[index % len(records)],
              at + timedelta(microseconds=index), uuid.uuid4())
        for index in range(size)
    ]  # fmt: skip


def stored(session: Session, seqs: list[int]) -> dict[str, Any]:
    """Everything the batch left in the database, as stored."""
    low, high = min(seqs), max(seqs)
    entries = session.execute(
        text(f"SELECT {ENTRY_COLUMNS} FROM audit_log WHERE seq BETWEEN :l AND :h ORDER BY seq"),
        {"l": low, "h": high},
    ).all()
    subjects = session.execute(
        text(
            "SELECT CAST(person_id AS TEXT), entry_seq FROM audit_subject"
            " WHERE entry_seq BETWEEN :l AND :h ORDER BY entry_seq, person_id"
        ),
        {"l": low, "h": high},
    ).all()
    chains = session.execute(
        text("SELECT number, head_seq, head_hash FROM audit_chain ORDER BY number")
    ).all()
    return {"entries": entries, "subjects": subjects, "chains": chains}


def append_and_read(database: Database, items: list[_Item], *, keep: bool) -> dict[str, Any]:
    with Session(database.engines.write) as session:
        session.connection()
        _append(session, items)
        head = session.execute(text("SELECT max(seq) FROM audit_log")).scalar_one()
        result = stored(session, list(range(head - len(items) + 1, head + 1)))
        if keep:
            session.commit()
        else:
            session.rollback()
    return result


def sequence_state(database: Database) -> tuple[int, bool] | None:
    if database.engines.write.dialect.name != "postgresql":
        return None
    with database.engines.write.connect() as connection:
        row = connection.execute(text(f"SELECT last_value, is_called FROM {AUDIT_SEQUENCE}"))
        last, called = row.one()
    return int(last), bool(called)


def put_back(database: Database, state: tuple[int, bool] | None) -> None:
    if state is not None:
        with database.engines.write.begin() as connection:
            connection.execute(
                text(f"SELECT setval('{AUDIT_SEQUENCE}', :v, :c)"),
                {"v": state[0], "c": state[1]},
            )


@pytest.mark.parametrize("size", [0, 1, 4, 40])
def test_the_fast_path_stores_what_the_orm_path_stored(
    database: Database, monkeypatch: pytest.MonkeyPatch, size: int
) -> None:
    items = batch(size) if size else batch(3)[2:]  # (0: one entry naming nobody)
    size = len(items)
    before = sequence_state(database)
    with monkeypatch.context() as patch:
        patch.setattr(
            audit_append, "_write_postgres",
            lambda session, claim, kid, rows, subjects: _write_generic(
                session, claim, kid, rows, subjects
            ),
        )  # fmt: skip
        patch.setattr(
            audit_append, "_write_sqlite",
            lambda session, _dialect, claim, kid, rows, subjects: _write_generic(
                session, claim, kid, rows, subjects
            ),
        )  # fmt: skip
        reference = append_and_read(database, items, keep=False)
    put_back(database, before)
    fast = append_and_read(database, items, keep=True)

    assert fast == reference
    assert len(fast["entries"]) == size
    hex_ids = database.engines.write.dialect.name == "sqlite"  # (as SQLite stores a UUID)
    assert sorted(fast["subjects"]) == sorted(
        (person.replace("-", "") if hex_ids else person, row[1])
        for row in fast["entries"]
        for person in json.loads(row[10])
    )
    result = audit.verify_chain(database)
    assert result.ok, result


def test_two_appends_in_one_transaction_continue_the_chain(database: Database) -> None:
    """Two appends in one transaction: the second draws its numbers itself."""
    with Session(database.engines.write) as session:
        _append(session, batch(2))
        _append(session, batch(3))
        session.commit()
    result = audit.verify_chain(database)
    assert result.ok, result


def test_a_journal_line_is_the_json_of_the_entry_and_reads_back() -> None:
    for item in batch(4):
        record, actor = item.record, item.actor
        persons = list(dict.fromkeys(audit_append._id_text(p) for p in record.person_ids))
        expected = {
            "id": str(item.entry_id),
            "at": item.at.isoformat(),
            "user": actor.username,
            "name": actor.display_name,
            "roles": sorted(r.value for r in actor.roles),
            "team": actor.team,
            "action": record.action,
            "object_type": record.object_type,
            "object_id": str(record.object_id) if record.object_id else None,
            "persons": persons,
            "purpose": record.purpose,
            "outcome": record.outcome,
        }
        line = _journal_line(item)
        assert line == json.dumps(expected, ensure_ascii=False, separators=(",", ":")) + "\n"
        again = _item_from_line(line)
        assert again is not None
        assert again.entry_id == item.entry_id and again.at == item.at
        assert audit_append.person_texts(again.record.person_ids) == tuple(persons)
        assert again.record.purpose == record.purpose and again.actor.roles == actor.roles


def test_an_anchor_is_written_again_after_the_data_folder_was_removed() -> None:
    """The folder is looked up once; a folder removed meanwhile is made again."""
    import os
    import shutil

    from jeugdtoegang.storage.audit_chain import read_anchor, write_anchor

    database_id = uuid.uuid4()
    write_anchor(database_id, 1, "a" * 64)
    folder = os.environ["JEUGDTOEGANG_HOME"]
    shutil.rmtree(folder)
    write_anchor(database_id, 2, "b" * 64)
    anchor = read_anchor(database_id)
    assert anchor is not None and (anchor.seq, anchor.chain_hash) == (2, "b" * 64)
