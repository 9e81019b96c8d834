"""Reads through libpq itself (``storage.wire``): psycopg's rows, psycopg's errors.

Outside a transaction a check's reads skip psycopg's cursors (issue 19: a fifth of a
check's client CPU). What must hold, as a reviewer would try to break it: the rows equal
a psycopg cursor's for every type we read; a statement psycopg deallocated behind our
back is prepared again, not an error for the consultant; a server error raises the very
error SQLAlchemy raises and leaves the connection serving; a lost or interrupted
connection never goes back to the pool half-read; inside a transaction nothing changes.
"""

from __future__ import annotations

import itertools
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import (
    Boolean,
    Date,
    Integer,
    Numeric,
    String,
    Uuid,
    bindparam,
    cast,
    event,
    select,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError

from jeugdtoegang.storage import hot, read_ahead, wire
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.server_errors import SERVER_GONE, server_trouble
from tests.indication_helpers import make_family

pytestmark = pytest.mark.postgres

IDS = [uuid.UUID(int=n) for n in (1, 2, 3)]
TYPES = hot.Prepared(
    select(
        cast(bindparam("id", type_=Uuid), Uuid).label("id"),
        cast(bindparam("day", type_=Date), Date).label("day"),
        cast(bindparam("amount", type_=Numeric(12, 2)), Numeric(12, 2)).label("amount"),
        cast(bindparam("name", type_=String), String).label("name"),
        cast(bindparam("yes", type_=Boolean), Boolean).label("yes"),
        cast(bindparam("none", type_=String), String).label("none"),
        cast(bindparam("ids", type_=ARRAY(Uuid)), ARRAY(Uuid)).label("ids"),
        cast(bindparam("percent", type_=String), String).like("100%%").label("percent"),
    )
)
VALUES = {
    "id": IDS[0],
    "day": date(2027, 2, 28),
    "amount": Decimal("1234.50"),
    "name": "Zoë 'van' Dijk",
    "yes": True,
    "none": None,
    "ids": IDS,
    "percent": "100%",
}
MEMBERS = hot.Prepared(
    select(Person.id, Person.first_name, Person.birth_date, Household.name)
    .join(Household, Household.id == Person.household_id)
    .where(Person.household_id == bindparam("household_id"))
    .order_by(Person.first_name)
)
BAD = hot.Prepared(select(cast(bindparam("text", type_=String), Integer)))


@pytest.fixture
def session(ctx: Any) -> Any:
    with ctx.database.single_reads() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("libpq reads are for PostgreSQL")
        yield session


def _raw(session: Any) -> Any:
    return hot.connection(session).connection.driver_connection


def _our_statements(session: Any) -> int:
    raw = _raw(session)
    return raw.execute(  # type: ignore[no-any-return]
        "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'jt\\_%%'"
    ).fetchone()[0]


def test_rows_equal_a_psycopg_cursors_rows_for_every_type(session, ctx):
    household_id, _person_id = make_family(ctx)
    conn = hot.connection(session)
    for statement, params in ((TYPES, VALUES), (MEMBERS, {"household_id": household_id})):
        server = statement.server_sql(conn.dialect)
        assert server is not None
        args = server.args(params)
        through_libpq = wire.read_batch(conn, [(server.wire, server.sql, args)])
        assert through_libpq is not None  # outside a transaction: this path
        cursor = conn.connection.driver_connection.cursor()
        cursor.execute(server.sql, args)
        assert through_libpq[0][0] == cursor.fetchall()
        assert through_libpq[0][1] == tuple(column.type_code for column in cursor.description)
        # and through the storage layer: what SQLAlchemy's own execution returns
        core = [tuple(row) for row in session.execute(statement.statement, params).all()]
        assert statement.all(session, params) == core
    assert TYPES.all(session, VALUES) == [
        (IDS[0], date(2027, 2, 28), Decimal("1234.50"), "Zoë 'van' Dijk", True, None, IDS, True)
    ]


def test_each_statement_is_prepared_once_per_connection(session, ctx):
    household_id, _person_id = make_family(ctx)
    before = _our_statements(session)
    for _ in range(3):
        MEMBERS.all(session, {"household_id": household_id})
        TYPES.all(session, VALUES)
    assert _our_statements(session) == before + 2


def test_a_statement_psycopg_deallocated_is_prepared_again(session, ctx):
    """psycopg sends DEALLOCATE ALL after rolling back a transaction in which it used
    prepared statements: ours go with them. The next read prepares them anew."""
    household_id, _person_id = make_family(ctx)
    params = {"household_id": household_id}
    expected = MEMBERS.all(session, params)
    raw = _raw(session)
    raw.autocommit = False
    for _ in range(6):  # psycopg prepares a statement it ran five times
        raw.execute("SELECT %s::int", (1,))
    raw.rollback()
    raw.autocommit = True
    assert _our_statements(session) == 0  # gone from the server
    assert MEMBERS.all(session, params) == expected
    assert _our_statements(session) == 1


def test_where_names_do_not_hold_the_reads_go_unnamed(session, ctx, monkeypatch):
    """A pooler in transaction mode hands a connection's statements to other server
    connections: a name is missing there, or taken. After a second miss, no names."""
    household_id, _person_id = make_family(ctx)
    params = {"household_id": household_id}
    expected = [tuple(row) for row in session.execute(MEMBERS.statement, params).all()]
    reads = {"members": (MEMBERS, params), "types": (TYPES, VALUES)}
    monkeypatch.setattr(wire, "_NAMES", itertools.repeat(10**9))  # every name the same
    with read_ahead.reads_ahead(session, reads):  # the second prepare finds it taken
        assert read_ahead.take(session, "members") == expected
        assert read_ahead.take(session, "types")[0][0] == IDS[0]
    conn = hot.connection(session)
    assert conn.connection.info[wire._KEPT].named is False
    assert MEMBERS.all(session, params) == expected


def test_a_server_error_raises_as_sqlalchemy_raises_it_and_the_connection_serves_on(session):
    with pytest.raises(DBAPIError) as core:
        session.execute(BAD.statement, {"text": "geen getal"})
    with pytest.raises(DBAPIError) as through_libpq:
        BAD.all(session, {"text": "geen getal"})
    assert type(through_libpq.value) is type(core.value)
    assert type(through_libpq.value.orig) is type(core.value.orig)
    assert "geen getal" in str(through_libpq.value.orig)
    assert not through_libpq.value.connection_invalidated
    assert BAD.all(session, {"text": "12"}) == [(12,)]


def test_a_value_psycopg_cannot_send_fails_before_anything_is_sent(session):
    conn = hot.connection(session)
    server = TYPES.server_sql(conn.dialect)
    args = {**server.args(VALUES), "name": object()}
    with pytest.raises(DBAPIError) as refused:
        wire.read_batch(conn, [(server.wire, server.sql, args)])
    assert "cannot adapt" in str(refused.value.orig)
    assert not conn.invalidated
    assert TYPES.all(session, VALUES)[0][0] == IDS[0]


def test_a_lost_connection_is_invalidated_and_the_next_read_connects_anew(session, ctx):
    pid = _raw(session).info.backend_pid
    with ctx.database.engines.write.connect() as other:
        other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    with pytest.raises(DBAPIError) as lost:
        TYPES.all(session, VALUES)
    assert lost.value.connection_invalidated
    trouble = server_trouble(lost.value)  # what the consultant reads: Dutch, and actionable
    assert trouble is not None and trouble.message == SERVER_GONE
    session.rollback()
    with ctx.database.single_reads() as fresh:
        assert TYPES.all(fresh, VALUES)[0][0] == IDS[0]
        assert _raw(fresh).info.backend_pid != pid


def test_an_interrupted_read_never_returns_the_connection_to_the_pool(session, ctx, monkeypatch):
    conn = hot.connection(session)
    pid = _raw(session).info.backend_pid

    def interrupted(_pgconn: Any, *, write: bool = False) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(wire, "_wait", interrupted)
    with pytest.raises(KeyboardInterrupt):
        TYPES.all(session, VALUES)
    monkeypatch.undo()
    assert conn.invalidated
    session.rollback()
    with ctx.database.single_reads() as fresh:
        assert TYPES.all(fresh, VALUES)[0][0] == IDS[0]
        assert _raw(fresh).info.backend_pid != pid


def test_inside_a_transaction_the_reads_take_psycopg_and_see_its_writes(ctx):
    household_id, _person_id = make_family(ctx)
    with ctx.database.write_sessions() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("libpq reads are for PostgreSQL")
        session.get(Household, household_id).name = "Nieuwe naam"
        session.flush()
        conn = hot.connection(session)
        server = MEMBERS.server_sql(conn.dialect)
        args = server.args({"household_id": household_id})
        assert wire.read_batch(conn, [(server.wire, server.sql, args)]) is None
        rows = MEMBERS.all(session, {"household_id": household_id})
        assert {row[3] for row in rows} == {"Nieuwe naam"}
        session.rollback()


def test_listeners_are_told_every_statement_of_a_request(session, ctx):
    household_id, _person_id = make_family(ctx)
    told: list[str] = []
    engine = session.get_bind()

    def tell(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        told.append(statement)

    event.listen(engine, "before_cursor_execute", tell)
    try:
        reads = {
            "members": (MEMBERS, {"household_id": household_id}),
            "types": (TYPES, VALUES),
        }
        with read_ahead.reads_ahead(session, reads):
            assert read_ahead.take(session, "types") == TYPES.all(session, VALUES)
    finally:
        event.remove(engine, "before_cursor_execute", tell)
    server = TYPES.server_sql(engine.dialect)
    assert told.count(server.sql) == 2 and len(told) == 3


def test_beyond_the_kept_statements_reads_are_unnamed_and_the_same(session, ctx, monkeypatch):
    household_id, _person_id = make_family(ctx)
    params = {"household_id": household_id}
    expected = [tuple(row) for row in session.execute(MEMBERS.statement, params).all()]
    monkeypatch.setattr(wire, "_MAX_PREPARED", 0)
    before = _our_statements(session)
    assert MEMBERS.all(session, params) == expected
    assert _our_statements(session) == before


def test_another_client_encoding_takes_psycopg(session):
    conn = hot.connection(session)
    raw = _raw(session)
    raw.execute("SET client_encoding TO 'LATIN1'")
    try:
        server = TYPES.server_sql(conn.dialect)
        assert wire.read_batch(conn, [(server.wire, server.sql, server.args(VALUES))]) is None
        assert TYPES.all(session, VALUES)[0][3] == "Zoë 'van' Dijk"
    finally:
        raw.execute("SET client_encoding TO 'UTF8'")


def test_placeholders_are_numbered_by_name_and_percent_signs_kept():
    sql = wire.WireSQL("SELECT %(a)s, %(b)s, %(a)s WHERE x LIKE '1%%'")
    assert sql.text == b"SELECT $1, $2, $1 WHERE x LIKE '1%'"
    assert sql.names == ("a", "b")
