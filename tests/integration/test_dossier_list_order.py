"""The dossier list's order: names compared as a Dutch user reads them.

Ordered by bytes, "Çelik", "Öztürk", "Ümit" and "Élise" came after "Zwart" and "de Vries"
far from "De Vries". The list orders by ``household.sort_key`` (the name folded as search
folds it), then the dossier number; the key is kept on every write path (the ORM, the
Core save of a dossier, bulk inserts, sync imports) and filled by the migration for the
dossiers already there. Keyset pages forwards, backwards and from the end give that order.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select, text, update

from jeugdtoegang.domain.text import fold
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.database import Database, open_database
from jeugdtoegang.storage.household_sort import sort_key_of
from jeugdtoegang.storage.models import Household
from tests.integration.sync_helpers import edit, register
from tests.integration.test_scale_queries import _seed

pytestmark = pytest.mark.postgres

#: what a Dutch team has: accents, a Turkish dotless ı, Scandinavian ø, mixed case
NAMES = [
    "Gezin Zwart", "Gezin Çelik", "gezin Öztürk", "Gezin Ümit", "Gezin Élise", "Gezin de Vries",
    "Gezin De Vries", "Gezin Bakker", "GEZIN BAKKER", "Gezin Yılmaz", "Gezin Østergaard",
    "Gezin Dam", "Gezin Oosterhout", "Gezin Cornelisse", "Gezin Ulusoy", "Gezin Eekhof",
    "Gezin van Dam", "Gezin Van Dam", "Gezin Çakır", "Gezin Zeeman",
]  # fmt: skip


def _expected(names: list[str]) -> list[str]:
    """The names in list order: folded name, then dossier number (the seed's index)."""
    return [name for _, name in sorted(enumerate(names), key=lambda p: (fold(p[1]), p[0]))]


def _keys(rows: list[households.HouseholdRow]) -> list[tuple[str, str]]:
    return [(r.name, r.dossier_number) for r in rows]


def _stored(database: Database) -> dict[str, str]:
    with database.read_sessions() as session:
        return dict(session.execute(select(Household.name, Household.sort_key)).all())


def test_names_with_accents_and_capitals_stand_among_their_letters(ctx: AppContext) -> None:
    _seed(ctx, NAMES)
    names = [r.name for r in households.list_households(ctx, 0, 100)]
    assert names == _expected(NAMES)
    # equal folded names ("de Vries", "De Vries") stand together, by dossier number
    assert names == [
        "Gezin Bakker", "GEZIN BAKKER", "Gezin Çakır", "Gezin Çelik", "Gezin Cornelisse",
        "Gezin Dam", "Gezin de Vries", "Gezin De Vries", "Gezin Eekhof", "Gezin Élise",
        "Gezin Oosterhout", "Gezin Østergaard", "gezin Öztürk", "Gezin Ulusoy", "Gezin Ümit",
        "Gezin van Dam", "Gezin Van Dam", "Gezin Yılmaz", "Gezin Zeeman", "Gezin Zwart",
    ]  # fmt: skip


def test_pages_by_key_forwards_backwards_and_from_the_end_give_the_same_order(
    ctx: AppContext,
) -> None:
    names = NAMES * 3  # equal names on different dossiers
    _seed(ctx, names)
    whole = _keys(households.list_households(ctx, 0, 1000))
    assert [name for name, _ in whole] == _expected(names)
    forwards: list[tuple[str, str]] = []
    page = households.list_households(ctx, 0, 7)
    while page:
        forwards += _keys(page)
        page = households.list_households(ctx, 0, 7, after=forwards[-1])
    assert forwards == whole
    backwards: list[tuple[str, str]] = []
    page = households.list_households(ctx, 0, 7, from_end=True)
    while page:
        backwards[:0] = _keys(page)
        page = households.list_households(ctx, 0, 7, before=backwards[0])
    assert backwards == whole
    assert _keys(households.list_households(ctx, 10, 5, from_end=True)) == whole[-15:-10]
    assert _keys(households.list_households(ctx, 10, 5)) == whole[10:15]
    assert households.count_households(ctx) == len(names)


def test_the_key_follows_the_name_on_every_write_path(ctx: AppContext) -> None:
    household_id = register(ctx, 1, "Gezin Öztürk")  # the ORM
    assert _stored(ctx.database)["Gezin Öztürk"] == "gezin ozturk"
    edit(ctx, household_id, name="Gezin Çelik")  # the Core save of a dossier
    edit(ctx, household_id, notes="Alleen een notitie.")  # the name as it was
    assert _stored(ctx.database) == {"Gezin Çelik": "gezin celik"}
    with ctx.uow() as uow:  # the ORM again: a rename of a loaded dossier
        uow.session.get(Household, household_id).name = "Gezin Élise"
        uow.commit()
    with ctx.uow() as uow:  # bulk inserts (demo data, benchmarks)
        row = {"dossier_number": "D-77777", "name": "Gezin Ümit", "gemeente": "Zeist"}
        bulk_insert(uow.session, Household, [{**row, "gemeente_code": "0355"}], "c.jansen")
        uow.commit()
    assert _stored(ctx.database) == {"Gezin Élise": "gezin elise", "Gezin Ümit": "gezin umit"}
    names = [r.name for r in households.list_households(ctx, 0, 10)]
    assert names == ["Gezin Élise", "Gezin Ümit"]


def test_the_key_stays_out_of_the_change_log(ctx: AppContext) -> None:
    household_id = register(ctx, 1, "Gezin Öztürk")
    edit(ctx, household_id, name="Gezin Çelik")
    with ctx.database.read_sessions() as session:
        snapshots = session.execute(
            text("SELECT data FROM change_log WHERE table_name = 'household'")
        ).all()
    assert len(snapshots) == 2
    assert all("sort_key" not in str(data) and "name" in str(data) for (data,) in snapshots)


def test_a_dossier_taken_over_by_sync_gets_its_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.services import auth
    from jeugdtoegang.sync.keys import ENV_KEY
    from tests.integration.sync_helpers import (
        TEAM_KEY,
        DatabaseFactory,
        join,
        office_with_accounts,
    )
    from tests.integration.test_sync import CARLA, OFFICE, context, exchange

    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)  # quick accounts, as in test_sync
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    try:
        office_db = factory.create("kantoor")
        laptop_db = factory.create("laptop1", dossier_start=10_000)
        join(office_with_accounts(office_db), laptop_db, tmp_path, "laptop1")
        laptop, office = context(laptop_db, CARLA), context(office_db, OFFICE)
        household_id = register(laptop, 1, "Gezin Öztürk")
        exchange(laptop, office, tmp_path, "kantoor")  # inserted by sync
        assert _stored(office.database) == {"Gezin Öztürk": "gezin ozturk"}
        edit(laptop, household_id, name="Gezin Çelik")
        exchange(laptop, office, tmp_path, "kantoor")  # updated by sync
        assert _stored(office.database) == {"Gezin Çelik": "gezin celik"}
        assert [r.name for r in households.list_households(office, 0, 5)] == ["Gezin Çelik"]
    finally:
        factory.close()


