"""Shared fixtures: offscreen Qt, an isolated user folder, fresh databases per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database, initialise, open_database

#: The fixed "today" of the test suite (tests never depend on the real clock).
TODAY = date(2026, 11, 23)
DEFAULT_REGION = "zuidoost-utrecht"

CONSULENT = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
TEAMLEIDER = Actor("t.bakker", "Tom Bakker", frozenset({Role.TEAMLEIDER}), team="Team Zeist")


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    # never read the real machine-wide settings file of the machine running the tests
    monkeypatch.setenv("JEUGDTOEGANG_MACHINE_SETTINGS", str(home / "machine-settings.toml"))
    monkeypatch.delenv("JEUGDTOEGANG_DB", raising=False)


def _pg_base_url() -> str | None:
    return os.environ.get("JEUGDTOEGANG_TEST_PG") or None


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A URL of a new, empty database: SQLite in tmp_path, or PostgreSQL when
    ``JEUGDTOEGANG_TEST_PG`` names a server (a fresh database per test)."""
    base = _pg_base_url()
    if base is None:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"jt_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield make_url(base).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def make_database(database_url: str) -> Iterator[Callable[..., Database]]:
    """Open (migrate, initialise) the test database for a region; closed afterwards."""
    opened: list[Database] = []

    def factory(
        region: str = DEFAULT_REGION, url: str | None = None, *, settled: bool = True
    ) -> Database:
        database = open_database(url or database_url)
        initialise(database, region, team_name="Team Zeist")
        if settled:  # issue 13: final letters need a vastgestelde legal basis
            from tests.setup_helpers import settle_legal_basis

            settle_legal_basis(database)
        opened.append(database)
        return database

    yield factory
    for database in opened:
        database.close()


@pytest.fixture
def database(make_database: Callable[..., Database]) -> Database:
    return make_database()


@pytest.fixture
def ctx(database: Database) -> AppContext:
    """A consultant's context on a fresh Zuidoost-Utrecht database, today = TODAY."""
    return AppContext(database, CONSULENT, today=lambda: TODAY)


@pytest.fixture
def lead_ctx(ctx: AppContext) -> AppContext:
    return ctx.with_actor(TEAMLEIDER)


@pytest.fixture
def cli_login(monkeypatch: pytest.MonkeyPatch, ctx: AppContext) -> AppContext:
    """The CLI acts as ``ctx``'s user, as after a login (a database without accounts is
    refused by the CLI; fixtures build their actors directly)."""
    from jeugdtoegang.cli import common

    monkeypatch.setattr(common, "cli_actor", lambda _args, _database: ctx.actor)
    return ctx
