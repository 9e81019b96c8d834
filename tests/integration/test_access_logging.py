"""NEN 7513 logging gaps, crash-safe read logging, whole private files, login hardening."""

from __future__ import annotations

import contextlib
import json
import os
import stat
import subprocess
import sys
import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from jeugdtoegang.cli.main import main as cli_main
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.errors import FileWriteError, JeugdtoegangError
from jeugdtoegang.services import auth, decisions, households, plans
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.inzage import write_inzage
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.security import User
from tests.conftest import TODAY
from tests.integration.decision_fixtures import add_indication, make_household
from tests.integration.test_review import complete_plan

ADMIN = Actor("beheer", "Bea Heerkens", frozenset({Role.BEHEERDER}))
PASSWORD = "correct paard batterij"


def entries(ctx: AppContext, action: str | None = None) -> list[AuditEntry]:
    flush_pending(ctx.database)
    with ctx.database.read_sessions() as session:
        query = select(AuditEntry).order_by(AuditEntry.seq)
        if action:
            query = query.where(AuditEntry.action == action)
        return list(session.execute(query).scalars())


def people(ctx: AppContext, household_id) -> set[str]:  # type: ignore[no-untyped-def]
    detail = households.get_household(ctx, household_id, purpose=None)
    return {str(m.id) for m in detail.members}


# --- every read that shows personal data is logged with the persons shown ----------------


def test_a_search_logs_every_person_shown_but_never_the_bsn_searched_for(ctx: AppContext) -> None:
    household_id, _ = make_household(ctx)
    bsn = households.get_household(ctx, household_id, purpose=None).members[0].bsn
    assert households.search_households(ctx, bsn)
    logged = entries(ctx, "zoeken")[-1]
    assert set(logged.person_ids) == people(ctx, household_id)
    assert logged.purpose.startswith("zoeken op BSN")
    assert all(bsn not in (e.purpose or "") for e in entries(ctx))


def test_the_dossier_list_is_logged_with_its_persons(ctx: AppContext) -> None:
    household_id, _ = make_household(ctx)
    households.list_households(ctx, 0, 50)
    logged = [e for e in entries(ctx, "inzien") if (e.purpose or "").startswith("dossierlijst")]
    assert logged and set(logged[-1].person_ids) == people(ctx, household_id)


def test_plan_history_and_versions_are_logged_with_the_persons(ctx: AppContext) -> None:
    household_id, _ = make_household(ctx)
    detail = households.get_household(ctx, household_id, purpose=None)
    plans.save_draft(ctx, household_id, complete_plan(ctx, detail), 0)
    plans.plan_history(ctx, household_id)
    plans.get_plan_version(ctx, household_id, 1)
    for purpose in ("versiegeschiedenis", "perspectiefplan versie 1 inzien"):
        entry = next(e for e in entries(ctx) if e.purpose == purpose)
        assert set(entry.person_ids) == people(ctx, household_id)


