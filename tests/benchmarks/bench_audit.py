"""Audit log costs: logging overhead when opening a dossier, and verifying 1,000,000 entries.

Run: .venv/bin/pytest tests/benchmarks/bench_audit.py -s
Targets: opening a dossier with durable read logging (the entry is in the crash-safe journal
before the data are returned) ≤ 1.2x the time without logging; verifying a chain
of 1,000,000 entries ≤ 30 s; the first page of a dossier's Logboek among 1,000,000 entries
≤ 5 ms. Baselines measured in the same run: ``get_household`` without a purpose (no audit
entry); for verification a plain HMAC loop over the same rows with the raw sqlite3 read of
them (and of the person index, chunk by chunk, as verification reads it); for the Logboek
the same statements (members, the keyed index ranges) in bare sqlite3.

The two databases of 1,000,000 entries take minutes to build, so they are kept in
``JEUGDTOEGANG_BENCH_CACHE`` (default ``~/.cache/jeugdtoegang-bench``), keyed by schema head and
size, and copied for each run (``JEUGDTOEGANG_BENCH_CACHE=off`` builds every time). The benchmark
uses a fixed log key (``JEUGDTOEGANG_AUDIT_KEY``) so a kept database verifies.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_chain import (
    GENESIS,
    KEY_ENV,
    audit_key,
    canonical,
    chain_genesis,
    chain_hash,
    key_id,
    seq_text,
    write_anchor,
)
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.migrate import SCHEMA_HEAD
from tests.benchmarks._report import median, report, time_calls

ENTRIES = int(os.environ.get("JT_AUDIT_ENTRIES", "1000000"))
#: the entries are spread over this many chains (writers), interleaved as on a server
CHAINS = 4
CONSULTANT = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}))
#: the log key of every run (a kept database must verify under the key it was built with)
BENCH_KEY = "jeugdtoegang benchmark log key, not a secret"
CACHE = os.environ.get(
    "JEUGDTOEGANG_BENCH_CACHE", str(Path.home() / ".cache" / "jeugdtoegang-bench")
)


@pytest.fixture(autouse=True)
def _fixed_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV, BENCH_KEY)


def _kept(name: str, path: Path, build: Callable[[], object]) -> bool:
    """Make the database at ``path`` with ``build`` (which leaves it closed) or copy the
    kept one of this schema head and size; True when the copy was used."""
    if CACHE == "off":
        build()
        return False
    kept = Path(CACHE) / f"{name}-{SCHEMA_HEAD}-{ENTRIES}.sqlite"
    if kept.exists():
        shutil.copyfile(kept, path)
        return True
    build()
    kept.parent.mkdir(parents=True, exist_ok=True)
    partial = kept.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(path)
    connection.execute("VACUUM INTO ?", (str(partial),))
    connection.close()
    partial.rename(kept)
    return False


def _anchors_from_registry(path: Path, database_id: uuid.UUID) -> None:
    """Write each chain's anchor file from the registry (as the writers did after commit)."""
    connection = sqlite3.connect(path)
    for number, head_seq, head_hash in connection.execute(
        "SELECT number, head_seq, head_hash FROM audit_chain"
    ):
        write_anchor(database_id, head_seq, head_hash, number)
    connection.close()


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
    path = tmp_path / "chain.sqlite"

    def build() -> None:
        database = open_database(str(path))
        initialise(database, "zuidoost-utrecht")
        database_id = database.database_id
        database.close()
        _fill_chain(path, database_id, ENTRIES)

    start = time.perf_counter()
    kept = _kept("chain", path, build)
    how = "copied the kept database" if kept else "generated (raw executemany)"
    print(f"\n  {ENTRIES:,} chained entries: {how} in {time.perf_counter() - start:.1f} s")
    database = open_database(str(path))
    _anchors_from_registry(path, database.database_id)

    cpu, start = time.process_time(), time.perf_counter()
    result = audit.verify_chain(database)
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - cpu
    assert result.ok and result.checked == ENTRIES and result.chains == CHAINS, result

    key = audit_key()
    cpu, start = time.process_time(), time.perf_counter()
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
    plain, plain_cpu = time.perf_counter() - start, time.process_time() - cpu
    del rows
    # the same reads as verification (the log and its person index, in chunks of
    # audit.BATCH by key) with the plain HMAC of each row
    cpu, start = time.process_time(), time.perf_counter()
    after, previous = 0, {}
    while chunk := raw.execute(
        "SELECT seq, chain_id, chain_seq, id, created_at, created_by, role, action, "
        "object_type, object_id, person_ids, purpose, outcome, key_id, chain_hash "
        "FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, audit.BATCH),
    ).fetchall():
        for row in chunk:
            previous[row[1]] = (
                hmac.new(
                    key,
                    previous.get(row[1], b"") + "\x1f".join(map(str, row[:14])).encode(),
                    hashlib.sha256,
                )
                .hexdigest()
                .encode()
            )
        raw.execute(
            "SELECT entry_seq, person_id FROM audit_subject WHERE entry_seq >= ? "
            "AND entry_seq <= ?",
            (after + 1, chunk[-1][0]),
        ).fetchall()
        after = chunk[-1][0]
    same, same_cpu = time.perf_counter() - start, time.process_time() - cpu
    raw.close()
    label = f"verify {ENTRIES:,} entries in {CHAINS} chains"
    target = f"≤ {30 * ENTRIES / 1_000_000:.1f} s"
    report(f"{label} vs raw read + plain HMAC", ours, plain, "s", target)
    report(f"{label} vs raw sqlite3 read only", ours, read_only, "s", target)
    report(f"{label} vs the same chunked reads + HMAC", ours, same, "s", target)
    report("  the same, CPU time", ours_cpu, same_cpu, "s", target)
    report("  CPU time vs raw read + plain HMAC", ours_cpu, plain_cpu, "s", target)
    print(f"  per 1,000,000 entries: {ours * 1_000_000 / ENTRIES:.1f} s (target 30 s)")
    database.close()


