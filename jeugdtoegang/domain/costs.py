"""Expected maximum cost of an indication, exact in Decimal (money is never a float).

max cost = volume × tariff × number of periods in the term, where the periods are the
started weeks (frequency ``week``), the started calendar months (``maand``), the days
(``dag``) or once (``totaal``). For the unit ``euro`` the volume *is* the money: the
tariff is 1 and the budget is exported in eurocent (iJw unit 83).
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from jeugdtoegang.domain.indications import Frequency, Unit
from jeugdtoegang.domain.terms import months_covered

CENT = Decimal("0.01")


def periods_in_term(frequency: Frequency, start: date, end: date) -> int:
    """How many periods of ``frequency`` the term start..end (inclusive) touches."""
    if end < start:
        return 0
    days = (end - start).days + 1
    if frequency is Frequency.DAG:
        return days
    if frequency is Frequency.WEEK:
        return -(-days // 7)  # started weeks
    if frequency is Frequency.MAAND:
        return months_covered(start, end)
    return 1


def to_cents(amount: Decimal) -> Decimal:
    """Round to whole cents, half up (as on an invoice)."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def max_cost(
    volume: Decimal,
    tariff: Decimal | None,
    unit: Unit,
    frequency: Frequency,
    start: date,
    end: date,
) -> Decimal | None:
    """The maximum cost of the term in euro (to the cent); None when no tariff is known."""
    periods = periods_in_term(frequency, start, end)
    if unit is Unit.EURO:
        return to_cents(volume * periods)
    if tariff is None:
        return None
    return to_cents(volume * tariff * periods)


def budget_cents(volume: Decimal, unit: Unit, frequency: Frequency, start: date, end: date) -> int:
    """Total budget in eurocent for a euro-unit indication (0 for other units)."""
    if unit is not Unit.EURO:
        return 0
    return int(to_cents(volume * periods_in_term(frequency, start, end)) * 100)


def volume_in_cents(volume: Decimal) -> int:
    """A euro volume per period as iJw wants it: whole eurocent."""
    return int(to_cents(volume) * 100)


def weekly_equivalent(volume: Decimal, frequency: Frequency, start: date, end: date) -> Decimal:
    """The volume spread over a week, to compare the intensity of two indications."""
    if frequency is Frequency.DAG:
        return volume * 7
    if frequency is Frequency.WEEK:
        return volume
    if frequency is Frequency.MAAND:
        return volume * 12 / Decimal(52)
    days = max((end - start).days + 1, 1)
    return volume * 7 / Decimal(days)
