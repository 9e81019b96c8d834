"""Attacks by someone holding one consultant's laptop: every one is refused, nothing changes.

Each attack starts from a genuine bundle of the enrolled laptop and re-signs it with that
laptop's own key (the attacker has the laptop), so only the importer's authorisation and
validation stand between the bundle and the office database. After each refusal the full
dump of the office database is identical, except for the audit log that gained the
refusal ("bundel_geweigerd").
"""

from __future__ import annotations

import os
import secrets
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import auth, workstations
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.security import User
from jeugdtoegang.sync import SyncError
from jeugdtoegang.sync.keys import ENV_KEY
from tests.integration.sync_helpers import (
    ADMIN,
    PASSWORD,
    TEAM_KEY,
    DatabaseFactory,
    dump_without_audit,
    forge,
    join,
    office_with_accounts,
    open_bundle,
    register,
    valid_bsn,
)

pytestmark = pytest.mark.postgres

CARLA = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
OFFICE = Actor("b.kantoor", "Bea Kantoor", frozenset({Role.CONSULENT}), team="Team Zeist")


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


@pytest.fixture
def team(tmp_path: Path) -> Iterator[tuple[AppContext, AppContext, AppContext]]:
    """(Carla's laptop, the office as a consultant, the office's beheerder)."""
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    office_db = factory.create("kantoor")
    admin = office_with_accounts(office_db)
    laptop_db = factory.create("laptop1", dossier_start=10_000)
    join(admin, laptop_db, tmp_path, "laptop1")
    yield AppContext(laptop_db, CARLA), AppContext(office_db, OFFICE), admin
    factory.close()


def genuine(laptop: AppContext, tmp_path: Path) -> Path:
    register(laptop, 1)
    path = tmp_path / f"echt-{uuid.uuid4().hex[:6]}.jtsync"
    sync_service.export_bundle(laptop, "kantoor", path)
    return path


def now() -> str:
    return datetime.now(UTC).isoformat()


