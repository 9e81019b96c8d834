"""Who may make which change in a bundle: the per-table policy and the four-eyes check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.sync_rules import TABLE_POLICIES, Account, ChangeFacts, refusal_reason

NOW = datetime(2026, 12, 1, 12, tzinfo=UTC)
EARLIER = NOW - timedelta(days=30)
ACCOUNTS = {
    "c.jansen": Account("c.jansen", frozenset({Role.CONSULENT}), True, created_at=EARLIER),
    "t.bakker": Account("t.bakker", frozenset({Role.TEAMLEIDER}), True, created_at=EARLIER),
    "beheer": Account("beheer", frozenset({Role.BEHEERDER}), True, created_at=EARLIER),
    "oud": Account(
        "oud", frozenset({Role.TEAMLEIDER}), False, created_at=EARLIER, updated_at=EARLIER
    ),
}


def reason(table: str, author: str, new: dict | None, old: dict | None = None) -> str | None:
    facts = ChangeFacts(table=table, author=author, at=NOW, old=old, new=new)
    return refusal_reason(facts, ACCOUNTS.get, lambda _id: "c.jansen")


def test_a_consultant_may_change_dossiers_but_not_accounts_or_the_catalogue() -> None:
    assert reason("household", "c.jansen", {"name": "Gezin"}) is None
    assert "accounts en rollen" in reason("app_user", "c.jansen", {"username": "x"})
    assert "catalogus" in reason("provider", "c.jansen", {"name": "x"})
    assert "inrichting" in reason("sync_workstation", "c.jansen", {"name": "x"})


def test_only_the_beheerder_touches_accounts_but_everyone_may_change_the_own_password() -> None:
    assert reason("app_user", "beheer", {"username": "nieuw"}) is None
    mine = {"username": "c.jansen", "roles": ["consulent"], "password_hash": "a"}
    assert reason("app_user", "c.jansen", {**mine, "password_hash": "b"}, mine) is None
    assert reason("app_user", "c.jansen", {**mine, "roles": ["beheerder"]}, mine) is not None


def test_unknown_tables_and_unknown_authors_are_refused() -> None:
    assert "mogen niet via synchronisatie" in reason("audit_log", "beheer", {"x": 1})
    assert "geen account" in reason("household", "onbekend", {"name": "x"})
    assert "onbekend" not in TABLE_POLICIES


def test_an_approval_needs_a_valid_team_lead_who_did_not_submit_it() -> None:
    approved = {
        "status": "goedgekeurd",
        "submitted_by": "c.jansen",
        "approved_by": "t.bakker",
        "approved_at": NOW.isoformat(),
    }
    submitted = {"status": "concept", "submitted_by": "c.jansen"}
    assert reason("decision", "t.bakker", approved, submitted) is None
    assert "geen teamleider" in reason(
        "decision", "c.jansen", {**approved, "approved_by": "c.jansen"}
    )
    own = {**approved, "submitted_by": "t.bakker"}
    assert "vier-ogenprincipe" in reason(
        "decision", "t.bakker", own, {**submitted, "submitted_by": "t.bakker"}
    )
    assert "niet geldig" in reason(
        "decision", "t.bakker", {**approved, "approved_by": "oud"}, submitted
    )
    # an approval that the receiver already has is not checked again
    assert reason("decision", "c.jansen", {**approved, "status": "verzonden"}, approved) is None


def test_an_inactive_account_was_valid_before_it_was_disabled() -> None:
    account = ACCOUNTS["oud"]
    assert account.valid_at(EARLIER - timedelta(seconds=1)) is False  # before creation
    assert account.valid_at(NOW) is False


def test_a_team_lead_brings_only_the_review_fields_of_existing_records() -> None:
    submitted = {"status": "ingediend", "submitted_by": "c.jansen", "title": "Plan"}
    approved = {**submitted, "status": "vastgesteld", "decided_by": "t.bakker"}
    assert reason("plan", "t.bakker", approved, submitted) is None
    assert "'title'" in reason("plan", "t.bakker", {**approved, "title": "Anders"}, submitted)
    assert "'submitted_by'" in reason(
        "plan", "t.bakker", {**approved, "submitted_by": "t.bakker"}, submitted
    )
    assert "geen beoordeling" in reason(
        "plan", "t.bakker", {**approved, "status": "concept"}, submitted
    )
    assert "nieuwe of verwijderde" in reason("plan", "t.bakker", approved)
    assert "nieuwe of verwijderde" in reason("plan", "t.bakker", None, submitted)
    assert "'name'" in reason("household", "t.bakker", {"name": "B"}, {"name": "A"})
    step = {"action": "goedgekeurd", "created_by": "t.bakker", "object_id": "x"}
    assert reason("review_step", "t.bakker", step) is None
    assert "beoordelingsstap" in reason("review_step", "t.bakker", {**step, "created_by": "oud"})
    backfill = {**step, "action": "ingediend", "created_by": "c.jansen"}
    assert reason("review_step", "t.bakker", backfill) is None
    assert "beoordelingsstap" in reason(
        "review_step", "t.bakker", {**backfill, "created_by": "p.devries"}
    )
    # a consultant's own work is not limited to review fields
    assert reason("plan", "c.jansen", {**submitted, "title": "Anders"}, submitted) is None
