"""A canary BSN through a whole session: where may it lie on disk, and is every file private?

The session registers a family with a known BSN, searches for it (by BSN), opens and
prints the dossier, exports an inzage and the plan, autosaves a draft, makes a sync bundle
and an analyst export, and logs in and out. Afterwards every file the program wrote is
read (zip members unpacked) and the BSN must appear only where the README says it may:
the database (with its WAL), backups, sync bundles, the analyst export, inzage exports
and autosaved drafts; never in journals, anchors, keys or the audit log's text columns.
"""

from __future__ import annotations

import os
import stat
import zipfile
from datetime import date
from pathlib import Path

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.services import households, persons, plans
from jeugdtoegang.services.autosave import write_recovery
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.inzage import write_inzage
from jeugdtoegang.services.plan_export import export_plan_pdf
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.migrate import backup_sqlite
from tests.conftest import TODAY
from tests.integration.test_review import complete_plan

CANARY = "987654305"  # passes the 11-check; appears nowhere else
#: file name patterns where the BSN may lie (README, "Data at rest")
ALLOWED = (".sqlite", ".sqlite-wal", "-voor-migratie.sqlite", ".jtsync", "analist.sqlite",
           "inzage.json", "autosave")  # fmt: skip
NEVER = ("audit-journal", "audit-anchor", "audit.key", "sync.key")


def _contains(path: Path) -> bool:
    data = path.read_bytes()
    if CANARY.encode() in data:
        return True
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return any(CANARY.encode() in archive.read(name) for name in archive.namelist())
    return False


def test_the_canary_bsn_lies_only_where_the_readme_says_and_every_file_is_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    out = tmp_path / "uit"
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    monkeypatch.setenv("JEUGDTOEGANG_SYNC_KEY", "een-geheime-teamsleutel-van-32-tekens!!")
    old = os.umask(0o022)
    try:
        database = open_database(str(home / "team.sqlite"))
        initialise(database, "zuidoost-utrecht", team_name="Team Zeist")
        ctx = AppContext(
            database,
            Actor("c.jansen", "Carla", frozenset({Role.CONSULENT, Role.TEAMLEIDER}), "Team Zeist"),
            today=lambda: TODAY,
        )
        admin = ctx.with_actor(Actor("beheer", "Bea", frozenset({Role.BEHEERDER})))
        detail = households.register_household(
            ctx,
            HouseholdInput(
                name="Familie Kanarie", gemeente="Zeist",
                members=(PersonInput(role=PersonRole.JEUGDIGE, first_name="Kees",
                                     surname="Kanarie", birth_date=date(2015, 1, 1),
                                     bsn=CANARY),),
            ),
        )  # fmt: skip
        child = detail.members[0].id
        assert households.search_households(ctx, CANARY)
        households.get_household(ctx, detail.id)
        assert persons.reveal_bsn(ctx, child, "brief controleren") == CANARY
        plans.save_draft(ctx, detail.id, complete_plan(ctx, detail), 0)
        out.mkdir(mode=0o755)
        export_plan_pdf(ctx, detail.id, out / "plan.pdf")
        write_inzage(admin, child, out / "inzage.json")
        write_inzage(admin, child, out / "inzage.pdf")
        write_recovery(
            detail.id, {"notes": f"BSN {CANARY} gecontroleerd"}, 1, author=ctx.actor.username
        )
        backup_sqlite(home / "team.sqlite", "voor-migratie")
        from jeugdtoegang.services.sync import export_bundle

        export_bundle(admin, "kantoor", out / "naar-kantoor.jtsync")
        export_bundle(admin, "analist", out / "analist.sqlite", fmt="sqlite")
        flush_pending(database)
        database.close()
    finally:
        os.umask(old)

    written = [p for p in [*home.rglob("*"), *out.rglob("*")] if p.is_file()]
    assert written
    holding = {p for p in written if _contains(p)}
    for path in holding:
        assert any(mark in str(path) for mark in ALLOWED), f"BSN found in {path}"
        assert not any(mark in path.name for mark in NEVER), f"BSN found in {path}"
    assert any(p.name == "team.sqlite" for p in holding)
    for path in written:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, f"{path} is not private"
    for folder in [home, *[p for p in home.rglob("*") if p.is_dir()]]:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
