"""Shared record helpers of the indication use cases: load, team check, status, view."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import require_team
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.errors import NotFoundError, RuleViolationError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_views import IndicationView, indication_view
from jeugdtoegang.storage.indication_queries import (
    household_team,
    latest_evaluation,
    open_request_count,
    person_name_parts,
)
from jeugdtoegang.storage.models.indications import Indication


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
    require_team(ctx.actor, household_team(session, household_id))


def person_name(session: Session, person_id: uuid.UUID) -> str:
    row = person_name_parts(session, person_id)
    return " ".join(p for p in row if p) if row else ""


def view_of(session: Session, row: Indication, name: str | None = None) -> IndicationView:
    """The stored indication as the caller sees it (``name``: the jeugdige's name when
    already read, as :func:`person_name` gives it)."""
    open_requests = open_request_count(session, row.id)
    if name is None:
        name = person_name(session, row.person_id)
    return indication_view(row, name, latest_evaluation(session, row.id), open_requests)


def require_status(row: Indication, *allowed: IndicationStatus, action: str) -> None:
    if IndicationStatus(row.status) not in allowed:
        labels = " of ".join(s.label.lower() for s in allowed)
        raise RuleViolationError(
            f"Deze indicatie is {IndicationStatus(row.status).label.lower()}; {action} kan "
            f"alleen als zij {labels} is."
        )
