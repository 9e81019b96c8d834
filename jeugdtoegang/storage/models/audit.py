"""Audit log (verwerkingenlogging): who read or changed whose data, when and why.

Written in the same transaction as the action it records, never updated or deleted.
Each entry carries a keyed hash (HMAC-SHA256) over its own contents and the previous
entry's hash *in its chain*, so editing, removing or inserting an entry breaks the chain
(see :mod:`jeugdtoegang.storage.audit_chain`). There is one chain per concurrent writer
(:class:`AuditChain`), so writers on a shared server never queue behind one row; ``seq``
is the global order for display (a PostgreSQL sequence; on SQLite the next number).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import AppendOnlyBase, Base, UtcDateTime


class AuditEntry(AppendOnlyBase):
    """One logged action. ``created_at``/``created_by`` say when and who."""

    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_object_seq", "object_type", "object_id", "seq"),
        Index("ix_audit_log_created_by", "created_by", "seq"),
        Index("ix_audit_log_created_at", "created_at"),
        Index("ix_audit_log_chain", "chain_id", "chain_seq", unique=True),
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
    #: the chain (``AuditChain.number``) and the entry's number within it (1, 2, ...)
    chain_id: Mapped[int | None] = mapped_column(Integer)
    chain_seq: Mapped[int | None] = mapped_column(BigInteger)


class AuditChain(Base):
    """The registry of audit chains: one row per chain, numbered 1, 2, 3 ... gap-free.

    A writer (a thread of a program on a workstation) claims a chain for the duration of
    one transaction; only the claimant updates the chain's head (``head_seq``/``head_hash``,
    where verification expects the chain to end). The registry is itself a keyed chain:
    each chain's ``genesis`` is the HMAC of the previous chain's genesis and this row, so a
    chain cannot be removed from the middle without detection, and the newest chain is
    covered by the anchors (local file per chain, and the office's copy through sync).
    Local to this database: not change-logged, never synced.
    """

    __tablename__ = "audit_chain"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    number: Mapped[int] = mapped_column(Integer, unique=True, nullable=False)
    genesis: Mapped[str] = mapped_column(String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(100), nullable=False)
    #: the chain's newest entry (number within the chain, its hash): the chain's counter
    head_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    head_hash: Mapped[str] = mapped_column(String(64), nullable=False)


class AuditSubject(Base):
    """Index of the persons an audit entry concerns (for inzage and the Logboek).

    Derived from ``AuditEntry.person_ids`` in the same transaction; the chain covers the
    entry itself, so the entry stays the source of truth.
    """

    __tablename__ = "audit_subject"
    #: verification compares the index with the entries chunk by chunk, by entry number
    __table_args__ = (Index("ix_audit_subject_entry", "entry_seq", "person_id"),)

    person_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    entry_seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