def adding(
    table: str,
    data: dict[str, Any] | None,
    *,
    author: str = "c.jansen",
    record_id: str | None = None,
    version: int = 1,
) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """An edit for :func:`forge` that appends one change (in the bundle's range)."""

    def edit(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        last = changes[-1]
        rid = record_id or (data or {}).get("id") or str(uuid.uuid4())
        change = {
            **last,
            "seq": last["seq"] + 1,
            "table": table,
            "id": rid,
            "version": version,
            "op": "delete" if data is None else "insert",
            "updated_at": now(),
            "updated_by": author,
            "data": data,
            "history": [],
        }
        return [*changes, change]

    return edit


def refused(office: AppContext, bad: Path) -> str:
    """Import ``bad``; assert refusal, an unchanged database and a logged refusal."""
    before, audit_before = dump_without_audit(office.database)
    with pytest.raises(SyncError) as error:
        sync_service.import_bundle(office, bad)
    after, audit_after = dump_without_audit(office.database)
    assert after == before
    assert len(audit_after) > len(audit_before)
    assert any("bundel_geweigerd" in line for line in audit_after[len(audit_before) :]) or any(
        "bundel_geweigerd" in line for line in audit_after
    )
    return error.value.message


def user_row(ctx: AppContext, username: str) -> dict[str, Any]:
    from jeugdtoegang.storage.snapshot import to_json_value

    table = User.__table__
    with ctx.database.engines.read.connect() as connection:
        row = connection.execute(select(table).where(table.c.username == username)).mappings().one()
    exclude = User.snapshot_exclude
    return {k: to_json_value(v) for k, v in row.items() if k not in exclude}


# --- accounts --------------------------------------------------------------------------------


def test_a_consultant_bundle_adding_a_beheerder_account_is_refused(team, tmp_path: Path) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    bad = tmp_path / "bad.jtsync"
    hacker = {
        **user_row(office, "c.jansen"),
        "id": str(uuid.uuid4()),
        "username": "hacker",
        "display_name": "Hacker",
        "roles": ["beheerder"],
        "password_hash": auth.hash_password("eigen-keuze-123", log2_n=12),
    }
    forge(good, bad, edit=adding("app_user", hacker))

    message = refused(office, bad)

    assert "accounts en rollen beheren" in message and "c.jansen" in message
    with pytest.raises(auth.LoginError):
        auth.login(office.database, "hacker", "eigen-keuze-123")


def test_a_bundle_resetting_the_beheerders_password_is_refused(team, tmp_path: Path) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    bad = tmp_path / "bad.jtsync"
    beheer = user_row(office, ADMIN)
    changed = {**beheer, "password_hash": auth.hash_password("overgenomen-123", log2_n=12)}
    changed["version"] = beheer["version"] + 1
    forge(
        good,
        bad,
        edit=adding("app_user", changed, record_id=beheer["id"], version=changed["version"]),
    )

    message = refused(office, bad)

    assert "accounts en rollen beheren" in message
    assert auth.login(office.database, ADMIN, PASSWORD).username == ADMIN


def test_a_bundle_deleting_every_account_leaves_every_account_and_the_login(
    team, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    table = User.__table__
    with office.database.engines.read.connect() as connection:
        ids = [str(i) for i in connection.execute(select(table.c.id)).scalars()]

    def delete_all(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for record_id in ids:
            changes = adding("app_user", None, record_id=record_id, version=99)(changes)
        return changes

    bad = tmp_path / "bad.jtsync"
    forge(good, bad, edit=delete_all)

    message = refused(office, bad)

    assert "accounts en rollen beheren" in message
    from jeugdtoegang.cli.main import main

    monkeypatch.delenv("JEUGDTOEGANG_USER", raising=False)
    monkeypatch.delenv("JEUGDTOEGANG_PASSWORD", raising=False)
    assert main(["--db", office.database.url, "households", "search", "gezin"]) == 1
    assert "log in" in capsys.readouterr().err


def test_a_beheerder_change_from_a_consultant_laptop_is_refused_even_by_name(
    team, tmp_path: Path
) -> None:
    """The author is claimed by the laptop: a consultant's laptop carries consultant work
    only, so a change 'by beheer' from it is refused too."""
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    bad = tmp_path / "bad.jtsync"
    hacker = {
        **user_row(office, "c.jansen"),
        "id": str(uuid.uuid4()),
        "username": "hacker",
        "roles": ["beheerder"],
    }
    forge(good, bad, edit=adding("app_user", hacker, author=ADMIN))

    assert "accounts en rollen beheren" in refused(office, bad)


# --- four eyes -------------------------------------------------------------------------------


def _household_and_child(changes: list[dict[str, Any]]) -> tuple[str, str]:
    household = next(c for c in changes if c["table"] == "household")
    child = next(c for c in changes if c["table"] == "person" and c["data"]["role"] == "jeugdige")
    return household["id"], child["id"]


def _decision(household_id: str, person_id: str, **extra: Any) -> dict[str, Any]:
    moment = now()
    return {
        "id": str(uuid.uuid4()),
        "household_id": household_id,
        "person_id": person_id,
        "gemeente": "Zeist",
        "type": "toekenning",
        "status": "goedgekeurd",
        "kenmerk": f"VALS-{secrets.token_hex(3)}",
        "request_date": "2026-11-02",
        "request_text": "Hulp thuis",
        "decision_date": "2026-11-23",
        "motivation": "",
        "goals": [],
        "legal_basis": "Jeugdwet art. 2.3",
        "addressee": "ouders",
        "end_date": None,
        "corrects_decision_id": None,
        "submitted_by": "c.jansen",
        "submitted_at": moment,
        "review_comment": None,
        "approved_by": "t.bakker",
        "approved_at": moment,
        "sent_by": None,
        "sent_at": None,
        "version": 1,
        "created_at": moment,
        "created_by": "c.jansen",
        "updated_at": moment,
        "updated_by": "c.jansen",
        **extra,
    }


def test_a_decision_marked_approved_by_the_team_lead_from_a_laptop_is_refused(
    team, tmp_path: Path
) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    _, changes = open_bundle(good)
    household_id, person_id = _household_and_child(changes)
    bad = tmp_path / "bad.jtsync"
    forge(good, bad, edit=adding("decision", _decision(household_id, person_id)))

    message = refused(office, bad)

    assert "goedkeuring door 't.bakker' is ongeldig" in message


def test_a_review_step_approving_as_the_team_lead_from_a_laptop_is_refused(
    team, tmp_path: Path
) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    _, changes = open_bundle(good)
    household_id, _ = _household_and_child(changes)
    moment = now()
    step = {
        "id": str(uuid.uuid4()),
        "object_type": "plan",
        "object_id": str(uuid.uuid4()),
        "household_id": household_id,
        "action": "goedgekeurd",
        "title": "Plan",
        "comment": None,
        "role": "teamleider",
        "version": 1,
        "created_at": moment,
        "created_by": "t.bakker",
        "updated_at": moment,
        "updated_by": "t.bakker",
    }
    bad = tmp_path / "bad.jtsync"
    forge(good, bad, edit=adding("review_step", step, author="t.bakker"))

    assert "mag geen indienen of beoordelen" in refused(office, bad)


# --- workstations ----------------------------------------------------------------------------


def test_a_bundle_of_a_revoked_workstation_is_refused(team, tmp_path: Path) -> None:
    laptop, office, admin = team
    good = genuine(laptop, tmp_path)
    workstations.revoke(admin, "laptop1")

    assert "ingetrokken" in refused(office, good)


def test_the_team_key_alone_cannot_write(team, tmp_path: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    bad = tmp_path / "bad.jtsync"
    forge(good, bad, signing_key=Ed25519PrivateKey.generate())
    assert "andere sleutel dan werkplek 'laptop1'" in refused(office, bad)

    stranger = tmp_path / "stranger.jtsync"
    forge(
        good,
        stranger,
        signing_key=Ed25519PrivateKey.generate(),
        manifest_changes={"source_database_id": str(uuid.uuid4())},
    )
    assert "niet is ingeschreven" in refused(office, stranger)


def test_a_bundle_reveals_no_personal_data(team, tmp_path: Path) -> None:
    laptop, _, _ = team
    good = genuine(laptop, tmp_path)
    raw = good.read_bytes()
    assert b"Achternaam1" not in raw and valid_bsn(1).encode() not in raw
    assert b"c.jansen" not in raw and b"household" not in raw


# --- invalid rows ----------------------------------------------------------------------------


def _person_edit(**changes: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def edit(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        result = []
        for change in items:
            if change["table"] == "person" and change["data"]["role"] == "jeugdige":
                change = {**change, "data": {**change["data"], **changes}}
            result.append(change)
        return result

    return edit


def _household_edit(**changes: Any) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def edit(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {**c, "data": {**c["data"], **changes}} if c["table"] == "household" else c
            for c in items
        ]

    return edit


INVALID = {
    "ongeldig BSN": (_person_edit(bsn="123456789"), "geen geldig BSN"),
    "gemeente buiten de regio": (
        _household_edit(gemeente="Amsterdam"),
        "geen gemeente van de regio",
    ),
    "tekst van 1 MB": (_household_edit(notes=secrets.token_hex(500_000)), "te lang"),
    "niet-bestaande datum": (_person_edit(birth_date="2027-02-30"), "geen bestaande datum"),
    "geen UUID": (_person_edit(household_id="geen-uuid"), "geen geldige UUID"),
    "enorm getal": (_household_edit(version=2**70), "te groot"),
    "onbekende rol": (_person_edit(role="koning"), "onbekende waarde"),
    "ja/nee als tekst": (_person_edit(has_gezag="misschien"), "ja/nee"),
}


@pytest.mark.parametrize("case", sorted(INVALID))
def test_an_invalid_row_is_a_dutch_refusal_with_exit_1_and_no_change(
    team,
    tmp_path: Path,
    case: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from jeugdtoegang.cli import common
    from jeugdtoegang.cli.main import main

    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    edit, reason = INVALID[case]
    bad = tmp_path / "bad.jtsync"
    forge(good, bad, edit=edit)
    monkeypatch.setattr(common, "cli_actor", lambda args, database: OFFICE)
    before, _ = dump_without_audit(office.database)
    capsys.readouterr()

    code = main(["--db", office.database.url, "sync", "import", str(bad)])

    err = capsys.readouterr().err
    assert code == 1, err
    assert reason in err and "Traceback" not in err and "niet gewijzigd" in err
    assert dump_without_audit(office.database)[0] == before


def test_an_unknown_table_is_refused(team, tmp_path: Path) -> None:
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)
    bad = tmp_path / "bad.jtsync"
    forge(good, bad, edit=adding("sync_peer", {"id": str(uuid.uuid4()), "name": "x"}))

    assert "sync_peer" in refused(office, bad)


# --- property: nothing unauthorised or invalid is ever applied --------------------------------

ATTACKS = st.sampled_from(
    [
        "account",
        "role",
        "workstation",
        "approval",
        "unknown_author",
        "bsn",
        "date",
        "uuid",
        "integer",
        "length",
        "gemeente",
        "table",
    ]
)


def _attack(kind: str, draw_text: str, number: int, changes: list[dict[str, Any]]) -> Any:
    household_id, person_id = _household_and_child(changes)
    if kind == "account":
        data = {
            "id": str(uuid.uuid4()),
            "username": f"u{number}",
            "display_name": draw_text or "x",
            "roles": ["beheerder"],
            "team": None,
            "municipality": None,
            "password_hash": "scrypt$12$8$1$00$00",
            "active": True,
            "must_change_password": False,
        }
        return adding("app_user", data)
    if kind == "role":
        return adding(
            "app_user",
            {"id": str(uuid.uuid4()), "username": f"r{number}", "roles": ["teamleider"]},
            author="t.bakker",
        )
    if kind == "workstation":
        return adding(
            "sync_workstation",
            {"id": str(uuid.uuid4()), "name": draw_text[:50] or "w", "status": "actief"},
        )
    if kind == "approval":
        return adding("decision", _decision(household_id, person_id))
    if kind == "unknown_author":
        return _household_edit(name=draw_text[:100] or "x") if False else adding(
            "household",
            {**next(c for c in changes if c["table"] == "household")["data"],
             "id": str(uuid.uuid4()), "dossier_number": f"X{number}"},
            author=f"onbekend{number}",
        )  # fmt: skip
    if kind == "bsn":
        bsn = f"{number % 10**9:09d}"
        from jeugdtoegang.domain.bsn import is_valid_bsn

        return _person_edit(bsn=bsn if not is_valid_bsn(bsn) else bsn[:8])
    if kind == "date":
        return _person_edit(birth_date=f"20{number % 90 + 10}-02-{30 + number % 2}")
    if kind == "uuid":
        return _person_edit(household_id=draw_text + "-niet-uuid")
    if kind == "integer":
        return _household_edit(version=2**63 + number)
    if kind == "length":
        return _household_edit(name="x" * (201 + number))
    if kind == "gemeente":
        return _household_edit(gemeente=f"Nergenshuizen {draw_text}")
    return adding(f"tabel_{number}", {"id": str(uuid.uuid4())})


_GOOD: dict[str, Path] = {}


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=ATTACKS, text=st.text(max_size=30), number=st.integers(0, 10**6))
def test_well_signed_unauthorised_or_invalid_changes_are_never_applied(
    team, tmp_path_factory: pytest.TempPathFactory, kind: str, text: str, number: int
) -> None:
    laptop, office, _ = team
    work = tmp_path_factory.mktemp("aanval")
    good = _GOOD.get(laptop.database.url)
    if good is None:
        good = _GOOD[laptop.database.url] = genuine(laptop, work)
    _, changes = open_bundle(good)
    bad = work / "bad.jtsync"
    forge(good, bad, edit=_attack(kind, text, number, changes))
    before, _ = dump_without_audit(office.database)

    with pytest.raises(SyncError):
        sync_service.import_bundle(office, bad)

    assert dump_without_audit(office.database)[0] == before


def test_a_consultant_bundle_writing_a_dossier_of_another_team_is_refused(
    team, tmp_path: Path
) -> None:
    """Need-to-know holds for bundles too: Carla (Team Zeist) cannot write Team Bunnik's
    dossier through her laptop, as she cannot at the office."""
    laptop, office, _ = team
    good = genuine(laptop, tmp_path)

    def other_team(changes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for change in changes:
            if change["table"] == "household" and change["data"]:
                change["data"] = {**change["data"], "team": "Team Bunnik"}
        return changes

    bad = tmp_path / "ander-team.jtsync"
    forge(good, bad, edit=other_team)

    message = refused(office, bad)

    assert "mag geen dossiers van Team Bunnik wijzigen" in message
    # her own team's work still arrives
    assert sync_service.import_bundle(office, good).applied > 0
