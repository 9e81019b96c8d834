"""Sync bookkeeping: the databases we exchange bundles with, and conflicts to resolve.

These tables describe this database's own relation to others; they are never exported
(they are left out of the change log, see ``storage.changelog.UNLOGGED_TABLES``).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import UtcDateTime, VersionedBase

CONFLICT_STATUSES = ("open", "resolved")
CONFLICT_RESOLUTIONS = ("mine", "theirs", "merge")


class SyncPeer(VersionedBase):
    """Another database (a laptop, the office) we exchange bundles with.

    ``last_exported_seq``: the highest of our change sequence numbers sent to it;
    ``last_imported_seq``: the highest of *its* sequence numbers we applied. The next
    bundle from it must start right after that number (no gaps).
    """

    __tablename__ = "sync_peer"
    label_nl = "De synchronisatiepartner"
    sync_local = True

    name: Mapped[str] = mapped_column(String(100), unique=True, nullable=False)
    peer_database_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, unique=True)
    last_exported_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_imported_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    last_exchange_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class SyncConflict(VersionedBase):
    """A record changed here and elsewhere since the last common version.

    Nothing was overwritten: ``local_data`` is what this database has (None: deleted
    here), ``remote_data`` what the other database sent (None: deleted there). A person
    resolves it (keep mine / take theirs / merge fields); the resolution is a normal
    change that syncs.
    """

    __tablename__ = "sync_conflict"
    label_nl = "Het synchronisatieconflict"
    sync_local = True
    __table_args__ = (
        CheckConstraint("status in ('open', 'resolved')", name="status_known"),
        Index("ix_sync_conflict_record", "table_name", "record_id"),
    )

    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    local_version: Mapped[int | None] = mapped_column(BigInteger)
    local_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    remote_version: Mapped[int | None] = mapped_column(BigInteger)
    remote_data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: the database where the remote change was made, and the one that sent it
    remote_origin: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    source_database_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    remote_updated_by: Mapped[str | None] = mapped_column(String(100))
    remote_updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    #: why it is a conflict (Dutch), e.g. a duplicate BSN instead of a concurrent edit
    reason: Mapped[str] = mapped_column(Text, nullable=False, default="")
    status: Mapped[str] = mapped_column(String(20), nullable=False, default="open")
    resolution: Mapped[str | None] = mapped_column(String(20))
    resolved_by: Mapped[str | None] = mapped_column(String(100))
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
