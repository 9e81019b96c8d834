"""Use cases for indications: check, save, submit, approve, issue, change, end, evaluate.

Lifecycle: concept → ingediend (when a finding needs a team lead) → goedgekeurd →
afgegeven (toewijzingnummer per municipality) → beëindigd. A proposal without approval
findings is goedgekeurd at submit. After issue only the end date may change
(:func:`change_end_date`); any other change ends the indication and creates a new one
linked by ``predecessor_id`` (:func:`replace_indication`). A provider's request never
changes an indication (:func:`register_provider_request`): the consultant assesses it.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Collection
from dataclasses import replace
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require_team
from jeugdtoegang.domain.costs import budget_cents, max_cost
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_policies import evaluation_due
from jeugdtoegang.domain.indication_rules import (
    CheckResult,
    IndicationProposal,
    check_indication,
)
from jeugdtoegang.domain.indications import (
    ChangeReason,
    Frequency,
    IndicationStatus,
    Initiator,
    Perspective,
    Unit,
)
from jeugdtoegang.domain.provenance import mark_provisional
from jeugdtoegang.errors import (
    FieldError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.services.authz import comment_reference, guarded, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_followup import (
    assess_provider_request,
    list_provider_requests,
    record_evaluation,
    register_provider_request,
)
from jeugdtoegang.services.indication_inputs import (
    IndicationDraft,
    ProviderFacts,
    build_context,
    committed_by_provider,
)
from jeugdtoegang.services.indication_records import (
    load_indication,
    require_household_team,
    require_status,
    view_of,
)
from jeugdtoegang.services.indication_views import (
    IndicationView,
    PendingIndicationView,
    findings_to_json,
    indication_view,
    to_jw301,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.indications import Evaluation, Indication, ProviderRequest
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.numbering import next_numeric
from jeugdtoegang.storage.review_queue import waiting_among

__all__ = [
    "IndicationDraft",
    "approve_indication",
    "assess_provider_request",
    "change_end_date",
    "check_proposal",
    "committed_by_provider",
    "end_indication",
    "get_indication",
    "issue_indication",
    "list_for_household",
    "list_pending_indications",
    "list_provider_requests",
    "record_evaluation",
    "register_provider_request",
    "replace_indication",
    "return_indication",
    "save_concept",
    "submit_indication",
    "to_jw301",
]

_I = Indication.__table__.c


@guarded(Permission.DOSSIER_READ, object_type="indication")
def check_proposal(ctx: AppContext, draft: IndicationDraft) -> CheckResult:
    """Check a proposed indication against the database and the region profile.

    The reads run without a transaction around them on PostgreSQL (``single_reads``): at
    its READ COMMITTED level every statement sees its own snapshot either way, so BEGIN
    and ROLLBACK were two requests that changed nothing.
    """
    with ctx.database.single_reads() as session:
        proposal, context, _, _ = build_context(ctx, session, draft)
        result = check_indication(proposal, context)
    # issue 13: a finding resting on a provisional term says so
    findings = mark_provisional(result.findings, ctx.setup.document.provenance)
    return dataclasses.replace(result, findings=tuple(findings))


# --- helpers ------------------------------------------------------------------------------


def _evaluation_due(
    ctx: AppContext, product_code: str, perspective: Perspective, start: date, end: date
) -> date | None:
    return evaluation_due(ctx.profile, product_code, perspective, start, end)


def _apply(
    ctx: AppContext,
    row: Indication,
    draft: IndicationDraft,
    result: CheckResult,
    facts: ProviderFacts,
) -> None:
    proposal = draft.proposal
    end = proposal.end or result.max_eind
    if end is None or end < proposal.start:
        raise ValidationError(FieldError("eind", "De einddatum ligt voor de startdatum."))
    product = ctx.profile.product(proposal.product_code)
    row.goal_ids = list(draft.goal_ids)
    row.segment = proposal.segment
    row.product_code = proposal.product_code.strip().upper()
    row.product_name = product.name if product else ""
    row.product_category = product.category if product else "50"
    row.provider_id = facts.provider_id or draft.provider_id
    row.provider_agb = proposal.provider_agb
    row.provider_name = facts.name or ""
    row.maatwerk_name = proposal.maatwerk_name
    row.maatwerk_agb = draft.extra.get("maatwerk_agb")
    row.perspective = proposal.perspective.value
    row.start_date = proposal.start
    row.end_date = end
    row.volume = proposal.volume
    row.unit = proposal.unit.value
    row.unit_code = proposal.unit.code
    row.frequency = proposal.frequency.value
    row.frequency_code = proposal.frequency.code
    tariff = facts.tariff or proposal.tariff
    row.tariff = tariff
    row.max_cost = max_cost(
        proposal.volume, tariff, proposal.unit, proposal.frequency, proposal.start, end
    )
    row.budget_cents = (
        budget_cents(proposal.volume, proposal.unit, proposal.frequency, proposal.start, end)
        if proposal.unit is Unit.EURO
        else None
    )
    row.initiator = proposal.initiator.value
    row.referrer_code = proposal.initiator.referrer_code
    row.predecessor_id = draft.predecessor_id or draft.replaces_id or result.continues
    row.requested_on = draft.requested_on or row.requested_on or ctx.today()
    row.motivations = {k: v for k, v in proposal.motivations.items() if v and v.strip()}
    row.findings = findings_to_json(result.findings)
    row.evaluation_due = _evaluation_due(
        ctx, row.product_code, proposal.perspective, proposal.start, end
    )
    row.term_start = result.term_start or proposal.start
    row.referral_date = proposal.referral_date
    row.identity_wish = (proposal.identity_wish or "").strip() or None
    row.chosen_by_family = proposal.chosen_by_family
    row.partner_agreement = (proposal.partner_agreement or "").strip() or None


# --- writing ------------------------------------------------------------------------------


@guarded(Permission.DOSSIER_EDIT, object_type="indication")
def save_concept(
    ctx: AppContext,
    draft: IndicationDraft,
    indication_id: uuid.UUID | None = None,
    expected_version: int | None = None,
) -> IndicationView:
    """Save a new or changed concept; findings are stored with it (errors allowed)."""
    if draft.person_id is None:
        raise ValidationError(FieldError("person_id", "Kies de jeugdige voor wie de hulp is."))
    with ctx.uow() as uow:
        if indication_id is not None:
            row = load_indication(uow.session, indication_id)
            require_status(row, IndicationStatus.CONCEPT, action="wijzigen")
            if expected_version is not None and row.version != expected_version:
                raise StaleRecordError(Indication.label_nl, row.updated_by)
            draft = replace(draft, proposal=replace(draft.proposal, own_id=row.id))
        else:
            row = Indication(status=IndicationStatus.CONCEPT.value)
        proposal, context, subject, facts = build_context(ctx, uow.session, draft)
        if subject.household_id is not None:  # the team as read with the jeugdige
            require_team(ctx.actor, subject.team)
        result = check_indication(proposal, context)
        draft = replace(draft, proposal=proposal)
        row.person_id = draft.person_id
        row.household_id = subject.household_id  # type: ignore[assignment]
        row.gemeente_code = subject.gemeente_code
        _apply(ctx, row, draft, result, facts)
        if indication_id is None:
            uow.session.add(row)
        uow.session.flush()
        uow.log_access(
            "opslaan", "indication", row.id, [row.person_id], "indicatie (concept) opslaan"
        )
        # the saved concept as the caller sees it, read in this transaction; a new one has
        # no provider requests or evaluations yet and its jeugdige's name came with the
        # subject, so it needs no read at all
        if indication_id is None:
            view = indication_view(row, subject.person_name)
        else:
            view = view_of(uow.session, row)
        uow.commit()
        return view


def _recheck(ctx: AppContext, session: Session, row: Indication) -> CheckResult:
    proposal = IndicationProposal(
        segment=row.segment,
        product_code=row.product_code,
        perspective=Perspective(row.perspective),
        start=row.start_date,
        end=row.end_date,
        volume=row.volume,
        unit=Unit(row.unit),
        frequency=Frequency(row.frequency),
        initiator=Initiator(row.initiator),
        provider_agb=row.provider_agb,
        maatwerk_name=row.maatwerk_name,
        tariff=row.tariff,
        motivations=dict(row.motivations or {}),
        own_id=row.id,
        referral_date=row.referral_date,
        identity_wish=row.identity_wish,
        chosen_by_family=bool(row.chosen_by_family),
        partner_agreement=row.partner_agreement,
    )
    is_follow_up = row.predecessor_id is not None and row.change_reason is None
    draft = IndicationDraft(
        proposal=proposal,
        person_id=row.person_id,
        household_id=row.household_id,
        goal_ids=tuple(row.goal_ids or ()),
        provider_id=row.provider_id,
        predecessor_id=row.predecessor_id if is_follow_up else None,
        replaces_id=row.predecessor_id if not is_follow_up else None,
    )
    built, context, _, _ = build_context(ctx, session, draft)
    return check_indication(built, context)


@guarded(Permission.PLAN_SUBMIT, object_type="indication", target="indication")
def submit_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    """Submit a concept: refused with errors; to the team lead when approval is needed."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.CONCEPT, action="indienen")
        result = _recheck(ctx, uow.session, row)
        row.findings = findings_to_json(result.findings)
        errors = [f for f in result.findings if f.severity is Severity.ERROR]
        if errors:
            raise RuleViolationError(
                "Deze indicatie kan nog niet worden ingediend:\n"
                + "\n".join(f"- {f.message}" for f in errors)
            )
        now = utcnow()
        row.submitted_by = ctx.actor.username
        row.submitted_at = now
        if result.approval_required:
            row.status = IndicationStatus.INGEDIEND.value
        else:
            row.status = IndicationStatus.GOEDGEKEURD.value
        row.review_comment = None
        uow.log_access("indienen", "indication", row.id, [row.person_id], "indicatie indienen")
        uow.commit()
        return view_of(uow.session, row)


