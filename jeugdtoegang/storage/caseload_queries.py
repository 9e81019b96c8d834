"""The reads behind the caseload and "Mijn werk" (``services/caseload.py``).

Each function takes an open session and plain values (the consultant's login in lower
case, a date) and returns plain rows; the caseload service keeps the use case (who may
hand over, validation, access logging, turning rows into work items). One statement per
call: "Mijn werk" reads each kind of work in one joined query, never per dossier.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, exists, func, or_, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.decisions import DecisionIndication
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication, ProviderRequest
from jeugdtoegang.storage.models.security import User


def responsible_column() -> ColumnElement[Any]:
    """The responsible consultant as a SQL expression (the creator when none is set)."""
    return func.coalesce(Household.responsible_consultant, Household.created_by)


def _mine(me: str) -> ColumnElement[bool]:
    return or_(func.lower(responsible_column()) == me, func.lower(Household.stand_in) == me)


def known_user(session: Session, username: str) -> bool:
    """Whether an account with this login exists (case-insensitive); any name without accounts.

    Two statements: a count of the accounts, then a lookup of the lower-cased name.
    """
    if session.execute(select(func.count()).select_from(User)).scalar_one() == 0:
        return True  # a database without accounts: any name
    return (
        session.execute(
            select(User.id).where(func.lower(User.username) == username.casefold())
        ).first()
        is not None
    )


def person_ids_of_household(session: Session, household_id: uuid.UUID) -> list[uuid.UUID]:
    """The ids of the household's persons (for the access log; one read by household index)."""
    return list(
        session.execute(select(Person.id).where(Person.household_id == household_id)).scalars()
    )


def evaluations_due(session: Session, me: str, status: str, until: date) -> Sequence[Row[Any]]:
    """Help in ``status`` of my (or my stand-in) dossiers whose evaluation is due by ``until``.

    Rows: household id, dossier number, responsible, product name, evaluation due, the
    child's first name, tussenvoegsel, surname (one joined statement).
    """
    return session.execute(
        select(
            Indication.household_id,
            Household.dossier_number,
            responsible_column(),
            Indication.product_name,
            Indication.evaluation_due,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
        )
        .join(Household, Household.id == Indication.household_id)
        .join(Person, Person.id == Indication.person_id)
        .where(
            _mine(me),
            Indication.status == status,
            Indication.evaluation_due.is_not(None),
            Indication.evaluated_on.is_(None),
            Indication.evaluation_due <= until,
        )
    ).all()


def help_without_decision(session: Session, me: str, statuses: Sequence[str]) -> Sequence[Row[Any]]:
    """Granted help (``statuses``) of my dossiers that no decision letter covers yet.

    Rows: household id, dossier number, responsible, product name, start date, the
    child's first name, tussenvoegsel, surname (one statement with ``NOT EXISTS``).
    """
    return session.execute(
        select(
            Indication.household_id,
            Household.dossier_number,
            responsible_column(),
            Indication.product_name,
            Indication.start_date,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
        )
        .join(Household, Household.id == Indication.household_id)
        .join(Person, Person.id == Indication.person_id)
        .where(
            _mine(me),
            Indication.status.in_(tuple(statuses)),
            ~exists().where(DecisionIndication.indication_id == Indication.id),
        )
    ).all()


def open_provider_requests(session: Session, me: str) -> Sequence[Row[Any]]:
    """Open provider requests in my dossiers.

    Rows: household id, dossier number, responsible, kind, answer due, provider name (one
    joined statement).
    """
    return session.execute(
        select(
            ProviderRequest.household_id,
            Household.dossier_number,
            responsible_column(),
            ProviderRequest.kind,
            ProviderRequest.answer_due,
            Indication.provider_name,
        )
        .join(Household, Household.id == ProviderRequest.household_id)
        .join(Indication, Indication.id == ProviderRequest.indication_id)
        .where(_mine(me), ProviderRequest.status == "open")
    ).all()


def dossier_numbers(session: Session, household_ids: Iterable[Any]) -> dict[Any, str]:
    """Household id -> dossier number for the given ids (one ``IN`` statement on the key)."""
    return dict(
        session.execute(
            select(Household.id, Household.dossier_number).where(Household.id.in_(household_ids))
        ).all()
    )
