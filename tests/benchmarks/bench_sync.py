"""Sync export and import of 10,000 changed records vs bare libraries doing the same work.

Run: pytest tests/benchmarks/bench_sync.py -s   (add JEUGDTOEGANG_TEST_PG=... for PostgreSQL)
Targets: export ≤ 1 s, import ≤ 3 s (both including encryption, signature, enrolment check,
authorisation of every change and validation of every row).
The laptop is enrolled at the office and joined it (accounts travelled); the records are
a consultant's work (per household: one parent and two children). Printed (wall-clock,
then CPU time of this process) at 1,000
and at 10,000 records, each beside a bare-library baseline doing the same work:

* export baseline: raw sqlite3 runs the same change-log query on the laptop's file, writes
  the same JSON line per record, zlib, AES-256-GCM, Ed25519, a zip fsynced to disk;
* import baseline: reads, verifies, decrypts, inflates and parses a signed, encrypted zip
  of the same records, then writes them and their change-log rows with raw sqlite3 into
  a copy of the office database taken just before our import (same tables, indexes and
  pragmas) in one transaction; like ours, the change log keeps each snapshot's JSON text
  as the bundle carried it (sliced from the line, not serialised again).

Ours does on top: enrolment check, authorisation of every change, validation of every
row, conflict detection against the local state, and the audit entries. On PostgreSQL the
baseline is the bare libraries without a database (the floor of the format).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import time
import uuid
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import auth
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.engine import sqlite_path
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.sync.keys import ENV_KEY
from tests.benchmarks._report import report
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    join,
    office_with_accounts,
    open_bundle,
)

HOUSEHOLDS = 2_500
PERSONS_PER_HOUSEHOLD = 3  # 2,500 + 7,500 = 10,000 records
ACTOR = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")


def _fill(ctx: AppContext, households: int = HOUSEHOLDS) -> None:
    with ctx.uow() as uow:
        household_ids = bulk_insert(
            uow.session,
            Household,
            [
                {
                    "dossier_number": f"2026-{n:05d}",
                    "name": f"Gezin {n}",
                    "street": "Dorpsstraat",
                    "house_number": str(n),
                    "postcode": "3701AB",
                    "city": "Zeist",
                    "gemeente_code": "0355",
                    "gemeente": "Zeist",
                    "team": "Team Zeist",
                }
                for n in range(households)
            ],
            ACTOR.username,
        )
        persons = []
        for index, household_id in enumerate(household_ids):
            for k in range(PERSONS_PER_HOUSEHOLD):
                persons.append(
                    {
                        "household_id": household_id,
                        "role": "jeugdige" if k else "ouder",
                        "first_name": f"Voornaam{k}",
                        "surname": f"Achternaam{index}",
                        "birth_date": date(2012, 1, 1 + k),
                        "bsn": None,
                        "has_gezag": k == 0,
                        "search_surname": f"achternaam{index}",
                        "search_first": f"voornaam{k}",
                        "sort_key": f"{k}",
                    }
                )
        bulk_insert(uow.session, Person, persons, ACTOR.username)
        uow.commit()


def _clock() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


def _since(start: tuple[float, float]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) since ``start``."""
    wall, cpu = _clock()
    return wall - start[0], cpu - start[1]


