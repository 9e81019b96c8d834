"""Audit log (verwerkingenlogging): who read or changed whose data, when and why.

Written in the same transaction as the action it records, never updated or deleted.
"""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, BigInteger, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import AppendOnlyBase


class AuditEntry(AppendOnlyBase):
    """One logged action. ``created_at``/``created_by`` say when and who."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    seq: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    role: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: ids of the persons whose data the action concerned
    person_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="ok")
    #: keyed hash chain (filled by the audit service): hash of this entry + previous hash
    chain_hash: Mapped[str | None] = mapped_column(String(64))
