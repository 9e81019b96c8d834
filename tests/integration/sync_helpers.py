"""Helpers for the sync tests: extra databases, households, dumps, comparisons."""

from __future__ import annotations

import dataclasses
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, inspect, select, text, update
from sqlalchemy.engine import make_url

from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database, initialise, open_database
from jeugdtoegang.storage.engine import sqlite_path
from jeugdtoegang.storage.models.meta import SequenceCounter

TEAM_KEY = "7a1c0f3e9b5d4c2a8e6f0b1d3c5a7e9f" * 2
DOMAIN_TABLES = ("household", "person")


def valid_bsn(n: int) -> str:
    """The n-th valid BSN (11-proef) from a fixed start, for unique test persons."""
    base = 10_000_000 + n * 7
    while True:
        digits = [int(c) for c in f"{base:08d}"]
        last = sum(d * (9 - i) for i, d in enumerate(digits)) % 11
        if last < 10:
            return f"{base:08d}{last}"
        base += 1


class DatabaseFactory:
    """Fresh databases (SQLite files, or new PostgreSQL databases when configured)."""

    def __init__(self, tmp_path: Path, pg_base: str | None) -> None:
        self.tmp_path = tmp_path
        self.pg_base = pg_base
        self.opened: list[Database] = []
        self.pg_names: list[str] = []

    def url(self, name: str) -> str:
        if self.pg_base is None:
            return f"sqlite:///{self.tmp_path / f'{name}.sqlite'}"
        db_name = f"jt_{name}_{uuid.uuid4().hex[:10]}"
        admin = create_engine(self.pg_base, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{db_name}"'))
        admin.dispose()
        self.pg_names.append(db_name)
        return make_url(self.pg_base).set(database=db_name).render_as_string(hide_password=False)

    def create(
        self, name: str, region: str = "zuidoost-utrecht", dossier_start: int = 0
    ) -> Database:
        database = open_database(self.url(name))
        initialise(database, region, team_name=name)
        if dossier_start:
            # each workstation numbers dossiers in its own range (see report: the
            # foundation's per-database counter would otherwise collide across peers)
            with database.write_sessions.begin() as session:
                session.execute(
                    update(SequenceCounter)
                    .where(SequenceCounter.name == "dossier_number")
                    .values(last_seq=dossier_start)
                )
        self.opened.append(database)
        return database

    def close(self) -> None:
        for database in self.opened:
            database.close()
        if self.pg_base and self.pg_names:
            admin = create_engine(self.pg_base, isolation_level="AUTOCOMMIT")
            with admin.connect() as connection:
                for name in self.pg_names:
                    connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def person(n: int, role: PersonRole = PersonRole.JEUGDIGE, **changes: Any) -> PersonInput:
    birth = date(2012, 1, 1) if role is PersonRole.JEUGDIGE else date(1985, 5, 5)
    values: dict[str, Any] = {
        "role": role,
        "first_name": f"Voornaam{n}",
        "surname": f"Achternaam{n}",
        "birth_date": birth,
        "bsn": valid_bsn(n),
        "has_gezag": role is PersonRole.OUDER,
    }
    values.update(changes)
    return PersonInput(**values)


def register(ctx: AppContext, n: int, name: str | None = None) -> uuid.UUID:
    data = HouseholdInput(
        name=name or f"Gezin {n}",
        gemeente="Zeist",
        street="Dorpsstraat",
        house_number=str(n),
        members=(person(n), person(n + 50_000, PersonRole.OUDER)),
    )
    return households.register_household(ctx, data).id


def edit(ctx: AppContext, household_id: uuid.UUID, **changes: Any) -> None:
    detail = households.get_household(ctx, household_id, purpose=None)
    data = households.household_input_from(detail)
    households.update_household(
        ctx, household_id, detail.version, dataclasses.replace(data, **changes)
    )


def domain_rows(database: Database) -> dict[str, list[dict[str, Any]]]:
    """Every row of the synced domain tables, sorted by id (for comparing databases)."""
    result: dict[str, list[dict[str, Any]]] = {}
    from jeugdtoegang.sync.tables import syncable_tables

    with database.engines.read.connect() as connection:
        for name in DOMAIN_TABLES:
            table = syncable_tables()[name]
            rows = connection.execute(select(table).order_by(table.c.id)).mappings()
            result[name] = [dict(row) for row in rows]
    return result


def full_dump(database: Database) -> list[str]:
    """All content of the database: ``iterdump`` for SQLite, every table for PostgreSQL."""
    path = sqlite_path(database.url)
    if path is not None:
        connection = sqlite3.connect(path)
        try:
            return list(connection.iterdump())
        finally:
            connection.close()
    lines: list[str] = []
    engine = database.engines.read
    with engine.connect() as connection:
        for name in sorted(inspect(engine).get_table_names()):
            rows = connection.execute(text(f'SELECT * FROM "{name}"')).all()
            lines += sorted(f"{name}: {tuple(row)!r}" for row in rows)
    return lines


def iterate(gen: Iterator[Any]) -> None:
    for _ in gen:
        pass


Ctx = Callable[[Database], AppContext]