@guarded(Permission.APPROVE, object_type="indication", target="indication")
def approve_indication(
    ctx: AppContext, indication_id: uuid.UUID, comment: str | None = None
) -> IndicationView:
    """A team lead approves a submitted indication (never the own submission)."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_status(row, IndicationStatus.INGEDIEND, action="goedkeuren")
        forbid_self_approval(ctx.actor, row.submitted_by)
        row.status = IndicationStatus.GOEDGEKEURD.value
        row.approved_by = ctx.actor.username
        row.approved_at = utcnow()
        row.review_comment = comment or None
        uow.log_access(
            "goedkeuren", "indication", row.id, [row.person_id], comment_reference(comment)
        )
        uow.commit()
        return view_of(uow.session, row)


@guarded(Permission.APPROVE, object_type="indication", target="indication")
def return_indication(ctx: AppContext, indication_id: uuid.UUID, comment: str) -> IndicationView:
    """A team lead sends a submitted indication back to the consultant, with a reason."""
    if not comment or not comment.strip():
        raise ValidationError(FieldError("comment", "Schrijf waarom u de indicatie terugstuurt."))
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_status(row, IndicationStatus.INGEDIEND, action="terugsturen")
        forbid_self_approval(ctx.actor, row.submitted_by)
        row.status = IndicationStatus.CONCEPT.value
        row.review_comment = comment.strip()
        uow.log_access(
            "terugsturen", "indication", row.id, [row.person_id], comment_reference(comment)
        )
        uow.commit()
        return view_of(uow.session, row)


def _ensure_counter(session: Session, name: str, actor: str) -> None:
    exists = session.execute(select(SequenceCounter.id).where(SequenceCounter.name == name)).first()
    if exists is None:
        session.add(SequenceCounter(name=name, last_seq=0, created_by=actor, updated_by=actor))
        session.flush()


def allocation_counter(gemeente_code: str) -> str:
    return f"toewijzing-{gemeente_code}"


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def issue_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    """Issue (afgeven) an approved indication: toewijzingnummer and date/time are assigned."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.GOEDGEKEURD, action="afgeven")
        counter = allocation_counter(row.gemeente_code)
        _ensure_counter(uow.session, counter, ctx.actor.username)
        row.allocation_number = next_numeric(uow.session, counter)
        row.allocated_at = utcnow()
        row.status = IndicationStatus.AFGEGEVEN.value
        uow.log_access("afgeven", "indication", row.id, [row.person_id], "toewijzing afgeven")
        uow.commit()
        return view_of(uow.session, row)


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def change_end_date(
    ctx: AppContext,
    indication_id: uuid.UUID,
    new_end: date,
    reason: ChangeReason = ChangeReason.WIJZIGING,
) -> IndicationView:
    """Change only the end date of an issued indication (the one allowed change).

    A longer term that needs a team lead's approval cannot be made this way: replace the
    indication (a new proposal that is submitted and approved) instead.
    """
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        require_status(row, IndicationStatus.AFGEGEVEN, action="de einddatum wijzigen")
        if new_end < row.start_date:
            raise ValidationError(
                FieldError("eind", "De nieuwe einddatum ligt voor de startdatum.")
            )
        old_end = row.end_date
        row.end_date = new_end
        result = _recheck(ctx, uow.session, row)
        blocking = [
            f
            for f in result.findings
            if f.severity is not Severity.WARNING and f.code not in _ISSUE_TIME_CODES
        ]
        if new_end > old_end and blocking:
            raise RuleViolationError(
                "Deze verlenging vraagt een motivering en akkoord van de teamleider:\n"
                + "\n".join(f"- {f.message}" for f in blocking)
                + "\nMaak een nieuwe indicatie (Hulp inzetten) of evalueer eerst."
            )
        row.max_cost = max_cost(
            row.volume,
            row.tariff,
            Unit(row.unit),
            Frequency(row.frequency),
            row.start_date,
            new_end,
        )
        if row.unit == Unit.EURO.value:
            row.budget_cents = budget_cents(
                row.volume, Unit.EURO, Frequency(row.frequency), row.start_date, new_end
            )
        row.change_reason = reason.value
        row.evaluation_due = _evaluation_due(
            ctx, row.product_code, Perspective(row.perspective), row.start_date, new_end
        )
        uow.log_access(
            "wijzigen", "indication", row.id, [row.person_id], f"einddatum {old_end} → {new_end}"
        )
        uow.commit()
        return view_of(uow.session, row)


