"""A team lead's workstation carries approvals, nothing else (issue 14).

A workstation enrolled for the teamleider role only may bring the review of its own
team's work to the office: the approval or return fields of a plan, indication or
decision and the review steps (the audit trail of that review). Any other column, a new
or deleted record, or another team's dossier in a bundle it signed is refused like the
other attacks: the whole bundle, with a Dutch reason, the office database byte for byte
unchanged (apart from the logged refusal).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import auth, review
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.sync import SyncError
from jeugdtoegang.sync.keys import ENV_KEY
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    dump_without_audit,
    forge,
    join,
    office_with_accounts,
    open_bundle,
)
from tests.integration.test_review import complete_plan, make_household

plans = pytest.importorskip("jeugdtoegang.services.plans")

pytestmark = pytest.mark.postgres

CARLA = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
TOM = Actor("t.bakker", "Tom Bakker", frozenset({Role.TEAMLEIDER}), team="Team Zeist")
OFFICE = Actor("b.kantoor", "Bea Kantoor", frozenset({Role.CONSULENT}), team="Team Zeist")

Edit = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]


@pytest.fixture(autouse=True)
def _keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


@pytest.fixture
def approved(tmp_path: Path) -> Iterator[tuple[AppContext, Path, uuid.UUID]]:
    """(the office, the team lead's genuine bundle approving Carla's plan, the plan id).

    Carla submits a plan at the office; the team lead's laptop (enrolled for the
    teamleider role only) receives it, Tom approves it there and exports.
    """
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    office_db = factory.create("kantoor")
    admin = office_with_accounts(office_db)
    carla = AppContext(office_db, CARLA)
    household = make_household(carla)
    view = plans.save_draft(carla, household.id, complete_plan(carla, household), 0)
    plans.submit_plan(carla, view.id)
    laptop_db = factory.create("teamleider", dossier_start=20_000)
    join(admin, laptop_db, tmp_path, "teamleider", roles=("teamleider",))
    review.approve_item(AppContext(laptop_db, TOM), "plan", view.id, "Akkoord.")
    bundle = tmp_path / "goedkeuring.jtsync"
    sync_service.export_bundle(AppContext(laptop_db, TOM), "kantoor", bundle)
    yield AppContext(office_db, OFFICE), bundle, view.id
    factory.close()


def refused(office: AppContext, bad: Path) -> str:
    before, audit_before = dump_without_audit(office.database)
    with pytest.raises(SyncError) as error:
        sync_service.import_bundle(office, bad)
    after, audit_after = dump_without_audit(office.database)
    assert after == before
    assert len(audit_after) > len(audit_before)
    assert sum("bundel_geweigerd" in line for line in audit_after) > sum(
        "bundel_geweigerd" in line for line in audit_before
    )
    return error.value.message


def _editing(table: str, **changes: Any) -> Edit:
    def edit(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for item in items:
            if item["table"] == table and item["data"] is not None:
                item["data"] = {**item["data"], **changes}
                return items
        raise AssertionError(f"no {table} change in the bundle")

    return edit


def _appending(table: str, data: dict[str, Any] | None, record_id: str | None = None) -> Edit:
    def edit(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        last = items[-1]
        change = {
            **last,
            "seq": last["seq"] + 1,
            "table": table,
            "id": record_id or (data or {})["id"],
            "op": "delete" if data is None else "update",
            "version": 9,
            "data": data,
            "history": [],
        }
        return [*items, change]

    return edit


def test_the_team_leads_approval_arrives_at_the_office(approved, tmp_path: Path) -> None:
    office, bundle, plan_id = approved
    _, changes = open_bundle(bundle)
    assert {c["table"] for c in changes} <= {"plan", "plan_version", "review_step"}
    assert all(c["updated_by"] == "t.bakker" for c in changes)

    result = sync_service.import_bundle(office, bundle)

    assert result.applied == len(changes) and result.conflicts == 0
    with office.database.read_sessions() as session:
        from jeugdtoegang.storage.models.plans import Plan

        plan = session.get(Plan, plan_id)
        assert plan is not None
        assert (plan.status, plan.decided_by) == ("vastgesteld", "t.bakker")


@pytest.mark.parametrize(
    ("column", "value"),
    [("return_comment", None), ("household_id", None), ("current_version_no", 7)],
)
def test_a_team_lead_bundle_changing_another_plan_column_is_refused(
    approved, tmp_path: Path, column: str, value: Any
) -> None:
    office, bundle, _ = approved
    _, changes = open_bundle(bundle)
    plan = next(c for c in changes if c["table"] == "plan")
    if column == "household_id":
        value = str(uuid.uuid4())
    if column == "return_comment":
        column, value = "submitted_by", "t.bakker"  # hide the submitter (four-eyes)
    assert plan["data"][column] != value
    bad = tmp_path / "te-veel.jtsync"
    forge(bundle, bad, edit=_editing("plan", **{column: value}))

    message = refused(office, bad)

    assert "werkplek voor teamleiders" in message
    assert f"'{column}'" in message
    # the genuine approval still arrives
    assert sync_service.import_bundle(office, bundle).applied == len(changes)


def test_a_team_lead_bundle_editing_a_family_is_refused(approved, tmp_path: Path) -> None:
    office, bundle, _ = approved
    with office.database.read_sessions() as session:
        from sqlalchemy import select

        from jeugdtoegang.storage.models.households import Household
        from jeugdtoegang.storage.snapshot import to_json_value

        table = Household.__table__
        row = session.execute(select(table)).mappings().first()
        assert row is not None
        household = {k: to_json_value(v) for k, v in row.items()}
    renamed = {**household, "name": "Gezin Anders", "version": household["version"] + 1}
    bad = tmp_path / "gezin.jtsync"
    forge(bundle, bad, edit=_appending("household", renamed))

    message = refused(office, bad)

    assert "werkplek voor teamleiders" in message and "'name'" in message


def test_a_team_lead_bundle_adding_or_deleting_records_is_refused(approved, tmp_path: Path) -> None:
    office, bundle, plan_id = approved
    _, changes = open_bundle(bundle)
    plan = next(c for c in changes if c["table"] == "plan")

    new_plan = {**plan["data"], "id": str(uuid.uuid4())}
    added = tmp_path / "nieuw.jtsync"
    forge(bundle, added, edit=_appending("plan", new_plan))
    assert "werkplek voor teamleiders" in refused(office, added)

    deleted = tmp_path / "weg.jtsync"
    forge(bundle, deleted, edit=_appending("plan", None, record_id=str(plan_id)))
    assert "werkplek voor teamleiders" in refused(office, deleted)


def test_a_team_lead_bundle_issuing_instead_of_approving_is_refused(
    approved, tmp_path: Path
) -> None:
    """Only the outcome of a review: a status beyond approve/return is not the team
    lead's to set from a workstation."""
    office, bundle, _ = approved
    bad = tmp_path / "status.jtsync"
    forge(bundle, bad, edit=_editing("plan", status="concept"))

    assert "werkplek voor teamleiders" in refused(office, bad)


def test_a_team_lead_bundle_for_another_team_is_refused(approved, tmp_path: Path) -> None:
    office, bundle, _ = approved
    with office.database.write_sessions.begin() as session:
        from sqlalchemy import update

        from jeugdtoegang.storage.models.households import Household

        session.execute(update(Household).values(team="Team Bunnik"))

    message = refused(office, bundle)

    assert "mag geen dossiers van Team Bunnik wijzigen" in message