def _fill_log(path: Path, count: int, dossier: uuid.UUID, members: list[uuid.UUID]) -> int:
    """``count`` entries about 20,000 dossiers and 50,000 persons (raw executemany, one
    chain; the Logboek does not verify); every 5,000th is about ``dossier`` or one of its
    ``members``. Returns how many concern the dossier."""
    connection = sqlite3.connect(path)
    others = [uuid.uuid4() for _ in range(20_000)]
    persons = [uuid.uuid4().hex for _ in range(50_000)]
    base = datetime(2026, 1, 1, tzinfo=UTC)
    concerning = 0
    rows: list[tuple[object, ...]] = []
    subjects: list[tuple[str, int]] = []
    for seq in range(1, count + 1):
        if seq % 5000 == 0:
            concerning += 1
            obj, who = dossier, [members[seq % len(members)].hex]
        else:
            obj, who = others[seq % len(others)], [persons[(seq * 7) % len(persons)]]
        rows.append(
            (uuid.uuid4().hex, seq, 0, seq,  # chain 0: outside the registry
             (base + timedelta(milliseconds=seq * 37)).strftime("%Y-%m-%d %H:%M:%S.%f"),
             "c.jansen", "consulent", "inzien", "household", obj.hex,
             json.dumps([str(uuid.UUID(p)) for p in who]), "dossier inzien", "ok", "0" * 64, "k")
        )  # fmt: skip
        subjects.extend((p, seq) for p in who)
        if len(rows) == 50_000:
            _insert_plain(connection, rows, subjects)
            rows, subjects = [], []
    _insert_plain(connection, rows, subjects)
    connection.commit()
    connection.close()
    return concerning


def _insert_plain(
    connection: sqlite3.Connection, rows: list[tuple[object, ...]], subjects: list[tuple[str, int]]
) -> None:
    connection.executemany(
        "INSERT INTO audit_log (id, seq, chain_id, chain_seq, created_at, created_by, role, "
        "action, object_type, object_id, person_ids, purpose, outcome, chain_hash, key_id) "
        "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        rows,
    )
    connection.executemany(
        "INSERT INTO audit_subject (person_id, entry_seq) VALUES (?, ?)", subjects
    )


def _bare_page_sql(members: int, before: bool) -> str:
    """The statement of one Logboek page as the service builds it: each source (the two
    dossier object types, each member) its own keyed index range with its own limit."""
    older = " AND seq < ?" if before else ""
    older_subject = " AND entry_seq < ?" if before else ""
    sources = [
        f"SELECT seq FROM (SELECT seq FROM audit_log WHERE object_type = '{kind}' "
        f"AND object_id = ?{older} ORDER BY seq DESC LIMIT ?)"
        for kind in audit.DOSSIER_OBJECT_TYPES
    ]
    sources += [
        f"SELECT seq FROM (SELECT entry_seq AS seq FROM audit_subject WHERE person_id = ?"
        f"{older_subject} ORDER BY entry_seq DESC LIMIT ?)"
    ] * members
    return (
        f"SELECT * FROM audit_log WHERE seq IN ({' UNION ALL '.join(sources)}) "
        "ORDER BY seq DESC LIMIT ?"
    )


