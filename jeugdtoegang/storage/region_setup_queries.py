"""The reads behind the dated region setup (``services/region_setup.py``).

Each function takes an open session and plain values (the region slug, a date) and
returns ORM rows; the service turns them into setup versions and keeps the use case.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.region_setup import RegionSetup


def setup_row_on(session: Session, slug: str, day: date) -> RegionSetup | None:
    """The region's setup in force on ``day``: the newest effective on or before it.

    Ties on the date: the last stored wins (created_at), then the id (a stable choice).
    One statement, ``LIMIT 1``.
    """
    return session.execute(
        select(RegionSetup)
        .where(RegionSetup.region_slug == slug, RegionSetup.effective_from <= day)
        .order_by(RegionSetup.effective_from.desc(), RegionSetup.created_at.desc(), RegionSetup.id)
        .limit(1)
    ).scalar_one_or_none()


def setup_rows(session: Session, slug: str) -> list[RegionSetup]:
    """Every stored setup of the region, newest effective date first (then newest stored)."""
    return list(
        session.execute(
            select(RegionSetup)
            .where(RegionSetup.region_slug == slug)
            .order_by(RegionSetup.effective_from.desc(), RegionSetup.created_at.desc())
        ).scalars()
    )
