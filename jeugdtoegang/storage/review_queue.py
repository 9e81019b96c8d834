"""The review queue by key: submitted plans, indications and decisions in one order.

The queue is ordered by (submitted_at, object_type, id), undated items last. A page
after a given key reads each kind from its index ``(status, submitted_at, id)`` from that
point on (at most ``limit`` rows each) and merges them, so the last page costs what the
first does, and items added or approved between pages neither repeat nor skip the
others (:func:`queue_keys`).
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import UnaryExpression
from sqlalchemy.sql.operators import custom_op

from jeugdtoegang.storage.access import team_condition
from jeugdtoegang.storage.models.decisions import Decision
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.plans import Plan


@dataclass(frozen=True, order=False)
class QueueKey:
    """Where an item stands in the queue; pass the last one shown to get the next page."""

    submitted_at: datetime | None
    object_type: str
    id: uuid.UUID

    def order(self) -> tuple[Any, ...]:
        at = self.submitted_at
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return (at is None, at or datetime.min.replace(tzinfo=UTC), self.object_type, self.id)


def waiting_among(
    session: Session,
    status: Any,
    value: str,
    id_column: Any,
    ids: Collection[uuid.UUID] | None,
) -> ColumnElement[bool]:
    """``status == value``, and when ``ids`` are given (a page of the queue) one of those.

    With ids the rows are meant to be found by primary key. SQLite (no statistics) would
    instead read the ``(status, submitted_at, id)`` index from its start, which also
    gives the ``ORDER BY submitted_at``: every waiting item, for every page (at 100,000
    households some 49,000 indications a page). There the status is compared as
    ``+status``, which the planner cannot take from an index; other databases plan by
    their statistics and get the plain comparison.
    """
    if ids is None:
        return status == value
    if session.get_bind().dialect.name == "sqlite":
        status = UnaryExpression(status, operator=custom_op("+"), type_=status.type)
    return and_(status == value, id_column.in_(list(ids)))


def _pending(object_type: str) -> tuple[Any, ColumnElement[bool]]:
    if object_type == "plan":
        return Plan, Plan.status == "ingediend"
    if object_type == "indication":
        return Indication, Indication.status == "ingediend"
    return Decision, and_(Decision.status == "concept", Decision.submitted_at.is_not(None))


#: the kinds in the queue, in their tie-break order
KINDS = ("decision", "indication", "plan")


def _branch(
    session: Session,
    object_type: str,
    teams: frozenset[str] | None,
    limit: int,
    after: QueueKey | None,
) -> list[QueueKey]:
    model, pending = _pending(object_type)
    scope = team_condition(Household.team, teams)
    base = (
        select(model.submitted_at, model.id)
        .join(Household, Household.id == model.household_id)
        .where(pending, scope)
    )
    found: list[QueueKey] = []
    if after is None or after.submitted_at is not None:
        query = base.where(model.submitted_at.is_not(None))
        if after is not None:
            at = after.submitted_at
            if object_type > after.object_type:
                query = query.where(model.submitted_at >= at)
            elif object_type == after.object_type:
                query = query.where(
                    model.submitted_at >= at,
                    or_(model.submitted_at > at, model.id > after.id),
                )
            else:
                query = query.where(model.submitted_at > at)
        query = query.order_by(model.submitted_at, model.id).limit(limit)
        found = [QueueKey(r[0], object_type, r[1]) for r in session.execute(query)]
    if len(found) < limit:  # the undated tail (only items stored without a time)
        query = base.where(model.submitted_at.is_(None))
        if after is not None and after.submitted_at is None:
            if object_type < after.object_type:
                return found
            if object_type == after.object_type:
                query = query.where(model.id > after.id)
        query = query.order_by(model.id).limit(limit - len(found))
        found += [QueueKey(None, object_type, r[1]) for r in session.execute(query)]
    return found


def queue_keys(
    session: Session, teams: frozenset[str] | None, limit: int, after: QueueKey | None = None
) -> list[QueueKey]:
    """The next ``limit`` queue items after ``after`` (from the start when None)."""
    keys = [k for kind in KINDS for k in _branch(session, kind, teams, limit, after)]
    keys.sort(key=QueueKey.order)
    return keys[:limit]


def queue_count(session: Session, teams: frozenset[str] | None) -> int:
    """How many items wait for review in these teams."""
    total = 0
    for kind in KINDS:
        model, pending = _pending(kind)
        total += int(
            session.execute(
                select(func.count())
                .select_from(model)
                .join(Household, Household.id == model.household_id)
                .where(pending, team_condition(Household.team, teams))
            ).scalar_one()
        )
    return total
