"""Several processes on one database: no lost updates, no errors, crash-safe commits."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import open_database
from jeugdtoegang.storage.models import ChangeLogEntry, Household

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]

INCREMENT = textwrap.dedent(
    """
    import sys, uuid
    from jeugdtoegang.domain.actor import local_actor
    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.models import Household
    from jeugdtoegang.storage.uow import UnitOfWork

    url, ids, rounds = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3])
    database = open_database(url, migrate=False)
    actor = local_actor()
    for _ in range(rounds):
        for record_id in ids:
            with UnitOfWork(database, actor) as uow:
                household = uow.get_for_update(Household, uuid.UUID(record_id))
                household.notes = str(int(household.notes) + 1)   # read, then update
                uow.commit()
    print("klaar")
    """
)

WRITER = textwrap.dedent(
    """
    import sys
    from jeugdtoegang.domain.actor import local_actor
    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.models import Household
    from jeugdtoegang.storage.uow import UnitOfWork

    database = open_database(sys.argv[1], migrate=False)
    actor = local_actor()
    number = 0
    while True:
        number += 1
        with UnitOfWork(database, actor) as uow:
            for part in range(20):  # a write of several records, killed at any point
                uow.session.add(Household(dossier_number=f"K-{number}-{part}", name="Gezin K",
                                          gemeente="Zeist", gemeente_code="0355"))
            uow.commit()
        print(number, flush=True)  # acknowledged only after the commit returned
    """
)


def _seed(ctx: AppContext, count: int) -> list[uuid.UUID]:
    with ctx.uow() as uow:
        rows = [
            Household(
                dossier_number=f"C-{i}",
                name=f"Gezin {i}",
                gemeente="Zeist",
                gemeente_code="0355",
                notes="0",
            )
            for i in range(count)
        ]
        uow.session.add_all(rows)
        uow.commit()
        return [row.id for row in rows]


def test_concurrent_read_then_update_processes_lose_no_update(ctx: AppContext) -> None:
    ids = _seed(ctx, 3)
    processes, rounds = 4, 15
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-c",
                INCREMENT,
                ctx.database.url,
                ",".join(map(str, ids)),
                str(rounds),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(processes)
    ]
    outputs = [worker.communicate(timeout=240) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0 and "klaar" in out, err[-2000:]
    with ctx.uow(readonly=True) as uow:
        values = [uow.get(Household, i) for i in ids]
        assert [int(h.notes) for h in values] == [processes * rounds] * len(ids)
        assert [h.version for h in values] == [processes * rounds + 1] * len(ids)


def test_a_process_killed_mid_write_leaves_every_acknowledged_commit(ctx: AppContext) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, ctx.database.url],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    acknowledged: list[int] = []
    deadline = time.monotonic() + 60
    assert writer.stdout is not None
    while len(acknowledged) < 15 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if line.strip().isdigit():
            acknowledged.append(int(line))
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert len(acknowledged) >= 15, writer.stderr.read() if writer.stderr else ""

    reopened = open_database(ctx.database.url)
    try:
        if reopened.dialect == "sqlite":
            with reopened.engines.write.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
        with reopened.read_sessions() as session:
            numbers = {
                int(n.split("-")[1])
                for n in session.execute(select(Household.dossier_number)).scalars()
            }
            counts = session.execute(select(Household.dossier_number)).scalars().all()
            logged = session.execute(
                select(func.count())
                .select_from(ChangeLogEntry)
                .where(ChangeLogEntry.table_name == "household")
            ).scalar_one()
        assert set(acknowledged) <= numbers  # every acknowledged commit is there
        assert len(counts) % 20 == 0  # and no commit is there in part
        assert logged == len(counts)  # every record has its change-log entry
    finally:
        reopened.close()
