"""The change log: one row per insert, update or delete of a versioned record.

It keeps every earlier version of every record (corrections are new versions, nothing is
lost) and is the feed for sync export ("everything since sequence N").
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import AppendOnlyBase


class ChangeLogEntry(AppendOnlyBase):
    """A full snapshot of a record after a change (``data`` is None for a delete)."""

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_record", "table_name", "record_id", "version"),)

    seq: Mapped[int] = mapped_column(BigInteger, unique=True, nullable=False)
    table_name: Mapped[str] = mapped_column(String(60), nullable=False)
    record_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    operation: Mapped[str] = mapped_column(String(10), nullable=False)  # insert/update/delete
    data: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    #: The database where the change was made (differs from ours for imported changes).
    origin_db: Mapped[uuid.UUID | None] = mapped_column(Uuid)
