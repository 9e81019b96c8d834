"""Audit log costs: logging overhead when opening a dossier, and verifying 1,000,000 entries.

Run: .venv/bin/pytest tests/benchmarks/bench_audit.py -s
Targets: opening a dossier with durable read logging (the entry is in the crash-safe journal
before the data are returned) ≤ 1.2x the time without logging; verifying a chain
of 1,000,000 entries ≤ 30 s. Baselines measured in the same run: ``get_household`` without
a purpose (no audit entry), and for verification a plain HMAC loop over the same rows and
the raw sqlite3 read of them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import sqlite3
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    audit_key,
    canonical,
    chain_genesis,
    chain_hash,
    key_id,
    seq_text,
    write_anchor,
)
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.engine import sqlite_path
from tests.benchmarks._report import median, report, time_calls

ENTRIES = int(os.environ.get("JT_AUDIT_ENTRIES", "1000000"))
#: the entries are spread over this many chains (writers), interleaved as on a server
CHAINS = 4
CONSULTANT = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}))


@pytest.fixture(scope="module")
def dossier_ctx(tmp_path_factory: pytest.TempPathFactory) -> AppContext:
    database = open_database(str(tmp_path_factory.mktemp("bench") / "audit.sqlite"))
    initialise(database, "zuidoost-utrecht")
    ctx = AppContext(database, CONSULTANT)
    generate_households(ctx, 2000, seed=3)
    return ctx


def test_audit_logging_overhead_when_opening_a_dossier(dossier_ctx: AppContext) -> None:
    ids = [row.id for row in households.list_households(dossier_ctx, 0, 200)]
    position = iter(range(10**9))

    def with_log() -> None:
        households.get_household(
            dossier_ctx, ids[next(position) % len(ids)], purpose="dossier inzien"
        )

    def without_log() -> None:
        households.get_household(dossier_ctx, ids[next(position) % len(ids)], purpose=None)

    rounds_with, rounds_without = [], []
    for _ in range(5):  # interleave to even out machine noise
        rounds_without.append(median(time_calls(without_log, 200)))
        rounds_with.append(median(time_calls(with_log, 200)))
    ours, base = median(rounds_with), median(rounds_without)
    report("open dossier with durable read entry (median)", ours, base, "ms", "≤ 1.20x")
    print(f"  audit logging adds {ours - base:.3f} ms ({(ours / base - 1) * 100:.1f}%)")


def _fill_chain(path: Path, database_id: uuid.UUID, count: int) -> float:
    """Write ``count`` valid entries in CHAINS interleaved chains with raw sqlite3
    executemany (the registry rows and the chains' anchors too); returns seconds."""
    key = audit_key()
    kid = key_id(key)
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute("DELETE FROM audit_subject")
    connection.execute("DELETE FROM audit_log")
    connection.execute("DELETE FROM audit_chain")
    base = datetime(2026, 1, 1, tzinfo=UTC)
    genesis, heads = GENESIS, {}
    for number in range(1, CHAINS + 1):
        who = f"bench-{number}"
        genesis = chain_genesis(key, genesis, number, base, who)
        heads[number] = [0, genesis, genesis]  # head number, previous hash, genesis
    batch: list[tuple[object, ...]] = []
    persons = [str(uuid.uuid4()) for _ in range(500)]
    for seq in range(1, count + 1):
        chain = (seq * 7 // 5) % CHAINS + 1  # uneven interleaving
        head = heads[chain]
        head[0] += 1
        entry_id = uuid.uuid4()
        at = base + timedelta(milliseconds=seq * 37)
        person = [persons[seq % len(persons)]]
        obj = uuid.UUID(int=seq)
        head[1] = chain_hash(
            key,
            head[1],
            canonical(seq_text(head[0], seq), entry_id, at, "c.jansen", "consulent", "inzien",
                      "household", obj, person, "dossier inzien", "ok", kid),
        )  # fmt: skip
        batch.append(
            (entry_id.hex, seq, chain, head[0], at.strftime("%Y-%m-%d %H:%M:%S.%f"),
             "c.jansen", "consulent", "inzien", "household", obj.hex, json.dumps(person),
             "dossier inzien", "ok", head[1], kid)
        )  # fmt: skip
        if len(batch) == 50_000:
            _insert(connection, batch)
            batch = []
    _insert(connection, batch)
    connection.executemany(
        "INSERT INTO audit_chain (id, number, genesis, created_at, created_by, head_seq, "
        "head_hash) VALUES (?,?,?,?,?,?,?)",
        [
            (uuid.uuid4().hex, number, head[2], base.strftime("%Y-%m-%d %H:%M:%S.%f"),
             f"bench-{number}", head[0], head[1])
            for number, head in heads.items()
        ],
    )  # fmt: skip
    connection.commit()
    connection.close()
    for number, head in heads.items():  # as the writers do after each commit
        write_anchor(database_id, head[0], head[1], number)
    return time.perf_counter() - start


def _insert(connection: sqlite3.Connection, rows: list[tuple[object, ...]]) -> None:
    connection.executemany(
        "INSERT INTO audit_log (id, seq, chain_id, chain_seq, created_at, created_by, role, "
        "action, object_type, object_id, person_ids, purpose, outcome, chain_hash, key_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    # the person index (covered by the chain since issue 15)
    connection.executemany(
        "INSERT INTO audit_subject (person_id, entry_seq) VALUES (?, ?)",
        [(uuid.UUID(person).hex, row[1]) for row in rows for person in json.loads(row[10])],
    )


def test_verifying_a_chain_of_a_million_entries(tmp_path: Path) -> None:
    database = open_database(str(tmp_path / "chain.sqlite"))
    initialise(database, "zuidoost-utrecht")
    path = sqlite_path(database.url)
    assert path is not None
    made = _fill_chain(path, database.database_id, ENTRIES)
    print(f"\n  generated {ENTRIES:,} chained entries in {made:.1f} s (raw executemany)")

    start = time.perf_counter()
    result = audit.verify_chain(database)
    ours = time.perf_counter() - start
    assert result.ok and result.checked == ENTRIES and result.chains == CHAINS, result

    key = audit_key()
    start = time.perf_counter()
    raw = sqlite3.connect(path)
    rows = raw.execute(
        "SELECT seq, id, created_at, created_by, role, action, object_type, object_id, "
        "person_ids, purpose, outcome, key_id, chain_id, chain_seq, chain_hash FROM audit_log "
        "ORDER BY seq"
    ).fetchall()
    read_only = time.perf_counter() - start
    previous: dict[int, bytes] = {}
    for row in rows:  # the same HMAC work, one running hash per chain
        previous[row[12]] = (
            hmac.new(
                key,
                previous.get(row[12], b"") + "\x1f".join(map(str, row[:12])).encode(),
                hashlib.sha256,
            )
            .hexdigest()
            .encode()
        )
    plain = time.perf_counter() - start
    raw.close()
    label = f"verify {ENTRIES:,} entries in {CHAINS} chains"
    target = f"≤ {30 * ENTRIES / 1_000_000:.1f} s"
    report(f"{label} vs raw read + plain HMAC", ours, plain, "s", target)
    report(f"{label} vs raw sqlite3 read only", ours, read_only, "s", target)
    print(f"  per 1,000,000 entries: {ours * 1_000_000 / ENTRIES:.1f} s (target 30 s)")
    database.close()
