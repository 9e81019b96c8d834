"""The reads behind the signals (``services/signals.py``): one statement per kind of signal.

Each function takes an open session and plain values (a date window, statuses, a region)
and returns rows with named columns (or ORM objects); the signal service keeps the use
case (permission, access logging, severities and Dutch texts, the domain's Awb term).
Set-based over an indexed date window (end dates, evaluation dates, birth dates, request
dates, open requests): nothing reads every household or person. ``bench_indications``
replays these statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, String, cast, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Indication, ProviderRequest
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.models.providers import Contract
from jeugdtoegang.storage.models.requests import Aanvraag


def terms_ending(session: Session, status: str, horizon: date) -> Sequence[Row[Any]]:
    """Help in ``status`` whose term ends by ``horizon`` (or has ended), with child and dossier.

    One statement on the (status, end_date) index, joined to person and household. Columns:
    id, household_id, person_id, product_name, product_code, perspective, end_date,
    evaluated_on, evaluation_due, first_name, tussenvoegsel, surname, dossier_number.
    """
    return session.execute(
        select(
            Indication.id,
            Indication.household_id,
            Indication.person_id,
            Indication.product_name,
            Indication.product_code,
            Indication.perspective,
            Indication.end_date,
            Indication.evaluated_on,
            Indication.evaluation_due,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
            Household.dossier_number,
        )
        .join(Person, Person.id == Indication.person_id)
        .join(Household, Household.id == Indication.household_id)
        .where(
            Indication.status == status,
            Indication.end_date <= horizon,
        )
    ).all()


def interim_evaluations_due(session: Session, status: str, horizon: date) -> Sequence[Row[Any]]:
    """Long-running help in ``status`` whose interim evaluation is due by ``horizon``.

    Only help whose evaluation comes before its end and whose end lies beyond the horizon
    (the end itself is :func:`terms_ending`'s); not yet evaluated. One joined statement.
    Columns: id, household_id, person_id, product_name, product_code, evaluation_due,
    first_name, tussenvoegsel, surname, dossier_number.
    """
    return session.execute(
        select(
            Indication.id,
            Indication.household_id,
            Indication.person_id,
            Indication.product_name,
            Indication.product_code,
            Indication.evaluation_due,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
            Household.dossier_number,
        )
        .join(Person, Person.id == Indication.person_id)
        .join(Household, Household.id == Indication.household_id)
        .where(
            Indication.status == status,
            Indication.evaluation_due <= horizon,
            Indication.evaluation_due < Indication.end_date,
            Indication.end_date > horizon,
            Indication.evaluated_on.is_(None),
        )
    ).all()


def waiting_for_bridging_care(
    session: Session, statuses: Sequence[str], day: date
) -> Sequence[Row[Any]]:
    """Granted help (``statuses``) not started on ``day`` with a stored BRIDGING_CARE finding.

    The finding is matched in SQL (the findings JSON as text), so nothing is parsed here.
    One joined statement. Columns: id, household_id, person_id, product_name,
    product_code, provider_name, start_date, first_name, tussenvoegsel, surname,
    dossier_number.
    """
    return session.execute(
        select(
            Indication.id,
            Indication.household_id,
            Indication.person_id,
            Indication.product_name,
            Indication.product_code,
            Indication.provider_name,
            Indication.start_date,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
            Household.dossier_number,
        )
        .join(Person, Person.id == Indication.person_id)
        .join(Household, Household.id == Indication.household_id)
        .where(
            Indication.status.in_(list(statuses)),
            Indication.end_date >= day,
            Indication.start_date >= day,
            cast(Indication.findings, String).like("%BRIDGING_CARE%"),
        )
    ).all()


def young_people_born_between(session: Session, after: date, until: date) -> Sequence[Row[Any]]:
    """Current jeugdigen in open dossiers born after ``after`` up to ``until`` (birth-date index).

    One joined statement. Columns: id, household_id, birth_date, first_name,
    tussenvoegsel, surname, dossier_number.
    """
    return session.execute(
        select(
            Person.id,
            Person.household_id,
            Person.birth_date,
            Person.first_name,
            Person.tussenvoegsel,
            Person.surname,
            Household.dossier_number,
        )
        .join(Household, Household.id == Person.household_id)
        .where(
            Person.role == "jeugdige",
            Person.ended_on.is_(None),
            Household.closed_on.is_(None),
            Person.birth_date > after,
            Person.birth_date <= until,
        )
    ).all()


def current_perspectives_18(
    session: Session, household_ids: Sequence[uuid.UUID]
) -> list[list[dict[str, Any]] | None]:
    """The ``perspectives_18`` of the current plan version of each of these households.

    One statement (the plans by household, their current version by key). Only that part
    of each plan document is taken from the JSON in SQL (``json_extract`` on SQLite,
    ``->`` on PostgreSQL): parsing whole plan documents was most of the signals' time
    (at 100,000 households thousands of jeugdigen turn 18 within the horizon).
    """
    return list(
        session.execute(
            select(PlanVersion.content["perspectives_18"])
            .join(Plan, Plan.id == PlanVersion.plan_id)
            .where(
                Plan.household_id.in_(list(household_ids)),
                PlanVersion.version_no == Plan.current_version_no,
            )
        ).scalars()
    )


def providers_with_budget(
    session: Session, region_slug: str, start: date, end: date
) -> list[uuid.UUID]:
    """Distinct providers with a contract of the region that has a yearly budget in start..end.

    One ``DISTINCT`` statement on the contracts; the budget figures are read after.
    """
    return list(
        session.execute(
            select(Contract.provider_id)
            .where(
                Contract.budget_year.is_not(None),
                Contract.region_slug == region_slug,
                Contract.valid_from <= end,
                (Contract.valid_to.is_(None)) | (Contract.valid_to >= start),
            )
            .distinct()
        ).scalars()
    )


def open_provider_requests(session: Session) -> Sequence[Row[Any]]:
    """Every open provider request with its help and dossier (open requests are few).

    One joined statement. Columns: id, household_id, indication_id, answer_due,
    received_on, kind, person_id, product_name, provider_name, dossier_number.
    """
    return session.execute(
        select(
            ProviderRequest.id,
            ProviderRequest.household_id,
            ProviderRequest.indication_id,
            ProviderRequest.answer_due,
            ProviderRequest.received_on,
            ProviderRequest.kind,
            Indication.person_id,
            Indication.product_name,
            Indication.provider_name,
            Household.dossier_number,
        )
        .join(Indication, Indication.id == ProviderRequest.indication_id)
        .join(Household, Household.id == ProviderRequest.household_id)
        .where(ProviderRequest.status == "open")
    ).all()


def requested_help_undecided(
    session: Session, statuses: Sequence[str], latest_request: date
) -> Sequence[Row[Any]]:
    """Help still open (``statuses``) requested on or before ``latest_request``.

    One statement on the request date, joined to the household. Columns: id,
    household_id, person_id, product_name, requested_on, dossier_number.
    """
    return session.execute(
        select(
            Indication.id,
            Indication.household_id,
            Indication.person_id,
            Indication.product_name,
            Indication.requested_on,
            Household.dossier_number,
        )
        .join(Household, Household.id == Indication.household_id)
        .where(
            Indication.status.in_(list(statuses)),
            Indication.requested_on.is_not(None),
            Indication.requested_on <= latest_request,
        )
    ).all()


def open_aanvragen_received_by(session: Session, latest: date) -> Sequence[Row[Any]]:
    """(Aanvraag, dossier number) of open aanvragen received on or before ``latest``.

    Whole ORM objects: the Awb term needs the suspensions and extensions they carry.
    One joined statement.
    """
    return session.execute(
        select(Aanvraag, Household.dossier_number)
        .join(Household, Household.id == Aanvraag.household_id)
        .where(Aanvraag.outcome == "open", Aanvraag.received_on <= latest)
    ).all()
