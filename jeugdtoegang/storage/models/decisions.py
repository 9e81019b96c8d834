"""Decisions (beschikkingen), the indications they contain, and their final letters.

A decision is final once approved: its letter is rendered once, stored with its SHA-256 in
``final_letter`` and never rendered again; a correction is a new decision that refers to
the old one (``corrects_decision_id``).
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import UtcDateTime, VersionedBase


class Decision(VersionedBase):
    """One beschikking for one jeugdige."""

    __tablename__ = "decision"
    label_nl = "De beschikking"
    __table_args__ = (
        CheckConstraint(
            "type in ('toekenning', 'gedeeltelijke_toekenning', 'afwijzing', 'wijziging', "
            "'verlenging', 'beeindiging', 'correctie')",
            name="type_known",
        ),
        CheckConstraint("status in ('concept', 'goedgekeurd', 'verzonden')", name="status_known"),
        CheckConstraint("addressee in ('ouders', 'jeugdige')", name="addressee_known"),
        Index("ix_decision_status_date", "status", "decision_date"),
        Index("ix_decision_status_submitted", "status", "submitted_at", "id"),  # review queue
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, index=True
    )
    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, ForeignKey("person.id"), nullable=False)
    gemeente: Mapped[str] = mapped_column(String(100), nullable=False)
    type: Mapped[str] = mapped_column(String(30), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="concept")
    kenmerk: Mapped[str] = mapped_column(String(30), unique=True, nullable=False)
    request_date: Mapped[date] = mapped_column(Date, nullable=False)
    request_text: Mapped[str] = mapped_column(Text, nullable=False)
    #: the date of the letter; set when the decision is approved
    decision_date: Mapped[date | None] = mapped_column(Date)
    #: the facts, as short paragraphs separated by blank lines
    motivation: Mapped[str] = mapped_column(Text, nullable=False, default="")
    #: the plan goals as they read when the decision was made
    goals: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    legal_basis: Mapped[str] = mapped_column(Text, nullable=False)
    addressee: Mapped[str] = mapped_column(String(20), nullable=False, default="ouders")
    end_date: Mapped[date | None] = mapped_column(Date)
    corrects_decision_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("decision.id"))
    #: the aanvraag this decision answers; None for an ambtshalve decision
    aanvraag_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, ForeignKey("aanvraag.id"))
    #: the structured motivation (facts, rule, weighing, type-specific parts)
    motivation_parts: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)
    #: wijziging, verlenging, beëindiging: from when the change applies
    effective_date: Mapped[date | None] = mapped_column(Date)
    #: the verzenddatum: set when the letter is printed final or marked sent (Awb 6:8)
    sent_on: Mapped[date | None] = mapped_column(Date)
    #: the consultant who prepared it (contact in the letter) and the mandated approver
    consultant_name: Mapped[str | None] = mapped_column(String(200))
    approver_name: Mapped[str | None] = mapped_column(String(200))
    approver_function: Mapped[str | None] = mapped_column(String(200))
    submitted_by: Mapped[str | None] = mapped_column(String(100))
    submitted_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    review_comment: Mapped[str | None] = mapped_column(Text)
    approved_by: Mapped[str | None] = mapped_column(String(100))
    approved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_by: Mapped[str | None] = mapped_column(String(100))
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: the region setup version the decision was made under (issue 13)
    region_setup_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)


class DecisionIndication(VersionedBase):
    """An indication that a decision grants, changes or ends."""

    __tablename__ = "decision_indication"
    label_nl = "De koppeling tussen beschikking en indicatie"
    __table_args__ = (
        UniqueConstraint("decision_id", "indication_id", name="uq_decision_indication_pair"),
    )

    decision_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("decision.id"), nullable=False, index=True
    )
    indication_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("indication.id"), nullable=False, index=True
    )
    position: Mapped[int] = mapped_column(nullable=False, default=0)


class FinalLetter(VersionedBase):
    """The final PDF of an approved decision: written once, returned on every reprint."""

    __tablename__ = "final_letter"
    label_nl = "De definitieve brief"
    #: the bytes are too large for the JSON change log; their hash is in it
    snapshot_exclude: ClassVar[frozenset[str]] = frozenset({"pdf"})

    decision_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("decision.id"), unique=True, nullable=False
    )
    pdf: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
