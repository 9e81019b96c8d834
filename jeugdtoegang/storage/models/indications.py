"""Indications (toewijzingen), their evaluations and requests by providers.

Stored in the shape of the iJw JW301 message so it can be produced without loss: a
toewijzingnummer unique per municipality (``UNIQUE (gemeente_code, allocation_number)``),
product category and code, unit and frequency codes, budget in eurocent for euro units,
change reason and referrer code. After issue (``afgegeven``) only the end date changes;
any other change ends the indication and starts a new one linked by ``predecessor_id``.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
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
from sqlalchemy.sql.expression import false

from jeugdtoegang.storage.base import DecimalText, UtcDateTime, VersionedBase


class Indication(VersionedBase):
    """One allocated product for one jeugdige, for a term and a volume."""

    __tablename__ = "indication"
    label_nl = "De indicatie"
    __table_args__ = (
        UniqueConstraint("gemeente_code", "allocation_number", name="uq_indication_allocation"),
        CheckConstraint(
            "status in ('concept', 'ingediend', 'goedgekeurd', 'afgegeven', 'beeindigd')",
            name="status_known",
        ),
        CheckConstraint(
            "perspective in ('ontwikkeling', 'stabilisatie')", name="perspective_known"
        ),
        CheckConstraint("end_date >= start_date", name="term_ordered"),
        Index("ix_indication_person_product", "person_id", "product_code"),
        Index("ix_indication_status_end", "status", "end_date"),
        Index("ix_indication_provider", "provider_id", "status"),
        Index("ix_indication_status_evaluation", "status", "evaluation_due"),
        # dashboard windows by start month (issue 16): covering for the monthly counts
        Index("ix_indication_start", "start_date", "status", "perspective", "predecessor_id"),
        # the Awb signal reads open requests by request date
        Index("ix_indication_status_requested", "status", "requested_on"),
        Index("ix_indication_status_submitted", "status", "submitted_at", "id"),  # review queue
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id"), nullable=False)
    gemeente_code: Mapped[str] = mapped_column(String(4), nullable=False)
    goal_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    segment: Mapped[str] = mapped_column(String(60), nullable=False)
    product_code: Mapped[str] = mapped_column(String(5), nullable=False)
    product_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    product_category: Mapped[str] = mapped_column(String(2), nullable=False)
    provider_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("provider.id"))
    provider_agb: Mapped[str | None] = mapped_column(String(8))
    provider_name: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    maatwerk_name: Mapped[str | None] = mapped_column(String(200))
    maatwerk_agb: Mapped[str | None] = mapped_column(String(8))
    perspective: Mapped[str] = mapped_column(String(20), nullable=False)
    start_date: Mapped[date] = mapped_column(Date, nullable=False)
    end_date: Mapped[date] = mapped_column(Date, nullable=False)
    volume: Mapped[Decimal] = mapped_column(DecimalText, nullable=False)
    unit: Mapped[str] = mapped_column(String(20), nullable=False)
    unit_code: Mapped[str] = mapped_column(String(2), nullable=False)
    frequency: Mapped[str] = mapped_column(String(10), nullable=False)
    frequency_code: Mapped[str] = mapped_column(String(1), nullable=False)
    tariff: Mapped[Decimal | None] = mapped_column(DecimalText)
    max_cost: Mapped[Decimal | None] = mapped_column(DecimalText)
    budget_cents: Mapped[int | None] = mapped_column(BigInteger)
    initiator: Mapped[str] = mapped_column(String(30), nullable=False)
    referrer_code: Mapped[str] = mapped_column(String(2), nullable=False)
    predecessor_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("indication.id"))
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="concept")
    requested_on: Mapped[date | None] = mapped_column(Date)
    allocation_number: Mapped[int | None] = mapped_column(Integer)
    allocated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    change_reason: Mapped[str | None] = mapped_column(String(40))
    motivations: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    findings: Mapped[list[Any]] = mapped_column(JSON, nullable=False, default=list)
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    ended_on: Mapped[date | None] = mapped_column(Date)
    evaluation_due: Mapped[date | None] = mapped_column(Date)
    evaluated_on: Mapped[date | None] = mapped_column(Date)
    evaluation_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: where the term is counted from: the start of the chain of help this one continues
    term_start: Mapped[date | None] = mapped_column(Date)
    #: date of the referral by a huisarts, jeugdarts, GI, medisch specialist or rechter
    referral_date: Mapped[date | None] = mapped_column(Date)
    #: the family's wish for help that fits its identity (seed 000 §3c, 004)
    identity_wish: Mapped[str | None] = mapped_column(String(100))
    #: the family chose this provider itself
    chosen_by_family: Mapped[bool] = mapped_column(
        Boolean, nullable=False, default=False, server_default=false()
    )
    #: what was agreed with the strategic partner (seed 001 thema 4)
    partner_agreement: Mapped[str | None] = mapped_column(Text)


class Evaluation(VersionedBase):
    """The evaluation before the end of a (development) term: progress per goal, decision."""

    __tablename__ = "indication_evaluation"
    label_nl = "De evaluatie"
    __table_args__ = (
        CheckConstraint(
            "decision in ('afschalen', 'afbouwen', 'beeindigen', 'voortzetten_tenzij')",
            name="decision_known",
        ),
    )

    indication_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("indication.id"), nullable=False, index=True
    )
    goal_progress: Mapped[dict[str, str]] = mapped_column(JSON, nullable=False, default=dict)
    progress: Mapped[str] = mapped_column(String(10), nullable=False)
    decision: Mapped[str] = mapped_column(String(30), nullable=False)
    notes: Mapped[str] = mapped_column(Text, nullable=False, default="")
    evaluated_by: Mapped[str] = mapped_column(String(100), nullable=False)
    evaluated_on: Mapped[date] = mapped_column(Date, nullable=False)


class ProviderRequest(VersionedBase):
    """A provider's request to extend or change help; it never changes anything by itself."""

    __tablename__ = "provider_request"
    label_nl = "Het verzoek van de aanbieder"
    __table_args__ = (
        CheckConstraint("status in ('open', 'beoordeeld')", name="status_known"),
        Index("ix_provider_request_status_due", "status", "answer_due"),
    )

    indication_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("indication.id"), nullable=False, index=True
    )
    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False
    )
    kind: Mapped[str] = mapped_column(String(20), nullable=False, default="verlenging")
    requested_end: Mapped[date | None] = mapped_column(Date)
    requested_volume: Mapped[Decimal | None] = mapped_column(DecimalText)
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    received_on: Mapped[date] = mapped_column(Date, nullable=False)
    answer_due: Mapped[date] = mapped_column(Date, nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    answer: Mapped[str | None] = mapped_column(Text)
    assessed_by: Mapped[str | None] = mapped_column(String(100))
    assessed_on: Mapped[date | None] = mapped_column(Date)
