"""Shared record helpers of the indication use cases: load, team check, status, view."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import require_team
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.errors import NotFoundError, RuleViolationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_inputs import latest_evaluation
from jeugdtoegang.services.indication_views import IndicationView, indication_view
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication, ProviderRequest


def load_indication(session: Session, indication_id: uuid.UUID) -> Indication:
    row = session.get(Indication, indication_id)
    if row is None:
        raise NotFoundError("Deze indicatie bestaat niet (meer).")
    return row


def require_household_team(
    ctx: AppContext, session: Session, household_id: uuid.UUID | None
) -> None:
    """Consultants change only their own team's dossiers."""
    if household_id is None:
        return
    team = session.execute(select(Household.team).where(Household.id == household_id)).scalar()
    require_team(ctx.actor, team)


def person_name(session: Session, person_id: uuid.UUID) -> str:
    row = session.execute(
        select(Person.first_name, Person.tussenvoegsel, Person.surname).where(
            Person.id == person_id
        )
    ).first()
    return " ".join(p for p in row if p) if row else ""


def view_of(session: Session, row: Indication) -> IndicationView:
    open_requests = session.execute(
        select(func.count())
        .select_from(ProviderRequest)
        .where(ProviderRequest.indication_id == row.id, ProviderRequest.status == "open")
    ).scalar_one()
    return indication_view(
        row, person_name(session, row.person_id), latest_evaluation(session, row.id), open_requests
    )


def require_status(row: Indication, *allowed: IndicationStatus, action: str) -> None:
    if IndicationStatus(row.status) not in allowed:
        labels = " of ".join(s.label.lower() for s in allowed)
        raise RuleViolationError(
            f"Deze indicatie is {IndicationStatus(row.status).label.lower()}; {action} kan "
            f"alleen als zij {labels} is."
        )
