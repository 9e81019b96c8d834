"""Households and persons: the input the consultant gives, and its checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from jeugdtoegang.domain.bsn import bsn_error, normalise_bsn
from jeugdtoegang.domain.input_text import FREE_TEXT_MAX, NAME_MAX, SHORT_MAX, text_errors
from jeugdtoegang.domain.terms import age_on
from jeugdtoegang.domain.text import normalise_postcode
from jeugdtoegang.errors import FieldError

#: Up to 23: verlengde jeugdhulp (Jeugdwet) can run until the 23rd birthday.
MAX_AGE_JEUGDIGE = 23
MAX_AGE_ANYONE = 120


class PersonRole(StrEnum):
    """Role of a person in the dossier (stored values; Dutch labels)."""

    JEUGDIGE = "jeugdige"
    OUDER = "ouder"
    NETWERK = "netwerk"

    @property
    def label(self) -> str:
        return {"jeugdige": "Jeugdige", "ouder": "Ouder/verzorger", "netwerk": "Netwerk"}[
            self.value
        ]


@dataclass(frozen=True)
class PersonInput:
    """A person as entered. ``bsn`` is optional for network members only."""

    role: PersonRole
    first_name: str
    surname: str
    tussenvoegsel: str = ""
    birth_date: date | None = None
    bsn: str | None = None
    has_gezag: bool = False
    relation: str = ""
    phone: str = ""
    email: str = ""
    id: object | None = None  # uuid of an existing person when editing
    version: int | None = None  # the version that was read, for optimistic locking


@dataclass(frozen=True)
class HouseholdInput:
    """A household as entered, with its members."""

    name: str
    gemeente: str
    street: str = ""
    house_number: str = ""
    postcode: str = ""
    city: str = ""
    wijk: str | None = None
    notes: str | None = None
    members: tuple[PersonInput, ...] = field(default_factory=tuple)


def validate_person(person: PersonInput, today: date, index: int | None = None) -> list[FieldError]:
    """Check one person; field names are prefixed ``members[i].`` when ``index`` is given."""
    prefix = f"members[{index}]." if index is not None else ""
    errors: list[FieldError] = []
    if not person.first_name.strip():
        errors.append(FieldError(prefix + "first_name", "Vul een voornaam in."))
    if not person.surname.strip():
        errors.append(FieldError(prefix + "surname", "Vul een achternaam in."))
    if person.bsn:
        message = bsn_error(person.bsn)
        if message:
            errors.append(FieldError(prefix + "bsn", message))
    elif person.role is not PersonRole.NETWERK:
        errors.append(
            FieldError(prefix + "bsn", "Vul het BSN in (alleen bij netwerk mag het leeg).")
        )
    if person.birth_date is None:
        if person.role is PersonRole.JEUGDIGE:
            errors.append(FieldError(prefix + "birth_date", "Vul de geboortedatum in."))
    elif person.birth_date > today:
        errors.append(FieldError(prefix + "birth_date", "De geboortedatum ligt in de toekomst."))
    elif age_on(person.birth_date, today) > MAX_AGE_ANYONE:
        errors.append(FieldError(prefix + "birth_date", "Deze geboortedatum is niet realistisch."))
    elif (
        person.role is PersonRole.JEUGDIGE and age_on(person.birth_date, today) >= MAX_AGE_JEUGDIGE
    ):
        errors.append(
            FieldError(
                prefix + "birth_date",
                f"Een jeugdige is jonger dan {MAX_AGE_JEUGDIGE} jaar (verlengde jeugdhulp).",
            )
        )
    if person.has_gezag and person.role is PersonRole.NETWERK:
        errors.append(FieldError(prefix + "has_gezag", "Een netwerklid heeft geen gezag."))
    for name, value, limit in (
        ("first_name", person.first_name, NAME_MAX), ("tussenvoegsel", person.tussenvoegsel, 20),
        ("surname", person.surname, NAME_MAX), ("relation", person.relation, SHORT_MAX),
        ("phone", person.phone, 40), ("email", person.email, SHORT_MAX),
    ):  # fmt: skip
        errors.extend(text_errors(prefix + name, value, max_length=limit))
    return errors


def validate_household(
    household: HouseholdInput, today: date, known_municipalities: list[str]
) -> list[FieldError]:
    """Check a household and all its members; returns every problem found."""
    errors: list[FieldError] = []
    if not household.name.strip():
        errors.append(FieldError("name", "Vul een naam voor het dossier in, bijv. 'Gezin Jansen'."))
    if household.gemeente not in known_municipalities:
        errors.append(
            FieldError("gemeente", f"Onbekende gemeente '{household.gemeente}' voor deze regio.")
        )
    if household.postcode and normalise_postcode(household.postcode) is None:
        errors.append(
            FieldError("postcode", "Een postcode is 4 cijfers en 2 letters, bijv. 1234 AB.")
        )
    for name, value, limit in (
        ("name", household.name, SHORT_MAX), ("street", household.street, SHORT_MAX),
        ("house_number", household.house_number, 20), ("city", household.city, NAME_MAX),
        ("wijk", household.wijk, NAME_MAX),
    ):  # fmt: skip
        errors.extend(text_errors(name, value, max_length=limit))
    errors.extend(text_errors("notes", household.notes, max_length=FREE_TEXT_MAX, multiline=True))
    if not any(m.role is PersonRole.JEUGDIGE for m in household.members):
        errors.append(FieldError("members", "Een dossier heeft minstens één jeugdige."))
    seen: dict[str, int] = {}
    for index, person in enumerate(household.members):
        errors.extend(validate_person(person, today, index))
        if person.bsn:
            bsn = normalise_bsn(person.bsn)
            if bsn in seen:
                errors.append(
                    FieldError(f"members[{index}].bsn", "Dit BSN staat al bij een ander gezinslid.")
                )
            seen[bsn] = index
    return errors