def _migrate(database: Database, down_to: str) -> None:
    from alembic import command

    from jeugdtoegang.storage.migrate import alembic_config

    with database.engines.write.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        raw = connection.connection.dbapi_connection if sqlite else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # SQLite copies the table to drop a column
        with connection.begin():
            config = alembic_config()
            config.attributes["connection"] = connection
            command.downgrade(config, down_to)
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = ON")


def test_the_migration_fills_the_key_of_the_dossiers_already_there(
    ctx: AppContext, database: Database
) -> None:
    _seed(ctx, NAMES)
    url = database.url
    _migrate(database, "0020_audit")
    with database.engines.write.begin() as connection:  # names written by the old version
        connection.execute(
            update(Household.__table__)
            .where(Household.__table__.c.dossier_number == "D-00000")
            .values(name="Gezin Ärmel")
        )
    database.engines.dispose()
    reopened = open_database(url)  # upgraded to the newest schema
    try:
        stored = _stored(reopened)
        assert set(stored) == {*NAMES[1:], "Gezin Ärmel"}
        assert stored == {name: sort_key_of(name) for name in stored}
        with reopened.read_sessions() as session:
            index = session.execute(
                select(Household.dossier_number).order_by(Household.sort_key).limit(1)
            ).scalar_one()
        assert index == "D-00000"  # "Gezin Ärmel" is now first
        again = AppContext(reopened, ctx.actor, today=ctx.today)
        assert [r.name for r in households.list_households(again, 0, 100)] == _expected(
            ["Gezin Ärmel", *NAMES[1:]]
        )
    finally:
        reopened.close()