def test_pending_lists_are_logged_with_the_persons_shown(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    household_id, person_id = make_household(ctx)
    detail = households.get_household(ctx, household_id, purpose=None)
    plan = plans.save_draft(ctx, household_id, complete_plan(ctx, detail), 0)
    plans.submit_plan(ctx, plan.id)
    indication = add_indication(ctx, household_id, person_id)
    decision = decisions.create_decision(
        ctx, household_id, person_id, DecisionType.TOEKENNING, [indication],
        date(2026, 11, 2), "hulp", "Daan is vaak boos.", goals=["Daan is minder boos."],
    )  # fmt: skip
    decisions.submit_decision(ctx, decision.id)
    plans.list_pending_plans(lead_ctx)
    decisions.list_pending_decisions(lead_ctx)
    for purpose in ("ingediende plannen", "ingediende beschikkingen"):
        entry = next(e for e in entries(ctx) if (e.purpose or "").startswith(purpose))
        assert entry.created_by == "t.bakker"
        assert set(entry.person_ids) == people(ctx, household_id)


def test_a_refused_list_is_logged(ctx: AppContext) -> None:
    admin = ctx.with_actor(ADMIN)
    with pytest.raises(JeugdtoegangError):
        decisions.list_pending_decisions(admin)
    with pytest.raises(JeugdtoegangError):
        decisions.get_decision(admin, make_household(ctx)[0])
    refused = [e for e in entries(ctx) if e.outcome == "geweigerd" and e.created_by == "beheer"]
    assert len(refused) == 2


# --- reads are durable before the data is shown: kill -9 loses no read entry -------------

_KILL_READS = """
import os, signal, sys, uuid
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import open_database
database = open_database(sys.argv[1])
ctx = AppContext(database, Actor("c.jansen", "C", frozenset({Role.CONSULENT}), team="Team Zeist"))
for _ in range(10):
    households.get_household(ctx, uuid.UUID(sys.argv[2]), purpose="kill-test")
os.kill(os.getpid(), signal.SIGKILL)  # at once: the background writer had no time
"""


def test_reads_survive_a_kill_within_the_batch_delay(ctx: AppContext, database_url: str) -> None:
    household_id, _ = make_household(ctx)
    result = subprocess.run(
        [sys.executable, "-c", _KILL_READS, database_url, str(household_id)],
        env={**os.environ}, capture_output=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == -9, result.stderr.decode()
    # the next start (opening the database, or reading the log) writes them
    assert len([e for e in entries(ctx) if e.purpose == "kill-test"]) == 10
    assert not list(Path(os.environ["JEUGDTOEGANG_HOME"]).glob("audit-journal-*"))


_KILL_BATCH = """
import os, signal, sys
from datetime import date
from pathlib import Path
from jeugdtoegang import atomic
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import letter_batch
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import open_database
real = os.replace
count = 0
def replace_then_die(a, b):
    global count
    real(a, b)
    count += 1
    if count == int(sys.argv[3]):
        os.kill(os.getpid(), signal.SIGKILL)
atomic.os.replace = replace_then_die
letter_batch.POOL_MIN_LETTERS = int(sys.argv[4])  # 1: render in worker processes
database = open_database(sys.argv[1])
ctx = AppContext(database, Actor("c.jansen", "C", frozenset({Role.CONSULENT}), team="Team Zeist"),
                 today=lambda: date(2026, 11, 23))
run_to_end(letter_batch.batch_letters(ctx, date(2026, 11, 23), Path(sys.argv[2])))
"""


@pytest.mark.parametrize("pool_from", [1000, 1], ids=["in-process", "worker-processes"])
@pytest.mark.parametrize("kill_after", [1, 2])
def test_a_killed_letter_batch_leaves_no_printed_letter_without_its_entry(
    ctx: AppContext,
    lead_ctx: AppContext,
    database_url: str,
    tmp_path: Path,
    kill_after: int,
    pool_from: int,
) -> None:
    from tests.integration.test_letters import approved_decisions

    approved_decisions(ctx, lead_ctx, 3)
    out = tmp_path / "out"
    script = [_KILL_BATCH, database_url, str(out), str(kill_after), str(pool_from)]
    result = subprocess.run(
        [sys.executable, "-c", *script],
        env={**os.environ}, capture_output=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == -9, result.stderr.decode()
    printed = {p.stem for p in out.glob("*.pdf")}
    assert len(printed) == kill_after
    logged = {e.object_id for e in entries(ctx, "afdrukken")}
    kenmerken = {r.kenmerk: r.id for r in decisions.list_decisions(ctx)}
    assert all(kenmerken[k] in logged for k in printed)


# --- files: private, whole, honest about a full disk --------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_every_file_and_folder_the_program_makes_is_private_whatever_the_umask(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = os.umask(0o022)
    try:
        home = tmp_path / "thuis" / "jeugdtoegang"
        monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
        db = tmp_path / "nieuw" / "team.sqlite"
        assert cli_main(["--db", str(db), "init", "--region", "zuidoost-utrecht"]) == 0
        from jeugdtoegang.storage.database import open_database
        from jeugdtoegang.storage.migrate import backup_sqlite

        backup = backup_sqlite(db, "test")
        database = open_database(str(db))
        ctx = AppContext(database, Actor("c", "C", frozenset({Role.CONSULENT, Role.SYSTEEM})),
                         today=lambda: TODAY)  # fmt: skip
        household_id, person_id = make_household(ctx)
        detail = households.get_household(ctx, household_id, purpose=None)
        plans.save_draft(ctx, household_id, complete_plan(ctx, detail), 0)
        from jeugdtoegang.services.plan_export import export_plan_pdf

        export_plan_pdf(ctx, household_id, tmp_path / "plan.pdf")
        write_inzage(ctx, person_id, tmp_path / "inzage.json")
        flush_pending(database)
        database.close()
    finally:
        os.umask(old)
    for path in (db, backup, tmp_path / "plan.pdf", tmp_path / "inzage.json"):
        assert _mode(path) == 0o600, path
    for folder in (home, db.parent):
        assert _mode(folder) == 0o700, folder
    for path in home.rglob("*"):
        assert _mode(path) & 0o077 == 0, path


@pytest.fixture
def full_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A 256 KiB tmpfs (needs root; skipped elsewhere), filled to the last few KiB."""
    mount = tmp_path / "vol"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip("no tmpfs mount here (needs root)")
    try:
        with open(mount / "vulling", "wb") as handle, contextlib.suppress(OSError):
            handle.write(b"x" * (256 * 1024 - 8 * 1024))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_gives_a_dutch_message_no_torn_file_and_no_export_entry(
    ctx: AppContext, full_disk: Path
) -> None:
    _household_id, person_id = make_household(ctx)
    admin = ctx.with_actor(ADMIN)
    before = len(entries(ctx, "inzage_export"))
    with pytest.raises(FileWriteError) as refused:
        write_inzage(admin, person_id, full_disk / "inzage.pdf")
    assert "schijf is vol" in refused.value.message
    assert sorted(p.name for p in full_disk.iterdir()) == ["vulling"]
    assert len(entries(ctx, "inzage_export")) == before


def test_the_cli_reports_a_full_disk_with_exit_1(
    ctx: AppContext,
    database_url: str,
    full_disk: Path,
    capsys: pytest.CaptureFixture[str],
    cli_login: AppContext,
) -> None:
    household_id, _ = make_household(ctx)
    detail = households.get_household(ctx, household_id, purpose=None)
    plans.save_draft(ctx, household_id, complete_plan(ctx, detail), 0)
    code = cli_main(
        ["--db", database_url, "plan", "export", "--household", str(household_id),
         "-o", str(full_disk / "plan.pdf")]
    )  # fmt: skip
    assert code == 1
    assert "schijf is vol" in capsys.readouterr().err
    assert sorted(p.name for p in full_disk.iterdir()) == ["vulling"]


# --- login hardening ----------------------------------------------------------------------


@pytest.fixture
def fast_hashing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


def test_parallel_wrong_attempts_are_counted_atomically(
    ctx: AppContext, fast_hashing: None
) -> None:
    auth.create_first_administrator(ctx.database, "beheer", "Bea", PASSWORD)
    admin = ctx.with_actor(auth.login(ctx.database, "beheer", PASSWORD))
    auth.create_user(
        admin, auth.UserInput("c.jansen", "Carla", (Role.CONSULENT,), password=PASSWORD)
    )
    checked: list[str] = []
    original = auth.verify_password

    def counting(password: str, stored: str) -> bool:
        checked.append(password)
        return original(password, stored)

    auth.verify_password = counting  # type: ignore[assignment]
    try:
        threads = [
            threading.Thread(target=_try, args=(ctx, "c.jansen", f"fout {i}")) for i in range(16)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        auth.verify_password = original  # type: ignore[assignment]
    assert len(checked) <= auth.FREE_ATTEMPTS + 1


def _try(ctx: AppContext, name: str, password: str) -> None:
    with contextlib.suppress(JeugdtoegangError):
        auth.login(ctx.database, name, password)


def test_the_last_administrator_is_never_locked_out_for_long(
    ctx: AppContext, fast_hashing: None
) -> None:
    auth.create_first_administrator(ctx.database, "beheer", "Bea", PASSWORD)
    for i in range(12):
        _try(ctx, "beheer", f"fout {i}")
    with pytest.raises(auth.LoginError) as locked:
        auth.login(ctx.database, "beheer", PASSWORD)
    assert "seconden" in locked.value.message
    from datetime import timedelta

    from jeugdtoegang.storage.base import utcnow

    later = utcnow() + timedelta(seconds=auth.LAST_ADMIN_MAX_LOCK_SECONDS + 1)
    assert auth.login(ctx.database, "beheer", PASSWORD, now=later).username == "beheer"


def test_unknown_and_disabled_accounts_get_the_same_answer_and_a_login_changes_no_account(
    ctx: AppContext, fast_hashing: None
) -> None:
    auth.create_first_administrator(ctx.database, "beheer", "Bea", PASSWORD)
    admin = ctx.with_actor(auth.login(ctx.database, "beheer", PASSWORD))
    auth.create_user(
        admin, auth.UserInput("oud", "Oud Account", (Role.CONSULENT,), password=PASSWORD)
    )
    auth.set_user_active(admin, "oud", False)
    answers = set()
    for name in ("oud", "bestaat.niet"):
        with pytest.raises(auth.LoginError) as refused:
            auth.login(ctx.database, name, PASSWORD)
        answers.add(refused.value.message)
    assert answers == {auth.WRONG}
    with ctx.database.read_sessions() as session:
        before = session.execute(select(User.version).where(User.username == "beheer")).scalar()
    auth.login(ctx.database, "beheer", PASSWORD)
    _try(ctx, "beheer", "fout wachtwoord")
    with ctx.database.read_sessions() as session:
        after = session.execute(select(User.version).where(User.username == "beheer")).scalar()
    assert after == before


def test_a_temporary_password_opens_nothing_on_the_command_line(
    ctx: AppContext, database_url: str, fast_hashing: None,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    auth.create_first_administrator(ctx.database, "beheer", "Bea", PASSWORD)
    admin = ctx.with_actor(auth.login(ctx.database, "beheer", PASSWORD))
    auth.create_user(
        admin, auth.UserInput("c.jansen", "Carla", (Role.CONSULENT,), password=PASSWORD)
    )
    monkeypatch.setenv("JEUGDTOEGANG_USER", "c.jansen")
    monkeypatch.setenv("JEUGDTOEGANG_PASSWORD", PASSWORD)
    assert cli_main(["--db", database_url, "households", "search", "bos"]) == 1
    assert "tijdelijk wachtwoord" in capsys.readouterr().err


def test_no_demo_data_goes_into_a_database_with_accounts(
    ctx: AppContext, database_url: str, fast_hashing: None, capsys: pytest.CaptureFixture[str]
) -> None:
    auth.create_first_administrator(ctx.database, "beheer", "Bea", PASSWORD)
    code = cli_main(
        ["--db", database_url, "init", "--region", "zuidoost-utrecht", "--demo",
         "--households", "2"]
    )  # fmt: skip
    assert code == 1
    assert "demogegevens" in capsys.readouterr().err


def test_argument_errors_are_dutch_and_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        cli_main(["households", "zoek"])
    assert stopped.value.code == 1
    err = capsys.readouterr().err
    assert "Ongeldige keuze 'zoek'" in err and "invalid" not in err
    with pytest.raises(SystemExit) as stopped:
        cli_main(["plan", "show"])
    assert stopped.value.code == 1
    assert "Deze gegevens ontbreken" in capsys.readouterr().err


def test_the_doorbraak_command_and_report_work_from_the_cli(
    ctx: AppContext,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from jeugdtoegang.cli import common
    from jeugdtoegang.domain.actor import local_actor

    # a user outside the dossier's team who is also a team lead (no team: sees the report)
    monkeypatch.setattr(common, "cli_actor", lambda _args, _database: local_actor())
    household_id, _ = make_household(ctx)
    code = cli_main(
        ["--db", database_url, "doorbraak", "open", "--household", str(household_id),
         "--reden", "Crisismelding, eigen consulent afwezig", "--json"]
    )  # fmt: skip
    assert code == 0
    assert json.loads(capsys.readouterr().out)["hours"] == 8
    assert cli_main(["--db", database_url, "doorbraak", "rapport", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and "Crisismelding" in rows[0]["reason"]


def test_a_migration_backup_on_a_full_disk_leaves_no_file_under_its_final_name(
    tmp_path: Path,
) -> None:
    import sqlite3

    from jeugdtoegang.storage.migrate import backup_sqlite

    mount = tmp_path / "klein"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", str(mount)],
        capture_output=True, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        pytest.skip("no tmpfs mount here (needs root)")
    try:
        database = mount / "team.sqlite"
        connection = sqlite3.connect(database)
        connection.execute("CREATE TABLE t (x BLOB)")
        connection.execute("INSERT INTO t VALUES (randomblob(300000))")
        connection.commit()
        connection.close()
        with pytest.raises(FileWriteError) as refused:
            backup_sqlite(database, "voor-migratie")
        assert "schijf is vol" in refused.value.message
        assert sorted(p.name for p in mount.iterdir()) == ["team.sqlite"]
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
