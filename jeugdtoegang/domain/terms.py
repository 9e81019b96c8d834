"""Term arithmetic used throughout the project.

The last day of a term of N months that starts on day S is S + N calendar months − 1 day;
month ends clamp as ``dateutil.relativedelta`` does: a 9-month term from 2027-01-15 ends
on 2027-10-14; a 1-month term from 2027-01-31 ends on 2027-02-27 (31 January + 1 month
clamps to 28 February, minus one day).
"""

from __future__ import annotations

from calendar import isleap
from datetime import date, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

#: Jeugdwet: a jeugdige is under 18; from this age help is verlengde jeugdhulp and the
#: young adult receives his own letters.
ADULT_AGE = 18


#: the term arithmetic below is pure and asked the same questions many times per check (a
#: ``relativedelta`` costs several microseconds): answers are kept
_KEPT = lru_cache(maxsize=4096)


@_KEPT
def term_end(start: date, months: int) -> date:
    """Last day of a term of ``months`` calendar months starting on ``start``."""
    if months < 1:
        raise ValueError("a term lasts at least one month")
    return start + relativedelta(months=months) - timedelta(days=1)


@_KEPT
def months_covered(start: date, end: date) -> int:
    """Number of started calendar months from ``start`` through ``end`` (inclusive)."""
    if end < start:
        return 0
    delta = relativedelta(end + timedelta(days=1), start)
    whole = delta.years * 12 + delta.months
    return whole + (1 if delta.days else 0)


def add_weeks(day: date, weeks: int) -> date:
    return day + timedelta(weeks=weeks)


def age_on(birth_date: date, day: date) -> int:
    """Age in whole years on ``day`` (a 29 February birthday counts on 28 February).

    The years of ``relativedelta(day, birth_date)``: the most whole years that, added to
    the birth date (29 February clamped to 28 February in other years), do not pass
    ``day``. Counted directly for dates on or after the birth date (a ``relativedelta``
    costs several microseconds, and a dossier's every member is checked on each save).
    """
    if day >= birth_date and type(day) is date and type(birth_date) is date:
        birthday = (birth_date.month, birth_date.day)
        if birthday == (2, 29) and not isleap(day.year):
            birthday = (2, 28)
        before_birthday = (day.month, day.day) < birthday
        return day.year - birth_date.year - before_birthday
    return relativedelta(day, birth_date).years


@_KEPT
def eighteenth_birthday(birth_date: date) -> date:
    return birth_date + relativedelta(years=ADULT_AGE)


def births_turning_18_within(today: date, months: int) -> tuple[date, date]:
    """The birth dates (earliest, latest) of those not yet 18 on ``today`` whose 18th
    birthday falls within ``months`` from it: born after ``earliest``, on or before
    ``latest``."""
    return (
        today - relativedelta(years=ADULT_AGE),
        today + relativedelta(months=months) - relativedelta(years=ADULT_AGE),
    )


def turns_18_within(birth_date: date, today: date, months: int = 12) -> bool:
    """True when the 18th birthday falls after ``today`` and within ``months`` from it."""
    birthday = eighteenth_birthday(birth_date)
    return today < birthday <= today + relativedelta(months=months)
