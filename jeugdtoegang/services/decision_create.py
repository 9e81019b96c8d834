"""Making a draft decision (beschikking) for one jeugdige: checks, kenmerk, plan goals.

A correction names the final decision it corrects; that decision itself never changes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission
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
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.errors import (
    FieldError,
    NotFoundError,
    RuleViolationError,
    ValidationError,
)
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_motivation import (
    aanvraag_facts as _aanvraag_facts,
)
from jeugdtoegang.services.decision_motivation import prefill_articles
from jeugdtoegang.services.decision_reads import _load, get_decision
from jeugdtoegang.services.decision_views import DecisionDetail
from jeugdtoegang.storage import decision_queries, plan_queries
from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.numbering import next_number

KENMERK_COUNTER = "beschikking"
LEGAL_BASIS = "Jeugdwet artikel 2.3"


def _ensure_counter(session: Session, actor: str) -> None:
    if not decision_queries.counter_exists(session, KENMERK_COUNTER):
        session.add(
            SequenceCounter(name=KENMERK_COUNTER, last_seq=0, created_by=actor, updated_by=actor)
        )
        session.flush()


def new_kenmerk(session: Session, year: int, actor: str) -> str:
    """'BS-2026-000042': reserved from the named counter, never reused."""
    _ensure_counter(session, actor)
    return next_number(session, KENMERK_COUNTER, f"BS-{year}", width=6)


def plan_goals(session: Session, household_id: uuid.UUID, goal_ids: set[str]) -> list[str]:
    """Descriptions of the plan goals the indications serve (current plan version)."""
    plan = plan_queries.plan_of(session, household_id)
    if plan is None or not goal_ids:
        return []
    version_no = plan.approved_version_no or plan.current_version_no
    content = plan_queries.plan_version_content(session, plan.id, version_no)
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
            goals = plan_goals(session, household_id, goal_ids)
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
