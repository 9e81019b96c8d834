"""Derived data: the search keys of persons and dossiers (kept up to date on write).

Not a record of its own: rebuilt from ``person`` and ``household`` by
:mod:`jeugdtoegang.storage.search_keys` on every write path (the session hook, bulk
inserts, the sync writer); never synced and never versioned.

Each current person has two rows, ``kind`` "s" (key = folded surname, other = folded first
name) and "f" (key = folded first name, other = folded surname), so a one-word prefix is
one index range and two words are one range on the first with a filter on the second.
Each dossier has one row "d" (key = "#" + the serial of its number, other = its code),
so a partial dossier number is an index seek instead of a scan of every dossier.
``team_key`` is the dossier's team, case-folded ("" for a region-wide dossier): the
user's team scope is part of the index range.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import Base


class SearchKey(Base):
    """One search key of a person (kinds "s", "f") or of a dossier (kind "d")."""

    __tablename__ = "search_key"
    __table_args__ = (
        Index("ix_search_key_team", "team_key", "key", "other", "household_id"),
        Index("ix_search_key_key", "key", "other", "household_id", "team_key"),
        Index("ix_search_key_household", "household_id"),
    )

    #: the person's id (kinds "s", "f") or the dossier's id (kind "d")
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    key: Mapped[str] = mapped_column(String(150), nullable=False)
    other: Mapped[str] = mapped_column(String(150), nullable=False)
    team_key: Mapped[str] = mapped_column(String(200), nullable=False)
    household_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
