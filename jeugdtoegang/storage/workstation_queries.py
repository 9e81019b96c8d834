"""The reads behind workstation enrolment (``services/workstations.py``).

Each function takes an open session and plain values and returns ORM objects (the
service changes them in its unit of work: enrol, revoke). The register is small (one row
per workstation); each look-up is one statement on a unique column.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.meta import DatabaseInfo
from jeugdtoegang.storage.models.sync_trust import SyncWorkstation


def database_info(session: Session) -> DatabaseInfo:
    """This database's one identity row (id, team, municipality)."""
    return session.execute(select(DatabaseInfo)).scalar_one()


def workstation_by_database(session: Session, database_id: uuid.UUID) -> SyncWorkstation | None:
    """The enrolled workstation of this database id, or None."""
    return session.execute(
        select(SyncWorkstation).where(SyncWorkstation.database_id == database_id)
    ).scalar_one_or_none()


def workstation_by_name(session: Session, name: str) -> SyncWorkstation | None:
    """The (first) workstation enrolled under this name, or None."""
    return (
        session.execute(select(SyncWorkstation).where(SyncWorkstation.name == name))
        .scalars()
        .first()
    )


def workstations(session: Session) -> list[SyncWorkstation]:
    """Every enrolled workstation (active or revoked), by name."""
    return list(session.execute(select(SyncWorkstation).order_by(SyncWorkstation.name)).scalars())
