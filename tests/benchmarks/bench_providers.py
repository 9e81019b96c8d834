"""Provider selection and catalogue import, each next to a raw-sqlite3 baseline.

Run: .venv/bin/pytest tests/benchmarks/bench_providers.py -s -p no:randomly
Targets: eligibility for 2,000 providers × 5 contracts over all municipalities of a region
≤ 2 ms p95 per need for what the picker asks (the first PAGE providers of the ranking;
``total`` still counts all); import of a 10,000-row catalogue ≤ 3 s.

Eligibility baselines are like for like: the queries each call ran (recorded from the
engine) replayed with bare sqlite3 on the same database and indexes; for a page right
after a write, the queries of such pages (recorded in a second, untimed pass). Ranking all ~440
eligible providers with every reason and excluded provider (the CLI's ``--json``) is
reported beside it for information, as is reading every candidate by SQL per need.
"""

from __future__ import annotations

import csv
import io
import os
import random
import sqlite3
import time
import uuid
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.providers import Need
from jeugdtoegang.regions import load_profile
from jeugdtoegang.services.catalogue_import import import_catalogue
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.eligibility import eligible_providers
from jeugdtoegang.storage.database import initialise, open_database
from tests.benchmarks._replay import queries_per_call, record_calls, recording, replay_times
from tests.benchmarks._report import percentile, report, time_calls

REGION = "zuidoost-utrecht"
PROVIDERS = 2000
CONTRACTS_EACH = 5
NEEDS = 400
#: what the provider picker asks for (its first page)
PAGE = 50
ADMIN = Actor("beheer", "Beheer", frozenset({Role.BEHEERDER}))
HEADER = (
    "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
    "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
    "wachttijd_weken"
)


def _catalogue(rng: random.Random) -> str:
    profile = load_profile(REGION)
    products = [p for p in profile.products if p.segment != "sociale-basis"]
    names = list(profile.municipality_names)
    lines = [HEADER]
    for number in range(PROVIDERS):
        agb = f"9{number:07d}"
        identity = "christelijk" if number % 17 == 0 else ""
        for product in rng.sample(products, CONTRACTS_EACH):
            chosen = names if rng.random() < 0.3 else rng.sample(names, rng.randint(1, 4))
            served = "*" if chosen is names else "|".join(chosen)
            wijken = [w for m in profile.municipalities if m.name in chosen for w in m.wijken]
            preferred = "|".join(rng.sample(wijken, 2)) if rng.random() < 0.1 else ""
            status = rng.choices(["actief", "clientenstop", "geschorst"], [96, 3, 1])[0]
            start = rng.choice(["01-01-2025", "01-01-2026", "2027-01-01"])
            tariff = f"{rng.uniform(40, 200):.2f}".replace(".", ",")
            lines.append(
                f"{agb};Aanbieder {number:04d};{product.segment};{product.code};{product.name};"
                f"{product.vorm or ''};;{product.unit};{tariff};{served};{preferred};"
                f"{'ja' if rng.random() < 0.1 else 'nee'};{identity};{start};31-12-2028;"
                f"{status};{rng.randrange(50, 900)}000;{rng.randint(0, 12)}"
            )
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("bench-providers")
    rng = random.Random(7)
    text = _catalogue(rng)
    file = folder / "catalogus.csv"
    file.write_text(text, encoding="utf-8-sig")
    database = open_database(str(folder / "providers.sqlite"))
    initialise(database, REGION)
    ctx = AppContext(database, ADMIN, today=lambda: date(2026, 11, 23))
    return {
        "ctx": ctx,
        "file": file,
        "text": text,
        "folder": folder,
        "db": folder / "providers.sqlite",
    }


