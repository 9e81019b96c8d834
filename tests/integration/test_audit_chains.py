"""One audit chain per writer (issue 19): no shared row, every chain verified, none lost."""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select, text

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_anchors import keep_remote_anchor
from jeugdtoegang.storage.audit_chain import anchor_path, forget_anchor_cache
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.database import Database, open_database
from jeugdtoegang.storage.models.audit import AuditChain, AuditEntry

pytestmark = pytest.mark.postgres

ADMIN = Actor("beheer", "Bea Heerkens", frozenset({Role.BEHEERDER}))
ROOT = Path(__file__).resolve().parents[2]


def writers(database: Database, count: int) -> list[AppContext]:
    """``count`` writers on one database (as separate workstations/programs would be)."""
    contexts = [AppContext(database, ADMIN)]
    for _ in range(count - 1):
        contexts.append(AppContext(open_database(database.url), ADMIN))
    return contexts


def write(ctx: AppContext, n: int, label: str) -> None:
    for index in range(n):
        audit.log_use(ctx, "zoeken", purpose=f"{label} {index}")


def sql(database: Database, statement: str) -> None:
    flush_pending(database)
    with database.engines.write.begin() as connection:
        connection.execute(text(statement))


def chain_rows(database: Database) -> list[tuple[int, int | None, int | None, str | None]]:
    with database.read_sessions() as session:
        return [
            (r.seq, r.chain_id, r.chain_seq, r.purpose)
            for r in session.execute(
                select(AuditEntry.seq, AuditEntry.chain_id, AuditEntry.chain_seq,
                       AuditEntry.purpose).order_by(AuditEntry.seq)
            )
        ]  # fmt: skip


def close(contexts: list[AppContext]) -> None:
    for other in contexts[1:]:
        other.database.close()


