"""Use cases of the perspectiefplan: open, save a draft, submit, review, history.

Every save adds a :class:`PlanVersion` with the whole document; an approved version is
never modified, so editing a vastgesteld plan starts a new concept version. The review
seam (submit/approve/return/list_pending) follows the shape every reviewable area uses.

Reading (the plan as shown, its history, one version) lives in ``plan_reads`` and the views
in ``plan_views``; both are re-exported here because the GUI, the demo and many tests use
``plans.…``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy.exc import IntegrityError

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require_team
from jeugdtoegang.domain.findings import Finding, Severity, blocking
from jeugdtoegang.domain.plan_rules import check_plan
from jeugdtoegang.domain.plans import (
    PlanDocument,
    PlanStatus,
    consent_for_new_version,
)
from jeugdtoegang.errors import (
    FieldError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.services import autosave
from jeugdtoegang.services.authz import guarded, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.plan_reads import (
    count_versions,
    current_members,
    diff_versions,
    get_plan,
    get_plan_version,
    load_household,
    load_plan,
    load_version,
    plan_document,
    plan_history,
)
from jeugdtoegang.services.plan_views import PendingPlanView, PlanVersionRow, PlanView
from jeugdtoegang.storage import plan_queries
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.plan_queries import plan_of

__all__ = [
    "PendingPlanView",
    "PlanVersionRow",
    "PlanView",
    "approve_plan",
    "count_versions",
    "diff_versions",
    "get_plan",
    "get_plan_version",
    "list_pending_plans",
    "plan_history",
    "return_plan",
    "save_draft",
    "submit_plan",
]


@guarded(Permission.DOSSIER_EDIT, object_type="plan", target="household")
def save_draft(
    ctx: AppContext,
    household_id: uuid.UUID,
    content: PlanDocument | dict[str, Any],
    expected_version: int,
) -> PlanView:
    """Save the plan as a new concept version.

    ``expected_version`` is the version number the editor started from (0 for a new
    plan); when someone saved in between, nothing is written (StaleRecordError). An
    unchanged document adds no version. A successful save removes the recovery file.
    """
    document = content if isinstance(content, PlanDocument) else PlanDocument.from_json(content)
    data = document.to_json()
    with ctx.uow() as uow:
        session = uow.session
        require_team(ctx.actor, load_household(session, household_id).team)
        plan = plan_of(session, household_id)
        current = plan.current_version_no if plan else 0
        if current != expected_version:
            raise StaleRecordError(Plan.label_nl, plan.updated_by if plan else None)
        if plan is not None and plan.status == PlanStatus.INGEDIEND:
            raise RuleViolationError(
                "Het plan ligt ter beoordeling bij de teamleider en kan nu niet worden "
                "gewijzigd. Wacht op de beoordeling."
            )
        if plan is not None:
            latest = load_version(session, plan.id, plan.current_version_no)
            document = consent_for_new_version(PlanDocument.from_json(latest.content), document)
            data = document.to_json()
            if latest.content == data:
                uow.rollback()
                autosave.clear_recovery(household_id, author=ctx.actor.username)
                return get_plan(ctx, household_id)
        else:
            plan = Plan(household_id=household_id, status="concept", current_version_no=0)
            session.add(plan)
            session.flush()
        next_no = plan.current_version_no + 1
        session.add(
            PlanVersion(
                plan_id=plan.id,
                version_no=next_no,
                content=data,
                status=PlanStatus.CONCEPT.value,
                saved_by=ctx.actor.username,
                saved_at=utcnow(),
            )
        )
        plan.current_version_no = next_no
        plan.status = PlanStatus.CONCEPT.value
        members = current_members(session, household_id)
        uow.log_access(
            "wijzigen",
            "plan",
            plan.id,
            [m.id for m in members],
            f"perspectiefplan versie {next_no}",
        )
        try:
            uow.commit()
        except IntegrityError as error:  # two first saves of one household at once
            raise StaleRecordError(Plan.label_nl) from error
    autosave.clear_recovery(household_id, author=ctx.actor.username)
    return get_plan(ctx, household_id)


def _findings_text(findings: list[Finding]) -> str:
    return "\n".join(f"- {f.message}" for f in findings)


@guarded(Permission.PLAN_SUBMIT, object_type="plan", target="plan")
def submit_plan(
    ctx: AppContext, plan_id: uuid.UUID, expected_version: int | None = None
) -> PlanView:
    """Send the plan to the team lead; refused while a blocking finding remains."""
    with ctx.uow() as uow:
        session = uow.session
        plan = load_plan(session, plan_id)
        if expected_version is not None and plan.current_version_no != expected_version:
            raise StaleRecordError(Plan.label_nl, plan.updated_by)
        status = PlanStatus(plan.status)
        if status is PlanStatus.INGEDIEND:
            raise RuleViolationError("Het plan is al ingediend en wacht op beoordeling.")
        if status is PlanStatus.VASTGESTELD:
            raise RuleViolationError(
                "Deze versie van het plan is al vastgesteld. Wijzig het plan eerst; "
                "dan ontstaat een nieuwe conceptversie die u kunt indienen."
            )
        version = load_version(session, plan.id, plan.current_version_no)
        members = current_members(session, plan.household_id)
        findings = check_plan(
            plan_document(ctx, version.content), members, ctx.profile, ctx.today()
        )
        errors = blocking(findings)
        if errors:
            raise RuleViolationError(
                "Het plan kan nog niet worden ingediend:\n" + _findings_text(errors)
            )
        plan.status = version.status = PlanStatus.INGEDIEND.value
        plan.submitted_by = ctx.actor.username
        plan.submitted_at = utcnow()
        plan.decided_by = plan.decided_at = plan.decision_comment = None
        uow.log_access(
            "indienen", "plan", plan.id, [m.id for m in members], "perspectiefplan indienen"
        )
        uow.commit()
        household_id = plan.household_id
    return get_plan(ctx, household_id)


def _decide(
    ctx: AppContext, plan_id: uuid.UUID, status: PlanStatus, comment: str | None
) -> PlanView:
    with ctx.uow() as uow:
        session = uow.session
        plan = load_plan(session, plan_id)
        if plan.status != PlanStatus.INGEDIEND:
            raise RuleViolationError("Dit plan is niet (meer) ingediend ter beoordeling.")
        forbid_self_approval(ctx.actor, plan.submitted_by)
        version = load_version(session, plan.id, plan.current_version_no)
        plan.status = version.status = status.value
        plan.decided_by = ctx.actor.username
        plan.decided_at = utcnow()
        if status is PlanStatus.VASTGESTELD:
            plan.approved_version_no = plan.current_version_no
            plan.decision_comment = comment
            plan.return_comment = None
        else:
            plan.return_comment = comment
            plan.decision_comment = None
        members = current_members(session, plan.household_id)
        action = "vaststellen" if status is PlanStatus.VASTGESTELD else "terugsturen"
        uow.log_access(
            action, "plan", plan.id, [m.id for m in members], f"perspectiefplan {action}"
        )
        uow.commit()
        household_id = plan.household_id
    return get_plan(ctx, household_id)


@guarded(Permission.APPROVE, object_type="plan", target="plan")
def approve_plan(ctx: AppContext, plan_id: uuid.UUID, comment: str | None = None) -> PlanView:
    """The team lead approves the submitted version: it becomes vastgesteld (and frozen)."""
    return _decide(ctx, plan_id, PlanStatus.VASTGESTELD, comment)


@guarded(Permission.APPROVE, object_type="plan", target="plan")
def return_plan(ctx: AppContext, plan_id: uuid.UUID, comment: str) -> PlanView:
    """The team lead sends the plan back to the consultant with a comment (required)."""
    if not comment or not comment.strip():
        raise ValidationError(
            FieldError("comment", "Schrijf op waarom het plan wordt teruggestuurd.")
        )
    return _decide(ctx, plan_id, PlanStatus.TERUGGESTUURD, comment.strip())


# ``ids`` (a page of the review queue) name plan records; their team scope is applied
# per item by ``shown`` below, so ``target`` only declares what the ids are
@guarded(Permission.DOSSIER_READ, object_type="plan", target="plan")
def list_pending_plans(
    ctx: AppContext, ids: Collection[uuid.UUID] | None = None
) -> list[PendingPlanView]:
    """Submitted plans waiting for review, oldest first, with their warnings as text
    (only those with these ``ids`` when given: a page of the review queue)."""
    result: list[PendingPlanView] = []
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        plans = plan_queries.submitted_plans(session, ids)
        for plan in plans:
            household = load_household(session, plan.household_id)
            version = load_version(session, plan.id, plan.current_version_no)
            findings = check_plan(
                plan_document(ctx, version.content),
                current_members(session, plan.household_id),
                ctx.profile,
                ctx.today(),
            )
            result.append(
                PendingPlanView(
                    id=plan.id,
                    household_id=plan.household_id,
                    title=f"Perspectiefplan {household.name} ({household.dossier_number}), "
                    f"versie {plan.current_version_no}",
                    submitted_by=plan.submitted_by,
                    submitted_at=plan.submitted_at,
                    version_no=plan.current_version_no,
                    findings=tuple(f.message for f in findings if f.severity is not Severity.ERROR),
                )
            )
    return shown(ctx, Permission.DOSSIER_READ, result, "ingediende plannen")