#: findings about the moment of the original decision that do not block a later change
_ISSUE_TIME_CODES = frozenset({"RETROACTIVE_START", "OVERLAP"})


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def end_indication(
    ctx: AppContext,
    indication_id: uuid.UUID,
    end_on: date,
    reason: ChangeReason = ChangeReason.EINDE_HULP,
) -> IndicationView:
    """End an indication (or withdraw a concept/submission); the record stays."""
    with ctx.uow() as uow:
        row = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, row.household_id)
        if row.status == IndicationStatus.BEEINDIGD.value:
            raise RuleViolationError("Deze indicatie is al beëindigd.")
        _end(row, end_on, reason)
        uow.log_access("beeindigen", "indication", row.id, [row.person_id], "indicatie beëindigen")
        uow.commit()
        return view_of(uow.session, row)


def _end(row: Indication, end_on: date, reason: ChangeReason) -> None:
    if row.status == IndicationStatus.AFGEGEVEN.value:
        new_end = max(min(end_on, row.end_date), row.start_date)
        row.end_date = new_end
        row.max_cost = max_cost(
            row.volume,
            row.tariff,
            Unit(row.unit),
            Frequency(row.frequency),
            row.start_date,
            new_end,
        )
        row.change_reason = reason.value
    row.status = IndicationStatus.BEEINDIGD.value
    row.ended_on = end_on


