"""Caseload: who carries a dossier (responsible consultant, stand-in) and "Mijn werk".

A dossier's responsible consultant is set explicitly (handover) or, until then, is the
consultant who registered it. A stand-in (holiday, illness) sees the dossier's work too.
"Mijn werk" lists what the consultant has to do, soonest first: evaluations due or
overdue, approved help without a decision letter, items the team lead sent back and
provider requests to answer within 5 working days. Aanvragen (Awb term) join the list
when the aanvraag records exist: add one more collector to ``_COLLECTORS``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, can, refusal
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.errors import FieldError, NotFoundError, ValidationError
from jeugdtoegang.services.authz import guarded
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import caseload_queries as q
from jeugdtoegang.storage.models.households import Household

EVALUATION_HORIZON = timedelta(weeks=8)


@dataclass(frozen=True)
class Assignment:
    household_id: uuid.UUID
    dossier_number: str
    responsible: str
    stand_in: str | None


@dataclass(frozen=True)
class WorkItem:
    """One thing to do in "Mijn werk"."""

    kind: str  # evaluatie | beschikking | teruggestuurd | verzoek
    kind_label: str
    household_id: uuid.UUID
    dossier_number: str
    subject: str
    due: date | None
    overdue: bool
    #: the dossier tab that opens for it
    tab: str
    #: as stand-in for a colleague (not the own caseload)
    as_stand_in: bool = False

    @property
    def due_text(self) -> str:
        if self.due is None:
            return ""
        return short_date(self.due) + (" (te laat)" if self.overdue else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "soort": self.kind,
            "omschrijving": self.kind_label,
            "dossier": self.dossier_number,
            "household_id": str(self.household_id),
            "onderwerp": self.subject,
            "uiterlijk": self.due.isoformat() if self.due else None,
            "te_laat": self.overdue,
            "als_vervanger": self.as_stand_in,
        }


def assign(
    ctx: AppContext,
    household_id: uuid.UUID,
    responsible: str,
    stand_in: str | None = None,
) -> Assignment:
    """Hand a dossier over to a consultant (and optionally name a stand-in); one transaction.

    Consultants hand over their team's dossiers; a team lead may too. Unknown accounts are
    refused and nothing changes.
    """
    if not (can(ctx.actor, Permission.DOSSIER_EDIT) or can(ctx.actor, Permission.APPROVE)):
        raise refusal(
            "Alleen consulenten en teamleiders dragen dossiers over.", "dossier_overdragen"
        )
    responsible = (responsible or "").strip()
    stand_in = (stand_in or "").strip() or None
    errors = []
    if not responsible:
        errors.append(FieldError("consulent", "Vul in aan wie u het dossier overdraagt."))
    if stand_in and responsible and stand_in.casefold() == responsible.casefold():
        errors.append(
            FieldError("vervanger", "De vervanger moet iemand anders zijn dan de consulent.")
        )
    with ctx.uow() as uow:
        session = uow.session
        for field, name in (("consulent", responsible), ("vervanger", stand_in)):
            if name and not q.known_user(session, name):
                errors.append(FieldError(field, f"Er is geen gebruiker '{name}'."))
        if errors:
            raise ValidationError(errors)
        household = session.get(Household, household_id)
        if household is None:
            raise NotFoundError("Dit dossier bestaat niet (meer).")
        household.responsible_consultant = responsible
        household.stand_in = stand_in
        persons = q.person_ids_of_household(session, household_id)
        uow.log_access(
            "overdragen",
            "household",
            household_id,
            persons,
            f"dossier overgedragen aan {responsible}"
            + (f", vervanger {stand_in}" if stand_in else ""),
        )
        uow.commit()
        return Assignment(household_id, household.dossier_number, responsible, stand_in)


def _stand_in(row_responsible: str | None, me: str) -> bool:
    return (row_responsible or "").casefold() != me


def _name(first: str, tussen: str, surname: str) -> str:
    return " ".join(p for p in (first, tussen, surname) if p)


def _evaluations(session: Session, ctx: AppContext, me: str) -> list[WorkItem]:
    today = ctx.today()
    rows = q.evaluations_due(
        session, me, IndicationStatus.AFGEGEVEN.value, today + EVALUATION_HORIZON
    )
    return [
        WorkItem(
            "evaluatie",
            "Evaluatie",
            r[0],
            r[1],
            f"{r[3]} voor {_name(r[5], r[6], r[7])}",
            r[4],
            r[4] < today,
            "indications",
            _stand_in(r[2], me),
        )
        for r in rows
    ]


def _decisions_to_write(session: Session, ctx: AppContext, me: str) -> list[WorkItem]:
    rows = q.help_without_decision(
        session, me, (IndicationStatus.GOEDGEKEURD.value, IndicationStatus.AFGEGEVEN.value)
    )
    today = ctx.today()
    return [
        WorkItem(
            "beschikking",
            "Beschikking schrijven",
            r[0],
            r[1],
            f"{r[3]} voor {_name(r[5], r[6], r[7])}",
            r[4],
            r[4] < today,
            "decisions",
            _stand_in(r[2], me),
        )
        for r in rows
    ]


def _requests(session: Session, ctx: AppContext, me: str) -> list[WorkItem]:
    rows = q.open_provider_requests(session, me)
    today = ctx.today()
    return [
        WorkItem(
            "verzoek",
            "Verzoek aanbieder beantwoorden",
            r[0],
            r[1],
            f"{r[3].capitalize()} gevraagd door {r[5] or 'de aanbieder'}",
            r[4],
            r[4] < today,
            "indications",
            _stand_in(r[2], me),
        )
        for r in rows
    ]


_COLLECTORS: tuple[Callable[[Session, AppContext, str], list[WorkItem]], ...] = (
    _evaluations,
    _decisions_to_write,
    _requests,
)


@guarded(Permission.PLAN_SUBMIT)
def my_work(ctx: AppContext) -> list[WorkItem]:
    """Everything the consultant (or stand-in) has to do, overdue and soonest first."""
    from jeugdtoegang.services import review

    me = ctx.actor.username.casefold()
    items: list[WorkItem] = []
    returned = [s for s in review.returned_to_me(ctx) if s.household_id is not None]
    with ctx.uow(readonly=True) as uow:
        for collect in _COLLECTORS:
            items.extend(collect(uow.session, ctx, me))
        ids = {s.household_id for s in returned}
        numbers: dict[Any, str] = q.dossier_numbers(uow.session, ids) if ids else {}
    for step in returned:
        items.append(
            WorkItem(
                "teruggestuurd",
                "Teruggestuurd door teamleider",
                step.household_id,
                numbers.get(step.household_id, ""),
                f"{step.title or ''}: {step.comment or ''}".strip(": "),
                step.at.date(),
                False,
                {"plan": "plan", "indication": "indications", "decision": "decisions"}.get(
                    step.object_type, "household"
                ),
            )
        )
    far = date.max
    return sorted(items, key=lambda i: (not i.overdue, i.due or far, i.dossier_number))
