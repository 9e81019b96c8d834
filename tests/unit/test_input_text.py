"""Names and free texts: control and direction characters refused, lengths limited."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdtoegang.domain.households import (
    HouseholdInput,
    PersonInput,
    PersonRole,
    validate_household,
)
from jeugdtoegang.domain.input_text import NAME_MAX, bad_characters, text_errors


def household(first_name: str = "Sem", notes: str | None = None) -> HouseholdInput:
    return HouseholdInput(
        name="Gezin Smit",
        gemeente="Zeist",
        notes=notes,
        members=(
            PersonInput(
                role=PersonRole.JEUGDIGE,
                first_name=first_name,
                surname="Smit",
                birth_date=date(2015, 1, 1),
                bsn="123456782",
            ),
        ),
    )


@pytest.mark.parametrize(
    "name", ["Sem\x00", "Sem\x1b[31m", "\u202eneS", "Se\u200bm", "Sem\u2066x\u2069", "Sem\x7f"]
)
def test_a_name_with_a_control_or_direction_character_is_refused_precisely(name: str) -> None:
    errors = validate_household(household(name), date(2026, 11, 23), ["Zeist"])
    assert [e.field for e in errors] == ["members[0].first_name"]
    assert "stuurtekens" in errors[0].message and "U+" in errors[0].message


def test_a_very_long_name_is_refused_with_the_limit() -> None:
    errors = validate_household(household("A" * 100_000), date(2026, 11, 23), ["Zeist"])
    assert errors[0].message == f"Is te lang: 100000 tekens, het maximum is {NAME_MAX}."


def test_normal_names_and_multiline_notes_pass() -> None:
    for name in ("Çelik-Öztürk", "Zoë", "محمد", "O'Neill", "Nguyễn"):
        assert bad_characters(name) == []
    assert text_errors("notes", "regel 1\nregel 2\ttab", max_length=100, multiline=True) == []
    assert validate_household(household(notes="a\nb"), date(2026, 11, 23), ["Zeist"]) == []
