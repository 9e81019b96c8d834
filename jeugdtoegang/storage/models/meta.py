"""Facts about the database itself: its stable id, the region it serves, the sync counter."""

from __future__ import annotations

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import VersionedBase


class DatabaseInfo(VersionedBase):
    """Exactly one row: which region, municipality and team this database serves."""

    __tablename__ = "database_info"
    label_nl = "De database-instelling"

    region_slug: Mapped[str] = mapped_column(String(60), nullable=False)
    municipality: Mapped[str | None] = mapped_column(String(100))
    team_name: Mapped[str | None] = mapped_column(String(200))


class SequenceCounter(VersionedBase):
    """Gap-free per-database change sequence.

    Each write transaction that changes records raises ``last_seq`` by the number of
    changes. The UPDATE takes a row lock (PostgreSQL) or runs under ``BEGIN IMMEDIATE``
    (SQLite), so sequence numbers are handed out in commit order, which an export "since
    sequence N" relies on. Its own changes are not change-logged.
    """

    __tablename__ = "sequence_counter"
    label_nl = "De volgnummerteller"

    name: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
