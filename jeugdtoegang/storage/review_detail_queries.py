"""The reads behind the team lead's detail pane (``services/review_detail.py``).

Each function takes an open session and plain ids and returns a value; the service keeps
the use case (permission, assembling the picture from the other services' views).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.decisions import Decision, DecisionIndication
from jeugdtoegang.storage.models.households import Person


def birth_date(session: Session, person_id: uuid.UUID) -> date | None:
    """The person's birth date (None when unknown or no such person); one read by key."""
    return session.execute(
        select(Person.birth_date).where(Person.id == person_id)
    ).scalar_one_or_none()


def latest_decision_for(session: Session, indication_id: uuid.UUID) -> uuid.UUID | None:
    """The newest decision letter that covers the indication, or None.

    One statement through the decision-indication link, newest created first, ``LIMIT 1``.
    """
    return session.execute(
        select(Decision.id)
        .join(DecisionIndication, DecisionIndication.decision_id == Decision.id)
        .where(DecisionIndication.indication_id == indication_id)
        .order_by(Decision.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
