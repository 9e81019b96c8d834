"""Working days in the Netherlands: weekends and the public holidays do not count.

The holidays are those of the Algemene termijnenwet (art. 3): Nieuwjaarsdag, tweede
Paasdag, Hemelvaartsdag, tweede Pinksterdag, eerste en tweede Kerstdag, Koningsdag
(27 April, 26 April when the 27th is a Sunday) and Bevrijdingsdag (5 May, every year).
Easter follows the Gregorian computus (Meeus/Jones/Butcher), so no table has to be kept
up to date. Goede Vrijdag is not a legal holiday and counts as a working day.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache


def easter_sunday(year: int) -> date:
    """Easter Sunday of ``year`` (Gregorian calendar)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def public_holidays(year: int) -> dict[date, str]:
    """The Dutch public holidays of ``year`` with their names."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    return {
        date(year, 1, 1): "Nieuwjaarsdag",
        easter + timedelta(days=1): "Tweede Paasdag",
        kings_day: "Koningsdag",
        date(year, 5, 5): "Bevrijdingsdag",
        easter + timedelta(days=39): "Hemelvaartsdag",
        easter + timedelta(days=50): "Tweede Pinksterdag",
        date(year, 12, 25): "Eerste Kerstdag",
        date(year, 12, 26): "Tweede Kerstdag",
    }


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and day not in public_holidays(day.year)


def add_working_days(day: date, days: int) -> date:
    """The date ``days`` working days after ``day`` (the day itself does not count)."""
    current = day
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current
