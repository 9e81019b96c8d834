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


# --- a team: the office with accounts, enrolled laptops that joined it -------------------

PASSWORD = "kantoor-wachtwoord-1"
ADMIN = "beheer"
#: username → (display name, roles, team) of the accounts made at the office
ACCOUNTS = {
    "c.jansen": ("Carla Jansen", ("consulent",), "Team Zeist"),
    "p.devries": ("Piet de Vries", ("consulent",), "Team Zeist"),
    "b.kantoor": ("Bea Kantoor", ("consulent",), "Team Zeist"),
    "t.bakker": ("Tom Bakker", ("teamleider",), "Team Zeist"),
}


def office_with_accounts(database: Database) -> AppContext:
    """Make the administrator and the team's accounts; enrol the office itself."""
    from jeugdtoegang.domain.actor import Role
    from jeugdtoegang.services import auth, workstations

    admin = auth.create_first_administrator(database, ADMIN, "Bea Heer", PASSWORD)
    ctx = AppContext(database, admin)
    for username, (name, roles, team) in ACCOUNTS.items():
        auth.create_user(
            ctx,
            auth.UserInput(username, name, tuple(Role(r) for r in roles), team, None, PASSWORD),
        )
    workstations.enrol_self(ctx)
    return ctx


def join(
    admin: AppContext,
    laptop: Database,
    tmp_path: Path,
    name: str,
    roles: tuple[str, ...] = ("consulent",),
) -> None:
    """Enrol ``laptop`` at the office (``admin``) and let it join with the office's bundle."""
    from jeugdtoegang.domain.actor import Actor, Role
    from jeugdtoegang.services import sync, workstations

    nobody = AppContext(laptop, Actor("werkplek", "Werkplek", frozenset()))
    request = workstations.own_identity(nobody)
    request = dataclasses.replace(request, name=name)
    workstations.enrol(admin, request, roles=tuple(Role(r) for r in roles))
    bundle = tmp_path / f"join-{name}-{uuid.uuid4().hex[:6]}.jtsync"
    sync.export_bundle(admin, name, bundle)
    office_fp = workstations.own_identity(admin).fingerprint
    sync.join_office(laptop, bundle, office_fp, ADMIN, PASSWORD)


def dump_without_audit(database: Database) -> tuple[list[str], list[str]]:
    """(every line of the dump except the audit log's, the audit log's lines).

    The audit log (its entries, subjects and its own sequence counter) is the one place
    a refused bundle leaves a trace: the refusal itself.
    """
    lines = full_dump(database)

    def is_audit(line: str) -> bool:
        head = line.split("(")[0].split(":")[0]
        counter = "sequence_counter" in head and ("('audit'" in line or "('audit'" in line)
        return "audit" in head or counter

    audit = [line for line in lines if is_audit(line)]
    return [line for line in lines if line not in set(audit)], audit


# --- reading and forging bundles (the attacker's tools) ----------------------------------


def open_bundle(
    path: Path, team_key: str = TEAM_KEY
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(manifest, changes as dicts) of a genuine bundle."""
    import json
    import zipfile
    import zlib

    from jeugdtoegang.sync import crypto
    from jeugdtoegang.sync.bundle import _associated

    with zipfile.ZipFile(path) as archive:
        header = json.loads(archive.read("header.json"))
        payload = archive.read("payload")
    plain = crypto.decrypt(
        crypto.encryption_key(team_key.encode()),
        bytes.fromhex(header["nonce"]),
        payload,
        _associated(header["source_database_id"], header["key_id"]),
    )
    first, *rest = zlib.decompress(plain).split(b"\n")
    return json.loads(first), [json.loads(line) for line in rest if line.strip()]


def write_raw_bundle(
    target: Path,
    manifest: dict[str, Any],
    changes: list[dict[str, Any]],
    signing_key: Any,
    team_key: str = TEAM_KEY,
) -> None:
    """Sign and encrypt arbitrary change dicts as a well-formed bundle."""
    import hashlib
    import json
    import zipfile
    import zlib

    from jeugdtoegang.sync import crypto
    from jeugdtoegang.sync.bundle import FORMAT, FORMAT_VERSION, _associated
    from jeugdtoegang.sync.keys import key_id

    counts: dict[str, int] = {}
    for change in changes:
        counts[change["table"]] = counts.get(change["table"], 0) + 1
    manifest = {**manifest, "record_counts": counts, "change_count": len(changes)}
    body = json.dumps(manifest).encode() + b"\n"
    body += b"".join(json.dumps(c).encode() + b"\n" for c in changes)
    source = str(manifest["source_database_id"])
    kid = key_id(team_key.encode())
    nonce, payload = crypto.encrypt(
        crypto.encryption_key(team_key.encode()), zlib.compress(body), _associated(source, kid)
    )
    header = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "source_database_id": source,
        "signer": crypto.public_key_hex(signing_key),
        "key_id": kid,
        "nonce": nonce.hex(),
        "payload": {"sha256": hashlib.sha256(payload).hexdigest(), "size": len(payload)},
    }
    raw = json.dumps(header).encode()
    with zipfile.ZipFile(target, "w") as archive:
        archive.writestr("header.json", raw)
        archive.writestr("payload", payload)
        archive.writestr("signature", signing_key.sign(raw).hex())


def signing_key_of(database: Database) -> Any:
    from jeugdtoegang.sync.crypto import load_signing_key

    return load_signing_key(database.database_id, create=False)


def forge(
    bundle: Path,
    target: Path,
    *,
    team_key: str = TEAM_KEY,
    signing_key: Any = None,
    manifest_changes: dict[str, Any] | None = None,
    edit: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None,
) -> None:
    """Re-write a genuine bundle with changes of the attacker's choice, well signed
    (by the source workstation's own key unless another is given)."""
    import json
    import zipfile

    from jeugdtoegang.sync.crypto import load_signing_key

    manifest, changes = open_bundle(bundle)
    if signing_key is None:
        header = json.loads(zipfile.ZipFile(bundle).read("header.json"))
        signing_key = load_signing_key(uuid.UUID(header["source_database_id"]), create=False)
    manifest.update(manifest_changes or {})
    if edit is not None:
        changes = edit(changes)
        if changes:
            manifest["seq_to"] = max(manifest["seq_to"], max(int(c["seq"]) for c in changes))
    write_raw_bundle(target, manifest, changes, signing_key, team_key)
