"""Reading the perspectiefplan: the plan as shown (with its findings), its version history
and one version's document. Every read of personal data is logged.

The loaders here (``load_plan``, ``load_version`` …) are shared with the write side in
``services/plans.py``; the statements live in ``storage/plan_queries.py``.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.findings import Finding
from jeugdtoegang.domain.plan_diff import PlanChange, diff_documents
from jeugdtoegang.domain.plan_rules import check_plan
from jeugdtoegang.domain.plans import (
    PlanDocument,
    PlanStatus,
    new_plan,
    with_domains,
)
from jeugdtoegang.errors import (
    NotFoundError,
)
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.plan_views import PlanVersionRow, PlanView
from jeugdtoegang.services.views import PersonView
from jeugdtoegang.storage import plan_queries
from jeugdtoegang.storage.access import member_ids as _member_ids
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.plan_queries import plan_of
from jeugdtoegang.storage.review_steps import display_names


def current_members(session: Session, household_id: uuid.UUID) -> tuple[PersonView, ...]:
    """The household's current members as the plan's rules see them."""
    rows = plan_queries.current_members(session, household_id)
    return tuple(
        PersonView(
            id=p.id,
            version=p.version,
            household_id=p.household_id,
            role=p.role,
            first_name=p.first_name,
            tussenvoegsel=p.tussenvoegsel,
            surname=p.surname,
            birth_date=p.birth_date,
            bsn=p.bsn,
            has_gezag=p.has_gezag,
            relation=p.relation,
            phone=p.phone,
            email=p.email,
        )
        for p in rows
    )


def load_household(session: Session, household_id: uuid.UUID) -> Household:
    """The household, or NotFoundError (in Dutch) when it is gone."""
    household = session.get(Household, household_id)
    if household is None:
        raise NotFoundError("Dit dossier bestaat niet (meer).")
    return household


def load_plan(session: Session, plan_id: uuid.UUID) -> Plan:
    """The plan, or NotFoundError (in Dutch) when it is gone."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Dit perspectiefplan bestaat niet (meer).")
    return plan


def load_version(session: Session, plan_id: uuid.UUID, version_no: int) -> PlanVersion:
    """One saved version, or NotFoundError (in Dutch) when it does not exist."""
    row = plan_queries.plan_version(session, plan_id, version_no)
    if row is None:
        raise NotFoundError(f"Versie {version_no} van dit plan bestaat niet.")
    return row


def plan_document(ctx: AppContext, content: dict[str, Any]) -> PlanDocument:
    """A stored version's content as a document with the region's life domains."""
    return with_domains(PlanDocument.from_json(content), ctx.profile.life_domains)


def _findings(
    ctx: AppContext, document: PlanDocument, members: tuple[PersonView, ...]
) -> tuple[Finding, ...]:
    return tuple(check_plan(document, members, ctx.profile, ctx.today()))


def _view(
    ctx: AppContext,
    household: Household,
    plan: Plan | None,
    version: PlanVersion | None,
    members: tuple[PersonView, ...],
    names: dict[str, str] | None = None,
) -> PlanView:
    if plan is None or version is None:
        document = new_plan(ctx.profile.life_domains, ctx.actor.display_name, ctx.today())
        return PlanView(
            id=None,
            household_id=household.id,
            household_name=household.name,
            dossier_number=household.dossier_number,
            status=PlanStatus.CONCEPT,
            version_no=0,
            approved_version_no=None,
            document=document,
            members=members,
            findings=_findings(ctx, document, members),
        )
    document = plan_document(ctx, version.content)
    return PlanView(
        id=plan.id,
        household_id=household.id,
        household_name=household.name,
        dossier_number=household.dossier_number,
        status=PlanStatus(plan.status),
        version_no=plan.current_version_no,
        approved_version_no=plan.approved_version_no,
        document=document,
        members=members,
        findings=_findings(ctx, document, members),
        saved_by=version.saved_by,
        saved_at=version.saved_at,
        submitted_by=plan.submitted_by,
        submitted_at=plan.submitted_at,
        decided_by=plan.decided_by,
        decided_at=plan.decided_at,
        decision_comment=plan.decision_comment,
        return_comment=plan.return_comment,
        names=names or {},
    )


def _load_view(ctx: AppContext, session: Session, household_id: uuid.UUID) -> PlanView:
    household = load_household(session, household_id)
    plan = plan_of(session, household_id)
    version = load_version(session, plan.id, plan.current_version_no) if plan else None
    names = (
        display_names(session, (version.saved_by, plan.submitted_by, plan.decided_by))
        if plan is not None and version is not None
        else {}
    )
    return _view(ctx, household, plan, version, current_members(session, household_id), names)


@guarded(Permission.DOSSIER_READ, object_type="plan", target="household")
def get_plan(ctx: AppContext, household_id: uuid.UUID) -> PlanView:
    """Open the household's plan (an empty one when none was saved). Logged as a read."""
    with ctx.uow(readonly=True) as uow:
        view = _load_view(ctx, uow.session, household_id)
        uow.log_access(
            "inzien",
            "plan",
            view.id or household_id,
            [m.id for m in view.members],
            "perspectiefplan inzien",
        )
    return view


@guarded(Permission.DOSSIER_READ, object_type="plan", target="household")
def plan_history(ctx: AppContext, household_id: uuid.UUID) -> list[PlanVersionRow]:
    """Every saved version of the plan, newest first."""
    with ctx.uow(readonly=True) as uow:
        plan = plan_of(uow.session, household_id)
        if plan is None:
            return []
        versions = plan_queries.versions_newest_first(uow.session, plan.id)
        uow.log_access(
            "inzien", "plan", plan.id, _member_ids(uow.session, household_id), "versiegeschiedenis"
        )
        names = display_names(uow.session, (v.saved_by for v in versions))
        return [
            PlanVersionRow(
                version_no=v.version_no,
                status=PlanStatus(v.status),
                saved_by=v.saved_by,
                saved_at=v.saved_at,
                goal_count=len(v.content.get("goals", [])),
                is_current=v.version_no == plan.current_version_no,
                is_approved=v.status == PlanStatus.VASTGESTELD.value,
                saved_by_name=names.get(v.saved_by),
            )
            for v in versions
        ]


@guarded(Permission.DOSSIER_READ, object_type="plan", target="household")
def get_plan_version(ctx: AppContext, household_id: uuid.UUID, version_no: int) -> PlanDocument:
    """One saved version's document (read-only; logged as a read)."""
    with ctx.uow(readonly=True) as uow:
        plan = plan_of(uow.session, household_id)
        if plan is None:
            raise NotFoundError("Dit dossier heeft nog geen perspectiefplan.")
        document = plan_document(ctx, load_version(uow.session, plan.id, version_no).content)
        uow.log_access(
            "inzien", "plan", plan.id, _member_ids(uow.session, household_id),
            f"perspectiefplan versie {version_no} inzien",
        )  # fmt: skip
    return document


def diff_versions(ctx: AppContext, household_id: uuid.UUID, a: int, b: int) -> list[PlanChange]:
    """What changed from version ``a`` to version ``b`` (goals, actions, texts, network)."""
    return diff_documents(
        get_plan_version(ctx, household_id, a), get_plan_version(ctx, household_id, b)
    )


def count_versions(ctx: AppContext, household_id: uuid.UUID) -> int:
    with ctx.uow(readonly=True) as uow:
        plan = plan_of(uow.session, household_id)
        if plan is None:
            return 0
        return plan_queries.version_count(uow.session, plan.id)
