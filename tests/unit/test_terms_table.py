"""Table-driven term arithmetic: last day = start + N calendar months − 1 day, clamped."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdtoegang.domain.costs import periods_in_term
from jeugdtoegang.domain.indications import Frequency, add_working_days
from jeugdtoegang.domain.terms import months_covered, term_end


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (date(2027, 1, 15), 9, date(2027, 10, 14)),  # the DOMAIN.md example
        (date(2027, 1, 31), 1, date(2027, 2, 27)),  # 31 Jan + 1 month clamps to 28 Feb
        (date(2027, 1, 1), 12, date(2027, 12, 31)),
        (date(2027, 3, 31), 1, date(2027, 4, 29)),  # 31 Mar → 30 Apr − 1
        (date(2027, 12, 31), 2, date(2028, 2, 28)),  # → 29 Feb 2028 (leap) − 1
        (date(2028, 1, 31), 1, date(2028, 2, 28)),  # leap year: 29 Feb − 1
        (date(2028, 2, 29), 12, date(2029, 2, 27)),  # 29 Feb + 1 year clamps to 28 Feb
        (date(2028, 2, 29), 1, date(2028, 3, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 28)),  # next leap day exists again
        (date(2026, 5, 31), 9, date(2027, 2, 27)),  # 31 May + 9 → 28 Feb 2027 − 1
        (date(2026, 12, 1), 9, date(2027, 8, 31)),
        (date(2026, 8, 31), 6, date(2027, 2, 27)),
    ],
)
def test_term_end_follows_the_project_rule(start, months, end):
    assert term_end(start, months) == end


def test_a_term_shorter_than_one_month_is_refused():
    with pytest.raises(ValueError):
        term_end(date(2027, 1, 1), 0)


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2027, 1, 15), date(2027, 10, 14), 9),
        (date(2027, 1, 15), date(2027, 10, 15), 10),  # one day into the tenth month
        (date(2027, 1, 1), date(2027, 1, 1), 1),
        (date(2027, 1, 31), date(2027, 2, 27), 1),
        (date(2028, 2, 29), date(2028, 3, 28), 1),
        (date(2027, 2, 1), date(2027, 1, 31), 0),
    ],
)
def test_months_covered_counts_started_calendar_months(start, end, months):
    assert months_covered(start, end) == months


@pytest.mark.parametrize(
    ("frequency", "start", "end", "periods"),
    [
        (Frequency.DAG, date(2027, 1, 1), date(2027, 1, 31), 31),
        (Frequency.DAG, date(2028, 2, 1), date(2028, 2, 29), 29),
        (Frequency.WEEK, date(2027, 1, 1), date(2027, 1, 7), 1),
        (Frequency.WEEK, date(2027, 1, 1), date(2027, 1, 8), 2),  # a started week counts
        (Frequency.WEEK, date(2027, 1, 15), date(2027, 10, 14), 39),
        (Frequency.MAAND, date(2027, 1, 15), date(2027, 10, 14), 9),
        (Frequency.MAAND, date(2027, 1, 15), date(2027, 10, 20), 10),
        (Frequency.TOTAAL, date(2027, 1, 15), date(2027, 10, 14), 1),
        (Frequency.WEEK, date(2027, 2, 1), date(2027, 1, 31), 0),
    ],
)
def test_periods_in_a_term(frequency, start, end, periods):
    assert periods_in_term(frequency, start, end) == periods


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 23), date(2026, 11, 30)),  # Monday → next Monday
        (date(2026, 11, 20), date(2026, 11, 27)),  # Friday → next Friday
        (date(2026, 11, 21), date(2026, 11, 27)),  # Saturday → Friday
        (date(2026, 11, 25), date(2026, 12, 2)),  # Wednesday → Wednesday
    ],
)
def test_five_working_days_to_answer_a_provider(received, due):
    assert add_working_days(received, 5) == due
