"""Perspectiefplan: one plan per household with every saved version kept.

``Plan`` holds the review state; ``PlanVersion`` rows hold the whole document as JSON
(``content["schema"]`` says its format). A version's content is never changed after it is
written: every save adds a version, so an approved (vastgesteld) version stays as it was
and editing it starts a new concept version.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import UtcDateTime, VersionedBase

PLAN_STATUSES = ("concept", "ingediend", "vastgesteld", "teruggestuurd")
_STATUS_CHECK = "status in ('concept', 'ingediend', 'vastgesteld', 'teruggestuurd')"


class Plan(VersionedBase):
    """The household's perspectiefplan and where it stands in review."""

    __tablename__ = "plan"
    label_nl = "Het perspectiefplan"
    __table_args__ = (
        CheckConstraint(_STATUS_CHECK, name="status_known"),
        # the review queue pages by (submitted_at, id) among the submitted plans
        Index("ix_plan_status_submitted", "status", "submitted_at", "id"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, unique=True
    )
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="concept")
    current_version_no: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    #: the last version a team lead approved (None until the first approval)
    approved_version_no: Mapped[int | None] = mapped_column(Integer)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decision_comment: Mapped[str | None] = mapped_column(Text)
    return_comment: Mapped[str | None] = mapped_column(Text)


class PlanVersion(VersionedBase):
    """One saved state of a plan; ``content`` is never modified after insert."""

    __tablename__ = "plan_version"
    label_nl = "De planversie"
    __table_args__ = (
        UniqueConstraint("plan_id", "version_no", name="uq_plan_version_plan_id_version_no"),
        CheckConstraint(_STATUS_CHECK, name="status_known"),
    )

    plan_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("plan.id"), nullable=False, index=True
    )
    version_no: Mapped[int] = mapped_column(Integer, nullable=False)
    content: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    #: status of the plan at save, updated when this version is submitted/approved/returned
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="concept")
    saved_by: Mapped[str] = mapped_column(String(100), nullable=False)
    saved_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
