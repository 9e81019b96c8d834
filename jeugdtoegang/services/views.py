"""Read-side rows handed to the GUI and the CLI: frozen dataclasses, never ORM objects."""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from jeugdtoegang.domain.bsn import mask_bsn
from jeugdtoegang.domain.terms import age_on, turns_18_within
from jeugdtoegang.domain.text import full_name
from jeugdtoegang.storage.snapshot import to_json_value


@dataclass(frozen=True)
class PersonView:
    id: uuid.UUID
    version: int
    household_id: uuid.UUID
    role: str
    first_name: str
    tussenvoegsel: str
    surname: str
    birth_date: date | None
    bsn: str | None
    has_gezag: bool
    relation: str
    phone: str
    email: str

    @property
    def name(self) -> str:
        return full_name(self.first_name, self.tussenvoegsel, self.surname)

    @property
    def masked_bsn(self) -> str:
        return mask_bsn(self.bsn)

    def age(self, today: date) -> int | None:
        return age_on(self.birth_date, today) if self.birth_date else None

    def turns_18_within(self, today: date, months: int = 12) -> bool:
        return bool(self.birth_date) and turns_18_within(self.birth_date, today, months)  # type: ignore[arg-type]

    def to_json(self, *, reveal_bsn: bool = False) -> dict[str, Any]:
        data = {k: to_json_value(v) for k, v in asdict(self).items()}
        data["name"] = self.name
        data["bsn"] = self.bsn if reveal_bsn else self.masked_bsn
        return data


@dataclass(frozen=True)
class HouseholdRow:
    """One line in the dossier list or a search result."""

    id: uuid.UUID
    dossier_number: str
    name: str
    address: str
    postcode: str
    gemeente: str
    wijk: str | None
    members: tuple[str, ...]
    #: the dossier's team and its current members' ids, read with the row so that scoping
    #: and the audit entry of a list or search need no second query (never shown or
    #: exported); an id is as the database returned it (SQLite: its 32 hex digits)
    team: str | None = field(default=None, repr=False, compare=False)
    person_ids: tuple[uuid.UUID | str, ...] = field(default=(), repr=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        data = {k: to_json_value(v) for k, v in asdict(self).items()}
        del data["team"], data["person_ids"]
        data["members"] = list(self.members)
        return data


@dataclass(frozen=True)
class HouseholdDetail:
    """A whole dossier header with its members, for the dossier view."""

    id: uuid.UUID
    version: int
    dossier_number: str
    name: str
    street: str
    house_number: str
    postcode: str
    city: str
    gemeente: str
    gemeente_code: str
    wijk: str | None
    team: str | None
    notes: str | None
    members: tuple[PersonView, ...]
    updated_by: str

    @property
    def address(self) -> str:
        line = " ".join(p for p in (self.street, self.house_number) if p)
        rest = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (line, rest) if p)

    def jeugdigen(self) -> tuple[PersonView, ...]:
        return tuple(m for m in self.members if m.role == "jeugdige")

    def to_json(self, *, reveal_bsn: bool = False) -> dict[str, Any]:
        data = {k: to_json_value(v) for k, v in asdict(self).items() if k != "members"}
        data["address"] = self.address
        data["members"] = [m.to_json(reveal_bsn=reveal_bsn) for m in self.members]
        return data
