"""Queries the need-to-know checks need: which team a record's dossier belongs to, the
team condition for lists, and whether a doorbraak is open."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, or_, select, true
from sqlalchemy.orm import Session

from jeugdtoegang.storage.hot import Prepared
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication, ProviderRequest
from jeugdtoegang.storage.models.plans import Plan
from jeugdtoegang.storage.models.requests import Aanvraag

DOORBRAAK_ACTION = "doorbraak"
_OWNER: dict[str, Any] = {
    "plan": Plan,
    "decision": Decision,
    "indication": Indication,
    "person": Person,
    "provider_request": ProviderRequest,
    "aanvraag": Aanvraag,
}


#: the permission check of every use case on a dossier: compiled once, run without the
#: ORM's per-statement work (storage.hot)
_TEAM_OF_HOUSEHOLD = Prepared(
    select(Household.__table__.c.team).where(Household.__table__.c.id == bindparam("household_id"))
)


def household_of(
    session: Session, target: str, object_id: uuid.UUID
) -> tuple[uuid.UUID, str | None] | None:
    """(household id, team) of the dossier a record belongs to; None when not found."""
    if target == "household":
        team = _TEAM_OF_HOUSEHOLD.first(session, {"household_id": object_id})
        return None if team is None else (object_id, team[0])
    model = _OWNER.get(target)
    if model is None:
        return None
    row = session.execute(
        select(Household.id, Household.team)
        .join(model, model.household_id == Household.id)
        .where(model.id == object_id)
    ).first()
    return None if row is None else (row[0], row[1])


def team_condition(column: Any, teams: frozenset[str] | None) -> ColumnElement[bool]:
    """SQL for "the dossier's team is one of ``teams``" (None: any; no team: region-wide)."""
    if teams is None:
        return true()
    return or_(column.is_(None), func.lower(column).in_(sorted(teams)))


def doorbraak_open(
    session: Session, username: str, household_id: uuid.UUID, since: datetime
) -> bool:
    """Whether ``username`` logged a doorbraak on this dossier at or after ``since``."""
    row = session.execute(
        select(AuditEntry.seq)
        .where(
            AuditEntry.object_type == "household",
            AuditEntry.object_id == household_id,
            AuditEntry.action == DOORBRAAK_ACTION,
            AuditEntry.created_by == username,
            AuditEntry.outcome == "ok",
            AuditEntry.created_at >= since,
        )
        .limit(1)
    ).first()
    return row is not None


def doorbraak_entries(session: Session, since: datetime) -> list[Any]:
    """Doorbraak entries since a moment, with the dossier's number and team."""
    return list(
        session.execute(
            select(
                AuditEntry.seq,
                AuditEntry.created_at,
                AuditEntry.created_by,
                AuditEntry.object_id,
                AuditEntry.purpose,
                Household.dossier_number,
                Household.team,
            )
            .join(Household, Household.id == AuditEntry.object_id)
            .where(
                AuditEntry.action == DOORBRAAK_ACTION,
                AuditEntry.object_type == "household",
                AuditEntry.created_at >= since,
            )
            .order_by(AuditEntry.seq.desc())
        ).all()
    )


def member_ids(session: Session, household_id: uuid.UUID) -> list[uuid.UUID]:
    """The current members of a dossier (for logging whose data a use touched)."""
    return list(
        session.execute(
            select(Person.id).where(Person.household_id == household_id, Person.ended_on.is_(None))
        ).scalars()
    )


def household_teams(session: Session, household_ids: set[uuid.UUID]) -> dict[uuid.UUID, str | None]:
    """The team of each of these dossiers."""
    if not household_ids:
        return {}
    return {
        row[0]: row[1]
        for row in session.execute(
            select(Household.id, Household.team).where(Household.id.in_(household_ids))
        )
    }


def members_of(session: Session, household_ids: set[uuid.UUID]) -> list[uuid.UUID]:
    """The current members of these dossiers (whose data a list showed)."""
    if not household_ids:
        return []
    return list(
        session.execute(
            select(Person.id)
            .where(Person.household_id.in_(household_ids), Person.ended_on.is_(None))
            .order_by(Person.id)
        ).scalars()
    )


def dossier_by_number(session: Session, number: str) -> uuid.UUID | None:
    """A dossier's id by its number (None when there is none)."""
    return session.execute(
        select(Household.id).where(Household.dossier_number == number)
    ).scalar_one_or_none()
