"""The reads behind the aanvraag overview (``services/requests.py``).

Each function takes an open session and plain values and returns ORM objects; the
request service keeps the use case (permission, the Awb term from the domain, logging).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.requests import Aanvraag


def aanvragen(
    session: Session, household_id: uuid.UUID | None, outcome: str | None
) -> list[Aanvraag]:
    """Aanvragen (of one household and/or with one outcome), oldest received first.

    One statement ordered by (received_on, id) so equal days keep a stable order.
    """
    query = select(Aanvraag).order_by(Aanvraag.received_on, Aanvraag.id)
    if household_id is not None:
        query = query.where(Aanvraag.household_id == household_id)
    if outcome is not None:
        query = query.where(Aanvraag.outcome == outcome)
    return list(session.execute(query).scalars())


def persons_by_ids(session: Session, ids: Iterable[uuid.UUID]) -> list[Person]:
    """The persons with these ids (one ``IN`` statement on the key)."""
    return list(session.execute(select(Person).where(Person.id.in_(set(ids)))).scalars())
