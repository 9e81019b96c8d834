"""The canary BSN through a whole session on an *encrypted* database (SQLCipher).

The same session as :mod:`tests.integration.test_canary` (register, search by BSN, open,
reveal, save, plan PDF, inzage, autosave, migration backup, sync bundle, analyst export),
but the database is encrypted first. Afterwards the BSN must be found in no file of the
program's own folders (database, WAL, -shm, backups, autosaved drafts, journals, keys, log):
only in the files the user asked for in a folder of their choice (README, "Data at rest":
inzage export, analyst export, sync bundle, plan PDF), which the user must keep safe.
"""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.services import households, persons, plans
from jeugdtoegang.services.autosave import read_recovery, write_recovery
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.db_encryption import encrypt_new_database
from jeugdtoegang.services.inzage import write_inzage
from jeugdtoegang.services.plan_export import export_plan_pdf
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.migrate import backup_sqlite
from tests.conftest import TODAY
from tests.integration.test_canary import CANARY, _contains
from tests.integration.test_review import complete_plan

#: the files the user asked for, in the folder they chose (README, "Data at rest")
ASKED_FOR = ("inzage.json", "inzage.pdf", "analist.sqlite", "naar-kantoor.jtsync", "plan.pdf")


def test_with_an_encrypted_database_the_canary_bsn_lies_only_in_files_the_user_asked_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    out = tmp_path / "uit"
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    monkeypatch.setenv("JEUGDTOEGANG_SYNC_KEY", "een-geheime-teamsleutel-van-32-tekens!!")
    encryption.forget()
    old = os.umask(0o022)
    try:
        path = home / "team.sqlite"
        plain = open_database(str(path))
        initialise(plain, "zuidoost-utrecht", team_name="Team Zeist")
        encrypt_new_database(plain)  # before any personal data goes in; closes it
        database = open_database(str(path))  # with the key unlocked in this process
        assert database.encrypted
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
        draft = write_recovery(
            detail.id, {"notes": f"BSN {CANARY} gecontroleerd"}, 1, author=ctx.actor.username
        )
        recovered = read_recovery(detail.id, author=ctx.actor.username)
        assert recovered is not None and CANARY in recovered.content["notes"]
        backup = backup_sqlite(path, "voor-migratie", database.key)
        from jeugdtoegang.services.sync import export_bundle

        export_bundle(admin, "kantoor", out / "naar-kantoor.jtsync")
        export_bundle(admin, "analist", out / "analist.sqlite", fmt="sqlite")
        flush_pending(database)
        wal = path.with_name("team.sqlite-wal")
        assert wal.exists() and wal.stat().st_size > 0  # checked while the WAL holds pages
        assert not _contains(wal) and not _contains(path)
        database.close()
    finally:
        os.umask(old)
        encryption.forget()

    written = [p for p in [*home.rglob("*"), *out.rglob("*")] if p.is_file()]
    assert draft in written and backup in written
    holding = {p for p in written if _contains(p)}
    for found in holding:
        assert found.parent == out and found.name in ASKED_FOR, f"BSN found in {found}"
    assert not [p for p in holding if home in p.parents]
    assert (out / "inzage.json") in holding  # the canary is really in the session
    for file in written:
        assert stat.S_IMODE(file.stat().st_mode) & 0o077 == 0, f"{file} is not private"
    # without the key the draft is unreadable: the process forgot the database's key
    assert read_recovery(detail.id, author="c.jansen") is None