@guarded(Permission.DOSSIER_EDIT, object_type="indication", target="indication")
def replace_indication(
    ctx: AppContext, indication_id: uuid.UUID, draft: IndicationDraft
) -> IndicationView:
    """Any change other than the end date: end the issued one, start a new concept.

    The old indication ends the day before the new start; the new one links to it.
    """
    draft = replace(draft, replaces_id=indication_id, predecessor_id=None)
    with ctx.uow() as uow:
        old = load_indication(uow.session, indication_id)
        require_household_team(ctx, uow.session, old.household_id)
        require_status(old, IndicationStatus.AFGEGEVEN, action="vervangen")
        if draft.person_id is None:
            draft = replace(draft, person_id=old.person_id)
        if draft.proposal.start <= old.start_date:
            raise ValidationError(
                FieldError("start", "De nieuwe indicatie moet na de start van de oude beginnen.")
            )
        proposal, context, subject, facts = build_context(ctx, uow.session, draft)
        result = check_indication(proposal, context)
        draft = replace(draft, proposal=proposal)
        _end(old, draft.proposal.start - timedelta(days=1), ChangeReason.WIJZIGING)
        row = Indication(status=IndicationStatus.CONCEPT.value)
        row.person_id = old.person_id
        row.household_id = old.household_id
        row.gemeente_code = subject.gemeente_code
        _apply(ctx, row, draft, result, facts)
        row.change_reason = ChangeReason.WIJZIGING.value
        uow.session.add(row)
        uow.session.flush()
        uow.log_access(
            "vervangen", "indication", old.id, [old.person_id], f"vervangen door {row.id}"
        )
        uow.commit()
        return view_of(uow.session, row)


