"""The scale series' databases: demo-shaped, built once per size, kept in a cache.

A world of N households holds what the demo holds (``jeugdtoegang.demo``: households and
persons, the demo accounts, their caseload, the demo catalogue, plans with their
versions, indications with evaluations and provider requests, the demo decisions with
their aanvragen and audit entries) plus two earlier or running indications per
household (``bench_indications._indications``: a history of terms since 2019), so the
indication table has the size of a team that has worked for years.

It is built in chunks of :data:`CHUNK` households (one transaction per demo step per
chunk: bounded memory and write-ahead log) through the demo's own bulk paths, with a
large SQLite page cache (``storage.bulk.large_page_cache``). The decisions are made once,
through the services, as the demo makes them.

Cache: ``$JEUGDTOEGANG_BENCH_CACHE`` (default ``~/.cache/jeugdtoegang-bench``) holds one
folder per world, named by schema head, :data:`BUILDER_VERSION` and size, with the
database and the user data folder it was built with (its audit key). A benchmark copies
the folder and works on the copy; a world whose folder exists is never built again.
Raise :data:`BUILDER_VERSION` when the data a world holds change.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.actor import Actor, Role

BUILDER_VERSION = 1
REGION = "zuidoost-utrecht"
TODAY = date(2026, 11, 23)
SEED = 3
#: households per chunk (one transaction per demo step)
CHUNK = 10_000
#: the page cache of the building connections
CACHE_MIB = 1024
#: the 999 range holds ~91,000 BSNs, too few for 100,000 households (see BsnGenerator)
BSN_PREFIX = "99"
#: the extra history of terms: indications per household
HISTORY_PER_HOUSEHOLD = 2
SYSTEM = Actor("systeem", "Systeem", frozenset(Role), team=None)


@dataclass(frozen=True)
class World:
    """A working copy of a cached world."""

    path: Path  #: the database file
    home: Path  #: the user data folder to use with it (``JEUGDTOEGANG_HOME``)
    households: int


def cache_root() -> Path:
    configured = os.environ.get("JEUGDTOEGANG_BENCH_CACHE")
    return Path(configured) if configured else Path.home() / ".cache" / "jeugdtoegang-bench"


def world_key(households: int) -> str:
    from jeugdtoegang.storage.migrate import SCHEMA_HEAD

    return f"scale-{SCHEMA_HEAD}-b{BUILDER_VERSION}-{households}"


def cached_world(households: int) -> Path:
    """The cached folder of a world of ``households`` (built first when missing)."""
    folder = cache_root() / world_key(households)
    if not (folder / "world.sqlite").exists():
        building = folder.with_name(folder.name + ".building")
        shutil.rmtree(building, ignore_errors=True)
        building.mkdir(parents=True)
        build(building, households)
        building.rename(folder)
        print(f"kept in {folder}", flush=True)
    return folder


def working_copy(households: int, target: Path) -> World:
    """A copy of the cached world in ``target`` (the benchmarks write to it)."""
    source = cached_world(households)
    shutil.copytree(source, target / "world", dirs_exist_ok=True)
    return World(target / "world" / "world.sqlite", target / "world" / "home", households)


def build(folder: Path, households: int) -> None:
    """Build a world into ``folder`` (``world.sqlite`` and ``home/``)."""
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.bulk import large_page_cache
    from jeugdtoegang.storage.database import initialise, open_database

    home = folder / "home"
    home.mkdir()
    previous = os.environ.get("JEUGDTOEGANG_HOME")
    os.environ["JEUGDTOEGANG_HOME"] = str(home)  # the audit key the world is logged with
    started, started_cpu = time.perf_counter(), time.process_time()
    database = open_database(str(folder / "world.sqlite"))
    try:
        initialise(database, REGION)
        ctx = AppContext(database, SYSTEM, today=lambda: TODAY)
        with large_page_cache(database.engines.write, CACHE_MIB):
            _fill(ctx, households)
    finally:
        database.close()
        if previous is None:
            os.environ.pop("JEUGDTOEGANG_HOME", None)
        else:
            os.environ["JEUGDTOEGANG_HOME"] = previous
    with sqlite3.connect(folder / "world.sqlite") as raw:  # one file to copy
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(
        f"\n{households} households built in {time.perf_counter() - started:.0f} s "
        f"({time.process_time() - started_cpu:.0f} s CPU)",
        flush=True,
    )


def _fill(ctx: Any, households: int) -> None:
    """The demo's steps (``demo.fill_demo``), chunk by chunk; decisions once at the end."""
    from jeugdtoegang.demo import caseload, decisions, indications, plans, providers, users
    from jeugdtoegang.demo.households import generate_households
    from jeugdtoegang.services.region_setup import ensure_setup
    from tests.benchmarks.bench_indications import _indications

    ensure_setup(ctx, fictional=True)
    first: dict[str, Any] = {"household_ids": [], "seed": SEED}
    users.fill(ctx, first)
    providers.fill(ctx, first)
    for number, start in enumerate(range(0, households, CHUNK)):
        size = min(CHUNK, households - start)
        seed = SEED + number
        state: dict[str, Any] = {
            "household_ids": generate_households(ctx, size, seed, bsn_prefix=BSN_PREFIX),
            "seed": seed,
        }
        for step in (caseload.fill, plans.fill, indications.fill):
            step(ctx, state)
        _indications(ctx, random.Random(seed), HISTORY_PER_HOUSEHOLD * size, state["household_ids"])
        if number == 0:
            first.update(state)
        print(f"  {start + size} households", flush=True)
    decisions.fill(ctx, first)
