"""Dutch notation for dates and money, as letters to families use it.

No locale is involved: ``locale.setlocale`` is process-wide and not available everywhere,
and a letter must look the same on every workstation.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

MONTHS = (
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
)
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")
CENT = Decimal("0.01")


def long_date(day: date, *, weekday: bool = False) -> str:
    """'23 november 2026' (or 'maandag 23 november 2026')."""
    text = f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text


def short_date(day: date) -> str:
    """'23-11-2026'."""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def money(amount: Decimal | int, *, symbol: bool = True) -> str:
    """'€ 1.234,56': dot for thousands, comma for cents, rounded half up to the cent."""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = f"{sign}{'.'.join(groups)},{cents}"
    return f"€ {text}" if symbol else text


def number(value: Decimal | int) -> str:
    """A volume in Dutch notation: '4', '2,5', '1.200'."""
    quantity = Decimal(value)
    if quantity == quantity.to_integral_value():
        return money(quantity, symbol=False)[:-3]
    text = format(quantity.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return money(Decimal(whole), symbol=False)[:-3] + "," + fraction