# --- reading ------------------------------------------------------------------------------


@guarded(Permission.DOSSIER_READ, object_type="indication", target="indication")
def get_indication(ctx: AppContext, indication_id: uuid.UUID) -> IndicationView:
    with ctx.uow(readonly=True) as uow:
        row = load_indication(uow.session, indication_id)
        view = view_of(uow.session, row)
        uow.log_access("inzien", "indication", row.id, [row.person_id], "indicatie inzien")
        return view


@guarded(Permission.DOSSIER_READ, object_type="indication", target="household")
def list_for_household(ctx: AppContext, household_id: uuid.UUID) -> list[IndicationView]:
    """All indications of a household, per jeugdige by start date (for the timeline)."""
    with ctx.uow(readonly=True) as uow:
        session = uow.session
        rows = (
            session.execute(
                select(Indication)
                .where(Indication.household_id == household_id)
                .order_by(Indication.person_id, Indication.start_date)
            )
            .scalars()
            .all()
        )
        ids = [r.id for r in rows]
        names = {
            p.id: " ".join(x for x in (p.first_name, p.tussenvoegsel, p.surname) if x)
            for p in session.execute(
                select(Person).where(Person.household_id == household_id)
            ).scalars()
        }
        evaluations: dict[uuid.UUID, Evaluation] = {}
        requests: dict[uuid.UUID, int] = {}
        if ids:
            for evaluation in session.execute(
                select(Evaluation)
                .where(Evaluation.indication_id.in_(ids))
                .order_by(Evaluation.evaluated_on, Evaluation.created_at)
            ).scalars():
                evaluations[evaluation.indication_id] = evaluation
            requests = dict(
                session.execute(
                    select(ProviderRequest.indication_id, func.count())
                    .where(ProviderRequest.indication_id.in_(ids), ProviderRequest.status == "open")
                    .group_by(ProviderRequest.indication_id)
                ).all()
            )
        views = [
            indication_view(
                r, names.get(r.person_id, ""), evaluations.get(r.id), requests.get(r.id, 0)
            )
            for r in rows
        ]
        uow.log_access(
            "inzien",
            "household",
            household_id,
            sorted({r.person_id for r in rows}),
            "hulp (indicaties) inzien",
        )
        return sorted(views, key=lambda v: (v.person_name, v.start, v.product_code))


# ``ids`` (a page of the review queue) name indication records; their team scope is applied
# per item by ``shown`` below, so ``target`` only declares what the ids are
@guarded(Permission.APPROVE, object_type="indication", target="indication")
def list_pending_indications(
    ctx: AppContext, ids: Collection[uuid.UUID] | None = None
) -> list[PendingIndicationView]:
    """Submitted indications waiting for a team lead (review seam); only ``ids`` if given."""
    with ctx.uow(readonly=True) as uow:
        query = (
            select(Indication, Person.first_name, Person.tussenvoegsel, Person.surname)
            .join(Person, Person.id == Indication.person_id)
            .where(
                waiting_among(
                    uow.session,
                    Indication.status,
                    IndicationStatus.INGEDIEND.value,
                    Indication.id,
                    ids,
                )
            )
        )
        rows = uow.session.execute(query.order_by(Indication.submitted_at)).all()
        result = []
        for row, first, tussen, surname in rows:
            name = " ".join(p for p in (first, tussen, surname) if p)
            view = indication_view(row)
            findings = "\n".join(
                f"[{f.severity.value}] {f.message}"
                for f in view.findings
                if f.severity is not Severity.WARNING
            )
            motivations = "\n".join(f"{code}: {text}" for code, text in view.motivations.items())
            result.append(
                PendingIndicationView(
                    id=row.id,
                    household_id=row.household_id,
                    title=f"Indicatie {row.product_name or row.product_code} voor {name}",
                    submitted_by=row.submitted_by,
                    submitted_at=row.submitted_at,
                    findings=findings,
                    motivations=motivations,
                )
            )
    return shown(ctx, Permission.APPROVE, result, "ingediende indicaties")
