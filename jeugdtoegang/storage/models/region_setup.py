"""The region setup as administered data: one row per setup version.

A setup version holds the region profile and the letter configuration as the same JSON
documents that ``resources/regions/*.toml`` and ``resources/letters/*.toml`` validate into,
plus a provenance map (dotted path -> status and source). A new version is a new row with
its own ``effective_from`` date, so a decision keeps the version it was made under and a
change made on one workstation syncs to the others like any record.
"""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import VersionedBase


class RegionSetup(VersionedBase):
    """One version of the region setup, in force from ``effective_from``."""

    __tablename__ = "region_setup"
    label_nl = "De regio-inrichting"
    __table_args__ = (Index("ix_region_setup_region_from", "region_slug", "effective_from"),)

    region_slug: Mapped[str] = mapped_column(String(60), nullable=False)
    effective_from: Mapped[date] = mapped_column(Date, nullable=False)
    #: the RegionProfile document (model_dump in JSON mode)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    #: the LetterTexts document (merged over the standard texts)
    letters: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    #: dotted path -> {"status": "vastgesteld"|"voorlopig", "source": {...}}
    provenance: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    #: why this version was made (shown in the history)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: the version this one was derived from (None for the first)
    based_on_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: fictional demo data: marked in the title bar and on every letter
    fictional: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
