"""Households (gezinnen) and the people in and around them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import ClassVar

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text, Uuid
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jeugdtoegang.storage.base import VersionedBase


class Household(VersionedBase):
    """A family's dossier: one household, one plan, one regiehouder."""

    __tablename__ = "household"
    label_nl = "Het dossier"
    #: the dossier list pages by key on (sort key, dossier number), reading the team and
    #: the id from the same index entry (:mod:`jeugdtoegang.storage.household_lists`)
    __table_args__ = (
        Index("ix_household_sort_dossier", "sort_key", "dossier_number", "team", "id"),
    )
    #: derived from the name on every write (:mod:`jeugdtoegang.storage.household_sort`):
    #: not part of the change log or of sync bundles
    snapshot_exclude: ClassVar[frozenset[str]] = frozenset({"sort_key"})

    dossier_number: Mapped[str] = mapped_column(String(20), unique=True, nullable=False)
    name: Mapped[str] = mapped_column(String(200), nullable=False)
    #: the name as the dossier list orders it: folded, so "Çelik" is among the C's and
    #: "de Vries" beside "De Vries" (kept by :mod:`jeugdtoegang.storage.household_sort`)
    sort_key: Mapped[str] = mapped_column(
        String(200), nullable=False, default="", server_default=""
    )
    street: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    house_number: Mapped[str] = mapped_column(String(20), nullable=False, default="")
    postcode: Mapped[str] = mapped_column(String(7), nullable=False, default="", index=True)
    city: Mapped[str] = mapped_column(String(100), nullable=False, default="")
    gemeente_code: Mapped[str] = mapped_column(String(4), nullable=False)
    gemeente: Mapped[str] = mapped_column(String(100), nullable=False)
    wijk: Mapped[str | None] = mapped_column(String(100))
    team: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    closed_on: Mapped[date | None] = mapped_column(Date)
    #: the consultant who carries this dossier (caseload, "Mijn werk"); None: the creator
    responsible_consultant: Mapped[str | None] = mapped_column(String(100), index=True)
    #: a colleague standing in (holiday, illness): sees the dossier's work in "Mijn werk" too
    stand_in: Mapped[str | None] = mapped_column(String(100), index=True)

    members: Mapped[list[Person]] = relationship(
        back_populates="household", order_by="Person.sort_key", lazy="selectin"
    )


class Person(VersionedBase):
    """A member of a household: a jeugdige, a parent/carer, or a network member."""

    __tablename__ = "person"
    label_nl = "De persoon"
    __table_args__ = (
        CheckConstraint("role in ('jeugdige', 'ouder', 'netwerk')", name="role_known"),
        # covering indexes: a name search reads only the index, never the table
        Index(
            "ix_person_search_surname", "search_surname", "search_first", "household_id", "ended_on"
        ),
        Index(
            "ix_person_search_first", "search_first", "search_surname", "household_id", "ended_on"
        ),
        # the "turning 18" signal reads a window of birth dates
        Index("ix_person_role_birth", "role", "birth_date"),
    )

    household_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("household.id"), nullable=False, index=True
    )
    role: Mapped[str] = mapped_column(String(20), nullable=False)
    first_name: Mapped[str] = mapped_column(String(100), nullable=False)
    tussenvoegsel: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    surname: Mapped[str] = mapped_column(String(150), nullable=False)
    birth_date: Mapped[date | None] = mapped_column(Date)
    bsn: Mapped[str | None] = mapped_column(String(9), unique=True)
    has_gezag: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    relation: Mapped[str] = mapped_column(String(60), nullable=False, default="")
    phone: Mapped[str] = mapped_column(String(30), nullable=False, default="")
    email: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    #: normalised (lower case, no accents) copies for fast indexed prefix search
    search_surname: Mapped[str] = mapped_column(String(150), nullable=False)
    search_first: Mapped[str] = mapped_column(String(100), nullable=False)
    sort_key: Mapped[str] = mapped_column(String(40), nullable=False, default="")
    ended_on: Mapped[date | None] = mapped_column(Date)

    household: Mapped[Household] = relationship(back_populates="members")