def _baseline_import(text: str, path: Path) -> float:
    """Bare csv parse + sqlite3 executemany of the same rows (no validation, no change log)."""
    start = time.perf_counter()
    connection = sqlite3.connect(path)
    connection.execute(
        "CREATE TABLE contract (id TEXT PRIMARY KEY, agb TEXT, naam TEXT, segment TEXT, "
        "product_code TEXT, unit TEXT, tariff TEXT, municipalities TEXT, valid_from TEXT, "
        "valid_to TEXT, status TEXT, budget TEXT, waiting INTEGER)"
    )
    reader = csv.DictReader(io.StringIO(text), delimiter=";")
    rows = [
        (
            uuid.uuid4().hex,
            r["agb"],
            r["naam"],
            r["segment"],
            r["productcode"],
            r["eenheid"],
            r["tarief"].replace(",", "."),
            r["gemeenten"],
            r["geldig_van"],
            r["geldig_tot"],
            r["status"],
            r["budget_jaar"],
            int(r["wachttijd_weken"]),
        )
        for r in reader
    ]
    connection.executemany("INSERT INTO contract VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    connection.commit()
    connection.close()
    return time.perf_counter() - start


def test_import_of_a_10000_row_catalogue(world: dict[str, object]) -> None:
    ctx = world["ctx"]
    assert isinstance(ctx, AppContext)
    start, start_cpu = time.perf_counter(), time.process_time()
    result = import_catalogue(ctx, world["file"])  # type: ignore[arg-type]
    ours, ours_cpu = time.perf_counter() - start, time.process_time() - start_cpu
    assert result.contracts_created == PROVIDERS * CONTRACTS_EACH
    start_cpu = time.process_time()
    baseline = _baseline_import(str(world["text"]), world["folder"] / "baseline.sqlite")  # type: ignore[operator]
    baseline_cpu = time.process_time() - start_cpu
    report("import 10,000-row catalogue", ours, baseline, "s", "≤ 3 s")
    report("import 10,000-row catalogue (CPU time)", ours_cpu, baseline_cpu, "s", "≤ 3 s")
    start = time.perf_counter()
    again = import_catalogue(ctx, world["file"])  # type: ignore[arg-type]
    reimport = time.perf_counter() - start
    assert not again.changed
    report("re-import unchanged 10,000-row catalogue", reimport, baseline, "s", "(info)")


def _needs(rng: random.Random) -> list[Need]:
    profile = load_profile(REGION)
    products = [p for p in profile.products if p.segment != "sociale-basis"]
    needs = []
    for _ in range(NEEDS):
        product = rng.choice(products)
        municipality = rng.choice(profile.municipalities)
        needs.append(
            Need(
                product.segment,
                product.code,
                municipality.name,
                date(2027, 1, 4) + timedelta(days=rng.randint(0, 500)),
                wijk=rng.choice(municipality.wijken),
                identity="christelijk" if rng.random() < 0.2 else None,
            )
        )
    return needs


BASELINE_SQL = (
    "SELECT c.id, c.provider_id, p.agb, p.name, c.tariff, c.valid_to, c.municipalities, "
    "c.waiting_weeks, c.status FROM contract c JOIN provider p ON p.id = c.provider_id "
    "WHERE c.region_slug = ? AND c.segment = ? AND c.product_code = ? AND c.valid_from <= ? "
    "AND (c.valid_to IS NULL OR c.valid_to >= ?) AND c.status = 'actief' "
    "AND (c.municipalities = '*' OR instr('|' || c.municipalities || '|', ?) > 0) "
    "ORDER BY c.waiting_weeks"
)


def test_eligibility_for_2000_providers_by_5_contracts(world: dict[str, object]) -> None:
    ctx = world["ctx"]
    assert isinstance(ctx, AppContext)
    with sqlite3.connect(world["db"]) as raw:  # type: ignore[arg-type]
        if raw.execute("SELECT count(*) FROM contract").fetchone()[0] == 0:
            import_catalogue(ctx, world["file"])  # type: ignore[arg-type]
    needs = _needs(random.Random(11))
    sizes = [eligible_providers(ctx, n, limit=PAGE).total for n in needs[:20]]

    def timed(call: Any) -> tuple[list[float], list[float]]:
        """(wall ms, CPU ms) of ``call(need)`` for every need, after two warm-up calls."""
        call(needs[0])
        call(needs[1])
        wall, cpu = [], []
        for need in needs:
            started, started_cpu = time.perf_counter(), time.process_time()
            call(need)
            wall.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        return wall, cpu

    def page(need: Need) -> object:
        return eligible_providers(ctx, need, limit=PAGE)

    def everything(need: Need) -> object:
        return eligible_providers(ctx, need).to_json()

    ours, ours_cpu = timed(page)
    full, full_cpu = timed(everything)

    # right after a write: nothing the service keeps may fall (the old cache did, on any write)
    from jeugdtoegang.storage.models.meta import DatabaseInfo

    def write(number: int) -> None:
        with ctx.uow() as uow:
            info = uow.session.query(DatabaseInfo).one()
            info.team_name = f"Team {number}"
            uow.commit()

    after_write: list[float] = []
    for number, need in enumerate(needs):
        write(number)
        started = time.process_time()
        page(need)
        after_write.append((time.process_time() - started) * 1000)

    # baselines: the very queries each call ran, replayed with bare sqlite3 (same indexes)
    engines = ctx.database.engines
    path = str(world["db"])
    recorded_after: list[list[tuple[str, Any]]] = []
    for number, need in enumerate(needs):  # again, untimed, to record each page's queries
        write(len(needs) + number)
        with recording(engines) as found:
            page(need)
        recorded_after.append(list(found))
    _, after_base_cpu = replay_times(path, recorded_after)
    page_base, page_base_cpu = replay_times(
        path, record_calls(engines, [lambda n=n: page(n) for n in needs])
    )
    recorded_full = record_calls(engines, [lambda n=n: everything(n) for n in needs])
    full_base, full_base_cpu = replay_times(path, recorded_full)
    # for information: reading every candidate from SQL per need (no kept pool)
    raw = sqlite3.connect(world["db"])  # type: ignore[arg-type]
    raw_iterator = iter(needs * 3)

    def candidates_sql() -> None:
        need = next(raw_iterator)
        raw.execute(
            BASELINE_SQL,
            (
                REGION,
                need.segment,
                need.product_code,
                need.start.isoformat(),
                need.start.isoformat(),
                f"|{need.gemeente}|",
            ),
        ).fetchall()

    candidates = time_calls(candidates_sql, NEEDS)
    raw.close()
    print(f"  eligible providers per need ≈ {sum(sizes) / len(sizes):.0f}; page = {PAGE}")
    print(f"  queries per call (page and all): {queries_per_call(recorded_full):.1f}")
    print(f"  queries per page right after a write: {queries_per_call(recorded_after):.1f}")
    report(
        f"eligibility, first {PAGE} (picker) p95",
        percentile(ours, 0.95),
        percentile(page_base, 0.95),
        "ms",
        "≤ 2 ms p95",
    )
    report(
        f"eligibility, first {PAGE} p95 CPU",
        percentile(ours_cpu, 0.95),
        percentile(page_base_cpu, 0.95),
        "ms",
        "≤ 2 ms p95",
    )
    report(
        f"eligibility, first {PAGE} median",
        percentile(ours, 0.5),
        percentile(page_base, 0.5),
        "ms",
        "(info)",
    )
    report(
        f"eligibility, first {PAGE} p50 CPU",
        percentile(ours_cpu, 0.5),
        percentile(page_base_cpu, 0.5),
        "ms",
        "(info)",
    )
    report(
        "eligibility right after a write p95 CPU",
        percentile(after_write, 0.95),
        percentile(after_base_cpu, 0.95),
        "ms",
        "≤ 2 ms p95",
    )
    report(
        "eligibility right after a write p50 CPU",
        percentile(after_write, 0.5),
        percentile(after_base_cpu, 0.5),
        "ms",
        "(info)",
    )
    report(
        "all eligible ranked + reasons/excluded JSON p95",
        percentile(full, 0.95),
        percentile(full_base, 0.95),
        "ms",
        "(info, CLI)",
    )
    report(
        "all eligible + reasons/excluded p95 CPU",
        percentile(full_cpu, 0.95),
        percentile(full_base_cpu, 0.95),
        "ms",
        "(info, CLI)",
    )
    report(
        "(info) every candidate read by SQL per need",
        percentile(candidates, 0.95),
        percentile(candidates, 0.95),
        "ms",
        "p95, no ranking",
    )
    print(f"(load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
