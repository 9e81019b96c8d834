"""Use cases for decisions (beschikkingen): make, review, print and send.

Life of a decision: ``concept`` (draft, letter with CONCEPT) → ``goedgekeurd`` (approved by
a team lead: the letter date is set and the final letter is stored once) → ``verzonden``.
A final decision never changes; a correction is a new decision that refers to it.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, forbid_self_approval
from jeugdtoegang.domain.decisions import (
    AMBTSHALVE_TYPES,
    FINAL_STATUSES,
    GRANTING_TYPES,
    REFERRING_TYPES,
    AddresseeChoice,
    DecisionStatus,
    DecisionType,
    check_addressee_choice,
    default_addressee_choice,
)
from jeugdtoegang.domain.motivation import MotivationParts, describe_missing
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import (
    FieldError,
    NotFoundError,
    RuleViolationError,
    ValidationError,
)
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.services.authz import comment_reference, guarded, list_teams, shown
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_letter import (
    final_letter_bytes,
    letter_model,
    store_final_letter,
    stored_final,
)
from jeugdtoegang.services.decision_motivation import (
    aanvraag_facts as _aanvraag_facts,
)
from jeugdtoegang.services.decision_motivation import (
    check_decision_approvable,
    mandate_function,
    missing_for,
    prefill_articles,
)
from jeugdtoegang.services.decision_views import (
    DecisionDetail,
    DecisionRow,
    PendingDecisionView,
)
from jeugdtoegang.services.region_setup import pin_decision_setup, require_final_legal_basis
from jeugdtoegang.services.requests import record_outcome
from jeugdtoegang.storage.access import team_condition
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
    corrects_decision_id: uuid.UUID | None = None,
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
    if not request_text.strip() and decision_type not in AMBTSHALVE_TYPES:
        errors.append(FieldError("request_text", "Schrijf op wat er gevraagd is."))
    if decision_type in REFERRING_TYPES and corrects_decision_id is None:
        errors.append(
            FieldError(
                "corrects_decision_id",
                f"Een {decision_type.label.lower()} noemt het eerdere besluit dat het vervangt.",
            )
        )
    if not motivation.strip():
        errors.append(
            FieldError(
                "motivation",
                "Een beschikking heeft een motivering nodig (Awb 3:46): schrijf de feiten op.",
            )
        )
    return errors


@guarded(Permission.PLAN_SUBMIT, object_type="household", target="household")
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
    parts: MotivationParts | None = None,
    aanvraag_id: uuid.UUID | None = None,
    effective_date: date | None = None,
) -> DecisionDetail:
    """Make a draft decision for one jeugdige from indications (the help it grants or ends).

    ``goals`` defaults to the plan goals the indications serve. ``addressee`` defaults to
    the parents (under 18) or the young adult. A correction names the final decision it
    corrects; that decision itself is never changed. ``parts`` is the structured
    motivation; ``motivation`` (the facts) fills its facts when it has none, and the Jeugdwet
    and verordening articles come from the region's letter setup when left empty. With
    ``aanvraag_id`` the decision answers that aanvraag (its date and text are used).
    """
    if aanvraag_id is not None:
        request_date, request_text = _aanvraag_facts(ctx, aanvraag_id, person_id)
    if not motivation.strip() and parts is not None and parts.facts:
        motivation = "\n\n".join(parts.facts)
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
            corrects_decision_id,
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
        full_parts = prefill_articles(ctx, decision_type, parts or MotivationParts(), motivation)
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
            aanvraag_id=aanvraag_id,
            motivation_parts=full_parts.to_json(),
            effective_date=effective_date,
            consultant_name=ctx.actor.display_name,
            region_setup_id=ctx.setup.id,
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
    # a final wijziging or correctie replaces (withdraws) the decision it names
    replaced = dict(
        session.execute(
            select(Decision.corrects_decision_id, Decision.kenmerk).where(
                Decision.corrects_decision_id.in_([d.id for d in decisions]),
                Decision.status != DecisionStatus.CONCEPT.value,
                Decision.type.in_([t.value for t in REFERRING_TYPES]),
            )
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
            replaced_by_kenmerk=replaced.get(d.id),
        )
        for d in decisions
    ]


def _detail(session: Session, decision: Decision, today: date) -> DecisionDetail:
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
        motivation_parts=dict(decision.motivation_parts or {}),
        missing_parts=tuple(missing_for(session, decision, today))
        if decision.status == DecisionStatus.CONCEPT.value
        else (),
        aanvraag_id=decision.aanvraag_id,
        effective_date=decision.effective_date,
        sent_on=decision.sent_on,
        approver_name=decision.approver_name,
    )


@guarded(Permission.DOSSIER_READ, object_type="decision", target="decision")
def get_decision(
    ctx: AppContext, decision_id: uuid.UUID, *, purpose: str | None = "beschikking inzien"
) -> DecisionDetail:
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        detail = _detail(uow.session, decision, ctx.today())
        if purpose:
            uow.log_access("inzien", "decision", decision.id, [decision.person_id], purpose)
    return detail


@guarded(Permission.DOSSIER_READ, object_type="household", target="household")
def list_decisions(ctx: AppContext, household_id: uuid.UUID | None = None) -> list[DecisionRow]:
    """Decisions of one household (or all of the user's teams), newest first."""
    with ctx.uow(readonly=True) as uow:
        query = select(Decision).order_by(Decision.created_at.desc(), Decision.kenmerk.desc())
        if household_id is None:  # all: only the dossiers of the user's team(s)
            query = query.join(Household, Household.id == Decision.household_id).where(
                team_condition(Household.team, list_teams(ctx, Permission.DOSSIER_READ))
            )
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


@guarded(Permission.PLAN_SUBMIT, object_type="decision", target="decision")
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


@guarded(Permission.APPROVE, object_type="decision", target="decision")
def approve_decision(
    ctx: AppContext, decision_id: uuid.UUID, comment: str | None = None
) -> DecisionDetail:
    """Approve a draft under mandate: it becomes final (decision date today).

    Refused while a required part of the motivation is empty, while help starting in the
    past has no retroactive motivation, or when the whole period lies in the past. The
    letter is rendered and stored once, when it is printed to be sent or marked sent.
    """
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        _require_concept(decision, "goedgekeurd")
        forbid_self_approval(ctx.actor, decision.submitted_by or decision.created_by)
        check_decision_approvable(uow.session, decision, ctx.today())
        setup = pin_decision_setup(uow.session, decision, ctx.profile.slug, ctx.today())
        require_final_legal_basis(setup, decision.gemeente)  # issue 13
        decision.status = DecisionStatus.GOEDGEKEURD.value
        decision.decision_date = ctx.today()
        decision.approved_by = ctx.actor.username
        decision.approved_at = utcnow()
        decision.approver_name = ctx.actor.display_name
        decision.approver_function = mandate_function(ctx)
        decision.review_comment = comment
        if decision.aanvraag_id is not None:
            record_outcome(
                uow.session, decision.aanvraag_id, DecisionType(decision.type), ctx.today()
            )
        uow.session.flush()
        # the letter must compose now; it is rendered and stored when it is sent (verzenddatum)
        letter_model(uow.session, ctx.profile, decision, ctx.today())
        uow.log_access(  # the comment itself stays in the decision (referenced, not copied)
            "goedkeuren", "decision", decision.id, [decision.person_id], comment_reference(comment)
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


@guarded(Permission.APPROVE, object_type="decision", target="decision")
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
        uow.log_access(
            "terugsturen", "decision", decision.id, [decision.person_id], comment_reference(comment)
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)


# ``ids`` (a page of the review queue) name decision records; their team scope is applied
# per item by ``shown`` below, so ``target`` only declares what the ids are
@guarded(Permission.APPROVE, target="decision")
def list_pending_decisions(
    ctx: AppContext, ids: Collection[uuid.UUID] | None = None
) -> list[PendingDecisionView]:
    """Submitted drafts waiting for approval, oldest first (review seam); only ``ids`` if
    given (a page of the review queue).

    The findings name the parts of the motivation still missing and, for a decision that
    answers an aanvraag, the days left of its Awb term.
    """
    from jeugdtoegang.services.requests import term_of
    from jeugdtoegang.storage.models.requests import Aanvraag

    with ctx.uow(readonly=True) as uow:
        query = select(Decision).where(
            Decision.status == DecisionStatus.CONCEPT.value,
            Decision.submitted_at.is_not(None),
        )
        if ids is not None:
            query = query.where(Decision.id.in_(list(ids)))
        decisions = list(uow.session.execute(query.order_by(Decision.submitted_at)).scalars())
        rows = {r.id: r for r in _rows(uow.session, decisions)}
        views = []
        for d in decisions:
            findings = []
            missing = missing_for(uow.session, d, ctx.today())
            if missing:
                findings.append("Motivering nog niet compleet: " + describe_missing(missing) + ".")
            if d.aanvraag_id is not None:
                aanvraag = uow.session.get(Aanvraag, d.aanvraag_id)
                if aanvraag is not None:
                    term = term_of(aanvraag, ctx.today(), ctx.profile.settings.awb_decision_weeks)
                    left = term.days_left(ctx.today())
                    findings.append(
                        f"Beslistermijn (Awb): {left} dagen over, uiterlijk "
                        f"{term.due.strftime('%d-%m-%Y')}."
                        if left >= 0
                        else f"Beslistermijn (Awb) verlopen op {term.due.strftime('%d-%m-%Y')}."
                    )
            views.append(
                PendingDecisionView(
                    id=d.id,
                    household_id=d.household_id,
                    title=f"{DecisionType(d.type).label} {d.kenmerk} voor {rows[d.id].jeugdige}",
                    submitted_by=d.submitted_by,
                    submitted_at=d.submitted_at,
                    motivations=d.motivation,
                    findings="\n".join(findings),
                )
            )
    return shown(ctx, Permission.APPROVE, views, "ingediende beschikkingen")


@guarded(Permission.DOSSIER_READ, object_type="decision", target="decision")
def letter_pdf(ctx: AppContext, decision_id: uuid.UUID) -> bytes:
    """The letter: a fresh CONCEPT rendering for a draft; the stored final bytes otherwise.

    Rendering happens between a read and a short write, never inside a write transaction
    (it takes long and would hold the write lock). The first final print fixes the
    verzenddatum; a letter stored in the meantime by another workstation wins.
    """
    pdf: bytes | None = None
    with ctx.uow(readonly=True) as uow:
        decision = _load(uow.session, decision_id)
        final = DecisionStatus(decision.status) in FINAL_STATUSES
        if final and stored_final(uow.session, decision.id) is not None:
            pdf = final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
        else:
            with uow.session.no_autoflush:
                if final and decision.sent_on is None:
                    decision.sent_on = ctx.today()  # only to compose; stored below
                model = letter_model(uow.session, ctx.profile, decision, ctx.today())
    if pdf is None:
        pdf = render_letter(model)
    with ctx.uow() as uow:
        decision = _load(uow.session, decision_id)
        if final:
            if decision.sent_on is None:  # the first final print fixes the verzenddatum
                decision.sent_on = ctx.today()
                uow.session.flush()
            pdf = store_final_letter(uow.session, decision, pdf)
            action, purpose = "afdrukken", "definitieve brief"
        else:
            action, purpose = "inzien", "conceptbrief"
        uow.log_access(action, "decision", decision.id, [decision.person_id], purpose)
        uow.commit()
    return pdf


@guarded(Permission.LETTER_PRINT, object_type="decision", target="decision")
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
        # renders and stores the final letter with today as verzenddatum, unless it was
        # already printed (then that print date stays the verzenddatum)
        final_letter_bytes(uow.session, ctx.profile, decision, ctx.today())
        decision.status = DecisionStatus.VERZONDEN.value
        decision.sent_by = ctx.actor.username
        decision.sent_at = utcnow()
        uow.log_access(
            "verzenden", "decision", decision.id, [decision.person_id], "brief verzonden"
        )
        uow.commit()
    return get_decision(ctx, decision_id, purpose=None)
