"""Plans: versioning, review states, optimistic locking and crash recovery of drafts."""

from __future__ import annotations

import multiprocessing
import os
import uuid
from datetime import date

import pytest
from sqlalchemy import select

from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.plans import (
    Action,
    Agreement,
    Goal,
    Network,
    NetworkMember,
    OwnerKind,
    PlanDocument,
    PlanStatus,
)
from jeugdtoegang.errors import (
    PermissionDeniedError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.services import autosave, households, plans
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.plans import PlanVersion

pytestmark = pytest.mark.postgres


def make_household(ctx: AppContext) -> uuid.UUID:
    data = HouseholdInput(
        name="Gezin De Vries",
        gemeente="Zeist",
        street="Slotlaan",
        house_number="12",
        postcode="3701 AB",
        city="Zeist",
        members=(
            PersonInput(
                role=PersonRole.OUDER,
                first_name="Anna",
                surname="Vries",
                tussenvoegsel="de",
                birth_date=date(1985, 3, 1),
                bsn="111222333",
                has_gezag=True,
            ),
            PersonInput(
                role=PersonRole.JEUGDIGE,
                first_name="Sem",
                surname="Vries",
                tussenvoegsel="de",
                birth_date=date(2016, 5, 5),
                bsn="123456782",
            ),
        ),
    )
    return households.register_household(ctx, data).id


def complete_plan(ctx: AppContext, household_id: uuid.UUID) -> PlanDocument:
    document = plans.get_plan(ctx, household_id).document
    goal = Goal(
        description="Sem gaat weer elke dag naar school.",
        domain=document.domains[1].domain,
        target_date=date(2027, 6, 1),
        evaluation_date=date(2027, 2, 1),
        actions=(Action(owner_kind=OwnerKind.SCHOOL, description="Mentor belt elke maandag."),),
    )
    return document.model_copy(
        update={
            "goals": (goal,),
            "network": Network(members=(NetworkMember(name="Oma Ria", role="past op"),)),
            "agreement": Agreement(parents_agreed_on=date(2026, 11, 20)),
        }
    )


def test_a_household_without_plan_opens_an_empty_plan_with_the_region_domains(ctx) -> None:
    household_id = make_household(ctx)
    view = plans.get_plan(ctx, household_id)
    assert view.id is None and view.version_no == 0
    assert [d.domain for d in view.document.domains] == list(ctx.profile.life_domains)
    assert view.document.start_date == ctx.today()
    assert "PLAN_NO_GOALS" in [f.code for f in view.findings]


def test_every_save_adds_a_version_and_reading_is_logged(ctx) -> None:
    household_id = make_household(ctx)
    first = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    assert first.version_no == 1 and first.status is PlanStatus.CONCEPT
    same = plans.save_draft(ctx, household_id, first.document, 1)
    assert same.version_no == 1  # nothing changed: no new version
    changed = first.document.model_copy(update={"consultant": "Carla J."})
    second = plans.save_draft(ctx, household_id, changed, 1)
    assert second.version_no == 2
    assert [r.version_no for r in plans.plan_history(ctx, household_id)] == [2, 1]
    with ctx.uow(readonly=True) as uow:
        actions = uow.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "plan")
        ).all()
    assert "inzien" in actions and "wijzigen" in actions


def test_editing_an_approved_plan_creates_a_new_version_and_leaves_the_old_one(
    ctx, lead_ctx
) -> None:
    household_id = make_household(ctx)
    view = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    view = plans.submit_plan(ctx, view.id, view.version_no)
    assert view.status is PlanStatus.INGEDIEND
    approved = plans.approve_plan(lead_ctx, view.id, "Goed plan.")
    assert approved.status is PlanStatus.VASTGESTELD and approved.approved_version_no == 1
    with ctx.uow(readonly=True) as uow:
        before = uow.session.scalars(select(PlanVersion)).one()
        before_content, before_version = dict(before.content), before.version

    edited_goal = approved.document.goals[0].model_copy(update={"description": "Sem gaat 4 dagen."})
    edited = plans.save_draft(ctx, household_id, approved.document.with_goal(edited_goal), 1)
    assert edited.version_no == 2 and edited.status is PlanStatus.CONCEPT
    assert edited.approved_version_no == 1
    with ctx.uow(readonly=True) as uow:
        old = uow.session.scalars(select(PlanVersion).where(PlanVersion.version_no == 1)).one()
        assert old.content == before_content and old.version == before_version
        assert old.status == "vastgesteld"
    changes = plans.diff_versions(ctx, household_id, 1, 2)
    assert any("Sem gaat 4 dagen." in c.after for c in changes)


