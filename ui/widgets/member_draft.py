"""A household member as being edited in the household form (no Qt).

The form keeps one mutable draft a member: the texts as typed (a birth date stays text
until it parses), which fields the user has touched (messages show only there until a
save attempt), and whether a stored BSN is still masked. ``to_input`` gives the core's
``PersonInput`` to check and save.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from jeugdtoegang.domain.dutch import parse_short_date
from jeugdtoegang.domain.households import PersonInput, PersonRole

DATE_HINT = "dd-mm-jjjj"
BAD_DATE = "Schrijf de datum als dd-mm-jjjj, bijv. 03-09-2015."


def parse_date(text: str) -> date | None:
    """None for an empty field; ValueError when the text is not a date."""
    if not text.strip():
        return None
    parsed = parse_short_date(text)
    if parsed is None:
        raise ValueError(text)
    return parsed


@dataclass
class MemberDraft:
    """A member as being edited (mutable; turned into a ``PersonInput`` to check/save)."""

    role: PersonRole = PersonRole.JEUGDIGE
    first_name: str = ""
    tussenvoegsel: str = ""
    surname: str = ""
    birth_text: str = ""
    bsn: str = ""
    has_gezag: bool = False
    relation: str = ""
    phone: str = ""
    email: str = ""
    id: uuid.UUID | None = None
    version: int | None = None
    #: an existing BSN is shown masked until "Toon BSN" (which is logged)
    bsn_hidden: bool = False
    touched: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return " ".join(p for p in (self.first_name, self.tussenvoegsel, self.surname) if p)

    def birth_date(self) -> date | None:
        try:
            return parse_date(self.birth_text)
        except ValueError:
            return None

    def birth_text_error(self) -> str | None:
        try:
            parse_date(self.birth_text)
        except ValueError:
            return BAD_DATE
        return None

    def to_input(self) -> PersonInput:
        return PersonInput(
            role=self.role,
            first_name=self.first_name,
            surname=self.surname,
            tussenvoegsel=self.tussenvoegsel,
            birth_date=self.birth_date(),
            bsn=self.bsn.strip() or None,
            has_gezag=self.has_gezag,
            relation=self.relation,
            phone=self.phone,
            email=self.email,
            id=self.id,
            version=self.version,
        )
