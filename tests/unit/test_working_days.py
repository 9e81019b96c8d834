"""Dutch public holidays and the 5-working-day answer term for provider requests."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdtoegang.domain.working_days import (
    add_working_days,
    easter_sunday,
    is_working_day,
    public_holidays,
)


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2024, date(2024, 3, 31)),
        (2025, date(2025, 4, 20)),
        (2026, date(2026, 4, 5)),
        (2027, date(2027, 3, 28)),
        (2038, date(2038, 4, 25)),
        (2285, date(2285, 3, 22)),
    ],
)
def test_easter_sunday(year, easter):
    assert easter_sunday(year) == easter


def test_holidays_of_2027():
    assert public_holidays(2027) == {
        date(2027, 1, 1): "Nieuwjaarsdag",
        date(2027, 3, 29): "Tweede Paasdag",
        date(2027, 4, 27): "Koningsdag",
        date(2027, 5, 5): "Bevrijdingsdag",
        date(2027, 5, 6): "Hemelvaartsdag",
        date(2027, 5, 17): "Tweede Pinksterdag",
        date(2027, 12, 25): "Eerste Kerstdag",
        date(2027, 12, 26): "Tweede Kerstdag",
    }


def test_kings_day_moves_to_saturday_when_the_27th_is_a_sunday():
    assert date(2025, 4, 26) in public_holidays(2025)  # 27 April 2025 is a Sunday
    assert date(2025, 4, 27) not in public_holidays(2025)


@pytest.mark.parametrize(
    ("received", "due", "why"),
    [
        (date(2026, 11, 23), date(2026, 11, 30), "no holiday: Monday → Monday"),
        (date(2026, 12, 22), date(2026, 12, 30), "Christmas Day (a Friday) skipped"),
        (date(2026, 12, 29), date(2027, 1, 6), "New Year's Day skipped"),
        (date(2027, 3, 25), date(2027, 4, 2), "Easter Monday skipped; Good Friday counts"),
        (date(2027, 4, 30), date(2027, 5, 11), "5 May and Ascension Day skipped"),
        (date(2027, 5, 14), date(2027, 5, 24), "Whit Monday skipped"),
        (date(2027, 4, 23), date(2027, 5, 3), "King's Day skipped"),
    ],
)
def test_five_working_days_skip_weekends_and_public_holidays(received, due, why):
    assert add_working_days(received, 5) == due, why


def test_good_friday_is_a_working_day():
    assert is_working_day(date(2027, 3, 26))
