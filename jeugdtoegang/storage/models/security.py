"""Users (local accounts) and the history of review steps (four-eyes workflow)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import ClassVar

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import UtcDateTime, VersionedBase


class User(VersionedBase):
    """A local account. ``roles`` is a list of :class:`~jeugdtoegang.domain.actor.Role` values.

    The password hash (never the password) is part of the snapshot, so accounts travel
    from the office to every workstation (inside encrypted bundles) and a laptop asks for
    the same login. Lock-out counters and the last login stay local.
    """

    __tablename__ = "app_user"
    label_nl = "De gebruiker"
    snapshot_exclude: ClassVar[frozenset[str]] = frozenset(
        {"failed_attempts", "locked_until", "last_login_at"}
    )

    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    display_name: Mapped[str] = mapped_column(String(200), nullable=False)
    roles: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    team: Mapped[str | None] = mapped_column(String(200))
    municipality: Mapped[str | None] = mapped_column(String(100))
    #: "scrypt$n$r$p$salt_hex$hash_hex" (hashlib.scrypt, memory-hard, per-user salt)
    password_hash: Mapped[str] = mapped_column(String(300), nullable=False)
    active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class ReviewStep(VersionedBase):
    """One step in the review of a plan, indication or decision (never changed).

    ``action``: ingediend, goedgekeurd or teruggestuurd; ``created_by``/``created_at`` say
    who and when (for "ingediend" the submitter and submission time of the item).
    """

    __tablename__ = "review_step"
    __table_args__ = (Index("ix_review_step_object", "object_type", "object_id"),)
    label_nl = "De beoordelingsstap"

    object_type: Mapped[str] = mapped_column(String(20), nullable=False)
    object_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    action: Mapped[str] = mapped_column(String(20), nullable=False)
    title: Mapped[str | None] = mapped_column(String(300))
    comment: Mapped[str | None] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(String(30))
