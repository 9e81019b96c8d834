"""Anchors of other databases' audit logs, as received through sync (kept at the office)."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import Base, UtcDateTime


class ReceivedAnchor(Base):
    """One anchor (newest seq + chain hash + key id) a workstation sent in a bundle.

    Append-only and local: the office keeps every anchor it received and compares each new
    one with the previous one of the same workstation (a lower number, another hash for
    the same number or another key is an alarm). The workstation's user cannot reach it.
    """

    __tablename__ = "audit_anchor_received"
    __table_args__ = (Index("ix_audit_anchor_received_source", "source_database_id", "seq"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    source_database_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    source_name: Mapped[str | None] = mapped_column(String(200))
    seq: Mapped[int] = mapped_column(BigInteger, nullable=False)
    chain_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    key_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    received_by: Mapped[str] = mapped_column(String(100), nullable=False)
    status: Mapped[str] = mapped_column(String(20), nullable=False)
    note: Mapped[str | None] = mapped_column(String(500))
    #: which of the workstation's audit chains (None: a bundle of before 0016, chain 1)
    chain_id: Mapped[int | None] = mapped_column(Integer)