def test_two_writers_in_threads_interleave_in_their_own_chains_and_both_verify(
    database: Database,
) -> None:
    first, second = writers(database, 2)
    write(first, 1, "start a")
    write(second, 1, "start b")
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def run(ctx: AppContext, label: str) -> None:
        try:
            barrier.wait()
            write(ctx, 15, label)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [
        threading.Thread(target=run, args=(first, "a")),
        threading.Thread(target=run, args=(second, "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    rows = chain_rows(database)
    chain_of = {purpose.split()[0]: chain for _s, chain, _c, purpose in rows if purpose}
    assert chain_of["a"] != chain_of["b"]  # each writer its own chain
    for chain in (chain_of["a"], chain_of["b"]):
        numbers = [c for _s, ch, c, _p in rows if ch == chain]
        assert numbers == list(range(1, len(numbers) + 1))
    order = [purpose.split()[0] for _s, _ch, _c, purpose in rows if purpose]
    switches = sum(1 for x, y in itertools.pairwise(order) if x != y)
    assert switches >= 2  # the two writers' entries interleave in the global order
    result = audit.verify_chain(database)
    assert result.ok and result.chains == 2 and result.checked == len(rows), result
    close([first, second])


def test_a_writer_never_waits_for_another_writers_open_transaction(
    database: Database,
) -> None:
    """One writer holds its chain in an open transaction; another appends and commits."""
    from jeugdtoegang.storage.audit_writer import _append, _Item
    from jeugdtoegang.storage.uow import AccessRecord

    write(AppContext(database, ADMIN), 1, "eerst")
    record = AccessRecord("zoeken", None, None, (), "open transactie", "ok")
    held = database.write_sessions()
    held.connection()
    _append(held, [_Item(ADMIN, record, utcnow())])  # chain held, not committed
    try:
        if database.dialect == "postgresql":
            # another program (process) on the same server: fails if it has to wait a moment
            env = {**os.environ, "PYTHONPATH": str(ROOT), "PGOPTIONS": "-c lock_timeout=3000"}
            code = (
                "import sys\n"
                "from jeugdtoegang.storage.database import open_database\n"
                "from jeugdtoegang.services import audit\n"
                "from jeugdtoegang.services.context import AppContext\n"
                "from jeugdtoegang.domain.actor import Actor, Role\n"
                "db = open_database(sys.argv[1])\n"
                "ctx = AppContext(db, Actor('beheer', 'B', frozenset({Role.BEHEERDER})))\n"
                "for i in range(5):\n"
                "    audit.log_use(ctx, 'zoeken', purpose=f'proces {i}')\n"
                "db.close()\n"
            )
            started = time.monotonic()
            done = subprocess.run(
                [sys.executable, "-c", code, database.url], env=env, capture_output=True,
                text=True, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, done.stderr[-2000:]
            assert time.monotonic() - started < 60
        else:
            # SQLite serialises write transactions itself: the held one must end first
            held.commit()
            write(writers(database, 2)[1], 5, "proces")
    finally:
        held.commit()
        held.close()
    rows = chain_rows(database)
    chains = {chain for _s, chain, _c, purpose in rows if purpose and purpose.startswith("proces")}
    held_chain = next(chain for _s, chain, _c, p in rows if p == "open transactie")
    if database.dialect == "postgresql":
        assert held_chain not in chains  # it took another chain instead of waiting
    result = audit.verify_chain(database)
    assert result.ok, result


def _three_chains(database: Database) -> list[AppContext]:
    contexts = writers(database, 3)
    for round_ in range(2):
        for index, ctx in enumerate(contexts):
            write(ctx, 2, f"w{index}-{round_}")
    result = audit.verify_chain(database)
    assert result.ok and result.chains == 3, result
    return contexts


def test_deleting_a_whole_chain_from_the_middle_is_detected(database: Database) -> None:
    contexts = _three_chains(database)
    sql(database, "DELETE FROM audit_subject WHERE entry_seq IN "
                  "(SELECT seq FROM audit_log WHERE chain_id = 2)")  # fmt: skip
    sql(database, "DELETE FROM audit_log WHERE chain_id = 2")
    sql(database, "DELETE FROM audit_chain WHERE number = 2")
    result = audit.verify_chain(database)
    assert not result.ok and result.reason == "keten_ontbreekt", result
    assert "Keten 2" in result.message
    close(contexts)


def test_renumbering_the_chains_after_deleting_one_is_detected(database: Database) -> None:
    contexts = _three_chains(database)
    sql(database, "DELETE FROM audit_log WHERE chain_id = 2")
    sql(database, "DELETE FROM audit_chain WHERE number = 2")
    sql(database, "UPDATE audit_log SET chain_id = 2 WHERE chain_id = 3")
    sql(database, "UPDATE audit_chain SET number = 2 WHERE number = 3")
    forget_anchor_cache()
    for path in anchor_path(database.database_id, 3).parent.glob("audit-anchor-*-k*.json"):
        path.unlink()
    result = audit.verify_chain(database)
    assert not result.ok and result.reason == "keten_gewijzigd", result
    close(contexts)


def test_deleting_the_newest_chain_is_detected_by_its_anchor_file(database: Database) -> None:
    contexts = _three_chains(database)
    sql(database, "DELETE FROM audit_log WHERE chain_id = 3")
    sql(database, "DELETE FROM audit_chain WHERE number = 3")
    result = audit.verify_chain(database)
    assert not result.ok and result.reason == "keten_ontbreekt", result
    assert "keten 3" in result.message
    close(contexts)


def test_deleting_the_newest_chain_and_its_anchor_file_is_detected_by_the_office(
    database: Database,
) -> None:
    contexts = _three_chains(database)
    ctx = contexts[0]
    kept = audit.latest_anchor(ctx)
    office = [{"source_database_id": kept["database_id"], **kept}]
    sql(database, "DELETE FROM audit_subject WHERE entry_seq IN "
                  "(SELECT seq FROM audit_log WHERE chain_id = 3)")  # fmt: skip
    sql(database, "DELETE FROM audit_log WHERE chain_id = 3")
    sql(database, "DELETE FROM audit_chain WHERE number = 3")
    anchor_path(database.database_id, 3).unlink()
    forget_anchor_cache()
    result = audit.verify_against_anchors(ctx, office)
    assert not result.ok and result.reason == "afgekapt" and result.chain == 3, result
    close(contexts)


def test_a_cut_tail_of_one_chain_is_detected_by_its_head(database: Database) -> None:
    contexts = _three_chains(database)
    sql(database, "DELETE FROM audit_log WHERE chain_id = 2 AND chain_seq = 4")
    result = audit.verify_chain(database)
    assert (result.ok, result.reason, result.chain, result.chain_seq) == (
        False, "afgekapt", 2, 4,
    )  # fmt: skip
    close(contexts)


def test_moving_an_entry_to_another_chain_is_detected(database: Database) -> None:
    contexts = _three_chains(database)
    sql(database, "UPDATE audit_log SET chain_id = 3, chain_seq = 5 "
                  "WHERE chain_id = 2 AND chain_seq = 4")  # fmt: skip
    sql(database, "UPDATE audit_chain SET head_seq = 3 WHERE number = 2")
    result = audit.verify_chain(database)
    assert not result.ok and result.reason in {"gewijzigd", "afgekapt", "ontbreekt"}, result
    close(contexts)


def test_the_office_keeps_an_anchor_per_chain_and_alarms_when_a_chain_disappears(
    database: Database,
) -> None:
    ctx = AppContext(database, ADMIN)
    source = uuid.uuid4()

    def receive(chains: list[tuple[int, int, str]]) -> None:
        anchor = {
            "seq": max(c[1] for c in chains),
            "key_id": "k1",
            "chains": [{"chain": c, "seq": s, "chain_hash": h} for c, s, h in chains],
        }
        with ctx.uow() as uow:
            keep_remote_anchor(uow, source, anchor, "laptop 2")
            uow.commit()

    receive([(1, 10, "a" * 64), (2, 4, "b" * 64)])
    receive([(1, 12, "c" * 64), (2, 6, "d" * 64)])
    receive([(1, 14, "e" * 64)])  # chain 2 gone
    receive([(1, 14, "e" * 64), (2, 3, "f" * 64)])  # chain 2 shorter than before
    report = audit.received_anchor_report(ctx)
    alarms = [r for r in report if r.status == "alarm"]
    assert {(r.chain_id, r.seq) for r in alarms} == {(2, 0), (2, 3)}
    assert all(r.status == "ok" for r in report if r.chain_id == 1)


def test_the_previous_release_upgrades_to_chain_one_and_still_verifies(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = ROOT / "tests" / "fixtures" / "release-0.1.0"
    home = tmp_path / "home"
    shutil.copytree(release / "home", home)
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    monkeypatch.delenv("JEUGDTOEGANG_AUDIT_KEY", raising=False)
    from jeugdtoegang.storage.audit_chain import _key_cache

    _key_cache.clear()
    db = tmp_path / "jeugdtoegang.sqlite"
    shutil.copy2(release / "jeugdtoegang.sqlite", db)
    with sqlite3.connect(db) as raw:
        before = raw.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    database = open_database(str(db))
    try:
        result = audit.verify_chain(database)
        assert result.ok and result.checked == before and result.chains == 1, result
        assert result.anchor_seq == before  # the release's anchor file still matches
        write(AppContext(database, ADMIN), 3, "na de upgrade")
        result = audit.verify_chain(database)
        assert result.ok and result.checked == before + 3 and result.chains == 1, result
        with database.read_sessions() as session:
            head = session.execute(select(AuditChain.head_seq)).scalar_one()
        assert head == before + 3
    finally:
        database.close()
        _key_cache.clear()