def test_submission_is_refused_with_the_blocking_findings_in_dutch(ctx) -> None:
    household_id = make_household(ctx)
    empty = plans.save_draft(ctx, household_id, plans.get_plan(ctx, household_id).document, 0)
    with pytest.raises(RuleViolationError) as error:
        plans.submit_plan(ctx, empty.id)
    assert "kan nog niet worden ingediend" in error.value.message
    assert "nog geen doelen" in error.value.message
    assert "netwerk" in error.value.message


def test_return_needs_a_comment_and_brings_the_plan_back_to_the_consultant(ctx, lead_ctx) -> None:
    household_id = make_household(ctx)
    view = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    plans.submit_plan(ctx, view.id)
    assert [p.household_id for p in plans.list_pending_plans(lead_ctx)] == [household_id]
    with pytest.raises(ValidationError):
        plans.return_plan(lead_ctx, view.id, "  ")
    returned = plans.return_plan(lead_ctx, view.id, "Wie uit het netwerk doet mee?")
    assert returned.status is PlanStatus.TERUGGESTUURD
    assert returned.return_comment == "Wie uit het netwerk doet mee?"
    assert plans.list_pending_plans(lead_ctx) == []
    again = plans.save_draft(
        ctx, household_id, returned.document.model_copy(update={"consultant": "C. Jansen"}), 1
    )
    assert again.status is PlanStatus.CONCEPT and again.version_no == 2


def test_a_submitted_plan_cannot_be_edited_and_a_consultant_cannot_approve(ctx) -> None:
    household_id = make_household(ctx)
    view = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    plans.submit_plan(ctx, view.id)
    with pytest.raises(RuleViolationError):
        plans.save_draft(ctx, household_id, view.document.model_copy(update={"consultant": "X"}), 1)
    with pytest.raises(PermissionDeniedError):
        plans.approve_plan(ctx, view.id)


def test_saving_from_an_old_version_is_refused_without_overwriting(ctx) -> None:
    household_id = make_household(ctx)
    view = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    mine = view.document.model_copy(update={"consultant": "Mijn wijziging"})
    theirs = view.document.model_copy(update={"consultant": "Hun wijziging"})
    plans.save_draft(ctx, household_id, theirs, 1)
    with pytest.raises(StaleRecordError) as error:
        plans.save_draft(ctx, household_id, mine, 1)
    assert "intussen gewijzigd" in error.value.message
    assert plans.get_plan(ctx, household_id).document.consultant == "Hun wijziging"
    with pytest.raises(StaleRecordError):  # a second "first save" of the same household
        plans.save_draft(ctx, household_id, mine, 0)


def _type_and_crash(home: str, household_id: str, content: dict, author: str) -> None:
    """A child process: the editor autosaves what was typed, then the process dies."""
    os.environ["JEUGDTOEGANG_HOME"] = home
    autosave.write_recovery(uuid.UUID(household_id), content, 1, author=author)
    os._exit(1)  # no clean-up, no save: a crash


def test_typed_draft_survives_a_crash_and_is_restored_on_reopen(ctx, tmp_path) -> None:
    household_id = make_household(ctx)
    saved = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    typed = saved.document.model_copy(
        update={"goals": (saved.document.goals[0].model_copy(update={"description": "Getypt!"}),)}
    )
    home = os.environ["JEUGDTOEGANG_HOME"]
    process = multiprocessing.get_context("spawn").Process(
        target=_type_and_crash, args=(home, str(household_id), typed.to_json(), ctx.actor.username)
    )
    process.start()
    process.join(60)
    assert process.exitcode == 1

    reopened = plans.get_plan(ctx, household_id)
    recovery = autosave.pending_recovery(
        household_id, reopened.document.to_json(), reopened.saved_at, author=ctx.actor.username
    )
    assert recovery is not None and recovery.base_version_no == 1
    restored = PlanDocument.from_json(recovery.content)
    assert restored == typed
    plans.save_draft(ctx, household_id, restored, reopened.version_no)
    assert (
        autosave.read_recovery(household_id, author=ctx.actor.username) is None
    )  # cleared by the successful save
    assert not list(autosave.autosave_dir().glob("*.tmp"))


def test_a_recovery_file_equal_to_the_stored_plan_is_not_offered(ctx) -> None:
    household_id = make_household(ctx)
    saved = plans.save_draft(ctx, household_id, complete_plan(ctx, household_id), 0)
    autosave.write_recovery(household_id, saved.document.to_json(), 1, author=ctx.actor.username)
    assert (
        autosave.pending_recovery(
            household_id, saved.document.to_json(), None, author=ctx.actor.username
        )
        is None
    )
    assert autosave.read_recovery(household_id, author=ctx.actor.username) is None
    assert str(autosave.autosave_dir()).startswith(os.environ["JEUGDTOEGANG_HOME"])
