"""Household input checks: every problem found at once, in Dutch."""

from __future__ import annotations

from datetime import date

from jeugdtoegang.domain.households import (
    HouseholdInput,
    PersonInput,
    PersonRole,
    validate_household,
)
from jeugdtoegang.domain.terms import age_on, turns_18_within

TODAY = date(2026, 11, 23)
TOWNS = ["Zeist", "De Bilt"]


def child(**changes: object) -> PersonInput:
    values: dict[str, object] = {
        "role": PersonRole.JEUGDIGE,
        "first_name": "Noor",
        "surname": "Jansen",
        "birth_date": date(2015, 3, 1),
        "bsn": "111222333",
    }
    values.update(changes)
    return PersonInput(**values)  # type: ignore[arg-type]


def household(*members: PersonInput, **changes: object) -> HouseholdInput:
    values: dict[str, object] = {"name": "Gezin Jansen", "gemeente": "Zeist", "postcode": "3701 AB"}
    values.update(changes)
    return HouseholdInput(members=members, **values)  # type: ignore[arg-type]


def fields(errors: list) -> set[str]:  # type: ignore[type-arg]
    return {e.field for e in errors}


def test_a_complete_household_has_no_errors() -> None:
    assert validate_household(household(child()), TODAY, TOWNS) == []


def test_every_problem_is_reported_at_once() -> None:
    bad = household(
        child(first_name="", bsn="123456789", birth_date=date(2030, 1, 1)),
        name="",
        gemeente="Utrecht",
        postcode="12345",
    )
    assert fields(validate_household(bad, TODAY, TOWNS)) == {
        "name",
        "gemeente",
        "postcode",
        "members[0].first_name",
        "members[0].bsn",
        "members[0].birth_date",
    }


def test_a_household_needs_a_jeugdige() -> None:
    parent = PersonInput(PersonRole.OUDER, "Eva", "Jansen", bsn="111222333", has_gezag=True)
    errors = validate_household(household(parent), TODAY, TOWNS)
    assert any("minstens één jeugdige" in e.message for e in errors)


def test_network_members_need_no_bsn_but_cannot_have_gezag() -> None:
    network = PersonInput(PersonRole.NETWERK, "Ria", "Bos", relation="oma", has_gezag=True)
    errors = validate_household(household(child(), network), TODAY, TOWNS)
    assert fields(errors) == {"members[1].has_gezag"}


def test_the_same_bsn_twice_in_one_household_is_refused() -> None:
    errors = validate_household(household(child(), child(first_name="Sem")), TODAY, TOWNS)
    assert fields(errors) == {"members[1].bsn"}


def test_a_jeugdige_of_23_or_older_is_refused() -> None:
    errors = validate_household(household(child(birth_date=date(2003, 1, 1))), TODAY, TOWNS)
    assert "members[0].birth_date" in fields(errors)


def test_age_and_turning_18_are_derived_from_the_birth_date() -> None:
    assert age_on(date(2008, 11, 24), TODAY) == 17
    assert turns_18_within(date(2008, 11, 24), TODAY)
    assert not turns_18_within(date(2008, 11, 23), TODAY)  # already 18 today
    assert not turns_18_within(date(2009, 11, 24), TODAY)  # 18 in 12 months and a day
    assert turns_18_within(date(2009, 11, 23), TODAY)
