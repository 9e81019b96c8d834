"""The reads behind the suggested decision motivation (``services/decision_motivation.py``).

Each function takes an open session and plain ids and returns ORM objects or content;
the service keeps the use case (which facts and wording the letter suggests).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.indications import Evaluation
from jeugdtoegang.storage.models.plans import Plan, PlanVersion


def household_plan(session: Session, household_id: uuid.UUID) -> Plan | None:
    """The household's perspectiefplan (the first found; a household has one), or None."""
    return session.execute(select(Plan).where(Plan.household_id == household_id)).scalars().first()


def plan_version_content(
    session: Session, plan_id: uuid.UUID, version_no: int | None
) -> dict[str, Any] | None:
    """The stored content of one version of a plan (one read by (plan, version)), or None."""
    return session.execute(
        select(PlanVersion.content).where(
            PlanVersion.plan_id == plan_id, PlanVersion.version_no == version_no
        )
    ).scalar_one_or_none()


def latest_evaluation(session: Session, indication_ids: Sequence[uuid.UUID]) -> Evaluation | None:
    """The most recent evaluation of any of these indications (help and its predecessor)."""
    query = select(Evaluation).order_by(Evaluation.evaluated_on.desc())
    return (
        session.execute(query.where(Evaluation.indication_id.in_(indication_ids))).scalars().first()
    )
