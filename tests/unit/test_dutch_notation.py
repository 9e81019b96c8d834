"""One Dutch notation for dates and money across screens, letters and the CLI."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jeugdtoegang.domain.dutch import long_date, money, parse_short_date, short_date


def test_dates_are_written_day_first() -> None:
    assert short_date(date(2027, 1, 5)) == "05-01-2027"
    assert short_date(None) == ""
    assert long_date(date(2026, 11, 23), weekday=True) == "maandag 23 november 2026"


def test_money_has_a_thousands_dot_a_decimal_comma_and_rounds_half_up() -> None:
    assert money(Decimal("1234.565")) == "€ 1.234,57"
    assert money(Decimal("-20")) == "-€ 20,00"
    assert money(Decimal("9676.74"), symbol=False) == "9.676,74"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("23-11-2026", date(2026, 11, 23)),
        ("3-1-2027", date(2027, 1, 3)),
        ("23/11/2026", date(2026, 11, 23)),
        ("23.11.26", date(2026, 11, 23)),
        ("01-05-85", date(1985, 5, 1)),
        ("23112026", date(2026, 11, 23)),
        ("2026-11-23", date(2026, 11, 23)),
        ("31-02-2027", None),
        ("morgen", None),
        ("", None),
    ],
)
def test_typed_dates_are_read_the_way_people_type_them(text: str, expected: date | None) -> None:
    assert parse_short_date(text) == expected
