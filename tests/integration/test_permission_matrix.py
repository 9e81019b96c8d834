"""The permission matrix (role x action x scope), every cell checked at the service layer.

Two teams each hold a dossier with a submitted plan, a submitted decision and an
indication. Every actor (consulent and teamleider of each team, beheerder) tries every
use case on both dossiers; the outcome must be exactly what ``domain.authz.MATRIX``
says, and every refusal must be in the audit log.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from jeugdtoegang.domain.actor import SYSTEM_ACTOR, Actor, Role
from jeugdtoegang.domain.authz import Permission, in_scope
from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.errors import JeugdtoegangError, PermissionDeniedError, ValidationError
from jeugdtoegang.services import authz as authz_service
from jeugdtoegang.services import decisions, households, indications, persons, plans, review
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.audit import AuditEntry
from tests.conftest import TODAY
from tests.integration.decision_fixtures import add_indication, make_household
from tests.integration.test_review import complete_plan

ZEIST, BUNNIK = "Team Zeist", "Team Bunnik"
ACTORS = {
    "consulent-zeist": Actor("c.zeist", "C Zeist", frozenset({Role.CONSULENT}), team=ZEIST),
    "teamleider-zeist": Actor("t.zeist", "T Zeist", frozenset({Role.TEAMLEIDER}), team=ZEIST),
    "consulent-bunnik": Actor("c.bunnik", "C Bunnik", frozenset({Role.CONSULENT}), team=BUNNIK),
    "teamleider-bunnik": Actor("t.bunnik", "T Bunnik", frozenset({Role.TEAMLEIDER}), team=BUNNIK),
    "beheerder": Actor("beheer", "Beheer", frozenset({Role.BEHEERDER}), team=ZEIST),
}


@dataclass
class Dossier:
    team: str
    household_id: uuid.UUID
    person_id: uuid.UUID
    plan_id: uuid.UUID
    decision_id: uuid.UUID
    indication_id: uuid.UUID


def _dossier(database: Database, author: Actor) -> Dossier:
    ctx = AppContext(database, author, today=lambda: TODAY)
    household_id, person_id = make_household(ctx)
    detail = households.get_household(ctx, household_id, purpose=None)
    plan = plans.save_draft(ctx, household_id, complete_plan(ctx, detail), 0)
    plans.submit_plan(ctx, plan.id)
    indication_id = add_indication(ctx, household_id, person_id)
    decision = decisions.create_decision(
        ctx, household_id, person_id, DecisionType.TOEKENNING, [indication_id],
        date(2026, 11, 2), "hulp thuis", "Daan is vaak boos.", goals=["Daan is minder boos."],
    )  # fmt: skip
    decisions.submit_decision(ctx, decision.id)
    return Dossier(author.team or "", household_id, person_id, plan.id, decision.id, indication_id)


# use case name -> (permission, call on a dossier)
USE_CASES: dict[str, tuple[Permission, Callable[[AppContext, Dossier], Any]]] = {
    "dossier openen": (
        Permission.DOSSIER_READ, lambda c, d: households.get_household(c, d.household_id)
    ),
    "BSN tonen": (
        Permission.DOSSIER_READ, lambda c, d: persons.reveal_bsn(c, d.person_id, "test")
    ),
    "plan openen": (Permission.DOSSIER_READ, lambda c, d: plans.get_plan(c, d.household_id)),
    "plangeschiedenis": (
        Permission.DOSSIER_READ, lambda c, d: plans.plan_history(c, d.household_id)
    ),
    "planversie": (
        Permission.DOSSIER_READ, lambda c, d: plans.get_plan_version(c, d.household_id, 1)
    ),
    "beschikking openen": (
        Permission.DOSSIER_READ, lambda c, d: decisions.get_decision(c, d.decision_id)
    ),
    "beschikkingen van dossier": (
        Permission.DOSSIER_READ, lambda c, d: decisions.list_decisions(c, d.household_id)
    ),
    "brief bekijken": (
        Permission.DOSSIER_READ, lambda c, d: decisions.letter_pdf(c, d.decision_id)
    ),
    "indicaties van dossier": (
        Permission.DOSSIER_READ, lambda c, d: indications.list_for_household(c, d.household_id)
    ),
    "indicatie openen": (
        Permission.DOSSIER_READ, lambda c, d: indications.get_indication(c, d.indication_id)
    ),
    "beoordelingsgeschiedenis": (
        Permission.DOSSIER_READ, lambda c, d: review.household_history(c, d.household_id)
    ),
    "dossier wijzigen": (
        Permission.DOSSIER_EDIT,
        lambda c, d: households.update_household(
            c, d.household_id, _version(c, d),
            households.household_input_from(_as_system(c, d)),
        ),
    ),
    "plan opslaan": (
        Permission.DOSSIER_EDIT,
        lambda c, d: plans.save_draft(
            c, d.household_id, complete_plan(c, _as_system(c, d)), 999
        ),
    ),
    "plan indienen": (Permission.PLAN_SUBMIT, lambda c, d: plans.submit_plan(c, d.plan_id)),
    "beschikking indienen": (
        Permission.PLAN_SUBMIT, lambda c, d: decisions.submit_decision(c, d.decision_id)
    ),
    "als verzonden markeren": (
        Permission.LETTER_PRINT, lambda c, d: decisions.mark_sent(c, d.decision_id)
    ),
    "plan goedkeuren": (Permission.APPROVE, lambda c, d: plans.approve_plan(c, d.plan_id)),
    "plan terugsturen": (
        Permission.APPROVE, lambda c, d: plans.return_plan(c, d.plan_id, "graag aanvullen")
    ),
    "beschikking terugsturen": (
        Permission.APPROVE,
        lambda c, d: decisions.return_decision(c, d.decision_id, "graag aanvullen"),
    ),
    "indicatie terugsturen": (
        Permission.APPROVE,
        lambda c, d: indications.return_indication(c, d.indication_id, "graag aanvullen"),
    ),
}  # fmt: skip


def _as_system(ctx: AppContext, dossier: Dossier) -> households.HouseholdDetail:
    return households.get_household(ctx.with_actor(SYSTEM_ACTOR), dossier.household_id)


def _version(ctx: AppContext, dossier: Dossier) -> int:
    return _as_system(ctx, dossier).version


def _refusals(database: Database, username: str) -> int:
    with database.read_sessions() as session:
        return len(
            session.execute(
                select(AuditEntry.seq).where(
                    AuditEntry.created_by == username, AuditEntry.outcome == "geweigerd"
                )
            ).all()
        )


@pytest.fixture
def two_teams(make_database: Callable[..., Database]) -> tuple[Database, dict[str, Dossier]]:
    database = make_database()
    return database, {
        ZEIST: _dossier(database, ACTORS["consulent-zeist"]),
        BUNNIK: _dossier(database, ACTORS["consulent-bunnik"]),
    }


def test_every_cell_of_the_matrix_holds_at_the_service_layer(two_teams) -> None:  # type: ignore[no-untyped-def]
    database, dossiers = two_teams
    wrong: list[str] = []
    checked = 0
    for use_case, (permission, call) in USE_CASES.items():
        for actor_name, actor in ACTORS.items():
            ctx = AppContext(database, actor, today=lambda: TODAY)
            for team, dossier in dossiers.items():
                expected = in_scope(actor, permission, team)
                before = _refusals(database, actor.username)
                try:
                    call(ctx, dossier)
                    refused = False
                except PermissionDeniedError as error:
                    # the four-eyes rule is a separate rule, not a matrix cell
                    refused = "vier-ogen" not in error.message
                except (JeugdtoegangError, ValidationError):
                    refused = False  # allowed past the guard; a state rule said no
                checked += 1
                if refused == expected:
                    wrong.append(f"{use_case} / {actor_name} / {team}: refused={refused}")
                if refused and _refusals(database, actor.username) != before + 1:
                    wrong.append(f"{use_case} / {actor_name} / {team}: refusal not logged")
    assert checked == len(USE_CASES) * len(ACTORS) * 2
    assert not wrong, "\n".join(wrong)


def test_the_matrix_gives_the_beheerder_no_dossier_permission_and_leads_only_their_team() -> None:
    beheer = ACTORS["beheerder"]
    for permission in (
        Permission.DOSSIER_READ, Permission.DOSSIER_EDIT, Permission.PLAN_SUBMIT,
        Permission.LETTER_PRINT, Permission.APPROVE,
    ):  # fmt: skip
        assert not in_scope(beheer, permission, ZEIST)
        assert not in_scope(beheer, permission, None)
    lead = ACTORS["teamleider-zeist"]
    assert in_scope(lead, Permission.APPROVE, ZEIST)
    assert not in_scope(lead, Permission.APPROVE, BUNNIK)
    assert not in_scope(lead, Permission.APPROVE, BUNNIK, doorbraak=True)


def test_lists_and_search_show_only_the_users_team(two_teams) -> None:  # type: ignore[no-untyped-def]
    database, dossiers = two_teams
    zeist = AppContext(database, ACTORS["consulent-zeist"], today=lambda: TODAY)
    lead = AppContext(database, ACTORS["teamleider-bunnik"], today=lambda: TODAY)
    found = {r.id for r in households.search_households(zeist, "Yılmaz")}
    assert found == {dossiers[ZEIST].household_id}
    listed = {r.id for r in households.list_households(zeist, 0, 100)}
    assert listed == {dossiers[ZEIST].household_id}
    assert households.count_households(zeist) == 1
    assert {d.household_id for d in decisions.list_decisions(zeist)} == {
        dossiers[ZEIST].household_id
    }
    queue = review.list_queue(lead)
    assert queue and {i.household_id for i in queue} == {dossiers[BUNNIK].household_id}
    assert {p.household_id for p in plans.list_pending_plans(lead)} == {
        dossiers[BUNNIK].household_id
    }


def test_the_beheerder_sees_no_personal_data_in_any_list(two_teams) -> None:  # type: ignore[no-untyped-def]
    database, _ = two_teams
    beheer = AppContext(database, ACTORS["beheerder"], today=lambda: TODAY)
    for call in (
        lambda: households.search_households(beheer, "Yılmaz"),
        lambda: households.list_households(beheer, 0, 100),
        lambda: decisions.list_decisions(beheer),
        lambda: decisions.list_pending_decisions(beheer),
        lambda: plans.list_pending_plans(beheer),
        lambda: indications.list_pending_indications(beheer),
        lambda: review.list_queue(beheer),
    ):
        with pytest.raises(PermissionDeniedError):
            call()


def test_a_doorbraak_opens_another_teams_dossier_for_reading_with_a_logged_reason(
    two_teams,
) -> None:  # type: ignore[no-untyped-def]
    database, dossiers = two_teams
    bunnik = AppContext(database, ACTORS["consulent-bunnik"], today=lambda: TODAY)
    target = dossiers[ZEIST]
    with pytest.raises(PermissionDeniedError) as refused:
        households.get_household(bunnik, target.household_id)
    assert "Doorbraak" in refused.value.message
    with pytest.raises(ValidationError):
        authz_service.declare_doorbraak(bunnik, target.household_id, "nodig")
    authz_service.declare_doorbraak(
        bunnik, target.household_id, "Crisismelding in de nacht, eigen consulent afwezig"
    )
    assert households.get_household(bunnik, target.household_id).id == target.household_id
    # reading only: editing stays with the dossier's own team
    with pytest.raises(PermissionDeniedError):
        plans.submit_plan(bunnik, target.plan_id)
    # the Zeist team lead sees it in the report; the Bunnik lead does not
    zeist_lead = AppContext(database, ACTORS["teamleider-zeist"], today=lambda: TODAY)
    report = authz_service.doorbraak_report(zeist_lead)
    assert [(r.by, r.household_id) for r in report] == [("c.bunnik", target.household_id)]
    assert "Crisismelding" in report[0].reason
    bunnik_lead = AppContext(database, ACTORS["teamleider-bunnik"], today=lambda: TODAY)
    assert authz_service.doorbraak_report(bunnik_lead) == []
    with database.read_sessions() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "doorbraak")
        ).scalar_one()
    assert str(target.person_id) in entry.person_ids


def test_every_use_case_on_a_dossier_record_declares_its_scope() -> None:
    """A guarded use case that takes a record id must name which dossier it belongs to."""
    import inspect

    from jeugdtoegang import services

    missing = []
    for module_info in __import__("pkgutil").iter_modules(services.__path__):
        module = __import__(f"jeugdtoegang.services.{module_info.name}", fromlist=["x"])
        for name, function in vars(module).items():
            permission = getattr(function, "__guarded__", None)
            if permission not in {
                Permission.DOSSIER_READ, Permission.DOSSIER_EDIT, Permission.PLAN_SUBMIT,
                Permission.LETTER_PRINT, Permission.APPROVE,
            } or getattr(function, "__module__", "") != module.__name__:  # fmt: skip
                continue
            parameters = list(inspect.signature(function).parameters.values())
            takes_id = len(parameters) > 1 and "uuid.UUID" in str(parameters[1].annotation)
            if takes_id and getattr(function, "__guarded_target__", None) is None:
                missing.append(f"{module.__name__}.{name}")
    assert not missing, missing
