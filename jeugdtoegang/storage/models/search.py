"""Derived data: the search keys of persons and dossiers (kept up to date on write).

Not a record of its own: rebuilt from ``person`` and ``household`` by
:mod:`jeugdtoegang.storage.search_keys` on every write path (the session hook, bulk
inserts, the sync writer); never synced and never versioned.

A current person's name words (first name and surname folded and split at spaces and
dashes: "Zoë Jansen-de Vries" → zoe, jansen, de, vries) give one row per ordered pair of
words (key = one word, other = another; a person with one word has key = that word, other
= ""). So a one-word prefix is one index range on ``key``, and two words are one seek on
(key, other) per distinct key in the first word's range, whichever part of the name each
word is. Each dossier has one row (key = "#" + the serial of its number, other = its
code), so a partial dossier number is an index seek instead of a scan of every dossier.
``team_key`` is the dossier's team, case-folded ("" for a region-wide dossier): the
user's team scope is part of the index range.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from jeugdtoegang.storage.base import Base


class SearchKey(Base):
    """One search key: a pair of a person's name words, or a dossier's serial and code."""

    __tablename__ = "search_key"
    __table_args__ = (
        Index("ix_search_key_team", "team_key", "key", "other", "household_id"),
        Index("ix_search_key_key", "key", "other", "household_id", "team_key"),
        Index("ix_search_key_household", "household_id"),
    )

    #: the person's id (name words) or the dossier's id (its number)
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    key: Mapped[str] = mapped_column(String(150), primary_key=True)
    other: Mapped[str] = mapped_column(String(150), primary_key=True)
    team_key: Mapped[str] = mapped_column(String(200), nullable=False)
    household_id: Mapped[uuid.UUID] = mapped_column(Uuid, nullable=False)
