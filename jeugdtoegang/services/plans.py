"""Use cases of the perspectiefplan: open, save a draft, submit, review, history.

Every save adds a :class:`PlanVersion` with the whole document; an approved version is
never modified, so editing a vastgesteld plan starts a new concept version. The review
seam (submit/approve/return/list_pending) follows the shape every reviewable area uses.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require_team
from jeugdtoegang.domain.findings import Finding, Severity, blocking
from jeugdtoegang.domain.plan_diff import PlanChange, diff_documents
from jeugdtoegang.domain.plan_rules import check_plan
from jeugdtoegang.domain.plans import (
    PlanDocument,
    PlanStatus,
    consent_for_new_version,
    new_plan,
    with_domains,
)
from jeugdtoegang.domain.text import person_shown
from jeugdtoegang.errors import (
    FieldError,
    NotFoundError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.services import autosave
from jeugdtoegang.services.authz import guarded, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import PersonView
from jeugdtoegang.storage.access import member_ids as _member_ids
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.review_queue import waiting_among
from jeugdtoegang.storage.review_steps import display_names
from jeugdtoegang.storage.snapshot import to_json_value


@dataclass(frozen=True)
class PlanView:
    """The current plan of a household (``id`` None and ``version_no`` 0: not saved yet)."""

    id: uuid.UUID | None
    household_id: uuid.UUID
    household_name: str
    dossier_number: str
    status: PlanStatus
    version_no: int
    approved_version_no: int | None
    document: PlanDocument
    members: tuple[PersonView, ...]
    findings: tuple[Finding, ...]
    saved_by: str | None = None
    saved_at: datetime | None = None
    submitted_by: str | None = None
    submitted_at: datetime | None = None
    decided_by: str | None = None
    decided_at: datetime | None = None
    decision_comment: str | None = None
    return_comment: str | None = None
    #: the names of the people behind the logins above (saved, submitted, decided by)
    names: dict[str, str] = field(default_factory=dict)

    def name_of(self, login: str | None) -> str:
        """A person as people know them: the name, else the login."""
        return person_shown(self.names.get(login or ""), login)

    @property
    def blocking_findings(self) -> list[Finding]:
        return blocking(self.findings)

    @property
    def editable(self) -> bool:
        """A plan under review is frozen until the team lead decides."""
        return self.status is not PlanStatus.INGEDIEND

    def to_json(self) -> dict[str, Any]:
        return {
            "id": to_json_value(self.id),
            "household_id": str(self.household_id),
            "household_name": self.household_name,
            "dossier_number": self.dossier_number,
            "status": self.status.value,
            "version_no": self.version_no,
            "approved_version_no": self.approved_version_no,
            "saved_by": self.saved_by,
            "saved_at": to_json_value(self.saved_at),
            "submitted_by": self.submitted_by,
            "submitted_at": to_json_value(self.submitted_at),
            "decided_by": self.decided_by,
            "decided_at": to_json_value(self.decided_at),
            "saved_by_name": self.names.get(self.saved_by or ""),
            "submitted_by_name": self.names.get(self.submitted_by or ""),
            "decided_by_name": self.names.get(self.decided_by or ""),
            "decision_comment": self.decision_comment,
            "return_comment": self.return_comment,
            "document": self.document.to_json(),
            "findings": [
                {"code": f.code, "severity": f.severity.value, "message": f.message}
                for f in self.findings
            ],
        }


@dataclass(frozen=True)
class PendingPlanView:
    """A submitted plan waiting for a team lead (the review seam)."""

    id: uuid.UUID
    household_id: uuid.UUID
    title: str
    submitted_by: str | None
    submitted_at: datetime | None
    version_no: int
    findings: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class PlanVersionRow:
    version_no: int
    status: PlanStatus
    saved_by: str
    saved_at: datetime
    goal_count: int
    is_current: bool
    is_approved: bool
    #: the name of ``saved_by`` (None when the account is not known here)
    saved_by_name: str | None = None


# --- helpers ------------------------------------------------------------------------------


def _members(session: Session, household_id: uuid.UUID) -> tuple[PersonView, ...]:
    rows = session.scalars(
        select(Person)
        .where(Person.household_id == household_id, Person.ended_on.is_(None))
        .order_by(Person.sort_key)
    )
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


def _household(session: Session, household_id: uuid.UUID) -> Household:
    household = session.get(Household, household_id)
    if household is None:
        raise NotFoundError("Dit dossier bestaat niet (meer).")
    return household


def _plan_of(session: Session, household_id: uuid.UUID) -> Plan | None:
    return session.scalars(select(Plan).where(Plan.household_id == household_id)).one_or_none()


def _plan(session: Session, plan_id: uuid.UUID) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFoundError("Dit perspectiefplan bestaat niet (meer).")
    return plan


def _version(session: Session, plan_id: uuid.UUID, version_no: int) -> PlanVersion:
    row = session.scalars(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan_id, PlanVersion.version_no == version_no
        )
    ).one_or_none()
    if row is None:
        raise NotFoundError(f"Versie {version_no} van dit plan bestaat niet.")
    return row


def _document(ctx: AppContext, content: dict[str, Any]) -> PlanDocument:
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
    document = _document(ctx, version.content)
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
    household = _household(session, household_id)
    plan = _plan_of(session, household_id)
    version = _version(session, plan.id, plan.current_version_no) if plan else None
    names = (
        display_names(session, (version.saved_by, plan.submitted_by, plan.decided_by))
        if plan is not None and version is not None
        else {}
    )
    return _view(ctx, household, plan, version, _members(session, household_id), names)


# --- use cases ----------------------------------------------------------------------------


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
        require_team(ctx.actor, _household(session, household_id).team)
        plan = _plan_of(session, household_id)
        current = plan.current_version_no if plan else 0
        if current != expected_version:
            raise StaleRecordError(Plan.label_nl, plan.updated_by if plan else None)
        if plan is not None and plan.status == PlanStatus.INGEDIEND:
            raise RuleViolationError(
                "Het plan ligt ter beoordeling bij de teamleider en kan nu niet worden "
                "gewijzigd. Wacht op de beoordeling."
            )
        if plan is not None:
            latest = _version(session, plan.id, plan.current_version_no)
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
        members = _members(session, household_id)
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
        plan = _plan(session, plan_id)
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
        version = _version(session, plan.id, plan.current_version_no)
        members = _members(session, plan.household_id)
        findings = check_plan(_document(ctx, version.content), members, ctx.profile, ctx.today())
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
        plan = _plan(session, plan_id)
        if plan.status != PlanStatus.INGEDIEND:
            raise RuleViolationError("Dit plan is niet (meer) ingediend ter beoordeling.")
        forbid_self_approval(ctx.actor, plan.submitted_by)
        version = _version(session, plan.id, plan.current_version_no)
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
        members = _members(session, plan.household_id)
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
        query = select(Plan).where(
            waiting_among(session, Plan.status, PlanStatus.INGEDIEND.value, Plan.id, ids)
        )
        plans = session.scalars(query.order_by(Plan.submitted_at)).all()
        for plan in plans:
            household = _household(session, plan.household_id)
            version = _version(session, plan.id, plan.current_version_no)
            findings = check_plan(
                _document(ctx, version.content),
                _members(session, plan.household_id),
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


@guarded(Permission.DOSSIER_READ, object_type="plan", target="household")
def plan_history(ctx: AppContext, household_id: uuid.UUID) -> list[PlanVersionRow]:
    """Every saved version of the plan, newest first."""
    with ctx.uow(readonly=True) as uow:
        plan = _plan_of(uow.session, household_id)
        if plan is None:
            return []
        versions = uow.session.scalars(
            select(PlanVersion)
            .where(PlanVersion.plan_id == plan.id)
            .order_by(PlanVersion.version_no.desc())
        ).all()
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
        plan = _plan_of(uow.session, household_id)
        if plan is None:
            raise NotFoundError("Dit dossier heeft nog geen perspectiefplan.")
        document = _document(ctx, _version(uow.session, plan.id, version_no).content)
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
        plan = _plan_of(uow.session, household_id)
        if plan is None:
            return 0
        return int(
            uow.session.execute(
                select(func.count()).select_from(PlanVersion).where(PlanVersion.plan_id == plan.id)
            ).scalar_one()
        )
