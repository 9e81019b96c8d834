"""The change-log sequence at scale: writers do not queue behind one row, export stays complete.

On PostgreSQL the sequence comes from a database sequence (no shared counter row); numbers
are handed out at flush time, not at commit time, and a rolled-back transaction leaves a
hole. A sync export therefore only covers the range up to the highest number below which
every writer has finished, and the receiver checks the bundle's explicit range, not that
every number inside it is present.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import func, select, text

from jeugdtoegang.storage.changelog import allocate_changes, settled_sequence
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models import ChangeLogEntry, Household
from jeugdtoegang.sync.export import collect_changes


def _household(number: str) -> Household:
    return Household(
        dossier_number=number, name=f"Gezin {number}", gemeente="Zeist", gemeente_code="0355"
    )


def _collect(database: Database, since: int) -> tuple[int, int, set[uuid.UUID]]:
    with database.write_sessions() as session:
        own = database.database_id
        result = list(
            collect_changes(session, since_seq=since, own_database_id=own, exclude_origin=None)
        )[-1]
        return result.seq_from, result.seq_to, {uuid.UUID(c.id) for c in result.changes}


def test_numbers_are_unique_and_increasing_within_a_transaction(database: Database) -> None:
    with database.write_sessions.begin() as session:
        first = allocate_changes(session, 3)
        second = allocate_changes(session, 2)
    assert len(set(first + second)) == 5
    assert first == sorted(first) and max(first) < min(second)


def test_export_covers_everything_written_before_it(database: Database) -> None:
    first, second = _household("A-1"), _household("A-2")
    with database.write_sessions.begin() as session:
        session.add_all([first, second])
    seq_from, seq_to, ids = _collect(database, 0)
    # everything written before: the two households (and the region setup of the new database)
    assert seq_from == 1 and {first.id, second.id} <= ids
    with database.write_sessions.begin() as session:
        assert settled_sequence(session) == seq_to


def test_a_hole_in_the_numbers_does_not_stop_the_next_export(database: Database) -> None:
    with database.write_sessions.begin() as session:
        session.add(_household("H-1"))
    _, first_to, _ = _collect(database, 0)
    # a transaction that took numbers and rolled back leaves a hole on PostgreSQL
    session = database.write_sessions()
    allocate_changes(session, 5)
    session.rollback()
    session.close()
    if database.dialect == "sqlite":  # SQLite rolls its counter back: make the hole by hand
        with database.write_sessions.begin() as session:
            session.execute(
                text("UPDATE sequence_counter SET last_seq = last_seq + 5 WHERE name = 'changes'")
            )
    with database.write_sessions.begin() as session:
        later = _household("H-2")
        session.add(later)
    seq_from, seq_to, ids = _collect(database, first_to)
    assert seq_from == first_to + 1 and ids == {later.id}
    with database.read_sessions() as session:
        logged = session.execute(select(func.max(ChangeLogEntry.seq))).scalar_one()
    assert seq_to == logged and seq_to > first_to + 1


# -- PostgreSQL: many writers, one server --------------------------------------------------


@pytest.fixture
def pg_database(database: Database) -> Database:
    if database.dialect != "postgresql":
        pytest.skip("needs PostgreSQL (JEUGDTOEGANG_TEST_PG)")
    return database


@pytest.mark.postgres
def test_two_writers_do_not_wait_for_each_other(pg_database: Database) -> None:
    first = pg_database.write_sessions()
    second = pg_database.write_sessions()
    try:
        first.add(_household("W-1"))
        first.flush()  # holds its change-log numbers, not committed
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        second.add(_household("W-2"))
        second.flush()  # used to wait for the counter row until `first` committed
        second.commit()
        first.commit()
    finally:
        first.close()
        second.close()


@pytest.mark.postgres
def test_an_export_waits_for_a_writer_that_already_has_lower_numbers(pg_database: Database) -> None:
    slow = pg_database.write_sessions()
    slow_record = _household("S-1")
    slow.add(slow_record)
    slow.flush()  # takes the lower number, commits last
    with pg_database.write_sessions.begin() as session:
        fast = _household("S-2")
        session.add(fast)
    seen: dict[str, object] = {}

    def export() -> None:
        seen["result"] = _collect(pg_database, 0)

    worker = threading.Thread(target=export)
    worker.start()
    worker.join(0.5)
    assert worker.is_alive(), "the export must not close its range over an open writer"
    slow.commit()
    slow.close()
    worker.join(30)
    _, _, ids = seen["result"]  # type: ignore[misc]
    assert {slow_record.id, fast.id} <= ids  # nothing lost behind the later number


@pytest.mark.postgres
def test_concurrent_writers_get_distinct_numbers(pg_database: Database) -> None:
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def write(worker: int) -> None:
        try:
            barrier.wait()
            for n in range(10):
                with pg_database.write_sessions.begin() as session:
                    session.add(_household(f"T-{worker}-{n}"))
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=write, args=(w,)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors
    with pg_database.read_sessions() as session:
        count, distinct = session.execute(
            select(func.count(), func.count(func.distinct(ChangeLogEntry.seq))).where(
                ChangeLogEntry.table_name == "household"
            )
        ).one()
    assert count == distinct == 40
