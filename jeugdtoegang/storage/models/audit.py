"""Audit log (verwerkingenlogging): who read or changed whose data, when and why.

Written in the same transaction as the action it records, never updated or deleted.
Each entry carries a keyed hash (HMAC-SHA256) over its own contents and the previous
entry's hash, so editing, removing or inserting an entry breaks the chain
(see :mod:`jeugdtoegang.storage.audit_chain`).
"""

from __future__ import annotations

import uuid

from sqlalchemy import JSON, BigInteger, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import AppendOnlyBase, Base


class AuditEntry(AppendOnlyBase):
    """One logged action. ``created_at``/``created_by`` say when and who."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object", "object_type", "object_id"),
        Index("ix_audit_log_created_by", "created_by", "seq"),
        Index("ix_audit_log_created_at", "created_at"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    role: Mapped[str | None] = mapped_column(String(30))
    action: Mapped[str] = mapped_column(String(40), nullable=False)
    object_type: Mapped[str | None] = mapped_column(String(40))
    object_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    #: ids of the persons whose data the action concerned
    person_ids: Mapped[list[str]] = mapped_column(JSON, nullable=False, default=list)
    purpose: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20), nullable=False, default="ok")
    #: keyed hash chain: HMAC-SHA256(key, previous chain_hash + canonical entry)
    chain_hash: Mapped[str | None] = mapped_column(String(64))
    #: which key signed the entry (a fingerprint, not the key): tells a key mismatch apart
    key_id: Mapped[str | None] = mapped_column(String(16))


class AuditSubject(Base):
    """Index of the persons an audit entry concerns (for inzage and the Logboek).

    Derived from ``AuditEntry.person_ids`` in the same transaction; the chain covers the
    entry itself, so the entry stays the source of truth.
    """

    __tablename__ = "audit_subject"

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
