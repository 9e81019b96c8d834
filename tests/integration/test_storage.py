"""Storage guarantees: migrations, optimistic locking, one transaction per write, history."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text

from jeugdtoegang.errors import DatabaseVersionError, StaleRecordError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.base import Base
from jeugdtoegang.storage.database import Database, open_database, table_names
from jeugdtoegang.storage.migrate import script_heads
from jeugdtoegang.storage.models import ChangeLogEntry, Household

pytestmark = pytest.mark.postgres


def _household(ctx: AppContext, name: str = "Gezin Test") -> Household:
    with ctx.uow() as uow:
        household = Household(
            dossier_number=name[-8:], name=name, gemeente="Zeist", gemeente_code="0355"
        )
        uow.session.add(household)
        uow.commit()
        return household


def test_migrations_create_every_table_from_an_empty_database(database: Database) -> None:
    tables = set(table_names(database))
    assert {"household", "person", "change_log", "audit_log", "database_info"} <= tables
    assert set(Base.metadata.tables) <= tables


def test_the_migrations_match_the_models_exactly(database: Database) -> None:
    with database.engines.write.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_the_database_is_at_the_newest_migration(database: Database) -> None:
    with database.engines.write.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    assert current == script_heads()


def test_a_database_from_a_newer_version_is_refused_and_left_alone(database: Database) -> None:
    with database.engines.write.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(DatabaseVersionError, match="nieuwere versie"):
        open_database(database.url)
    with database.engines.write.connect() as connection:
        versions = {
            row[0] for row in connection.execute(text("SELECT version_num FROM alembic_version"))
        }
    assert "9999_future" in versions


def test_sqlite_runs_in_wal_mode_with_foreign_keys(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("SQLite only")
    with database.engines.write.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_every_record_gets_a_uuid_who_and_when_and_version_one(ctx: AppContext) -> None:
    household = _household(ctx)
    assert household.id.version == 4
    assert household.created_by == household.updated_by == "c.jansen"
    assert household.version == 1
    assert household.created_at.tzinfo is not None


def test_a_stale_update_is_refused_and_nothing_is_overwritten(ctx: AppContext) -> None:
    household = _household(ctx)
    with ctx.uow(readonly=True) as uow:
        mine = uow.get(Household, household.id)  # the form shows version 1
    with ctx.uow() as uow:  # meanwhile another user saves version 2
        uow.get(Household, household.id).name = "Gezin Ander"
        uow.commit()
    with ctx.uow() as uow:
        stale = uow.session.merge(mine, load=False)  # save what was read, unchanged version
        stale.name = "Gezin Overschreven"
        with pytest.raises(StaleRecordError, match="intussen gewijzigd"):
            uow.commit()
    with ctx.uow(readonly=True) as uow:
        current = uow.get(Household, household.id)
        assert (current.name, current.version) == ("Gezin Ander", 2)


def test_a_write_that_fails_halfway_leaves_nothing_behind(ctx: AppContext) -> None:
    with pytest.raises(RuntimeError), ctx.uow() as uow:
        uow.session.add(
            Household(dossier_number="X-1", name="Half", gemeente="Zeist", gemeente_code="0355")
        )
        uow.session.flush()
        raise RuntimeError("crash halfway")
    with ctx.uow(readonly=True) as uow:
        assert uow.session.execute(select(Household)).first() is None
        assert (
            uow.session.execute(
                select(ChangeLogEntry).where(ChangeLogEntry.table_name == "household")
            ).first()
            is None
        )


def test_every_version_is_kept_in_the_change_log_in_sequence(ctx: AppContext) -> None:
    household = _household(ctx, "Gezin Eerst")
    for name in ("Gezin Tweede", "Gezin Derde"):
        with ctx.uow() as uow:
            uow.get(Household, household.id).name = name
            uow.commit()
    with ctx.uow(readonly=True) as uow:
        rows = (
            uow.session.execute(
                select(ChangeLogEntry)
                .where(ChangeLogEntry.record_id == household.id)
                .order_by(ChangeLogEntry.seq)
            )
            .scalars()
            .all()
        )
    assert [(r.version, r.data["name"]) for r in rows] == [
        (1, "Gezin Eerst"),
        (2, "Gezin Tweede"),
        (3, "Gezin Derde"),
    ]
    seqs = [r.seq for r in rows]
    assert seqs == sorted(seqs) and len(set(seqs)) == 3


def test_the_sqlite_file_is_backed_up_before_a_migration(tmp_path: Path) -> None:
    path = tmp_path / "oud.sqlite"
    from alembic import command

    from jeugdtoegang.storage.engine import create_engines
    from jeugdtoegang.storage.migrate import alembic_config

    engines = create_engines(f"sqlite:///{path}")
    with engines.write.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "0001_foundation")
    engines.dispose()
    if script_heads() == {"0001_foundation"}:
        pytest.skip("no later migrations yet")
    database = open_database(str(path))
    try:
        assert database.migration_backup is not None and database.migration_backup.exists()
        with sqlite3.connect(database.migration_backup) as copy:
            versions = [r[0] for r in copy.execute("SELECT version_num FROM alembic_version")]
        assert versions == ["0001_foundation"]
    finally:
        database.close()


def test_the_schema_head_constant_names_the_newest_migration() -> None:
    from jeugdtoegang.storage.migrate import SCHEMA_HEAD

    assert script_heads() == {SCHEMA_HEAD}


def test_a_connection_the_server_dropped_while_idle_is_replaced_unseen(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL: pooled connections are tested only after sitting idle (not on every
    checkout); one the server ended meanwhile is replaced, the read just works."""
    if database.dialect != "postgresql":
        pytest.skip("PostgreSQL only: a SQLite file has no server connection")
    from jeugdtoegang.storage import engine as engine_module

    with database.read_sessions() as session:
        pid = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    with database.engines.write.connect() as connection:
        connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        connection.commit()
    monkeypatch.setattr(engine_module, "IDLE_PING_S", 0.0)
    with database.read_sessions() as session:
        again = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
    assert again != pid
