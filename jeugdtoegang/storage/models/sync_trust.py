"""Enrolled workstations: whose signed bundles this team accepts.

The functional administrator enrols each workstation (a laptop, the office) with the
public half of its own Ed25519 key; the fingerprint is shown on both sides to compare.
A revoked workstation's bundles are refused. The register syncs like the accounts, and
only a beheerder's change to it is accepted (see ``domain.sync_rules``).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import UtcDateTime, VersionedBase

WORKSTATION_STATUSES = ("actief", "ingetrokken")
WORKSTATION_KINDS = ("werkplek", "kantoor")


class SyncWorkstation(VersionedBase):
    """One enrolled workstation: its database id, public key and status."""

    __tablename__ = "sync_workstation"
    label_nl = "De werkplek"
    __table_args__ = (
        CheckConstraint("status in ('actief', 'ingetrokken')", name="status_known"),
        CheckConstraint("kind in ('werkplek', 'kantoor')", name="kind_known"),
    )

    name: Mapped[str] = mapped_column(String(100), nullable=False)
    database_id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True, nullable=False)
    public_key: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    fingerprint: Mapped[str] = mapped_column(String(40), nullable=False)
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="werkplek")
    #: the roles whose work this workstation may carry: a consultant's laptop carries
    #: consultant work only, so its bundle can never approve, or touch accounts
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="actief")
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(100))