def test_logboek_of_a_dossier_among_a_million_entries(tmp_path: Path) -> None:
    """The dossier's Logboek tab (issue 19: ≤ 5 ms at 1,000,000 entries): its first page
    (the newest PAGE_SIZE entries) and a page further back by key, beside the bare sqlite3
    statements of the same pages through the same indexes."""
    path = tmp_path / "logboek.sqlite"

    def build() -> None:
        database = open_database(str(path))
        initialise(database, "zuidoost-utrecht")
        ctx = AppContext(database, CONSULTANT)
        household_id = generate_households(ctx, 1, seed=5)[0]
        detail = households.get_household(ctx, household_id, purpose=None)
        audit.flush_pending(database)
        database.close()
        _fill_log(path, ENTRIES, household_id, [m.id for m in detail.members])

    start = time.perf_counter()
    kept = _kept("logboek", path, build)
    how = "copied the kept database" if kept else "generated (raw executemany)"
    print(f"\n  {ENTRIES:,} entries: {how} in {time.perf_counter() - start:.1f} s")
    database = open_database(str(path))
    ctx = AppContext(database, CONSULTANT)
    raw = sqlite3.connect(path)
    (hid,) = raw.execute("SELECT id FROM household").fetchone()
    household_id = uuid.UUID(hid)
    concerning = ENTRIES // 5000
    every = audit.dossier_log(ctx, household_id)
    assert len(every) >= concerning
    first_page = audit.dossier_log_page(ctx, household_id)
    # (each reading writes an entry on the dossier: the next page holds one more)
    assert len(first_page.entries) == min(audit.PAGE_SIZE, len(every) + 1)
    deep = every[min(len(every) - 1, 3 * audit.PAGE_SIZE)].seq  # the fourth page's key
    size = audit.PAGE_SIZE + 1  # (one more tells whether there are older entries)
    members_sql = (
        "SELECT household.id, person.id FROM household LEFT OUTER JOIN person "
        "ON person.household_id = household.id WHERE household.id = ?"
    )

    def bare(before: int | None) -> None:
        """The same statements with raw sqlite3: dossier and members, then the page."""
        members = [r[1] for r in raw.execute(members_sql, (hid,)) if r[1] is not None]
        sql = _bare_page_sql(len(members), before is not None)
        args: list[object] = []
        for _kind in audit.DOSSIER_OBJECT_TYPES:
            args += [hid, *([before] if before is not None else []), size]
        for person in members:
            args += [person, *([before] if before is not None else []), size]
        raw.execute(sql, [*args, size]).fetchall()

    def timed(function: Callable[[], object], repeat: int = 20) -> tuple[float, float]:
        """Median wall ms and mean CPU ms of ``repeat`` calls (the queue drained before)."""
        walls, cpus = [], []
        for _ in range(repeat):
            audit.flush_pending(database)
            cpu, wall = time.process_time(), time.perf_counter()
            function()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        return median(walls), sum(cpus) / len(cpus)

    def ours(before: int | None) -> Callable[[], object]:
        return lambda: audit.dossier_log_page(ctx, household_id, before=before)

    for before in (None, deep):  # warm up
        ours(before)()
        bare(before)
    figures: dict[str, list[float]] = {}
    for _ in range(5):  # interleaved against machine noise
        for name, before in (("first", None), ("deep", deep)):
            wall, cpu = timed(ours(before))
            figures.setdefault(f"{name} wall", []).append(wall)
            figures.setdefault(f"{name} cpu", []).append(cpu)
            wall, cpu = timed(lambda before=before: bare(before))  # type: ignore[misc]
            figures.setdefault(f"{name} bare wall", []).append(wall)
            figures.setdefault(f"{name} bare cpu", []).append(cpu)
    with_pending = timed(lambda: (audit.dossier_log_page(ctx, household_id),
                                  audit.flush_pending(database)))  # fmt: skip
    old_way = timed(lambda: audit.dossier_log(ctx, household_id))  # everything, one list
    raw.close()
    label = f"Logboek first page ({audit.PAGE_SIZE}) among {ENTRIES:,} entries"
    m = {name: median(values) for name, values in figures.items()}
    report(f"{label} (median)", m["first wall"], m["first bare wall"], "ms", "≤ 5 ms")
    report("  the same, CPU time (mean)", m["first cpu"], m["first bare cpu"], "ms", "≤ 5 ms")
    report(f"  fourth page (before={deep}), median", m["deep wall"], m["deep bare wall"], "ms",
           "≤ 5 ms")  # fmt: skip
    report("  fourth page, CPU time (mean)", m["deep cpu"], m["deep bare cpu"], "ms", "≤ 5 ms")
    print(f"  with writing its own read entry (the next opening's flush): {with_pending[0]:.2f} ms "
          f"wall, {with_pending[1]:.2f} ms CPU (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
    print(f"  every entry on the dossier as one list ({len(every)}; CLI/inzage, not the tab): "
          f"{old_way[0]:.2f} ms wall, {old_way[1]:.2f} ms CPU")  # fmt: skip
    print(f"  target ≤ 5 ms at 1,000,000 entries: "
          f"{'met' if m['first wall'] <= 5 else 'NOT met'} (JT_AUDIT_ENTRIES={ENTRIES:,})")  # fmt: skip
    database.close()
