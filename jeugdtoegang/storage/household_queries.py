"""Reads of one dossier for opening and saving it (issue 19's team load).

Opening a dossier is a quarter of a team's work. Through the ORM it cost a transaction
(BEGIN, household, members by ``selectin``, ROLLBACK: four requests on PostgreSQL) and
the identity map's bookkeeping for every row; the dossier view needs only the values. One
Core statement reads the household with its current members (one row per member), and
on PostgreSQL it runs without a transaction around it (one statement sees one snapshot).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.hot import Prepared
from jeugdtoegang.storage.models.households import Household, Person

_H = Household.__table__.c
_P = Person.__table__.c

#: the household's columns of the dossier view, in HouseholdDetail's order
HOUSEHOLD_COLUMNS = (
    "id",
    "version",
    "dossier_number",
    "name",
    "street",
    "house_number",
    "postcode",
    "city",
    "gemeente",
    "gemeente_code",
    "wijk",
    "team",
    "notes",
)
#: the member's columns of the dossier view, in PersonView's order
PERSON_COLUMNS = (
    "id",
    "version",
    "household_id",
    "role",
    "first_name",
    "tussenvoegsel",
    "surname",
    "birth_date",
    "bsn",
    "has_gezag",
    "relation",
    "phone",
    "email",
)
#: where the member's columns start in a row of :func:`household_with_members`
PERSON_START = len(HOUSEHOLD_COLUMNS) + 1

_WITH_MEMBERS = Prepared(
    select(
        *(_H[name] for name in HOUSEHOLD_COLUMNS),
        _H.updated_by,
        *(_P[name] for name in PERSON_COLUMNS),
    )
    .select_from(
        Household.__table__.outerjoin(
            Person.__table__, and_(_P.household_id == _H.id, _P.ended_on.is_(None))
        )
    )
    .where(_H.id == bindparam("household_id"))
    # the members in the order of Household.members (its relationship's order_by)
    .order_by(_P.sort_key)
)


def household_with_members(session: Session, household_id: uuid.UUID) -> list[tuple[Any, ...]]:
    """The household's columns (HOUSEHOLD_COLUMNS, then updated_by) followed by one current
    member's columns (PERSON_COLUMNS, all None for a dossier without members), one row per
    member ordered as ``Household.members``; empty when the dossier does not exist."""
    return _WITH_MEMBERS.all(session, {"household_id": household_id})


def bsn_owners(session: Session, bsns: Collection[str]) -> list[tuple[uuid.UUID, str]]:
    """(person id, BSN) of every person holding one of ``bsns`` (ended members too)."""
    if not bsns:
        return []
    query = select(_P.id, _P.bsn).where(_P.bsn.in_(bsns))
    return [(row[0], row[1]) for row in session.execute(query)]
