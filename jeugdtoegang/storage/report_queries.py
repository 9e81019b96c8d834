"""The reads behind the team reports (``services/reports.py``): counts, never personal data.

Each function takes an open session and plain values (a municipality code, a segment, a
period) and returns plain rows; the report service keeps the use case (who may read,
validating the filter, bucketing and naming). The statements are the ones the dashboard
benchmark replays (``bench_dashboard``): one statement per function call unless said
otherwise, no per-row queries.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, String, cast, func, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.indications import Evaluation, Indication
from jeugdtoegang.storage.models.plans import Plan
from jeugdtoegang.storage.models.providers import Contract, Provider
from jeugdtoegang.storage.models.security import User


@dataclass(frozen=True)
class IndicationScope:
    """Which indications a report covers; None means "all".

    ``start``/``end`` select indications whose term overlaps the period.
    """

    gemeente_code: str | None = None
    segment: str | None = None
    start: date | None = None
    end: date | None = None


def _indications(scope: IndicationScope, *columns: Any) -> Select[Any]:
    """A select of indication columns with the scope applied (period: term overlaps it)."""
    query = select(*columns)
    if scope.gemeente_code:
        query = query.where(Indication.gemeente_code == scope.gemeente_code)
    if scope.segment:
        query = query.where(Indication.segment == scope.segment)
    if scope.start:
        query = query.where(Indication.end_date >= scope.start)
    if scope.end:
        query = query.where(Indication.start_date <= scope.end)
    return query


def _by_start(column: Any) -> ColumnElement[Any]:
    """The column wrapped so the planner seeks the start-date index, not the status one.

    (Most indications are ended: a status seek would visit nearly the whole table.)
    """
    return func.coalesce(column, "")


def open_dossiers_per_responsible(
    session: Session,
    gemeente_code: str | None,
    segment: str | None,
    live_statuses: Sequence[str],
) -> list[tuple[str, int]]:
    """Open households counted per responsible consultant (the creator when none is set).

    One grouped statement over the open households; with a segment, only households that
    have live help (``live_statuses``) in it (a subquery on indications, not a join, so a
    household counts once). Unsorted: the caller orders.
    """
    responsible = func.coalesce(Household.responsible_consultant, Household.created_by)
    query = select(responsible, func.count()).where(Household.closed_on.is_(None))
    if gemeente_code:
        query = query.where(Household.gemeente_code == gemeente_code)
    if segment:  # the caseload is today's: the period does not apply
        ids = select(Indication.household_id).where(
            Indication.status.in_(live_statuses), Indication.segment == segment
        )
        query = query.where(Household.id.in_(ids))
    return [(r[0], r[1]) for r in session.execute(query.group_by(responsible)).all()]


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Login name -> display name for the given users (one ``IN`` statement on the key)."""
    return dict(
        session.execute(
            select(User.username, User.display_name).where(User.username.in_(list(usernames)))
        ).all()
    )


def review_submission_moments(session: Session) -> list[datetime | None]:
    """When each item waiting for the team lead was submitted (plans, indications, drafts).

    The same three sets as the review queue, read as submission times only (three
    statements, each on its ``status`` index): the dashboard needs no item details.
    """
    return [
        *session.execute(select(Plan.submitted_at).where(Plan.status == "ingediend")).scalars(),
        *session.execute(
            select(Indication.submitted_at).where(
                Indication.status == IndicationStatus.INGEDIEND.value
            )
        ).scalars(),
        *session.execute(
            select(Decision.submitted_at).where(
                Decision.status == "concept", Decision.submitted_at.is_not(None)
            )
        ).scalars(),
    ]


def development_starts_with_tenzij(
    session: Session,
    scope: IndicationScope,
    statuses: Sequence[str],
    start: date,
    end: date,
) -> list[tuple[date, bool]]:
    """(start date, longer than the term?) of development help starting in start..end.

    A stored TERM_…_EXCEEDED finding on granted help is the approved "tenzij" (an error
    would have blocked it); matched in SQL so no findings are parsed in Python. The status
    is wrapped (:func:`_by_start`) so the start-date index is used.
    """
    longer = cast(Indication.findings, String).like("%TERM\\_%EXCEEDED%", escape="\\")
    rows = session.execute(
        _indications(scope, Indication.start_date, longer).where(
            Indication.perspective == "ontwikkeling",
            _by_start(Indication.status).in_(tuple(statuses)),
            Indication.start_date >= start,
            Indication.start_date <= end,
        )
    ).all()
    return [(r[0], r[1]) for r in rows]


def open_evaluation_dues(session: Session, scope: IndicationScope, status: str) -> list[date]:
    """The evaluation due dates of help in ``status`` that is not evaluated yet (one read)."""
    rows = session.execute(
        _indications(scope, Indication.evaluation_due).where(
            Indication.status == status,
            Indication.evaluation_due.is_not(None),
            Indication.evaluated_on.is_(None),
        )
    ).all()
    return [r[0] for r in rows]


def evaluation_outcomes(session: Session, scope: IndicationScope) -> list[tuple[str, str]]:
    """(decision, progress) of every evaluation in the scope's period (evaluated_on within).

    One statement: evaluations joined to their indication for the municipality/segment.
    """
    query = (
        _indications(scope, Evaluation.decision, Evaluation.progress)
        .select_from(Evaluation)
        .join(Indication, Indication.id == Evaluation.indication_id)
    )
    if scope.start:
        query = query.where(Evaluation.evaluated_on >= scope.start)
    if scope.end:
        query = query.where(Evaluation.evaluated_on <= scope.end)
    return [(r[0], r[1]) for r in session.execute(query).all()]


def starts_with_predecessor(
    session: Session,
    scope: IndicationScope,
    statuses: Sequence[str],
    start: date,
    end: date,
) -> list[tuple[date, uuid.UUID | None]]:
    """(start date, predecessor id) of help in ``statuses`` starting in start..end.

    Read by the start-date index (the status is wrapped, see :func:`_by_start`).
    """
    rows = session.execute(
        _indications(scope, Indication.start_date, Indication.predecessor_id).where(
            _by_start(Indication.status).in_(tuple(statuses)),
            Indication.start_date >= start,
            Indication.start_date <= end,
        )
    ).all()
    return [(r[0], r[1]) for r in rows]


def provider_names_by_agb(session: Session, agbs: Iterable[str]) -> dict[str, str]:
    """AGB code -> provider name for the given codes (one ``IN`` statement, sorted codes)."""
    return dict(
        session.execute(
            select(Provider.agb, Provider.name).where(Provider.agb.in_(sorted(agbs)))
        ).all()
    )


def contract_budgets(
    session: Session, region_slug: str, start: date, end: date, segment: str | None
) -> list[tuple[uuid.UUID, str, Decimal]]:
    """(provider id, provider name, yearly budget) of the region's contracts valid in start..end.

    Only contracts with a yearly budget; one statement joining the provider for its name.
    The caller keeps a provider's largest budget (as the budget signal does).
    """
    query = (
        select(Contract.provider_id, Provider.name, Contract.budget_year)
        .join(Provider, Provider.id == Contract.provider_id)
        .where(
            Contract.budget_year.is_not(None),
            Contract.region_slug == region_slug,
            Contract.valid_from <= end,
            (Contract.valid_to.is_(None)) | (Contract.valid_to >= start),
        )
    )
    if segment:
        query = query.where(Contract.segment == segment)
    return [(r[0], r[1], r[2]) for r in session.execute(query).all()]
