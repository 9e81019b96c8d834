"""Team load test: N consultant processes on one database for a fixed time.

Each client process runs a consultant mix against the real services: search, open a
dossier, edit it, save and check an indication draft, render a concept letter, log in,
and increment a shared counter with optimistic locking and retry (with back-off). The parent prints the
throughput, p50/p95/p99 per operation, errors per operation, and the lost updates (the
acknowledged increments compared with the counter's final value; must be 0).

    JT_LOAD_CLIENTS=20 JT_LOAD_SECONDS=60 JT_LOAD_HOUSEHOLDS=1000 \\
        .venv/bin/python -m pytest tests/benchmarks/bench_team_load.py -s

PostgreSQL runs when ``JEUGDTOEGANG_TEST_PG`` names a server (``source .ci/postgres.sh &&
pg_start``); the SQLite run uses one shared file. The baseline line is the same clients
doing the bare SQL of a dossier read and a versioned update with the driver, in the same
run and on the same database, so the ratio shows the cost of the application itself.

On PostgreSQL on this machine each operation also shows the server's CPU for it (the
backends of the client's connections), and the run its CPU split: client processes,
backends, the machine's busy cores. The run is a closed loop (each client's mix back to
back); ``JT_LOAD_RATE=<ops/s>`` adds a paced run after it on PostgreSQL (Poisson moments,
rate/N per client, latency from the planned start). ``JT_LOAD_SESSIONS=1`` puts each
client in its own session (its own CPU group under the kernel's autogroup scheduling).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import subprocess
import sys
import time
import uuid
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.benchmarks._team_load_meters import MachineCpu, PacedSchedule, ServerCpu

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = int(os.environ.get("JT_LOAD_CLIENTS", "20"))
SECONDS = float(os.environ.get("JT_LOAD_SECONDS", "30"))
HOUSEHOLDS = int(os.environ.get("JT_LOAD_HOUSEHOLDS", "400"))
#: each client process in a session of its own (JT_LOAD_SESSIONS=1): with the kernel's
#: autogroup scheduling a session is one CPU group, so by default the N clients share one
#: group's CPU share (against every other session busy on the machine, and every PostgreSQL
#: backend, which is a session of its own); separate workstations would not
OWN_SESSIONS = os.environ.get("JT_LOAD_SESSIONS") == "1"
TODAY = date(2026, 11, 23)
REGION = "zuidoost-utrecht"
#: the consultant mix: operation and weight
MIX = (
    ("search", 24),
    ("open", 24),
    ("edit", 14),
    ("draft", 10),
    ("check", 12),
    ("letter", 4),
    ("counter", 10),
)
#: logins per client during the run (at random moments); a consultant logs in a few times
#: a day, so even one per client in 30 s is far above a real team's rate
LOGINS_PER_CLIENT = int(os.environ.get("JT_LOAD_LOGINS", "1"))
#: p95 targets of issue 19 (ms); throughput target: 4× the 44 ops/s measured before it
P95_TARGETS = {"search": 50, "open": 50, "check": 50, "edit": 150, "draft": 150}
THROUGHPUT_TARGET = 4 * 44
#: the operations in the order they are printed
OPERATIONS = (*(op for op, _ in MIX[:-1]), "login", MIX[-1][0])
COUNTER_DOSSIER = "TELLER-1"
#: the product of the drafts saved and checked (ambulant jeugdhulp)
DRAFT_PRODUCT = "45Z01"
#: the counter's back-off after a conflict: up to 2 ms × 2^attempt, at most 50 ms
RETRY_BASE_S, RETRY_CAP_S = 0.002, 0.05


# -- set-up -----------------------------------------------------------------------------


def _prepare(url: str) -> dict[str, Any]:
    from sqlalchemy import select

    from jeugdtoegang.demo import fill_demo
    from jeugdtoegang.domain.actor import Actor, Role
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.database import initialise, open_database
    from jeugdtoegang.storage.models.decisions import Decision
    from jeugdtoegang.storage.models.households import Household, Person
    from jeugdtoegang.storage.models.providers import Contract, Provider

    database = open_database(url)
    initialise(database, REGION, team_name="Team Zeist")
    system = AppContext(
        database,
        Actor("systeem", "Systeem", frozenset(Role), team="Team Zeist"),
        today=lambda: TODAY,
    )
    started = time.perf_counter()
    fill_demo(system, households=HOUSEHOLDS)
    with system.uow() as uow:
        uow.session.add(
            Household(
                dossier_number=COUNTER_DOSSIER,
                name="Teller",
                gemeente="Zeist",
                gemeente_code="0355",
                notes="0",
                team="Team Zeist",
            )
        )
        uow.commit()
    # every workstation its own consultant's account (20 logins to one account at the same
    # moment count as failed attempts in flight and lock it: not a team's situation)
    from jeugdtoegang.demo.users import DEMO_LOG2_N, DEMO_PASSWORD
    from jeugdtoegang.services import auth

    for n in range(CLIENTS):
        auth.add_user_unchecked(
            system,
            auth.UserInput(f"consulent-{n:02d}", f"Consulent {n}", (Role.CONSULENT,),
                           team="Team Zeist", password=DEMO_PASSWORD),
            must_change=False,
            log2_n=DEMO_LOG2_N,
        )  # fmt: skip
    with database.read_sessions() as session:
        households = [
            str(i)
            for i in session.execute(
                select(Household.id).where(Household.dossier_number != COUNTER_DOSSIER)
            ).scalars()
        ]
        youth = [
            str(i)
            for i in session.execute(
                select(Person.id).where(Person.role == "jeugdige", Person.ended_on.is_(None))
            ).scalars()
        ]
        surnames = sorted({s for s in session.execute(select(Person.surname)).scalars()})
        decisions = [
            str(i)
            for i in session.execute(
                select(Decision.id).where(Decision.status == "concept")
            ).scalars()
        ]
        # a consultant picks the provider from the picker: one contracted for the draft's
        # product in the jeugdige's municipality (its fitting contract and budget checked)
        serving = session.execute(
            select(Provider.agb, Contract.municipalities)
            .join(Contract, Contract.provider_id == Provider.id)
            .where(Contract.product_code == DRAFT_PRODUCT, Contract.status == "actief")
        ).all()
        youth_gemeente = dict(
            session.execute(
                select(Person.id, Household.gemeente)
                .join(Household, Household.id == Person.household_id)
                .where(Person.role == "jeugdige", Person.ended_on.is_(None))
            ).all()
        )
        agbs = {
            gemeente: sorted(
                {agb for agb, names in serving if names == "*" or gemeente in names.split("|")}
            )
            for gemeente in set(youth_gemeente.values())
        }
    database.close()
    print(f"database filled with {HOUSEHOLDS} households in {time.perf_counter() - started:.0f} s")
    return {
        "households": households,
        "youth": youth,
        "surnames": surnames[:200],
        "decisions": decisions,
        "agbs": agbs,
        "youth_gemeente": {str(k): v for k, v in youth_gemeente.items()},
    }


# -- one client process -------------------------------------------------------------------


class _Meter:
    """Counts the statements (round trips) a client sends, from SQLAlchemy's events."""

    def __init__(self, *engines: Any) -> None:
        from sqlalchemy import event

        self.statements = 0
        for engine in engines:
            event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.statements += 1


