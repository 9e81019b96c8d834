"""Reads of the indication rules' inputs: the jeugdige, the terms, the plan, the money.

The hot statements are built once at import (building a select costs more than running
it on SQLite) and run as Core statements on the session's connection; the check of one
proposal stays a handful of indexed queries with 100,000 indications in the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import Row, String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from jeugdtoegang.domain.indications import ACTIVE_STATUSES, COMMITTED_STATUSES, IndicationStatus
from jeugdtoegang.storage.hot import Prepared, connection
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.indications import Evaluation, Indication, ProviderRequest
from jeugdtoegang.storage.models.meta import SequenceCounter
from jeugdtoegang.storage.read_ahead import Reads, take
from jeugdtoegang.storage.review_queue import waiting_among

_I = Indication.__table__.c
_P = Person.__table__.c
_H = Household.__table__.c
#: statements built once (building a select costs more than running it on SQLite)
_SUBJECT_COLUMNS = (_P.household_id, _P.birth_date, _H.gemeente, _H.gemeente_code, _H.wijk)
_SUBJECT = Prepared(
    select(*_SUBJECT_COLUMNS, _H.team, _P.first_name, _P.tussenvoegsel, _P.surname)
    .join(Household.__table__, _H.id == _P.household_id)
    .where(_P.id == bindparam("person_id"))
)
_EXISTING = select(_I.id, _I.product_code, _I.start_date, _I.end_date).where(
    _I.person_id == bindparam("person_id"),
    _I.product_code == bindparam("product_code"),
    _I.status.in_(sorted(s.value for s in ACTIVE_STATUSES)),
)
#: granted help of the jeugdige: approved, issued, or ended after it was issued
#: what the term chain and the overlap check read of each of the jeugdige's indications
_TERM_COLUMNS = (
    _I.id,
    _I.segment,
    _I.product_code,
    _I.perspective,
    _I.start_date,
    _I.end_date,
    _I.evaluated_on,
    _I.status,
    _I.allocation_number,
)
_LINKS = select(*_TERM_COLUMNS).where(
    _I.person_id == bindparam("person_id"),
    _I.status.in_(
        [
            IndicationStatus.GOEDGEKEURD.value,
            IndicationStatus.AFGEGEVEN.value,
            IndicationStatus.BEEINDIGD.value,
        ]
    ),
)
_COMMITTED = select(
    _I.provider_id,
    type_coerce(_I.start_date, String),
    type_coerce(_I.end_date, String),
    type_coerce(_I.max_cost, String),
).where(
    _I.provider_id.in_(bindparam("provider_ids", expanding=True)),
    _I.status.in_(sorted(s.value for s in COMMITTED_STATUSES)),
    _I.start_date <= bindparam("period_end"),
    _I.end_date >= bindparam("period_start"),
)
#: one read of the jeugdige's indications for both the term chain and the overlap check
_PERSON_TERMS = Prepared(
    select(*_TERM_COLUMNS).where(
        _I.person_id == bindparam("person_id"),
        _I.status.in_(
            sorted({s.value for s in ACTIVE_STATUSES} | {IndicationStatus.BEEINDIGD.value})
        ),
    )
)


def subject_reads(person_id: uuid.UUID) -> Reads:
    """:func:`subject_row` and :func:`person_term_rows` of a jeugdige, for
    :func:`~jeugdtoegang.storage.read_ahead.reads_ahead` (neither needs the other's answer)."""
    params = {"person_id": person_id}
    return {
        ("subject", person_id): (_SUBJECT, params),
        ("terms", person_id): (_PERSON_TERMS, params),
    }


def subject_row(session: Session, person_id: uuid.UUID) -> Any:
    """Household id, birth date, gemeente, gemeente code, wijk, team and the three name
    parts of a jeugdige (one indexed join), or None."""
    rows = take(session, ("subject", person_id))
    if rows is not None:
        return rows[0] if rows else None
    return _SUBJECT.first(session, {"person_id": person_id})


def active_terms_of_product(session: Session, person_id: uuid.UUID, product_code: str) -> Any:
    """(id, product code, start, end) of the jeugdige's active indications of a product."""
    return (
        connection(session)
        .execute(_EXISTING, {"person_id": person_id, "product_code": product_code})
        .all()
    )


def person_term_rows(session: Session, person_id: uuid.UUID) -> list[Any]:
    """The term columns of the jeugdige's active and ended indications."""
    rows = take(session, ("terms", person_id))
    if rows is not None:
        return rows
    return _PERSON_TERMS.all(session, {"person_id": person_id})


def granted_term_rows(session: Session, person_id: uuid.UUID) -> Any:
    """The term columns of the jeugdige's approved, issued and ended indications."""
    return connection(session).execute(_LINKS, {"person_id": person_id}).all()


def committed_rows(session: Session, provider_ids: list[uuid.UUID], start: date, end: date) -> Any:
    """(provider id, start, end, max cost) as text of the committed indications of these
    providers that overlap start..end."""
    return session.execute(
        _COMMITTED, {"provider_ids": provider_ids, "period_start": start, "period_end": end}
    ).all()


def current_plan_content(session: Session, household_id: uuid.UUID) -> Any:
    """The content of the household's current plan version (None without a plan)."""
    from jeugdtoegang.storage.models.plans import Plan, PlanVersion

    return session.execute(
        select(PlanVersion.content)
        .join(Plan, Plan.id == PlanVersion.plan_id)
        .where(Plan.household_id == household_id, PlanVersion.version_no == Plan.current_version_no)
    ).scalar()


def latest_evaluation(session: Session, indication_id: uuid.UUID) -> Evaluation | None:
    """The indication's last evaluation (by date, then by when it was written)."""
    return session.execute(
        select(Evaluation)
        .where(Evaluation.indication_id == indication_id)
        .order_by(Evaluation.evaluated_on.desc(), Evaluation.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()


# --- the indication use cases' reads ----------------------------------------------------------


def household_team(session: Session, household_id: uuid.UUID) -> str | None:
    """The team that holds the household's dossier."""
    return session.execute(select(Household.team).where(Household.id == household_id)).scalar()


def person_name_parts(session: Session, person_id: uuid.UUID) -> Any:
    """(first name, tussenvoegsel, surname) of a person, or None."""
    return session.execute(
        select(Person.first_name, Person.tussenvoegsel, Person.surname).where(
            Person.id == person_id
        )
    ).first()


def open_request_count(session: Session, indication_id: uuid.UUID) -> int:
    """How many of the provider's requests about this indication still wait."""
    return session.execute(
        select(func.count())
        .select_from(ProviderRequest)
        .where(ProviderRequest.indication_id == indication_id, ProviderRequest.status == "open")
    ).scalar_one()


def counter_exists(session: Session, name: str) -> bool:
    """Whether the named number sequence (e.g. a municipality's toewijzingnummers) exists."""
    return (
        session.execute(select(SequenceCounter.id).where(SequenceCounter.name == name)).first()
        is not None
    )


def household_indications(session: Session, household_id: uuid.UUID) -> Sequence[Indication]:
    """All indications of a household, per jeugdige by start date."""
    return (
        session.execute(
            select(Indication)
            .where(Indication.household_id == household_id)
            .order_by(Indication.person_id, Indication.start_date)
        )
        .scalars()
        .all()
    )


def household_people(session: Session, household_id: uuid.UUID) -> Iterable[Person]:
    """The household's people (members and former members)."""
    return session.execute(select(Person).where(Person.household_id == household_id)).scalars()


def evaluations_in_order(session: Session, ids: list[uuid.UUID]) -> Iterable[Evaluation]:
    """The evaluations of these indications, oldest first (the last one of each wins)."""
    return session.execute(
        select(Evaluation)
        .where(Evaluation.indication_id.in_(ids))
        .order_by(Evaluation.evaluated_on, Evaluation.created_at)
    ).scalars()


def open_request_counts(session: Session, ids: list[uuid.UUID]) -> dict[uuid.UUID, int]:
    """How many provider requests wait, per indication (only those with any)."""
    return dict(
        session.execute(
            select(ProviderRequest.indication_id, func.count())
            .where(ProviderRequest.indication_id.in_(ids), ProviderRequest.status == "open")
            .group_by(ProviderRequest.indication_id)
        ).all()
    )


def submitted_indications(
    session: Session, ids: Collection[uuid.UUID] | None
) -> Sequence[Row[tuple[Indication, str, str | None, str]]]:
    """Submitted indications with their jeugdige's name parts, oldest submission first;
    only ``ids`` if given."""
    query = (
        select(Indication, Person.first_name, Person.tussenvoegsel, Person.surname)
        .join(Person, Person.id == Indication.person_id)
        .where(
            waiting_among(
                session, Indication.status, IndicationStatus.INGEDIEND.value, Indication.id, ids
            )
        )
    )
    return session.execute(query.order_by(Indication.submitted_at)).all()
