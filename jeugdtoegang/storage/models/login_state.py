"""Login state per user name: failed attempts and lock, kept apart from the account.

A login changes only this table, so logging in never bumps the account's version, never
writes the change log and never travels in a sync bundle (each database counts its own
attempts). Unknown user names get a row too, so a locked unknown name answers exactly
like a locked real account.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import Base, UtcDateTime


class LoginState(Base):
    """Counters of one user name (case-folded)."""

    __tablename__ = "login_state"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(60), unique=True, nullable=False)
    failed_attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
