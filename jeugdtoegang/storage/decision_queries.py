"""The reads behind the decision use cases (``services/decisions.py`` and its parts).

Each function takes an open session and plain values and returns ORM objects or plain
values; the services keep the use case (permission, rules, logging).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.decisions import REFERRING_TYPES, DecisionStatus
from jeugdtoegang.storage.access import team_condition
from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.meta import SequenceCounter


def counter_exists(session: Session, name: str) -> bool:
    """Whether the named sequence counter has a row yet."""
    found = session.execute(select(SequenceCounter.id).where(SequenceCounter.name == name)).first()
    return found is not None


def kenmerken_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> dict[uuid.UUID, str]:
    """Decision id → kenmerk for these decisions."""
    rows = session.execute(select(Decision.id, Decision.kenmerk).where(Decision.id.in_(ids)))
    return {key: kenmerk for key, kenmerk in rows.all()}


def replacing_kenmerken(
    session: Session, decision_ids: list[uuid.UUID]
) -> dict[uuid.UUID | None, str]:
    """Decision id → kenmerk of the final wijziging or correctie that replaces it."""
    rows = session.execute(
        select(Decision.corrects_decision_id, Decision.kenmerk).where(
            Decision.corrects_decision_id.in_(decision_ids),
            Decision.status != DecisionStatus.CONCEPT.value,
            Decision.type.in_([t.value for t in REFERRING_TYPES]),
        )
    )
    return {key: kenmerk for key, kenmerk in rows.all()}


def linked_indication_ids(session: Session, decision_id: uuid.UUID) -> list[uuid.UUID]:
    """The indications a decision names, in the letter's order."""
    return list(
        session.execute(
            select(DecisionIndication.indication_id)
            .where(DecisionIndication.decision_id == decision_id)
            .order_by(DecisionIndication.position)
        ).scalars()
    )


def decisions_newest_first(
    session: Session, household_id: uuid.UUID | None, teams: frozenset[str] | None
) -> list[Decision]:
    """Decisions of one household, or (``household_id`` None) of the dossiers of ``teams``."""
    query = select(Decision).order_by(Decision.created_at.desc(), Decision.kenmerk.desc())
    if household_id is None:  # all: only the dossiers of the user's team(s)
        query = query.join(Household, Household.id == Decision.household_id).where(
            team_condition(Household.team, teams)
        )
    if household_id is not None:
        query = query.where(Decision.household_id == household_id)
    return list(session.execute(query).scalars())


def submitted_concepts(session: Session, ids: Collection[uuid.UUID] | None) -> list[Decision]:
    """Submitted drafts (only ``ids`` if given), oldest submission first."""
    query = select(Decision).where(
        Decision.status == DecisionStatus.CONCEPT.value,
        Decision.submitted_at.is_not(None),
    )
    if ids is not None:
        query = query.where(Decision.id.in_(list(ids)))
    return list(session.execute(query.order_by(Decision.submitted_at)).scalars())
