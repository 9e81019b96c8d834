"""Four-eyes review in the core: queue, return with comment, resubmit, approve, history."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.errors import PermissionDeniedError, ValidationError
from jeugdtoegang.services import households, review
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.audit import AuditEntry
from tests.conftest import TEAMLEIDER

plans = pytest.importorskip("jeugdtoegang.services.plans")
from jeugdtoegang.domain import plans as plan_doc  # noqa: E402

pytestmark = pytest.mark.postgres

SECOND_LEAD = Actor("s.visser", "Sanne Visser", frozenset({Role.TEAMLEIDER}), team="Team Zeist")
LEAD_CONSULTANT = Actor(
    "l.dekker", "Lotte Dekker", frozenset({Role.TEAMLEIDER, Role.CONSULENT}), team="Team Zeist"
)


def make_household(ctx: AppContext, bsns: tuple[str, str] = ("111222333", "123456782")):  # type: ignore[no-untyped-def]
    """Familie Bos: a parent and a child (pass other BSNs to register more than one)."""
    return households.register_household(
        ctx,
        HouseholdInput(
            name="Familie Bos",
            gemeente="Zeist",
            members=(
                PersonInput(
                    role=PersonRole.OUDER,
                    first_name="Mira",
                    surname="Bos",
                    birth_date=date(1985, 1, 1),
                    bsn=bsns[0],
                    has_gezag=True,
                ),
                PersonInput(
                    role=PersonRole.JEUGDIGE,
                    first_name="Ties",
                    surname="Bos",
                    birth_date=date(2015, 1, 1),
                    bsn=bsns[1],
                ),
            ),
        ),
    )


def complete_plan(ctx: AppContext, household) -> plan_doc.PlanDocument:  # type: ignore[no-untyped-def]
    child = next(m for m in household.members if m.role == "jeugdige")
    domain = ctx.profile.life_domains[0]
    return plan_doc.PlanDocument(
        start_date=date(2026, 11, 1),
        consultant="Carla Jansen",
        domains=(plan_doc.DomainSituation(domain=domain, krachten="Veel steun", zorgen="Slaap"),),
        goals=(
            plan_doc.Goal(
                domain=domain,
                description="Ties slaapt weer door",
                member_ids=(str(child.id),),
                target_date=date(2027, 6, 1),
                evaluation_date=date(2027, 2, 1),
                actions=(
                    plan_doc.Action(owner_kind=plan_doc.OwnerKind.OUDERS, description="Ritme"),
                ),
            ),
        ),
        network=plan_doc.Network(
            no_network_reason="Nieuw in de wijk",
            strengthening=plan_doc.StrengtheningAction(
                kind=next(iter(plan_doc.StrengtheningKind)), description="Buurtgezinnen"
            ),
        ),
        agreement=plan_doc.Agreement(parents_agreed_on=date(2026, 11, 2)),
        familiegroepsplan=plan_doc.Familiegroepsplan(present=True, made_on=date(2026, 10, 1)),
    )


@pytest.fixture
def submitted_plan(ctx: AppContext):  # type: ignore[no-untyped-def]
    household = make_household(ctx)
    view = plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    plans.submit_plan(ctx, view.id)
    return household, view.id


def test_a_plan_goes_through_submit_return_resubmit_and_approve(
    ctx: AppContext, lead_ctx: AppContext, submitted_plan
) -> None:  # type: ignore[no-untyped-def]
    household, plan_id = submitted_plan
    queue = review.list_queue(lead_ctx)
    assert [(i.object_type, i.id) for i in queue] == [("plan", plan_id)]
    assert queue[0].submitted_by == "c.jansen" and not queue[0].own

    review.return_item(lead_ctx, "plan", plan_id, "Voeg een doel voor school toe.")
    assert review.list_queue(lead_ctx) == []
    returned = review.returned_to_me(ctx)
    assert [(r.object_id, r.comment) for r in returned] == [
        (plan_id, "Voeg een doel voor school toe.")
    ]
    assert review.latest_return_comment(ctx, "plan", plan_id) == "Voeg een doel voor school toe."

    document = complete_plan(ctx, household)
    changed = document.model_copy(update={"consultant": "Carla Jansen (gewijzigd)"})
    current = plans.get_plan(ctx, household.id)
    view = plans.save_draft(ctx, household.id, changed, current.version_no)
    plans.submit_plan(ctx, view.id)
    assert review.returned_to_me(ctx) == []
    assert [i.id for i in review.list_queue(lead_ctx)] == [plan_id]

    review.approve_item(lead_ctx, "plan", plan_id, "Akkoord.")
    assert review.list_queue(lead_ctx) == []
    assert plans.get_plan(ctx, household.id).status == "vastgesteld"

    steps = review.history(ctx, "plan", plan_id)
    assert [(s.action, s.by) for s in steps] == [
        ("ingediend", "c.jansen"),
        ("teruggestuurd", "t.bakker"),
        ("ingediend", "c.jansen"),
        ("goedgekeurd", "t.bakker"),
    ]
    assert steps[1].comment == "Voeg een doel voor school toe."
    assert review.household_history(ctx, household.id) == steps


def test_nobody_approves_their_own_submission_and_the_refusal_is_logged(
    ctx: AppContext,
) -> None:
    own_ctx = ctx.with_actor(LEAD_CONSULTANT)
    household = make_household(own_ctx)
    view = plans.save_draft(own_ctx, household.id, complete_plan(own_ctx, household), 0)
    plans.submit_plan(own_ctx, view.id)
    item = review.list_queue(own_ctx)[0]
    assert item.own

    with pytest.raises(PermissionDeniedError, match="zelf ingediend"):
        review.approve_item(own_ctx, "plan", view.id)
    with pytest.raises(PermissionDeniedError, match="zelf ingediend"):
        review.return_item(own_ctx, "plan", view.id, "Toch niet")
    with ctx.database.read_sessions() as session:
        refused = session.execute(
            select(AuditEntry.action, AuditEntry.created_by).where(
                AuditEntry.outcome == "geweigerd"
            )
        ).all()
    assert ("weigering:eigen_indiening", "l.dekker") in refused
    # another team lead may approve
    review.approve_item(ctx.with_actor(SECOND_LEAD), "plan", view.id)
    assert plans.get_plan(own_ctx, household.id).status == "vastgesteld"


def test_a_consultant_cannot_open_the_review_queue_or_approve(
    ctx: AppContext, submitted_plan
) -> None:  # type: ignore[no-untyped-def]
    _, plan_id = submitted_plan
    with pytest.raises(PermissionDeniedError, match="beoordelen"):
        review.list_queue(ctx)
    with pytest.raises(PermissionDeniedError):
        review.approve_item(ctx, "plan", plan_id)


def test_returning_needs_a_comment(lead_ctx: AppContext, submitted_plan) -> None:  # type: ignore[no-untyped-def]
    _, plan_id = submitted_plan
    with pytest.raises(ValidationError):
        review.return_item(lead_ctx, "plan", plan_id, "  ")
    assert [i.id for i in review.list_queue(lead_ctx)] == [plan_id]


def test_the_queue_shows_items_of_every_area_that_has_them(
    lead_ctx: AppContext, submitted_plan
) -> None:  # type: ignore[no-untyped-def]
    types = {i.type_label for i in review.list_queue(lead_ctx)}
    assert types == {"Perspectiefplan"}
    assert TEAMLEIDER.username == lead_ctx.actor.username