class _RoundTrips:
    """PostgreSQL: the requests sent to the server in this process (queries, prepared
    executions and preparations, BEGIN/COMMIT/ROLLBACK, pings), counted by wrapping
    psycopg's senders and ``wire.exchange`` (reads through libpq itself); the background
    audit writer's are included. The statements of one pipeline travel together: the
    pipeline counts once."""

    count = 0

    @classmethod
    def install(cls) -> None:
        import psycopg
        from psycopg import _connection_base, _cursor_base

        def counted(owner: Any, name: str, *, batch: bool = False) -> None:
            original = getattr(owner, name)

            def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
                # the rows of one executemany travel in one pipeline: counted once
                in_pipeline = not batch and getattr(self, "_conn", self)._pipeline is not None
                if not in_pipeline and (
                    batch or getattr(self, "_execmany_returning", None) is None
                ):
                    cls.count += 1
                return original(self, *args, **kwargs)

            setattr(owner, name, wrapper)

        from jeugdtoegang.storage import wire

        exchange = wire.exchange

        def counted_exchange(*args: Any) -> Any:  # reads sent through libpq itself
            cls.count += 1
            return exchange(*args)

        wire.exchange = counted_exchange  # type: ignore[assignment]
        counted(_connection_base.BaseConnection, "_exec_command")
        counted(psycopg.Cursor, "executemany", batch=True)
        counted(psycopg.Pipeline, "__exit__", batch=True)
        for name in ("_execute_send", "_send_prepare", "_send_query_prepared"):
            counted(_cursor_base.BaseCursor, name)


