"""People are shown by their names, not their logins (queue, history, plan banner), and
"teruggestuurd naar u" reads only the history of the items the user submitted."""

from __future__ import annotations

import itertools

import pytest
from stdnum.nl import bsn

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import review
from jeugdtoegang.services.auth import UserInput, add_user_unchecked
from jeugdtoegang.services.context import AppContext
from tests.integration import test_review as review_fixtures
from tests.integration.test_review import complete_plan, plans

_numbers = itertools.count(999_000_001)


def _bsn() -> str:
    """The next unused test BSN that passes the 11-check."""
    while True:
        candidate = str(next(_numbers))
        if bsn.is_valid(candidate):
            return candidate


def make_household(ctx: AppContext):  # type: ignore[no-untyped-def]
    """Familie Bos with BSNs of its own, so a test can register several."""
    return review_fixtures.make_household(ctx, (_bsn(), _bsn()))


@pytest.fixture
def named_accounts(ctx: AppContext) -> None:
    for login, name, role in (
        ("c.jansen", "Carla Jansen", Role.CONSULENT),
        ("t.bakker", "Tom Bakker", Role.TEAMLEIDER),
    ):
        add_user_unchecked(
            ctx,
            UserInput(login, name, (role,), team="Team Zeist", password="Geheim-wachtwoord-1"),
            must_change=False,
            log2_n=4,
        )


def _submit(ctx: AppContext):  # type: ignore[no-untyped-def]
    household = make_household(ctx)
    view = plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    plans.submit_plan(ctx, view.id)
    return household, view.id


def test_queue_history_and_plan_name_the_people(
    ctx: AppContext, lead_ctx: AppContext, named_accounts: None
) -> None:
    household, plan_id = _submit(ctx)
    (item,) = review.list_queue(lead_ctx)
    assert item.submitted_by == "c.jansen"  # the login stays the key (four-eyes check)
    assert item.submitter == "Carla Jansen"
    page = review.queue_page(lead_ctx)
    assert [i.submitter for i in page.items] == ["Carla Jansen"]

    submitted = plans.get_plan(ctx, household.id)
    assert submitted.name_of(submitted.submitted_by) == "Carla Jansen"
    assert submitted.to_json()["submitted_by_name"] == "Carla Jansen"

    review.approve_item(lead_ctx, "plan", plan_id)
    steps = review.history(ctx, "plan", plan_id)
    assert [(s.action_text, s.who) for s in steps] == [
        ("Ingediend", "Carla Jansen"),
        ("Goedgekeurd", "Tom Bakker"),
    ]
    approved = plans.get_plan(ctx, household.id)
    assert approved.name_of(approved.decided_by) == "Tom Bakker"
    assert [r.saved_by_name for r in plans.plan_history(ctx, household.id)] == ["Carla Jansen"]


def test_a_login_without_an_account_here_is_shown_as_the_login(
    ctx: AppContext, lead_ctx: AppContext
) -> None:
    _submit(ctx)  # no app_user rows in this database
    (item,) = review.list_queue(lead_ctx)
    assert item.submitter == "c.jansen"


def test_returned_to_me_lists_only_my_items_that_are_still_returned(
    ctx: AppContext, lead_ctx: AppContext, named_accounts: None
) -> None:
    colleague = ctx.with_actor(
        Actor("m.elamrani", "Mohamed El Amrani", frozenset({Role.CONSULENT}), team="Team Zeist")
    )
    _, mine = _submit(ctx)
    _, theirs = _submit(colleague)
    _, fixed = _submit(ctx)
    for plan_id in (mine, theirs, fixed):
        review.return_item(lead_ctx, "plan", plan_id, "Graag aanvullen.")
    plans.submit_plan(ctx, fixed)  # sent in again: no longer waiting for me

    returned = review.returned_to_me(ctx)
    assert [(r.object_id, r.who, r.comment) for r in returned] == [
        (mine, "Tom Bakker", "Graag aanvullen.")
    ]
    assert [r.object_id for r in review.returned_to_me(colleague)] == [theirs]
