"""Use cases for decisions (beschikkingen): make, review, print and send.

Life of a decision: ``concept`` (draft, letter with CONCEPT) → ``goedgekeurd`` (approved by
a team lead: the letter date is set and the final letter is stored once) → ``verzonden``.
A final decision never changes; a correction is a new decision that refers to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, forbid_self_approval, require
from jeugdtoegang.domain.decisions import (
    FINAL_STATUSES,
    GRANTING_TYPES,
    AddresseeChoice,
    DecisionStatus,
    DecisionType,
    check_addressee_choice,
    default_addressee_choice,
)
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import (
    FieldError,
    NotFoundError,
    RuleViolationError,
    StaleRecordError,
    ValidationError,
)
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import (
    final_letter_bytes,
    letter_model,
    store_final_letter,
    stored_final,
)
from jeugdtoegang.services.decision_views import (
    DecisionDetail,
    DecisionRow,
    PendingDecisionView,
)
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.numbering import next_number

KENMERK_COUNTER = "beschikking"
LEGAL_BASIS = "Jeugdwet artikel 2.3"


def _ensure_counter(session: Session, actor: str) -> None:
    found = session.execute(
        select(SequenceCounter.id).where(SequenceCounter.name == KENMERK_COUNTER)
    ).first()
    if found is None:
        session.add(
            SequenceCounter(name=KENMERK_COUNTER, last_seq=0, created_by=actor, updated_by=actor)
        )
        session.flush()


def new_kenmerk(session: Session, year: int, actor: str) -> str:
    """'BS-2026-000042': reserved from the named counter, never reused."""
    _ensure_counter(session, actor)
    return next_number(session, KENMERK_COUNTER, f"BS-{year}", width=6)


def _load(session: Session, decision_id: uuid.UUID) -> Decision:
    row = session.get(Decision, decision_id)
    if row is None:
        raise NotFoundError("Deze beschikking bestaat niet (meer).")
    return row


def _plan_goals(session: Session, household_id: uuid.UUID, goal_ids: set[str]) -> list[str]:
    """Descriptions of the plan goals the indications serve (current plan version)."""
    from jeugdtoegang.storage.models.plans import Plan, PlanVersion

    plan = session.execute(select(Plan).where(Plan.household_id == household_id)).scalars().first()
    if plan is None or not goal_ids:
        return []
    version_no = plan.approved_version_no or plan.current_version_no
    content: dict[str, Any] | None = session.execute(
        select(PlanVersion.content).where(
            PlanVersion.plan_id == plan.id, PlanVersion.version_no == version_no
        )
    ).scalar_one_or_none()
    goals = (content or {}).get("goals") or []
    return [
        str(g.get("description", "")).strip()
        for g in goals
        if isinstance(g, dict) and str(g.get("id")) in goal_ids and g.get("description")
    ]


def _validate_create(
    ctx: AppContext,
    person: Person | None,
    household_id: uuid.UUID,
    decision_type: DecisionType,
    indications: Sequence[Indication],
    missing: int,
    request_date: date,
    request_text: str,
    motivation: str,
) -> list[FieldError]:
    errors = []
    if person is None or person.household_id != household_id or person.role != "jeugdige":
        errors.append(FieldError("person_id", "Kies een jeugdige uit dit gezin."))
    if missing:
        errors.append(FieldError("indication_ids", "Een of meer indicaties bestaan niet."))
    if person is not None and any(i.person_id != person.id for i in indications):
        errors.append(
            FieldError("indication_ids", "Alle indicaties moeten bij deze jeugdige horen.")
        )
    if decision_type in GRANTING_TYPES and not indications:
        errors.append(
            FieldError(
                "indication_ids",
                f"Een {decision_type.label.lower()} noemt de hulp: kies minstens een indicatie.",
            )
        )
    if request_date > ctx.today():
        errors.append(FieldError("request_date", "De aanvraagdatum ligt in de toekomst."))
    if not request_text.strip():
        errors.append(FieldError("request_text", "Schrijf op wat er gevraagd is."))
    if not motivation.strip():
        errors.append(
            FieldError(
                "motivation",
                "Een beschikking heeft een motivering nodig (Awb 3:46): schrijf de feiten op.",
            )
        )
    return errors


@guarded(Permission.PLAN_SUBMIT, object_type="household")
def create_decision(
    ctx: AppContext,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    decision_type: DecisionType,
    indication_ids: Sequence[uuid.UUID],
    request_date: date,
    request_text: str,
    motivation: str,
    *,
    goals: Sequence[str] | None = None,
    addressee: AddresseeChoice | None = None,
    end_date: date | None = None,
    corrects_decision_id: uuid.UUID | None = None,
) -> DecisionDetail:
    """Make a draft decision for one jeugdige from indications (the help it grants or ends).

    ``goals`` defaults to the plan goals the indications serve. ``addressee`` defaults to
    the parents (under 18) or the young adult. A correction names the final decision it
    corrects; that decision itself is never changed.
    """
    with ctx.uow() as uow:
        session = uow.session
        household = session.get(Household, household_id)
        if household is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        person = session.get(Person, person_id)
        indications = [session.get(Indication, i) for i in indication_ids]
        found = [i for i in indications if i is not None]
        errors = _validate_create(
            ctx,
            person,
            household_id,
            decision_type,
            found,
            len(indications) - len(found),
            request_date,
            request_text,
            motivation,
        )
        if errors:
            raise ValidationError(errors)
        assert person is not None
        choice = addressee or default_addressee_choice(person.birth_date, ctx.today())
        check_addressee_choice(choice, person.birth_date, ctx.today())
        if corrects_decision_id is not None:
            corrected = _load(session, corrects_decision_id)
            if DecisionStatus(corrected.status) not in FINAL_STATUSES:
                raise RuleViolationError(
                    "Alleen een goedgekeurde beschikking kan worden gecorrigeerd. "
                    "Een concept past u gewoon aan."
                )
            if corrected.person_id != person_id:
                raise RuleViolationError("Een correctie gaat over dezelfde jeugdige.")
        if goals is None:
            goal_ids = {str(g) for i in found for g in (i.goal_ids or [])}
            goals = _plan_goals(session, household_id, goal_ids)
        municipality = ctx.profile.municipality(household.gemeente)
        verordening = municipality.verordening if municipality else ""
        decision = Decision(
            household_id=household_id,
            person_id=person_id,
            gemeente=household.gemeente,
            type=decision_type.value,
            status=DecisionStatus.CONCEPT.value,
            kenmerk=new_kenmerk(session, ctx.today().year, ctx.actor.username),
            request_date=request_date,
            request_text=request_text.strip(),
            motivation=motivation.strip(),
            goals=[g.strip() for g in goals if g.strip()],
            legal_basis="; ".join(p for p in (LEGAL_BASIS, verordening) if p),
            addressee=choice.value,
            end_date=end_date,
            corrects_decision_id=corrects_decision_id,
        )
        session.add(decision)
        session.flush()
        for position, indication in enumerate(found):
            session.add(
                DecisionIndication(
                    decision_id=decision.id, indication_id=indication.id, position=position
                )
            )
        session.flush()
        uow.log_access("registreren", "decision", decision.id, [person_id], "beschikking opstellen")
        uow.commit()
        decision_id = decision.id
    return get_decision(ctx, decision_id, purpose=None)


def _rows(session: Session, decisions: Sequence[Decision]) -> list[DecisionRow]:
    person_ids = {d.person_id for d in decisions}
    names = {
        p.id: full_name(p.first_name, p.tussenvoegsel, p.surname)
        for p in session.execute(select(Person).where(Person.id.in_(person_ids))).scalars()
    }
    corrected_ids = {d.corrects_decision_id for d in decisions if d.corrects_decision_id}
    kenmerken = dict(
        session.execute(
            select(Decision.id, Decision.kenmerk).where(Decision.id.in_(corrected_ids))
        ).all()
    )
    return [
        DecisionRow(
            id=d.id,
            household_id=d.household_id,
            type=DecisionType(d.type),
            status=DecisionStatus(d.status),
            date=d.decision_date or d.created_at.date(),
            jeugdige=names.get(d.person_id, ""),
            kenmerk=d.kenmerk,
            gemeente=d.gemeente,
            corrects_kenmerk=kenmerken.get(d.corrects_decision_id),
            submitted=d.submitted_by is not None,
        )
        for d in decisions
    ]


def _detail(session: Session, decision: Decision) -> DecisionDetail:
    links = session.execute(
        select(DecisionIndication.indication_id)
        .where(DecisionIndication.decision_id == decision.id)
        .order_by(DecisionIndication.position)
    ).scalars()
    final = stored_final(session, decision.id)
    return DecisionDetail(
        row=_rows(session, [decision])[0],
        version=decision.version,
        person_id=decision.person_id,
        request_date=decision.request_date,
        request_text=decision.request_text,
        motivation=decision.motivation,
        goals=tuple(decision.goals or ()),
        legal_basis=decision.legal_basis,
        addressee=AddresseeChoice(decision.addressee),
        end_date=decision.end_date,
        corrects_decision_id=decision.corrects_decision_id,
        indication_ids=tuple(links),
        created_by=decision.created_by,
        submitted_by=decision.submitted_by,
        submitted_at=decision.submitted_at,
        review_comment=decision.review_comment,
        approved_by=decision.approved_by,
        approved_at=decision.approved_at,
        sent_by=decision.sent_by,
        sent_at=decision.sent_at,
        final_sha256=final.sha256 if final else None,
    )


def get_decision(
    ctx: AppContext, decision_id: uuid.UUID, *, purpose: str | None = "beschikking inzien"
) -> DecisionDetail:
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        detail = _detail(uow.session, decision)
        if purpose:
            uow.log_access("inzien", "decision", decision.id, [decision.person_id], purpose)
    return detail


def list_decisions(ctx: AppContext, household_id: uuid.UUID | None = None) -> list[DecisionRow]:
    """Decisions of one household (or all), newest first."""
    with ctx.uow(readonly=True) as uow:
        query = select(Decision).order_by(Decision.created_at.desc(), Decision.kenmerk.desc())
        if household_id is not None:
            query = query.where(Decision.household_id == household_id)
        decisions = list(uow.session.execute(query).scalars())
        rows = _rows(uow.session, decisions)
        if rows:
            uow.log_access(
                "inzien",
                "household" if household_id else None,
                household_id,
                sorted({d.person_id for d in decisions}),
                "overzicht beschikkingen",
            )
    return rows


def _require_concept(decision: Decision, action: str) -> None:
    if decision.status != DecisionStatus.CONCEPT.value:
        raise RuleViolationError(
            f"Deze beschikking is al {DecisionStatus(decision.status).label.lower()} en kan "
            f"niet meer worden {action}. Maak een correctie als er iets niet klopt."
        )


@guarded(Permission.PLAN_SUBMIT, object_type="decision")
def submit_decision(ctx: AppContext, decision_id: uuid.UUID) -> DecisionDetail:
    """Offer a draft to the team lead for approval."""
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "ingediend")
        decision.submitted_by = ctx.actor.username
        decision.submitted_at = utcnow()
        decision.review_comment = None
        uow.log_access("indienen", "decision", decision.id, [decision.person_id], "beoordeling")
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


@guarded(Permission.APPROVE, object_type="decision")
def approve_decision(
    ctx: AppContext, decision_id: uuid.UUID, comment: str | None = None
) -> DecisionDetail:
    """Approve a draft: it becomes final with today's date as the letter date.

    The final letter is rendered first, outside any write transaction (rendering takes
    long and must not hold the write lock); the short transaction that approves then stores
    it, so an approved decision always has exactly one letter. A decision changed in the
    meantime is refused ("intussen gewijzigd") and nothing is stored.
    """
    approved_at = utcnow()
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "goedgekeurd")
        forbid_self_approval(ctx.actor, decision.submitted_by or decision.created_by)
        version = decision.version
        with uow.session.no_autoflush:  # the approved state, only to compose its letter
            _set_approved(decision, ctx, approved_at, comment)
            model = letter_model(uow.session, ctx.profile, decision, ctx.today())
    pdf = render_letter(model)
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if decision.version != version:
            raise StaleRecordError("De beschikking", decision.updated_by)
        _set_approved(decision, ctx, approved_at, comment)
        uow.session.flush()
        store_final_letter(uow.session, decision, pdf)
        uow.log_access(
            "goedkeuren", "decision", decision.id, [decision.person_id], comment or "beoordeling"
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


def _set_approved(
    decision: Decision, ctx: AppContext, approved_at: datetime, comment: str | None
) -> None:
    decision.status = DecisionStatus.GOEDGEKEURD.value
    decision.decision_date = ctx.today()
    decision.approved_by = ctx.actor.username
    decision.approved_at = approved_at
    decision.review_comment = comment


@guarded(Permission.APPROVE, object_type="decision")
def return_decision(ctx: AppContext, decision_id: uuid.UUID, comment: str) -> DecisionDetail:
    """Send a submitted draft back to its author with a comment."""
    if not comment.strip():
        raise ValidationError(FieldError("comment", "Schrijf op waarom u het terugstuurt."))
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "teruggestuurd")
        forbid_self_approval(ctx.actor, decision.submitted_by)
        decision.submitted_by = None
        decision.submitted_at = None
        decision.review_comment = comment.strip()
        uow.log_access("terugsturen", "decision", decision.id, [decision.person_id], comment)
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


def list_pending_decisions(ctx: AppContext) -> list[PendingDecisionView]:
    """Submitted drafts waiting for approval, oldest first (review seam)."""
    with ctx.uow(readonly=True) as uow:
        decisions = list(
            uow.session.execute(
                select(Decision)
                .where(
                    Decision.status == DecisionStatus.CONCEPT.value,
                    Decision.submitted_at.is_not(None),
                )
                .order_by(Decision.submitted_at)
            ).scalars()
        )
        rows = {r.id: r for r in _rows(uow.session, decisions)}
        return [
            PendingDecisionView(
                id=d.id,
                household_id=d.household_id,
                title=f"{DecisionType(d.type).label} {d.kenmerk} voor {rows[d.id].jeugdige}",
                submitted_by=d.submitted_by,
                submitted_at=d.submitted_at,
                motivations=d.motivation,
            )
            for d in decisions
        ]


def letter_pdf(ctx: AppContext, decision_id: uuid.UUID) -> bytes:
    """The letter: a fresh CONCEPT rendering for a draft; the stored final bytes otherwise.

    Rendering happens between a read and a short write (the access log, and storing a
    final letter approved before letters were stored), never inside a write transaction.
    """
    require(ctx.actor, Permission.DOSSIER_READ)
    pdf: bytes | None = None
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        final = DecisionStatus(decision.status) in FINAL_STATUSES
        if final and stored_final(uow.session, decision.id) is not None:
            pdf = final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
        else:
            model = letter_model(uow.session, ctx.profile, decision, ctx.today())
    if pdf is None:
        pdf = render_letter(model)
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if final:
            pdf = store_final_letter(uow.session, decision, pdf)
            action, purpose = "afdrukken", "definitieve brief"
        else:
            action, purpose = "inzien", "conceptbrief"
        uow.log_access(action, "decision", decision.id, [decision.person_id], purpose)
        uow.commit()
    return pdf


@guarded(Permission.LETTER_PRINT, object_type="decision")
def mark_sent(ctx: AppContext, decision_id: uuid.UUID) -> DecisionDetail:
    """Record that the final letter went out (by post or digitally)."""
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if decision.status == DecisionStatus.CONCEPT.value:
            raise RuleViolationError(
                "Een concept kan niet worden verzonden. Laat het eerst goedkeuren."
            )
        if decision.status == DecisionStatus.VERZONDEN.value:
            raise RuleViolationError("Deze brief is al als verzonden gemarkeerd.")
        decision.status = DecisionStatus.VERZONDEN.value
        decision.sent_by = ctx.actor.username
        decision.sent_at = utcnow()
        uow.log_access(
            "verzenden", "decision", decision.id, [decision.person_id], "brief verzonden"
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)
