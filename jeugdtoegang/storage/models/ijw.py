"""iJw message exchange: messages sent and received, provider requests, start/stop of care.

- ``ijw_message``: every JW301/JW319 written and every JW305/JW307/JW315/JW317 read, with
  its exact XML, so a re-export writes the same bytes and an allocation is sent once per
  change. One row per allocation in a JW301 (``terms`` holds what the provider received,
  the base of the next JZ002); the XML sits on the first row of the message only.
- ``ijw_request``: a JW315 (verzoek om toewijzing) or JW317 (verzoek om wijziging) on the
  dossier of the client whose BSN it names, with its 5-working-day answer term.
- ``ijw_care_event``: the actual start (JW305) and stop (JW307, JZ588 reason) of care.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import DecimalText, VersionedBase


class IjwMessage(VersionedBase):
    """One iJw message as sent or received (exact XML)."""

    __tablename__ = "ijw_message"
    label_nl = "Het iJw-bericht"
    __table_args__ = (
        CheckConstraint("direction in ('uit', 'in')", name="direction_known"),
        Index("ix_ijw_message_ident", "sender", "identification"),
        Index("ix_ijw_message_day", "message_code", "message_date"),
    )

    direction: Mapped[str] = mapped_column(String(3), nullable=False)
    message_code: Mapped[str] = mapped_column(String(5), nullable=False)
    message_date: Mapped[date] = mapped_column(Date, nullable=False)
    identification: Mapped[str] = mapped_column(String(20), nullable=False)
    sender: Mapped[str] = mapped_column(String(8), nullable=False)
    receiver: Mapped[str] = mapped_column(String(8), nullable=False)
    household_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("household.id"))
    indication_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("indication.id"), index=True
    )
    file_name: Mapped[str] = mapped_column(String(200), nullable=False)
    content: Mapped[str] = mapped_column(Text, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    terms: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason_code: Mapped[str | None] = mapped_column(String(2))


class IjwRequest(VersionedBase):
    """A provider's JW315/JW317 request, answered by a JW301 or a JW319."""

    __tablename__ = "ijw_request"
    label_nl = "Het verzoek van de aanbieder (iJw)"
    __table_args__ = (
        CheckConstraint("kind in ('JW315', 'JW317')", name="kind_known"),
        CheckConstraint(
            "status in ('open', 'in_onderzoek', 'toegewezen', 'afgewezen')", name="status_known"
        ),
        Index("ix_ijw_request_status_due", "status", "answer_due"),
    )

    kind: Mapped[str] = mapped_column(String(5), nullable=False)
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("ijw_message.id"), nullable=False
    )
    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id"), nullable=False)
    gemeente_code: Mapped[str] = mapped_column(String(4), nullable=False)
    provider_agb: Mapped[str] = mapped_column(String(8), nullable=False)
    reference: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    indication_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("indication.id"))
    product_category: Mapped[str | None] = mapped_column(String(2))
    product_code: Mapped[str | None] = mapped_column(String(5))
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    volume: Mapped[Decimal | None] = mapped_column(DecimalText)
    unit_code: Mapped[str | None] = mapped_column(String(2))
    frequency_code: Mapped[str | None] = mapped_column(String(1))
    referrer_code: Mapped[str | None] = mapped_column(String(2))
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    answer_due: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    answer_code: Mapped[str | None] = mapped_column(String(1))
    reject_reason: Mapped[str | None] = mapped_column(String(2))
    answered_on: Mapped[date | None] = mapped_column(Date)
    answered_by: Mapped[str | None] = mapped_column(String(100))
    answer_indication_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid, ForeignKey("indication.id")
    )


class IjwCareEvent(VersionedBase):
    """The actual start (JW305) or stop (JW307) of an allocation's care."""

    __tablename__ = "ijw_care_event"
    label_nl = "De start of stop van de zorg"
    __table_args__ = (
        CheckConstraint("kind in ('start', 'stop')", name="kind_known"),
        UniqueConstraint("indication_id", "kind", name="uq_ijw_care_event_kind"),
    )

    indication_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("indication.id"), nullable=False
    )
    message_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("ijw_message.id"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(5), nullable=False)
    day: Mapped[date] = mapped_column(Date, nullable=False)
    reason_code: Mapped[str | None] = mapped_column(String(2))
    provider_agb: Mapped[str] = mapped_column(String(8), nullable=False)
