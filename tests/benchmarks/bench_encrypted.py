"""The encrypted database (SQLCipher) next to plain SQLite: search and opening a dossier.

Run: .venv/bin/python -m pytest tests/benchmarks/bench_encrypted.py -s
     (BENCH_HOUSEHOLDS=2000 for a quick run; default 10,000 households)

One plain database is filled with fictional households and copied with ``sqlcipher_export``
into an encrypted one, so both hold exactly the same rows and indexes. The same service
calls (search by surname prefix and by BSN, ``get_household`` with its logged read) run on
both, interleaved query by query so that machine load hits both alike; the baseline is the
plain database doing the same work. A bare-library pair (raw sqlite3 vs raw sqlcipher3,
the same BSN query) shows the cipher's own cost without the program around it. Figures:
wall-clock p95 per call and the CPU time (``time.process_time``) of all calls.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import local_actor
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import Database, initialise, open_database
from jeugdtoegang.storage.encrypted_db import export_copy
from tests.benchmarks._report import percentile, report

HOUSEHOLDS = int(os.environ.get("BENCH_HOUSEHOLDS", "10000"))
CALLS = int(os.environ.get("BENCH_CALLS", "200"))


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppContext, AppContext, bytes]:
    folder = tmp_path_factory.mktemp("bench-encrypted")
    plain_path = folder / "plain.sqlite"
    plain = open_database(str(plain_path))
    initialise(plain, "twente")
    ctx = AppContext(plain, local_actor())
    made = 0
    while made < HOUSEHOLDS:
        step = min(5000, HOUSEHOLDS - made)
        generate_households(ctx, step, seed=made)
        made += step
    secret_path = folder / "secret.sqlite"
    key = encryption.dek_from_recovery(encryption.new_recovery_key())
    plain.close()  # never two SQLite libraries (sqlite3, sqlcipher3) on one open file
    export_copy(plain_path, secret_path, None, key)
    plain = open_database(str(plain_path))
    ctx = AppContext(plain, local_actor())
    encryption.create_key_file(secret_path, key, [])
    secret = open_database(str(secret_path), key=key)
    assert secret.encrypted and not secret_path.read_bytes().startswith(b"SQLite format 3")
    return ctx, AppContext(secret, local_actor()), key


def _interleaved(
    calls: list[tuple[Callable[[], object], Callable[[], object]]],
) -> tuple[list[float], list[float], float, float]:
    """Time each pair (plain, encrypted) back to back: wall ms per call, CPU s in total."""
    plain_ms, secret_ms, plain_cpu, secret_cpu = [], [], 0.0, 0.0
    for plain_call, secret_call in calls[:3]:  # warm-up
        plain_call()
        secret_call()
    for plain_call, secret_call in calls:
        cpu, start = time.process_time(), time.perf_counter()
        plain_call()
        plain_ms.append((time.perf_counter() - start) * 1000)
        plain_cpu += time.process_time() - cpu
        cpu, start = time.process_time(), time.perf_counter()
        secret_call()
        secret_ms.append((time.perf_counter() - start) * 1000)
        secret_cpu += time.process_time() - cpu
    return plain_ms, secret_ms, plain_cpu, secret_cpu


def _print(label: str, result: tuple[list[float], list[float], float, float]) -> None:
    plain_ms, secret_ms, plain_cpu, secret_cpu = result
    report(f"{label} p95 (encrypted vs plain)", percentile(secret_ms, 0.95),
           percentile(plain_ms, 0.95), "ms", "encrypted next to plain")  # fmt: skip
    report(f"{label} CPU of {len(plain_ms)} calls", secret_cpu * 1000, plain_cpu * 1000, "ms",
           "encrypted next to plain")  # fmt: skip


def _path(database: Database) -> Path:
    path = database.path
    assert path is not None
    return path


def test_search_and_dossier_open_on_the_encrypted_database_next_to_plain_sqlite(
    pair: tuple[AppContext, AppContext, bytes],
) -> None:
    plain, secret, key = pair
    raw = sqlite3.connect(_path(plain.database))
    rng = random.Random(5)
    surnames = [r[0] for r in raw.execute("SELECT DISTINCT surname FROM person")]
    bsns = [r[0] for r in raw.execute("SELECT bsn FROM person WHERE bsn IS NOT NULL")]
    ids = [r[0] for r in raw.execute("SELECT id FROM household")]
    print(f"\nhouseholds: {len(ids)}, persons: {len(bsns)}, load average: {os.getloadavg()}")
    print(f"file sizes: plain {_path(plain.database).stat().st_size / 1e6:.1f} MB, "
          f"encrypted {_path(secret.database).stat().st_size / 1e6:.1f} MB")  # fmt: skip

    def both(function: Callable[[AppContext, str], object], values: list[str]) -> list:
        return [(lambda v=v: function(plain, v), lambda v=v: function(secret, v)) for v in values]

    prefixes = [rng.choice(surnames)[:4] for _ in range(CALLS)]
    _print("search, surname prefix", _interleaved(both(households.search_households, prefixes)))
    picked = [rng.choice(bsns) for _ in range(CALLS)]
    _print("search, BSN", _interleaved(both(households.search_households, picked)))
    import uuid

    dossiers = [rng.choice(ids) for _ in range(CALLS)]
    _print(
        "dossier open (get_household, logged)",
        _interleaved(both(lambda c, i: households.get_household(c, uuid.UUID(i)), dossiers)),
    )

    from sqlcipher3 import dbapi2

    cipher = dbapi2.connect(str(_path(secret.database)))
    cipher.execute(f'PRAGMA key = "{encryption.raw_key_pragma(key)}"')
    query = (
        "SELECT h.id, h.name, p2.first_name FROM person p JOIN household h ON h.id = "
        "p.household_id JOIN person p2 ON p2.household_id = h.id WHERE p.bsn = ?"
    )
    _print(
        "bare library: BSN query, sqlcipher3 vs sqlite3",
        _interleaved(
            [
                (
                    lambda b=b: raw.execute(query, (b,)).fetchall(),
                    lambda b=b: cipher.execute(query, (b,)).fetchall(),
                )
                for b in picked
            ]
        ),
    )
    start = time.perf_counter()
    for _ in range(20):
        open_database(str(_path(plain.database))).close()
    plain_open = (time.perf_counter() - start) / 20 * 1000
    start = time.perf_counter()
    for _ in range(20):
        open_database(str(_path(secret.database)), key=key).close()
    secret_open = (time.perf_counter() - start) / 20 * 1000
    report("open database (engines, schema check)", secret_open, plain_open, "ms",
           "encrypted next to plain")  # fmt: skip
    cipher.close()
    raw.close()
