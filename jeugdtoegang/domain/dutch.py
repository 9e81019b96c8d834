"""Dutch notation for dates, money and numbers: one rule for screens, PDFs and the CLI.

No locale is involved: ``locale.setlocale`` is process-wide and not available everywhere,
and a letter must look the same on every workstation.
"""

from __future__ import annotations

import re
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


def short_date(day: date | None) -> str:
    """'23-11-2026' (dd-mm-jjjj); empty when there is no date."""
    if day is None:
        return ""
    return f"{day.day:02d}-{day.month:02d}-{day.year}"


def money(amount: Decimal | int, *, symbol: bool = True) -> str:
    """'€ 1.234,56' (or '-€ 20,00'): dot for thousands, comma for cents, half up to the cent."""
    value = Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    whole, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = f"{'.'.join(groups)},{cents}"
    return f"{sign}€ {text}" if symbol else f"{sign}{text}"


def number(value: Decimal | int) -> str:
    """A volume in Dutch notation: '4', '2,5', '1.200'."""
    quantity = Decimal(value)
    if quantity == quantity.to_integral_value():
        return money(quantity, symbol=False)[:-3]
    text = format(quantity.normalize(), "f")
    whole, _, fraction = text.partition(".")
    return money(Decimal(whole), symbol=False)[:-3] + "," + fraction


_DAY_FIRST = re.compile(r"(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4}|\d{2})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_COMPACT = re.compile(r"(\d{2})(\d{2})(\d{4})")


def parse_short_date(text: str) -> date | None:
    """A date as people type it: 23-11-2026, 23/11/2026, 23.11.26, 23112026 or 2026-11-23.

    None when the text is empty or not a date. A two-digit year means 1969–2068, as
    ``strptime`` reads it.
    """
    raw = text.strip()
    try:
        if match := _DAY_FIRST.fullmatch(raw):
            day, month, year = (int(g) for g in match.groups())
            if len(match.group(3)) == 2:
                year += 1900 if year >= 69 else 2000
            return date(year, month, day)
        if match := _ISO.fullmatch(raw):
            year, month, day = (int(g) for g in match.groups())
            return date(year, month, day)
        if match := _COMPACT.fullmatch(raw):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    except ValueError:
        return None
    return None
