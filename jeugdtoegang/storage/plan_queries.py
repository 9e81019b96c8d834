"""The reads behind the perspectiefplan use cases (``services/plans.py``, ``plan_reads.py``)
and the plan goals a new decision names (``services/decision_create.py``)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jeugdtoegang.domain.plans import PlanStatus
from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.plans import Plan, PlanVersion
from jeugdtoegang.storage.review_queue import waiting_among


def current_members(session: Session, household_id: uuid.UUID) -> Sequence[Person]:
    """The household's members who have not left, in the household's order."""
    return session.scalars(
        select(Person)
        .where(Person.household_id == household_id, Person.ended_on.is_(None))
        .order_by(Person.sort_key)
    ).all()


def plan_of(session: Session, household_id: uuid.UUID) -> Plan | None:
    """The household's plan (at most one), or None."""
    return session.scalars(select(Plan).where(Plan.household_id == household_id)).one_or_none()


def plan_version(session: Session, plan_id: uuid.UUID, version_no: int) -> PlanVersion | None:
    """One saved version of a plan, or None."""
    return session.scalars(
        select(PlanVersion).where(
            PlanVersion.plan_id == plan_id, PlanVersion.version_no == version_no
        )
    ).one_or_none()


def submitted_plans(session: Session, ids: Collection[uuid.UUID] | None) -> Sequence[Plan]:
    """Plans waiting for review (only ``ids`` when given), the earliest submitted first."""
    query = select(Plan).where(
        waiting_among(session, Plan.status, PlanStatus.INGEDIEND.value, Plan.id, ids)
    )
    return session.scalars(query.order_by(Plan.submitted_at)).all()


def versions_newest_first(session: Session, plan_id: uuid.UUID) -> Sequence[PlanVersion]:
    """Every saved version of a plan, the newest first."""
    return session.scalars(
        select(PlanVersion)
        .where(PlanVersion.plan_id == plan_id)
        .order_by(PlanVersion.version_no.desc())
    ).all()


def version_count(session: Session, plan_id: uuid.UUID) -> int:
    """How many versions a plan has."""
    return int(
        session.execute(
            select(func.count()).select_from(PlanVersion).where(PlanVersion.plan_id == plan_id)
        ).scalar_one()
    )


def plan_version_content(
    session: Session, plan_id: uuid.UUID, version_no: int | None
) -> dict[str, Any] | None:
    """The stored content of one version of a plan (None when there is none)."""
    content: dict[str, Any] | None = session.execute(
        select(PlanVersion.content).where(
            PlanVersion.plan_id == plan_id, PlanVersion.version_no == version_no
        )
    ).scalar_one_or_none()
    return content
