"""Derived data: money committed per provider and calendar month (kept up to date on write).

Not a record of its own: it is recomputed from indications (see
:mod:`jeugdtoegang.storage.commitments`), never synced and never versioned; each database
maintains its own from the indications it holds. Keyed by (provider, month).
"""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import BigInteger, Date, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import Base


class ProviderCommitment(Base):
    """Sum of the month shares (micro-euro) of the indications that commit the provider."""

    __tablename__ = "provider_commitment"

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    month: Mapped[date] = mapped_column(Date, primary_key=True)
    amount_micro: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
