"""Responsible consultant, handover with a stand-in, and "Mijn werk"."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import PermissionDeniedError, ValidationError
from jeugdtoegang.services import caseload, reports
from jeugdtoegang.services import indications as svc
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.indications import Indication
from tests.indication_helpers import add_plan, add_provider, draft, make_family

MIRA = Actor("m.elamrani", "Mira El Amrani", frozenset({Role.CONSULENT}), team="Team Zeist")


def _issued_with_evaluation_due(ctx, due: date):  # type: ignore[no-untyped-def]
    add_provider(ctx)
    household_id, child = make_family(ctx)
    goals = add_plan(ctx, household_id, child)
    view = svc.save_concept(ctx, draft(child, goals))
    svc.submit_indication(ctx, view.id)
    svc.issue_indication(ctx, view.id)
    with ctx.uow() as uow:  # the evaluation date is what matters here
        uow.session.get(Indication, view.id).evaluation_due = due
        uow.commit()
    return household_id, view


def test_my_work_lists_overdue_evaluations_and_decisions_to_write_first(ctx) -> None:
    household_id, _view = _issued_with_evaluation_due(ctx, date(2026, 11, 1))
    items = caseload.my_work(ctx)
    kinds = [i.kind for i in items]
    assert kinds[0] == "evaluatie" and items[0].overdue  # overdue first
    assert "beschikking" in kinds  # issued help without a decision letter
    assert all(i.household_id == household_id for i in items)
    assert caseload.my_work(ctx.with_actor(MIRA)) == []  # not her dossier


def test_a_handover_moves_the_work_and_a_stand_in_sees_it_too(ctx, lead_ctx) -> None:
    household_id, _ = _issued_with_evaluation_due(ctx, date(2026, 12, 10))
    caseload.assign(lead_ctx, household_id, "m.elamrani", stand_in="c.jansen")
    mine = caseload.my_work(ctx.with_actor(MIRA))
    assert mine and not any(i.as_stand_in for i in mine)
    as_stand_in = caseload.my_work(ctx)
    assert as_stand_in and all(i.as_stand_in for i in as_stand_in)
    load = reports.run_report(lead_ctx, "caseload")
    assert load.value("m.elamrani") == 1


def test_a_handover_with_bad_input_changes_nothing(ctx) -> None:
    household_id, _ = make_family(ctx)
    with pytest.raises(ValidationError, match="Vul in aan wie"):
        caseload.assign(ctx, household_id, "  ")
    with pytest.raises(ValidationError, match="iemand anders"):
        caseload.assign(ctx, household_id, "m.elamrani", stand_in="M.Elamrani")
    with ctx.uow(readonly=True) as uow:
        household = uow.session.get(Household, household_id)
        assert household.responsible_consultant is None and household.stand_in is None
    with pytest.raises(PermissionDeniedError):
        caseload.assign(
            ctx.with_actor(Actor("beheer", "Beheer", frozenset({Role.BEHEERDER}))),
            household_id,
            "m.elamrani",
        )


def test_demo_dossiers_belong_to_the_demo_consultants(ctx, lead_ctx) -> None:
    from jeugdtoegang.demo import fill_demo
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR

    fill_demo(ctx.with_actor(SYSTEM_ACTOR), 20)
    load = reports.run_report(lead_ctx, "caseload")
    assert set(load.categories) == {"Carla Jansen", "Mohamed El Amrani"}  # names, not logins
    assert load.value("Carla Jansen") == load.value("Mohamed El Amrani") == 10
    assert caseload.my_work(ctx)  # Carla has work in the demo
