"""The search's reads without a Session (``storage.hot.raw_reads``) give what the
session path gives: the same rows in the same order and the same read-log records, on
SQLite (one read transaction) and on PostgreSQL (single statements in autocommit)."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import uow as uow_module
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.uow import AccessRecord

pytestmark = pytest.mark.postgres


@contextlib.contextmanager
def _session_reads(session: Session) -> Iterator[Session]:
    yield session  # the path before: every read through the unit of work's session


def _queries(ctx: AppContext) -> list[str]:
    with ctx.database.read_sessions() as session:
        surnames = sorted({s for (s,) in session.execute(select(Person.surname)) if s})
        firsts = sorted({f for (f,) in session.execute(select(Person.first_name)) if f})
        bsn = session.execute(select(Person.bsn).where(Person.bsn.is_not(None))).scalars().first()
        number, postcode = session.execute(
            select(Household.dossier_number, Household.postcode).order_by(Household.name)
        ).first()  # type: ignore[misc]
    year, code, serial = number.split("-")
    return [
        *(surname[:4] for surname in surnames[::3]),
        *(surname for surname in surnames[:5]),
        f"{firsts[0]} {surnames[0][:3]}",
        f"{surnames[1][:2]} {firsts[1][:2]} {firsts[2][:1]}",
        "de",
        "a",
        bsn or "",
        number,
        f"{code}-{serial}",
        serial,
        f"{year}-{code}",
        postcode,
        postcode[:4],
        "zzzz",
        "",
    ]


def _search(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch, text: str, *, old: bool
) -> tuple[list[Any], list[AccessRecord]]:
    logged: list[AccessRecord] = []
    with monkeypatch.context() as patch:
        patch.setattr(
            uow_module, "queue_reads", lambda _db, _actor, records: logged.extend(records)
        )
        if old:
            patch.setattr(households, "raw_reads", _session_reads)
        rows = households.search_households(ctx, text)
    return rows, logged


def test_the_search_without_a_session_gives_the_rows_and_log_of_the_session_path(
    ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate_households(ctx, 60, seed=11)
    other = Actor("c.bunnik", "C Bunnik", frozenset({Role.CONSULENT}), team="Team Bunnik")
    generate_households(ctx.with_actor(other), 20, seed=12)
    wide = ctx.with_actor(
        Actor("t.beide", "T Beide", frozenset({Role.TEAMLEIDER}), team="Team Zeist|Team Bunnik")
    )
    begun: list[object] = []
    event.listen(ctx.database.engines.read, "begin", begun.append)
    found = 0
    for who in (ctx, ctx.with_actor(other), wide):
        for text in _queries(ctx):
            begun.clear()
            new_rows, new_log = _search(who, monkeypatch, text, old=False)
            assert not begun  # no Session, no SQLAlchemy Connection
            old_rows, old_log = _search(who, monkeypatch, text, old=True)
            assert new_rows == old_rows, text
            # the fields left out of a row's comparison: its team and its members' ids
            assert [(r.id, r.team, r.person_ids) for r in new_rows] == [
                (r.id, r.team, r.person_ids) for r in old_rows
            ]
            assert new_log == old_log, text
            assert [type(p) for r in new_rows for p in r.person_ids] == [
                type(p) for r in old_rows for p in r.person_ids
            ]
            found += len(new_rows)
    assert found > 100


def test_a_failed_read_gives_the_connection_back_as_the_pool_hands_it_out(
    ctx: AppContext,
) -> None:
    from jeugdtoegang.storage.hot import raw_reads

    database = ctx.database
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL's autocommit reads")
    with database.read_sessions() as session:
        with pytest.raises(Exception, match="division by zero"), raw_reads(session) as reads:
            reads.cursor.execute("SELECT 1 / 0")
        with raw_reads(session) as reads:
            assert reads.cursor.execute("SELECT 1").fetchall() == [(1,)]
    fairy = database.engines.read.raw_connection()
    try:
        assert fairy.driver_connection.autocommit is False
    finally:
        fairy.close()
    assert households.search_households(ctx, "zzzz") == []


def test_a_dossier_read_on_the_cursor_gives_the_values_of_the_core_read(ctx: AppContext) -> None:
    """Opening (``household_with_members``) and locking (``lock_household``) a dossier run
    on the DBAPI cursor (PostgreSQL: :class:`ServerSQL`): the same rows, values and types as
    through Core."""
    from jeugdtoegang.storage import household_queries, household_records

    ids = generate_households(ctx, 12, seed=5)
    reads = (household_queries._WITH_MEMBERS, household_records._LOCKED)
    compared = 0
    for household_id in [*ids, uuid.uuid4()]:  # and one that does not exist
        for prepared in reads:
            with ctx.database.write_sessions() as session:
                fast = prepared.all(session, {"household_id": household_id})
                slow = [
                    tuple(row)
                    for row in session.execute(prepared.statement, {"household_id": household_id})
                ]
                session.rollback()
            assert fast == slow
            assert [list(map(type, row)) for row in fast] == [list(map(type, row)) for row in slow]
            compared += len(fast)
    assert compared > 24