def _operations(url: str, seed: int, world: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """The database, and the consultant mix's operations against the real services."""
    from sqlalchemy import select, update

    from jeugdtoegang.demo.users import DEMO_PASSWORD
    from jeugdtoegang.domain.actor import Actor, Role
    from jeugdtoegang.errors import JeugdtoegangError
    from jeugdtoegang.services import auth, decisions, households, indications
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.services.indication_inputs import IndicationDraft
    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.models.households import Household
    from tests.indication_helpers import proposal

    rng = random.Random(seed)
    database = open_database(url, migrate=False)
    actor = Actor(
        "c.jansen",
        "Carla Jansen",
        frozenset({Role.CONSULENT, Role.TEAMLEIDER}),
        team="Team Zeist",
    )
    ctx = AppContext(database, actor, today=lambda: TODAY)
    state = {"acked": 0, "conflicts": 0}
    with database.read_sessions() as session:
        counter_id = session.execute(
            select(Household.id).where(Household.dossier_number == COUNTER_DOSSIER)
        ).scalar_one()

    def draft() -> IndicationDraft:
        person = rng.choice(world["youth"])
        return IndicationDraft(
            proposal=proposal(
                product_code=DRAFT_PRODUCT,
                start=date(2027, 1, 4),
                end=None,
                provider_agb=rng.choice(world["agbs"][world["youth_gemeente"][person]]),
            ),
            person_id=uuid.UUID(person),
        )

    def increment() -> None:
        attempt = 0
        while True:
            with database.write_sessions() as session:
                row = session.execute(
                    select(Household.version, Household.notes).where(Household.id == counter_id)
                ).one()
                done = session.execute(
                    update(Household)
                    .where(Household.id == counter_id, Household.version == row.version)
                    .values(notes=str(int(row.notes) + 1), version=row.version + 1)
                    .execution_options(synchronize_session=False)
                ).rowcount
                session.commit()
            if done == 1:
                state["acked"] += 1
                return
            state["conflicts"] += 1
            # a client that finds the record changed waits before it tries again, a random
            # while that doubles per conflict ("full jitter"): retrying at once only meets
            # the next writer again, and spent a third of the team's client CPU on retries
            attempt += 1
            time.sleep(rng.uniform(0, min(RETRY_CAP_S, RETRY_BASE_S * 2**attempt)))

    def edit() -> None:
        household_id = uuid.UUID(rng.choice(world["households"]))
        detail = households.get_household(ctx, household_id)
        data = households.household_input_from(detail)
        data = type(data)(**{**data.__dict__, "notes": f"notitie {rng.random():.6f}"})
        try:
            households.update_household(ctx, household_id, detail.version, data)
        except JeugdtoegangError as error:
            if "intussen gewijzigd" not in str(error):
                raise
            state["conflicts"] += 1

    operations = {
        "search": lambda: households.search_households(ctx, rng.choice(world["surnames"])[:4]),
        "open": lambda: households.get_household(ctx, uuid.UUID(rng.choice(world["households"]))),
        "edit": edit,
        "draft": lambda: indications.save_concept(ctx, draft()),
        "check": lambda: indications.check_proposal(ctx, draft()),
        "letter": lambda: (
            decisions.letter_pdf(ctx, uuid.UUID(rng.choice(world["decisions"])))
            if world["decisions"]
            else None
        ),
        "login": lambda: auth.login(database, f"consulent-{seed:02d}", DEMO_PASSWORD),
        "counter": increment,
    }
    return database, {"ops": operations, "state": state, "rng": rng}


def _client(
    url: str, seconds: float, seed: int, world_path: str, out_path: str, rate: float = 0.0
) -> None:
    """One consultant's workstation: the mix back to back (closed loop), or with ``rate``
    operations per second at Poisson moments (open loop, latency from the intended start)."""
    world = json.loads(Path(world_path).read_text())
    server = ServerCpu()
    if url.startswith("postgresql"):
        _RoundTrips.install()
        server.install()
    database, made = _operations(url, seed, world)
    operations, state, rng = made["ops"], made["state"], made["rng"]
    meter = _Meter(database.engines.write, database.engines.read)
    names = [op for op, _ in MIX]
    weights = [w for _, w in MIX]
    samples: dict[str, list[float]] = {op: [] for op in OPERATIONS}
    cpu: dict[str, float] = {op: 0.0 for op in OPERATIONS}
    served: dict[str, float] = {op: 0.0 for op in OPERATIONS}
    statements: dict[str, int] = {op: 0 for op in OPERATIONS}
    trips: dict[str, int] = {op: 0 for op in OPERATIONS}
    errors: dict[str, int] = {op: 0 for op in OPERATIONS}
    lags: list[float] = []
    first_error: dict[str, str] = {}
    for op in OPERATIONS:  # warm-up: first-use imports and caches are not measured
        try:
            operations[op]()
        except Exception as error:
            first_error.setdefault(op, f"warm-up {type(error).__name__}: {error}"[:300])
    Path(out_path + ".ready").touch()
    go = Path(out_path).with_name("go")
    while not go.exists():  # all clients start measuring together
        time.sleep(0.05)
    deadline = time.monotonic() + seconds
    # a consultant logs in a few times a day, not every few seconds: one login per client
    # at a random moment of the run (LOGINS_PER_CLIENT), the rest is the mix
    login_at = sorted(rng.uniform(0, seconds) for _ in range(LOGINS_PER_CLIENT))
    begun = time.monotonic()
    schedule = PacedSchedule(rate, seed, begun, deadline) if rate > 0 else None
    run_cpu, run_server = time.process_time(), server.total()
    while time.monotonic() < deadline:
        intended = None if schedule is None else schedule.next()
        if schedule is not None and intended is None:
            break
        moment = time.monotonic() if intended is None else intended
        if login_at and moment - begun >= login_at[0]:
            login_at.pop(0)
            op = "login"
        else:
            op = rng.choices(names, weights)[0]
        server_started = server.total()
        sent, exchanged = meter.statements, _RoundTrips.count
        cpu_started = time.process_time()
        started = time.perf_counter()
        if intended is not None:
            lags.append((time.monotonic() - intended) * 1000)
        try:
            operations[op]()
        except Exception as error:  # counted and reported, the run goes on
            errors[op] += 1
            first_error.setdefault(op, f"{type(error).__name__}: {error}"[:300])
            continue
        if intended is None:
            samples[op].append((time.perf_counter() - started) * 1000)
        else:  # from the intended start: a late start is the team's wait too
            samples[op].append((time.monotonic() - intended) * 1000)
        cpu[op] += time.process_time() - cpu_started
        statements[op] += meter.statements - sent
        trips[op] += _RoundTrips.count - exchanged
        served[op] += server.total() - server_started
    run_cpu, run_server = time.process_time() - run_cpu, server.total() - run_server
    database.close()
    Path(out_path).write_text(
        json.dumps(
            {
                "samples": samples,
                "cpu": cpu,
                "server": served,
                "statements": statements,
                "trips": trips,
                "errors": errors,
                "first_error": first_error,
                "acked": state["acked"],
                "conflicts": state["conflicts"],
                "run_cpu": run_cpu,
                "run_server": run_server if server.measured else None,
                "lags": lags,
                "unstarted": 0 if schedule is None else schedule.unstarted(),
            }
        )
    )


def _baseline_client(url: str, seconds: float, seed: int, world_path: str, out: str) -> None:
    """Bare driver work of the same kind: read a dossier with members, versioned update."""
    from sqlalchemy import create_engine, text

    world = json.loads(Path(world_path).read_text())
    rng = random.Random(seed)
    server = ServerCpu()
    if url.startswith("postgresql"):
        server.install()
    engine = create_engine(url)
    meter = _Meter(engine)
    ids = [uuid.UUID(i) for i in world["households"]]
    samples: list[float] = []
    as_param = (lambda u: u.hex) if url.startswith("sqlite") else (lambda u: u)
    Path(out + ".ready").touch()
    go = Path(out).with_name("go")
    while not go.exists():
        time.sleep(0.05)
    deadline = time.monotonic() + seconds
    cpu_started, server_started = time.process_time(), server.total()
    while time.monotonic() < deadline:
        started = time.perf_counter()
        household = as_param(rng.choice(ids))
        with engine.begin() as connection:
            version = connection.execute(
                text("SELECT version FROM household WHERE id = :id"), {"id": household}
            ).scalar_one()
            connection.execute(
                text("SELECT * FROM person WHERE household_id = :id"), {"id": household}
            ).all()
            connection.execute(
                text(
                    "UPDATE household SET notes = :n, version = :v + 1 "
                    "WHERE id = :id AND version = :v"
                ),
                {"n": str(rng.random()), "v": version, "id": household},
            )
        samples.append((time.perf_counter() - started) * 1000)
    cpu, served = time.process_time() - cpu_started, server.total() - server_started
    engine.dispose()
    Path(out).write_text(
        json.dumps(
            {
                "samples": {"bare": samples},
                "cpu": {"bare": cpu},
                "server": {"bare": served if server.measured else None},
                "statements": {"bare": meter.statements},
            }
        )
    )


# -- the parent ---------------------------------------------------------------------------


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _spawn(
    kind: str, url: str, world: Path, folder: Path, rate: float = 0.0
) -> tuple[list[dict[str, Any]], MachineCpu]:
    """Run CLIENTS processes of ``kind`` together for SECONDS (``rate``: total operations per
    second of a paced run); their results and the machine's busy CPU meanwhile."""
    (folder / "go").unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen"}
    paced = [str(rate / CLIENTS)] if rate > 0 else []
    procs = []
    for n in range(CLIENTS):
        out = folder / f"{kind}{'-paced' if paced else ''}-{n}.json"
        procs.append(
            (
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "tests.benchmarks.bench_team_load",
                        kind,
                        url,
                        str(SECONDS),
                        str(n),
                        str(world),
                        str(out),
                        *paced,
                    ],
                    env=env,
                    cwd=ROOT,
                    start_new_session=OWN_SESSIONS,
                ),
                out,
            )
        )
    waited = time.monotonic() + 900
    while time.monotonic() < waited and not all(
        Path(f"{out}.ready").exists() or proc.poll() is not None for proc, out in procs
    ):
        time.sleep(0.1)
    (folder / "go").touch()
    machine = MachineCpu()
    time.sleep(SECONDS)
    machine.stop()
    results = []
    for proc, out in procs:
        proc.wait(timeout=SECONDS + 600)
        assert proc.returncode == 0, f"client ended with {proc.returncode}"
        results.append(json.loads(out.read_text()))
    return results, machine