def _bare_export(laptop_file: Path, seq_from: int, target: Path) -> tuple[float, float]:
    """Raw sqlite3 doing the export's work: the same change-log query, one JSON line per
    record (the same fields), zlib, AES-256-GCM, Ed25519, a zip fsynced to disk."""
    signer = Ed25519PrivateKey.generate()
    key = os.urandom(32)
    start = _clock()
    connection = sqlite3.connect(laptop_file)
    rows = connection.execute(
        "SELECT seq, table_name, record_id, version, operation, data, created_at, created_by,"
        " origin_db FROM change_log WHERE seq >= ? ORDER BY seq",
        (seq_from,),
    ).fetchall()
    latest = {}
    for row in rows:
        latest[(row[1], row[2])] = row
    lines = []
    for seq, table, record_id, version, op, data, created_at, created_by, origin in sorted(
        latest.values()
    ):
        head = json.dumps(
            {
                "seq": seq,
                "table": table,
                "id": str(uuid.UUID(record_id)),
                "version": version,
                "op": op,
                "updated_at": created_at,
                "updated_by": created_by,
                "origin": origin,
                "data": None,
                "history": [],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        lines.append(head.replace('"data":null', f'"data":{data}', 1))
    connection.close()
    body = ("\n".join(lines) + "\n").encode()
    nonce = os.urandom(12)
    payload = AESGCM(key).encrypt(nonce, zlib.compress(body, 1), b"")
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest()}).encode()
    with open(target, "wb") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("header.json", header)
            archive.writestr("payload", payload)
            archive.writestr("signature", signer.sign(header).hex())
        handle.flush()
        os.fsync(handle.fileno())
    elapsed = _since(start)
    assert len(lines) == len(latest)
    return elapsed


def _db_value(value: object) -> object:
    """A snapshot value as SQLite stores it (UUIDs as 32 hex digits)."""
    if isinstance(value, str) and len(value) == 36 and value.count("-") == 4:
        return value.replace("-", "")
    if isinstance(value, bool):
        return int(value)
    return value


def _bare_import(bundle: Path, office_copy: Path) -> tuple[float, float]:
    """Raw sqlite3 doing the import's work: read and verify a signed, encrypted bundle of
    the same records, then write them and their change-log rows into the same tables
    (same schema, indexes and pragmas: a copy of the office database) in one transaction."""
    _, records = open_bundle(bundle)
    signer = Ed25519PrivateKey.generate()
    key = os.urandom(32)
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    nonce = os.urandom(12)
    payload = AESGCM(key).encrypt(nonce, zlib.compress(body, 1), b"")
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest()}).encode()
    packed = office_copy.with_suffix(".zip")
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("header.json", header)
        archive.writestr("payload", payload)
        archive.writestr("signature", signer.sign(header).hex())

    start = _clock()
    with zipfile.ZipFile(packed) as archive:
        header = archive.read("header.json")
        signer.public_key().verify(bytes.fromhex(archive.read("signature").decode()), header)
        payload = archive.read("payload")
    assert hashlib.sha256(payload).hexdigest() == json.loads(header)["sha256"]
    data = zlib.decompress(AESGCM(key).decrypt(nonce, payload, b""))
    lines = data.splitlines()
    changes = [json.loads(line) for line in lines]
    # the change log keeps each snapshot's JSON text as the bundle carried it (as ours)
    snapshots = [
        line[line.index(b'"data": ') + 8 : line.rindex(b', "history": ')].decode() for line in lines
    ]
    connection = sqlite3.connect(office_copy, isolation_level=None)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA synchronous = NORMAL")
    connection.execute("BEGIN IMMEDIATE")
    by_table: dict[str, list[dict[str, object]]] = {}
    for change in changes:
        by_table.setdefault(change["table"], []).append(change["data"])
    for table in ("household", "person"):
        rows = by_table.get(table, [])
        columns = list(rows[0])
        connection.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
            [tuple(_db_value(row[c]) for c in columns) for row in rows],
        )
    (last,) = connection.execute("SELECT coalesce(max(seq), 0) FROM change_log").fetchone()
    connection.executemany(
        "INSERT INTO change_log (id, seq, table_name, record_id, version, operation, data, "
        "created_at, created_by, origin_db) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                uuid.uuid4().hex,
                last + n,
                change["table"],
                _db_value(change["id"]),
                change["version"],
                "insert",
                snapshots[n - 1],
                change["updated_at"],
                change["updated_by"],
                _db_value(change["origin"]),
            )
            for n, change in enumerate(changes, start=1)
        ],
    )
    connection.execute("COMMIT")
    connection.close()
    return _since(start)


Pair = tuple[float, float]


