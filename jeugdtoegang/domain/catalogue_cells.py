"""Reading the cells of one catalogue row: text, dates, amounts, yes/no, AGB codes,
municipalities and wijken, each with the Dutch message for a cell that is wrong.

:class:`RowReader` collects every error of a row so that all of them are reported at
once; :func:`memoised` remembers lookups of repeated cell values across a file.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from jeugdtoegang.domain.catalogue_files import (
    RawRow,
    parse_date,
    parse_decimal,
)
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.providers import (
    ALL,
    is_valid_agb,
    join_list,
    split_list,
)
from jeugdtoegang.errors import FieldError
from jeugdtoegang.regions import RegionProfile

#: '250.000' may be 250 thousand (Dutch) or 250 (English): refused rather than guessed
_AMBIGUOUS = re.compile(r"-?[0-9]{1,3}\.[0-9]{3}")
_TRUE = frozenset({"ja", "j", "yes", "y", "true", "waar", "1", "x"})
_FALSE = frozenset({"nee", "n", "no", "false", "onwaar", "0", ""})
MAX_TARIFF_DECIMALS = 4


class RowReader:
    """Collects the errors of one row while reading its fields."""

    def __init__(self, raw: RawRow) -> None:
        self.raw = raw
        self.errors: list[FieldError] = []

    def error(self, column: str, message: str) -> None:
        self.errors.append(FieldError(column, message, self.raw.number))

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw.get(column)
        if required and not value:
            self.error(column, "Verplicht veld is leeg.")
        elif len(value) > max_length:
            self.error(column, f"Te lang (meer dan {max_length} tekens).")
        return value

    def date(self, column: str, *, required: bool) -> date | None:
        value = self.raw.get(column)
        if not value:
            if required:
                self.error(column, "Verplicht veld is leeg.")
            return None
        parsed = parse_date(value)
        if parsed is None:
            self.error(column, f"'{value}' is geen datum; gebruik jjjj-mm-dd of dd-mm-jjjj.")
        return parsed

    def amount(self, column: str, *, required: bool) -> Decimal | None:
        value = self.raw.get(column)
        if not value:
            if required:
                self.error(column, "Verplicht veld is leeg.")
            return None
        if _AMBIGUOUS.fullmatch(value.strip()):
            self.error(
                column,
                f"'{value}' is onduidelijk (duizendtal of decimalen?); schrijf bijv. "
                f"{value.replace('.', '')} of {value.replace('.', ',')}.",
            )
            return None
        parsed = parse_decimal(value)
        if parsed is None:
            self.error(column, f"'{value}' is geen bedrag; gebruik bijv. 85,50.")
            return None
        if parsed < 0:
            self.error(column, "Het bedrag mag niet negatief zijn.")
        exponent = parsed.as_tuple().exponent
        if isinstance(exponent, int) and -exponent > MAX_TARIFF_DECIMALS:
            self.error(column, f"Te veel decimalen (hoogstens {MAX_TARIFF_DECIMALS}).")
        if abs(parsed) >= Decimal("1e12"):
            self.error(column, "Het bedrag is onwaarschijnlijk groot.")
        return parsed

    def flag(self, column: str) -> bool:
        value = self.raw.get(column).casefold()
        if value in _TRUE:
            return True
        if value not in _FALSE:
            self.error(column, f"'{value}' is geen ja/nee.")
        return False

    def themes(self) -> str:
        return join_list(split_list(self.text("thema", max_length=500)))


#: results of lookups that depend only on a cell's text (and the region), with the
#: messages they gave, kept per validator: a 10,000-row file repeats the same few values
Memo = dict[tuple[object, ...], tuple[Any, tuple[tuple[str, str], ...]]]


def memoised(row: RowReader, memo: Memo | None, key: tuple[object, ...], compute: Any) -> Any:
    """``compute(row)``, or its remembered result with the same errors added to ``row``."""
    if memo is None:
        return compute(row)
    found = memo.get(key)
    if found is not None:
        for column, message in found[1]:
            row.error(column, message)
        return found[0]
    before = len(row.errors)
    result = compute(row)
    memo[key] = (result, tuple((e.field, e.message) for e in row.errors[before:]))
    return result


def read_municipalities(row: RowReader, profile: RegionProfile) -> tuple[str, ...] | None:
    """Canonical names, or None for '*' (all municipalities of the region)."""
    value = row.raw.get("gemeenten")
    if value == ALL:
        return None
    names = []
    for part in split_list(value):
        found = profile.municipality(part)
        if found is None:
            row.error(
                "gemeenten",
                f"Onbekende gemeente '{part}' (bekend: {', '.join(profile.municipality_names)}).",
            )
        elif found.name not in names:
            names.append(found.name)
    if not value:
        row.error("gemeenten", "Verplicht veld is leeg; vul '*' in voor alle gemeenten.")
    return tuple(names)


def read_wijken(row: RowReader, profile: RegionProfile, served: tuple[str, ...] | None) -> str:
    """The preferred wijken, canonical and joined, or '*'; a wijk must lie in ``served``."""
    value = row.raw.get("preferent_wijken")
    if value == ALL:
        return ALL
    municipalities = [m for m in profile.municipalities if served is None or m.name in served]
    known = {w.casefold(): w for m in municipalities for w in m.wijken}
    wijken: list[str] = []
    for part in split_list(value):
        wijk = known.get(part.casefold())
        if wijk is None:
            row.error(
                "preferent_wijken",
                f"Wijk '{part}' hoort bij geen van de gemeenten waar deze aanbieder werkt.",
            )
        elif wijk not in wijken:
            wijken.append(wijk)
    return join_list(wijken)


def read_agb(row: RowReader, *, required: bool) -> str:
    """The AGB code without spaces (checked: 8 digits)."""
    value = row.raw.get("agb").replace(" ", "")
    if not value:
        if required:
            row.error("agb", "Verplicht veld is leeg.")
    elif not is_valid_agb(value):
        row.error("agb", f"'{value}' is geen AGB-code; die bestaat uit 8 cijfers.")
    return value


def read_period(row: RowReader, *, required: bool) -> tuple[date | None, date | None]:
    """(geldig van, geldig tot); an end before the start is an error."""
    start = row.date("geldig_van", required=required)
    end = row.date("geldig_tot", required=False)
    if start and end and end < start:
        row.error(
            "geldig_tot",
            f"De einddatum ({short_date(end)}) ligt voor de begindatum ({short_date(start)}).",
        )
    return start, end
