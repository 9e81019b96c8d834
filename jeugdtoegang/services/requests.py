"""Use cases for the aanvraag (request for help) and its Awb decision term.

An aanvraag is registered when it comes in; its decision term (Awb 4:13, 8 weeks) can be
suspended while information is missing (4:15) and extended once told in time (4:14).
A decision answers it; approving that decision records the outcome. :func:`open_terms`
gives signals and the team lead's queue the days left of every open request.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.domain.requests import (
    AwbTerm,
    RequestedBy,
    RequestOutcome,
    Suspension,
    check_extension,
    check_suspension,
    decision_term,
)
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.errors import FieldError, NotFoundError, RuleViolationError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import request_queries as q
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.requests import Aanvraag

#: which outcome an approved decision gives its aanvraag
OUTCOME_OF_TYPE = {
    DecisionType.TOEKENNING: RequestOutcome.TOEGEKEND,
    DecisionType.VERLENGING: RequestOutcome.TOEGEKEND,
    DecisionType.WIJZIGING: RequestOutcome.TOEGEKEND,
    DecisionType.GEDEELTELIJKE_TOEKENNING: RequestOutcome.GEDEELTELIJK,
    DecisionType.AFWIJZING: RequestOutcome.AFGEWEZEN,
}


@dataclass(frozen=True)
class RequestView:
    """One aanvraag with its term as of ``today``."""

    id: uuid.UUID
    household_id: uuid.UUID
    person_id: uuid.UUID
    jeugdige: str
    received_on: date
    requested_by: RequestedBy
    requester_name: str
    requested: str
    acknowledged_on: date | None
    suspensions: tuple[Suspension, ...]
    extension_weeks: int
    extension_reason: str | None
    outcome: RequestOutcome
    decided_on: date | None
    due: date
    days_left: int | None  # None once decided
    suspended_now: bool
    overdue: bool

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for key, value in data.items():
            if isinstance(value, uuid.UUID | date):
                data[key] = str(value)
        data["requested_by"] = self.requested_by.value
        data["outcome"] = self.outcome.value
        data["suspensions"] = [
            {
                "start": s.start.isoformat(),
                "end": s.end.isoformat() if s.end else None,
                "reason": s.reason,
            }
            for s in self.suspensions
        ]
        return data


def _suspensions(row: Aanvraag) -> tuple[Suspension, ...]:
    return tuple(
        Suspension(
            date.fromisoformat(s["start"]),
            date.fromisoformat(s["end"]) if s.get("end") else None,
            str(s.get("reason", "")),
        )
        for s in row.suspensions or ()
    )


def term_of(row: Aanvraag, today: date, weeks: int) -> AwbTerm:
    return decision_term(
        row.received_on,
        today,
        weeks=weeks,
        suspensions=_suspensions(row),
        extension_weeks=row.extension_weeks,
    )


def _view(row: Aanvraag, person: Person | None, today: date, weeks: int) -> RequestView:
    term = term_of(row, row.decided_on or today, weeks)
    outcome = RequestOutcome(row.outcome)
    is_open = outcome is RequestOutcome.OPEN
    return RequestView(
        id=row.id,
        household_id=row.household_id,
        person_id=row.person_id,
        jeugdige=full_name(person.first_name, person.tussenvoegsel, person.surname)
        if person
        else "",
        received_on=row.received_on,
        requested_by=RequestedBy(row.requested_by),
        requester_name=row.requester_name,
        requested=row.requested,
        acknowledged_on=row.acknowledged_on,
        suspensions=_suspensions(row),
        extension_weeks=row.extension_weeks,
        extension_reason=row.extension_reason,
        outcome=outcome,
        decided_on=row.decided_on,
        due=term.due,
        days_left=term.days_left(today) if is_open else None,
        suspended_now=term.suspended_now and is_open,
        overdue=is_open and term.overdue(today),
    )


def _load(session: Session, request_id: uuid.UUID) -> Aanvraag:
    row = session.get(Aanvraag, request_id)
    if row is None:
        raise NotFoundError("Deze aanvraag bestaat niet (meer).")
    return row


def _weeks(ctx: AppContext) -> int:
    return ctx.profile.settings.awb_decision_weeks


@guarded(Permission.PLAN_SUBMIT, object_type="household", target="household")
def add_request(
    ctx: AppContext,
    household_id: uuid.UUID,
    person_id: uuid.UUID,
    received_on: date,
    requested_by: RequestedBy,
    requested: str,
    *,
    requester_name: str = "",
    acknowledged_on: date | None = None,
) -> RequestView:
    """Register an aanvraag; its 8-week decision term starts on ``received_on``."""
    errors = []
    if received_on > ctx.today():
        errors.append(FieldError("received_on", "De datum van ontvangst ligt in de toekomst."))
    if not requested.strip():
        errors.append(FieldError("requested", "Schrijf op wat er gevraagd is."))
    if acknowledged_on is not None and acknowledged_on < received_on:
        errors.append(
            FieldError(
                "acknowledged_on", "De ontvangstbevestiging kan niet voor de ontvangst liggen."
            )
        )
    if requested_by is RequestedBy.VERWIJZER and not requester_name.strip():
        errors.append(FieldError("requester_name", "Noem de verwijzer bij naam."))
    with ctx.uow() as uow:
        session = uow.session
        household = session.get(Household, household_id)
        if household is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        person = session.get(Person, person_id)
        if person is None or person.household_id != household_id or person.role != "jeugdige":
            errors.append(FieldError("person_id", "Kies een jeugdige uit dit gezin."))
        if errors:
            raise ValidationError(errors)
        row = Aanvraag(
            household_id=household_id,
            person_id=person_id,
            received_on=received_on,
            requested_by=requested_by.value,
            requester_name=requester_name.strip(),
            requested=requested.strip(),
            acknowledged_on=acknowledged_on,
            suspensions=[],
            extension_weeks=0,
            outcome=RequestOutcome.OPEN.value,
        )
        session.add(row)
        session.flush()
        uow.log_access("registreren", "aanvraag", row.id, [person_id], "aanvraag registreren")
        uow.commit()
        return _view(row, person, ctx.today(), _weeks(ctx))


def _require_open(row: Aanvraag) -> None:
    if row.outcome != RequestOutcome.OPEN.value:
        raise RuleViolationError(
            f"Over deze aanvraag is al besloten ({RequestOutcome(row.outcome).label.lower()})."
        )


@guarded(Permission.PLAN_SUBMIT, object_type="aanvraag", target="aanvraag")
def suspend_request(
    ctx: AppContext,
    request_id: uuid.UUID,
    start: date,
    reason: str,
    end: date | None = None,
) -> RequestView:
    """Opschorting (Awb 4:15): the term stands still while information is missing."""
    with ctx.uow() as uow:
        row = _load(uow.session, request_id)
        _require_open(row)
        check_suspension(start, end, row.received_on, reason)
        if any(s.end is None for s in _suspensions(row)):
            raise RuleViolationError("Er loopt al een opschorting. Sluit die eerst af.")
        row.suspensions = [
            *(row.suspensions or []),
            {
                "start": start.isoformat(),
                "end": end.isoformat() if end else None,
                "reason": reason.strip(),
            },
        ]
        uow.log_access("wijzigen", "aanvraag", row.id, [row.person_id], "beslistermijn opschorten")
        uow.commit()
        return _view(row, uow.session.get(Person, row.person_id), ctx.today(), _weeks(ctx))


@guarded(Permission.PLAN_SUBMIT, object_type="aanvraag", target="aanvraag")
def resume_request(ctx: AppContext, request_id: uuid.UUID, end: date) -> RequestView:
    """End the running opschorting: the information arrived on ``end``."""
    with ctx.uow() as uow:
        row = _load(uow.session, request_id)
        _require_open(row)
        items = [dict(s) for s in row.suspensions or []]
        running = [s for s in items if not s.get("end")]
        if not running:
            raise RuleViolationError("Er loopt geen opschorting.")
        if end < date.fromisoformat(running[0]["start"]) or end > ctx.today():
            raise RuleViolationError(
                "De einddatum van de opschorting ligt voor het begin of in de toekomst."
            )
        running[0]["end"] = end.isoformat()
        row.suspensions = items
        uow.log_access("wijzigen", "aanvraag", row.id, [row.person_id], "opschorting beëindigen")
        uow.commit()
        return _view(row, uow.session.get(Person, row.person_id), ctx.today(), _weeks(ctx))


@guarded(Permission.PLAN_SUBMIT, object_type="aanvraag", target="aanvraag")
def extend_request(
    ctx: AppContext,
    request_id: uuid.UUID,
    weeks: int,
    reason: str,
    notified_on: date | None = None,
) -> RequestView:
    """Verdaging (Awb 4:14): told to the applicant before the term ends."""
    notified = notified_on or ctx.today()
    with ctx.uow() as uow:
        row = _load(uow.session, request_id)
        _require_open(row)
        check_extension(term_of(row, notified, _weeks(ctx)), notified, weeks, reason)
        row.extension_weeks += weeks
        row.extension_notified_on = notified
        row.extension_reason = reason.strip()
        uow.log_access("wijzigen", "aanvraag", row.id, [row.person_id], "beslistermijn verdagen")
        uow.commit()
        return _view(row, uow.session.get(Person, row.person_id), ctx.today(), _weeks(ctx))


def record_outcome(
    session: Session, request_id: uuid.UUID, decision_type: DecisionType, day: date
) -> None:
    """Close an aanvraag with the outcome of the approved decision that answers it."""
    outcome = OUTCOME_OF_TYPE.get(decision_type)
    row = session.get(Aanvraag, request_id)
    if row is None or outcome is None or row.outcome != RequestOutcome.OPEN.value:
        return
    row.outcome = outcome.value
    row.decided_on = day


def get_request(ctx: AppContext, request_id: uuid.UUID) -> RequestView:
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow() as uow:
        row = _load(uow.session, request_id)
        view = _view(row, uow.session.get(Person, row.person_id), ctx.today(), _weeks(ctx))
        uow.log_access("inzien", "aanvraag", row.id, [row.person_id], "aanvraag inzien")
        uow.commit()
    return view


def list_requests(
    ctx: AppContext, household_id: uuid.UUID | None = None, *, open_only: bool = False
) -> list[RequestView]:
    """Requests, the soonest due first; ``open_only`` for the undecided ones."""
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        rows = q.aanvragen(
            uow.session, household_id, RequestOutcome.OPEN.value if open_only else None
        )
        persons = {p.id: p for p in q.persons_by_ids(uow.session, {r.person_id for r in rows})}
        views = [_view(r, persons.get(r.person_id), ctx.today(), _weeks(ctx)) for r in rows]
        if views:
            uow.log_access(
                "inzien",
                "household" if household_id else None,
                household_id,
                sorted({v.person_id for v in views}),
                "overzicht aanvragen",
            )
    return sorted(views, key=lambda v: (v.outcome is not RequestOutcome.OPEN, v.due))


def open_terms(ctx: AppContext) -> list[RequestView]:
    """Open requests with their days left, the most urgent first (signals, review queue)."""
    return list_requests(ctx, open_only=True)
