"""The provider catalogue: providers, their contracts per region, free-access provisions.

Strategic partners (seed 001) are part of the region profile, not of this catalogue.
Lists (municipalities, wijken, themes) are stored as '|'-joined text with '*' for "all":
portable across SQLite and PostgreSQL and cheap to test in the selection's hot path.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import DecimalText, VersionedBase


class Provider(VersionedBase):
    """A youth-care provider (zorgaanbieder), identified by its AGB code."""

    __tablename__ = "provider"
    label_nl = "De aanbieder"

    agb: Mapped[str] = mapped_column(String(8), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: folded name for case- and accent-insensitive search
    search_name: Mapped[str] = mapped_column(String(200), nullable=False, index=True)
    kvk: Mapped[str | None] = mapped_column(String(8))
    contact: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: levensbeschouwelijke identiteit, e.g. "christelijk" (optional)
    identity: Mapped[str | None] = mapped_column(String(60))


class Contract(VersionedBase):
    """One contracted product of a provider in a region, valid for a period."""

    __tablename__ = "contract"
    label_nl = "Het contract"
    __table_args__ = (
        CheckConstraint("status in ('actief', 'clientenstop', 'geschorst')", name="status_known"),
        CheckConstraint(
            "unit in ('minuut', 'uur', 'dagdeel', 'etmaal', 'stuks', 'stuks-inspanning', 'euro')",
            name="unit_known",
        ),
        CheckConstraint("valid_to is null or valid_to >= valid_from", name="period_ordered"),
        UniqueConstraint(
            "region_slug",
            "provider_id",
            "segment",
            "product_code",
            "valid_from",
            name="uq_contract_natural_key",
        ),
        # The selection reads candidates by (region, segment, product) and date; the extra
        # columns make the index covering for the eligibility test itself.
        Index(
            "ix_contract_eligibility",
            "region_slug",
            "segment",
            "product_code",
            "valid_from",
            "valid_to",
            "status",
            "provider_id",
            "version",
        ),
        Index("ix_contract_provider", "provider_id", "valid_from"),
    )

    provider_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("provider.id"), nullable=False)
    region_slug: Mapped[str] = mapped_column(String(60), nullable=False)
    segment: Mapped[str] = mapped_column(String(60), nullable=False)
    product_code: Mapped[str] = mapped_column(String(5), nullable=False)
    product_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    vorm: Mapped[str | None] = mapped_column(String(30))
    themes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    tariff: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    valid_from: Mapped[date] = mapped_column(Date, nullable=False)
    valid_to: Mapped[date | None] = mapped_column(Date)
    #: '*' (all municipalities of the region) or '|'-joined municipality names
    municipalities: Mapped[str] = mapped_column(Text, nullable=False, default="*")
    #: '' (none), '*' (all) or '|'-joined wijken where the provider is preferent
    preferred_wijken: Mapped[str] = mapped_column(Text, nullable=False, default="")
    group_offer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    waiting_weeks: Mapped[int | None] = mapped_column(Integer)
    budget_year: Mapped[Decimal | None] = mapped_column(DecimalText)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="actief")


class FreeAccessProvision(VersionedBase):
    """A voorliggende voorziening in one municipality: free access, no beschikking."""

    __tablename__ = "free_access_provision"
    label_nl = "De voorliggende voorziening"
    __table_args__ = (
        UniqueConstraint("municipality", "name", name="uq_free_access_provision_municipality"),
    )

    municipality: Mapped[str] = mapped_column(String(100), nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    themes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    group_offer: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    agb: Mapped[str | None] = mapped_column(String(8))
    contact: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
