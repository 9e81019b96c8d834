"""Dutch wording that depends on a number: singular or plural, and the amount of help.

"1 uur per week", "2 uren per week", "1 beoordeling", "3 beoordelingen". Pure functions,
used by every screen and report that shows a count (never "1 uren").
"""

from __future__ import annotations

from decimal import Decimal

from jeugdtoegang.domain.dutch import number
from jeugdtoegang.domain.indications import Frequency, Unit

_UNIT_FORMS: dict[Unit, tuple[str, str]] = {
    Unit.MINUUT: ("minuut", "minuten"),
    Unit.UUR: ("uur", "uur"),
    Unit.DAGDEEL: ("dagdeel (4 uur)", "dagdelen (4 uur)"),
    Unit.ETMAAL: ("etmaal", "etmalen"),
    Unit.STUKS: ("keer", "keer"),
    Unit.EURO: ("euro", "euro"),
    Unit.STUKS_INSPANNING: ("keer", "keer"),
}


def plural(count: int | Decimal, singular: str, plural_form: str) -> str:
    """'1 beoordeling', '0 beoordelingen', '2 beoordelingen' (Dutch: only exactly 1 is singular)."""
    value = Decimal(count)
    return f"{number(value)} {singular if value == 1 else plural_form}"


def amount_of_help(volume: Decimal | int, unit: Unit, frequency: Frequency) -> str:
    """'2 uur per week', '1 etmaal per dag', '€ 1.500 totaal binnen de looptijd'."""
    value = Decimal(volume)
    if unit is Unit.EURO:
        return f"€ {number(value)} {frequency.label}"
    singular, many = _UNIT_FORMS[unit]
    return f"{plural(value, singular, many)} {frequency.label}"
