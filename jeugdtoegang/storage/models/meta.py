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
    """Named per-database counters (dossier numbers, kenmerken, the audit log).

    On SQLite the ``changes`` counter also numbers the change log (writers are serialised
    by ``BEGIN IMMEDIATE`` anyway, so the numbers are gap-free and in commit order). On
    PostgreSQL the change log is numbered by the ``change_log_seq`` sequence instead (no
    row that every writer locks); see :func:`jeugdtoegang.storage.changelog.allocate_changes`.
    Its own changes are not change-logged.
    """

    __tablename__ = "sequence_counter"
    label_nl = "De volgnummerteller"

    name: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    last_seq: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
