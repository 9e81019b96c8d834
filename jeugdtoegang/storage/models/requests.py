"""The aanvraag (request for help) whose Awb decision term a decision closes."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Any

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import VersionedBase


class Aanvraag(VersionedBase):
    """One request: received on a date, by whom, for what; its term and outcome."""

    __tablename__ = "aanvraag"
    label_nl = "De aanvraag"
    __table_args__ = (
        CheckConstraint(
            "requested_by in ('ouders', 'jeugdige', 'verwijzer')", name="requested_by_known"
        ),
        CheckConstraint(
            "outcome in ('open', 'toegekend', 'gedeeltelijk', 'afgewezen', 'ingetrokken')",
            name="outcome_known",
        ),
        CheckConstraint("extension_weeks >= 0", name="extension_not_negative"),
        Index("ix_aanvraag_outcome_received", "outcome", "received_on"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id"), nullable=False)
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    requested_by: Mapped[str] = mapped_column(String(20), nullable=False)
    #: the referrer or other applicant by name (optional for parents and the jeugdige)
    requester_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    requested: Mapped[str] = mapped_column(Text, nullable=False)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    #: opschortingen (Awb 4:15): [{"start": iso, "end": iso|null, "reason": text}]
    suspensions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False, default=list)
    extension_weeks: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    extension_notified_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    decided_on: Mapped[date | None] = mapped_column(Date)
