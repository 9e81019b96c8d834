"""Queries over the review history (:class:`ReviewStep`) and the names of the people in it.

The history is read per item, per dossier, or per submitter (what was sent back to me);
never the whole table, so the queue screen stays as fast with 100,000 dossiers as with 10.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select, tuple_
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.security import ReviewStep, User


def steps_of_item(session: Session, object_type: str, object_id: uuid.UUID) -> list[ReviewStep]:
    """Every step of one plan, indication or decision, oldest first."""
    return list(
        session.execute(
            select(ReviewStep)
            .where(ReviewStep.object_type == object_type, ReviewStep.object_id == object_id)
            .order_by(ReviewStep.created_at)
        ).scalars()
    )


def last_action(session: Session, object_type: str, object_id: uuid.UUID) -> str | None:
    """The action of an item's latest step (None when it has none)."""
    return session.execute(
        select(ReviewStep.action)
        .where(ReviewStep.object_type == object_type, ReviewStep.object_id == object_id)
        .order_by(ReviewStep.created_at.desc())
        .limit(1)
    ).scalar()


def steps_of_household(session: Session, household_id: uuid.UUID) -> list[ReviewStep]:
    """Every step of a dossier's items, oldest first."""
    return list(
        session.execute(
            select(ReviewStep)
            .where(ReviewStep.household_id == household_id)
            .order_by(ReviewStep.created_at)
        ).scalars()
    )


def steps_of_items_submitted_by(session: Session, username: str, action: str) -> list[ReviewStep]:
    """Every step of the items that ``username`` ever submitted (``action`` names the
    submission step), oldest first: the caller decides which were last sent back."""
    mine = select(ReviewStep.object_type, ReviewStep.object_id).where(
        ReviewStep.action == action, func.lower(ReviewStep.created_by) == username.casefold()
    )
    return list(
        session.execute(
            select(ReviewStep)
            .where(tuple_(ReviewStep.object_type, ReviewStep.object_id).in_(mine))
            .order_by(ReviewStep.created_at)
        ).scalars()
    )


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """The name each login belongs to (logins without an account are left out)."""
    wanted = sorted({u for u in usernames if u})
    if not wanted:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))
    ).all()
    return {username: name for username, name in rows if name}