def _measure(tmp_path: Path, households: int) -> tuple[Pair, Pair, Pair, Pair, int, int]:
    """(export, bare export, import, bare import, records, bundle bytes) at one scale;
    each time as (wall-clock, CPU) seconds."""
    folder = tmp_path / f"n{households}"
    folder.mkdir()
    factory = DatabaseFactory(folder, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    try:
        office = factory.create("kantoor")
        laptop = factory.create("laptop")
        join(office_with_accounts(office), laptop, folder, "laptop")
        source = AppContext(laptop, ACTOR)
        target = AppContext(office, ACTOR)
        with source.database.read_sessions() as session:
            (seq_from,) = session.execute(
                text("SELECT coalesce(max(seq), 0) + 1 FROM change_log")
            ).one()
        _fill(source, households)
        bundle = folder / "bench.jtsync"
        sqlite = source.database.dialect == "sqlite"
        office_copy = folder / "kantoor-bare.sqlite"
        if sqlite:
            _copy_sqlite(office, office_copy)

        start = _clock()
        exported = sync_service.export_bundle(source, "kantoor", bundle)
        export_s = _since(start)
        records = households * (1 + PERSONS_PER_HOUSEHOLD)
        assert exported.record_count == records

        start = _clock()
        imported = sync_service.import_bundle(target, bundle)
        import_s = _since(start)
        assert imported.applied == records

        if sqlite:
            bare_out = _bare_export(_file_of(laptop), seq_from, folder / "bare.zip")
            bare_in = _bare_import(bundle, office_copy)
        else:  # PostgreSQL: the bare libraries without a database (the floor of the format)
            _, changes = open_bundle(bundle)
            out, back = _bare_round_trip(changes, folder)
            bare_out, bare_in = (out, out), (back, back)
        return export_s, bare_out, import_s, bare_in, records, bundle.stat().st_size
    finally:
        factory.close()


def _file_of(database: object) -> Path:
    path = sqlite_path(str(database.url))  # type: ignore[attr-defined]
    assert path is not None
    return path


def _copy_sqlite(database: object, target: Path) -> None:
    source = sqlite3.connect(_file_of(database))
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()


def _bare_round_trip(records: list[dict[str, object]], folder: Path) -> tuple[float, float]:
    target = folder / "bare.zip"
    signer = Ed25519PrivateKey.generate()
    key = os.urandom(32)
    start = time.perf_counter()
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    nonce = os.urandom(12)
    payload = AESGCM(key).encrypt(nonce, zlib.compress(body, 1), b"")
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest()}).encode()
    with open(target, "wb") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("header.json", header)
            archive.writestr("payload", payload)
            archive.writestr("signature", signer.sign(header).hex())
        handle.flush()
        os.fsync(handle.fileno())
    out = time.perf_counter() - start
    start = time.perf_counter()
    with zipfile.ZipFile(target) as archive:
        header = archive.read("header.json")
        signer.public_key().verify(bytes.fromhex(archive.read("signature").decode()), header)
        payload = archive.read("payload")
    assert hashlib.sha256(payload).hexdigest() == json.loads(header)["sha256"]
    data = zlib.decompress(AESGCM(key).decrypt(nonce, payload, b""))
    parsed = [json.loads(line) for line in data.splitlines()]
    back = time.perf_counter() - start
    assert len(parsed) == len(records)
    return out, back


def test_export_and_import_of_10000_changed_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    print()
    for households in (HOUSEHOLDS // 10, HOUSEHOLDS):
        export_s, bare_out, import_s, bare_in, records, size = _measure(tmp_path, households)
        label = f"{records:,} records"
        big = records >= 10_000
        for clock, index in (("", 0), (" CPU", 1)):
            report(
                f"sync export {label}{clock}",
                export_s[index],
                bare_out[index],
                "s",
                "≤ 1 s" if big and not index else "-",
            )
            report(
                f"sync import {label}{clock}",
                import_s[index],
                bare_in[index],
                "s",
                "≤ 3 s" if big and not index else "-",
            )
        print(f"bundle size ({label}) {size / 1e6:.2f} MB", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f}", flush=True)