class _LockSampler:
    """PostgreSQL: samples pg_stat_activity while the clients run (every 0.2 s): how many
    connections are active, how many wait on a lock, and which statements wait most (the
    shared counter row of the audit log showed up here before issue 19)."""

    def __init__(self, url: str) -> None:
        import threading

        from sqlalchemy import create_engine

        self.engine = create_engine(url, isolation_level="AUTOCOMMIT")
        self.stop = threading.Event()
        self.samples: list[tuple[int, int]] = []
        self.statements: dict[str, int] = {}
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from sqlalchemy import text

        query = text(
            "SELECT state = 'active' AS active, wait_event_type = 'Lock' AS waiting, "
            "left(regexp_replace(query, '\\s+', ' ', 'g'), 60) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        with self.engine.connect() as connection:
            while not self.stop.wait(0.2):
                rows = connection.execute(query).all()
                active = sum(1 for r in rows if r[0])
                if active == 0:
                    continue
                waiting = [r[2] for r in rows if r[1]]
                self.samples.append((active, len(waiting)))
                for statement in waiting:
                    self.statements[statement] = self.statements.get(statement, 0) + 1

    def __enter__(self) -> _LockSampler:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop.set()
        self.thread.join(5)
        self.engine.dispose()

    def report(self) -> None:
        n = max(len(self.samples), 1)
        active = sum(a for a, _ in self.samples) / n
        waiting = sum(w for _, w in self.samples) / n
        print(f"lock waits: {waiting:.1f} of {active:.1f} active connections wait on a lock "
              f"(mean of {len(self.samples)} samples)")  # fmt: skip
        top = sorted(self.statements.items(), key=lambda kv: -kv[1])[:3]
        for statement, count in top:
            print(f"    {count / n:5.2f} waiting on average in: {statement}")


def _counter_value(url: str) -> int:
    from sqlalchemy import select

    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.models.households import Household

    database = open_database(url, migrate=False)
    with database.read_sessions() as session:
        value = int(
            session.execute(
                select(Household.notes).where(Household.dossier_number == COUNTER_DOSSIER)
            ).scalar_one()
        )
    database.close()
    return value


def _run_clients(
    url: str, world: Path, folder: Path, rate: float = 0.0
) -> tuple[list[dict[str, Any]], MachineCpu, _LockSampler | None]:
    sampler = _LockSampler(url) if url.startswith("postgresql") else None
    with sampler if sampler is not None else contextlib.nullcontext():
        results, machine = _spawn("client", url, world, folder, rate)
    return results, machine, sampler


def run_load(url: str, label: str, folder: Path, rate: float = 0.0) -> dict[str, Any]:
    """The closed loop (each client's mix back to back) and its bare baseline; with
    ``rate``, then the paced run at that many operations per second."""
    world = folder / "world.json"
    world.write_text(json.dumps(_prepare(url)))
    results, machine, sampler = _run_clients(url, world, folder)
    baseline, _ = _spawn("baseline", url, world, folder)
    final = _counter_value(url)
    total_ops = sum(len(v) for r in results for v in r["samples"].values())
    bare = [s for r in baseline for s in r["samples"]["bare"]]
    print(f"\n== team load on {label}: {CLIENTS} clients, {SECONDS:.0f} s, "
          f"{HOUSEHOLDS} households, {LOGINS_PER_CLIENT} login(s) per client "
          f"(load average {os.getloadavg()[0]:.1f}) ==")  # fmt: skip
    achieved = total_ops / SECONDS
    print(
        f"throughput {achieved:8.1f} ops/s   target ≥ {THROUGHPUT_TARGET:.0f} (4× the 44 ops/s of "
        f"issue 19): {'met' if achieved >= THROUGHPUT_TARGET else 'NOT met'}"
    )
    print(f"baseline (bare read + versioned update, same clients) {len(bare) / SECONDS:8.1f} ops/s"
          f"   ratio bare/ours {len(bare) / max(total_ops, 1):.2f}x")  # fmt: skip
    _print_operations(results, baseline)
    _print_cpu_split(results, machine, url)
    if sampler is not None:
        sampler.report()
    outcome = {"lost": _print_counter(results, 0, final), "ops": total_ops}
    if rate > 0:
        outcome["paced_lost"] = _paced_run(url, label, world, folder, rate, final)
    return outcome


def _paced_run(url: str, label: str, world: Path, folder: Path, rate: float, before: int) -> int:
    """The open loop: ``rate`` operations per second in all, at Poisson moments; latency
    counts from each operation's intended start. Returns the lost updates."""
    results, machine, sampler = _run_clients(url, world, folder, rate)
    final = _counter_value(url)
    total_ops = sum(len(v) for r in results for v in r["samples"].values())
    unstarted = sum(r["unstarted"] for r in results)
    lags = [lag for r in results for lag in r["lags"]]
    print(f"\n== team load on {label}, PACED (open loop): {rate:.0f} ops/s offered at Poisson "
          f"moments ({rate / CLIENTS:.1f}/s per client), {CLIENTS} clients, {SECONDS:.0f} s "
          f"(load average {os.getloadavg()[0]:.1f}) ==")  # fmt: skip
    print(
        f"achieved {total_ops / SECONDS:8.1f} ops/s of {rate:.0f} offered; planned starts not "
        f"reached by the end (a client still busy): {unstarted}"
    )
    behind = ", ".join(f"p{q:.0f} {_percentile(lags, q / 100):.1f}" for q in (50, 95, 99))
    print(
        f"start behind plan: {behind} ms (the client's previous operation still running, or no "
        "free core to wake it); the latencies below count from the planned start"
    )
    _print_operations(results, None)
    _print_cpu_split(results, machine, url)
    if sampler is not None:
        sampler.report()
    return _print_counter(results, before, final)


def _print_operations(results: list[dict[str, Any]], baseline: list[dict[str, Any]] | None) -> None:
    measured = any(r["run_server"] is not None for r in results)
    print(
        f"{'operation':<10}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'target':>9}{'':>9}{'cpu ms':>8}{'srv ms':>8}{'stmts':>7}{'trips':>7}{'errors':>7}"
    )
    for op in OPERATIONS:
        values = [s for r in results for s in r["samples"][op]]
        failed = sum(r["errors"][op] for r in results)
        done = max(len(values), 1)
        used = sum(r["cpu"][op] for r in results) * 1000 / done
        served = f"{sum(r['server'][op] for r in results) * 1000 / done:.1f}" if measured else "-"
        sent = sum(r["statements"][op] for r in results) / done
        trips = sum(r["trips"][op] for r in results) / done
        p95 = _percentile(values, 0.95)
        target = P95_TARGETS.get(op)
        verdict = "" if target is None else ("met" if p95 <= target else "NOT met")
        print(
            f"{op:<10}{len(values):>7}{_percentile(values, 0.5):>9.1f}{p95:>9.1f}"
            f"{_percentile(values, 0.99):>9.1f}"
            f"{'' if target is None else f'≤ {target}':>9}{verdict:>9}{used:>8.1f}{served:>8}"
            f"{sent:>7.1f}{trips:>7.1f}{failed:>7}"
        )
        for r in results:
            if op in r["first_error"]:
                print(f"    first error: {r['first_error'][op]}")
                break
    if baseline is not None:
        bare = [s for r in baseline for s in r["samples"]["bare"]]
        done = max(len(bare), 1)
        bare_cpu = sum(r["cpu"]["bare"] for r in baseline) * 1000 / done
        bare_served = (
            f"{sum(r['server']['bare'] for r in baseline) * 1000 / done:.1f}" if measured else "-"
        )
        bare_sent = sum(r["statements"]["bare"] for r in baseline) / done
        print(f"{'bare':<10}{len(bare):>7}{_percentile(bare, 0.5):>9.1f}"
              f"{_percentile(bare, 0.95):>9.1f}{_percentile(bare, 0.99):>9.1f}{'':>18}"
              f"{bare_cpu:>8.1f}{bare_served:>8}{bare_sent:>7.1f}")  # fmt: skip
    print("    (cpu ms: client process CPU per operation; srv ms: CPU of the PostgreSQL server"
          " processes serving the client's connections per operation; stmts: SQL statements per"
          " operation; trips: requests to the PostgreSQL server per operation, with"
          " BEGIN/COMMIT, pings and the background audit writer's)")  # fmt: skip


def _print_cpu_split(results: list[dict[str, Any]], machine: MachineCpu, url: str) -> None:
    """Where the cores went during the run: the client processes (all their threads, the
    time between operations included) and the server's backends serving them."""
    ops = max(sum(len(v) for r in results for v in r["samples"].values()), 1)
    client = sum(r["run_cpu"] for r in results)
    ours = client
    line = f"client processes {client * 1000 / SECONDS:.0f} ms/s ({client * 1000 / ops:.1f} ms/op)"
    if all(r["run_server"] is not None for r in results):
        server = sum(r["run_server"] for r in results)
        ours += server
        line += (
            f", PostgreSQL backends {server * 1000 / SECONDS:.0f} ms/s "
            f"({server * 1000 / ops:.1f} ms/op): server share {server / max(ours, 1e-9):.0%}"
        )
    elif url.startswith("postgresql"):
        line += ", PostgreSQL backends not measured (the server is not on this machine)"
    print(f"cpu during the run: {line}")
    busy = machine.busy_cores()
    print(
        f"    machine: {busy:.2f} of {os.cpu_count()} cores busy; outside these clients and "
        f"their backends {busy - ours / SECONDS:.2f} (other work, the server's background "
        "processes, this test's parent)"
    )
    if MachineCpu.autogroup():
        grouped = "each client its own" if OWN_SESSIONS else "the clients share one"
        print(
            f"    autogroup scheduling: {grouped} CPU group (JT_LOAD_SESSIONS), each backend its own"
        )


def _print_counter(results: list[dict[str, Any]], before: int, final: int) -> int:
    acked = sum(r["acked"] for r in results)
    lost = acked - (final - before)
    print(f"counter: {acked} acknowledged increments, final value {final}, lost updates {lost} "
          f"(target 0: {'met' if lost == 0 else 'NOT met'}), "
          f"optimistic retries/conflicts {sum(r['conflicts'] for r in results)}")  # fmt: skip
    return lost


def test_team_load_on_a_shared_sqlite_file(tmp_path: Path) -> None:
    outcome = run_load(f"sqlite:///{tmp_path / 'team.sqlite'}", "SQLite file", tmp_path)
    assert outcome["lost"] == 0


def test_team_load_on_postgresql(tmp_path: Path) -> None:
    base = os.environ.get("JEUGDTOEGANG_TEST_PG")
    if not base:
        pytest.skip("set JEUGDTOEGANG_TEST_PG (source .ci/postgres.sh && pg_start)")
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"jt_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(base).set(database=name).render_as_string(hide_password=False)
    try:
        outcome = run_load(url, "PostgreSQL", tmp_path, float(os.environ.get("JT_LOAD_RATE") or 0))
        assert outcome["lost"] == 0
        assert outcome.get("paced_lost", 0) == 0
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _profile(url: str, world_path: str, rounds: int, only: str | None) -> None:
    """One process, no competition: client CPU, its backends' CPU, statements and requests
    per operation (and with ``only``, a cProfile of that operation). For iterating on the
    per-operation cost."""
    import cProfile
    import pstats

    world = json.loads(Path(world_path).read_text())
    _RoundTrips.install()
    server = ServerCpu()
    server.install()
    database, made = _operations(url, 1, world)
    operations = made["ops"]
    meter = _Meter(database.engines.write, database.engines.read)
    for op in OPERATIONS:
        operations[op]()
    print(f"{'operation':<10}{'cpu ms':>8}{'srv ms':>8}{'wall ms':>9}{'stmts':>7}{'trips':>7}")
    for op in OPERATIONS if only is None else (only,):
        n = 3 if op == "login" else rounds
        profiler = cProfile.Profile(time.process_time) if only else None
        time.sleep(0.3)  # the audit writer's batch of the warm-up is not counted
        sent, exchanged, served = meter.statements, _RoundTrips.count, server.total()
        cpu, wall = time.process_time(), time.perf_counter()
        if profiler is not None:
            profiler.enable()
        for _ in range(n):
            operations[op]()
        if profiler is not None:
            profiler.disable()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        served = server.total() - served
        time.sleep(0.3)  # the audit writer's last batch
        print(f"{op:<10}{cpu * 1000 / n:>8.2f}{served * 1000 / n:>8.2f}{wall * 1000 / n:>9.2f}"
              f"{(meter.statements - sent) / n:>7.1f}{(_RoundTrips.count - exchanged) / n:>7.1f}")  # fmt: skip
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(45)
            stats.sort_stats("tottime").print_stats(25)
    database.close()


if __name__ == "__main__":
    # prepare URL WORLD | profile URL WORLD ROUNDS [OP] | client/baseline (from _spawn)
    if sys.argv[1] == "prepare":
        Path(sys.argv[3]).write_text(json.dumps(_prepare(sys.argv[2])))
        sys.exit(0)
    if sys.argv[1] == "profile":
        _profile(sys.argv[2], sys.argv[3], int(sys.argv[4]), (sys.argv[5:] or [None])[0])
        sys.exit(0)
    kind, url, seconds, seed, world_path, out_path = sys.argv[1:7]
    if kind == "client":  # an 8th argument: this client's paced rate (operations per second)
        rate = float(sys.argv[7]) if len(sys.argv) > 7 else 0.0
        _client(url, float(seconds), int(seed), world_path, out_path, rate)
    else:
        _baseline_client(url, float(seconds), int(seed), world_path, out_path)
