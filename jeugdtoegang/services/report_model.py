"""What a team report is: the filter it was asked with and its figures (categories with one
or more series), ready for a chart, a table, CSV or JSON. Counts and amounts only, never
personal data.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from jeugdtoegang.domain.dutch import short_date


@dataclass(frozen=True)
class ReportFilter:
    """Which part of the data a report covers; None means "all"."""

    gemeente: str | None = None
    segment: str | None = None
    start: date | None = None
    end: date | None = None

    def describe(self) -> str:
        parts = [f"gemeente {self.gemeente}" if self.gemeente else "alle gemeenten"]
        parts.append(f"segment {self.segment}" if self.segment else "alle segmenten")
        if self.start or self.end:
            parts.append(
                f"periode {short_date(self.start) or 'begin'} t/m {short_date(self.end) or 'nu'}"
            )
        return ", ".join(parts)


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Decimal, ...]


@dataclass(frozen=True)
class Report:
    """One chart's data: categories along one axis, one or more series of values."""

    key: str
    title: str
    #: "bar" (grouped), "stacked" or "budget" (commitment bars against a limit series)
    kind: str
    unit: str  # "aantal", "euro", "procent", "dagen", "weken"
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""
    filter_text: str = ""
    empty_text: str = "Geen gegevens voor deze keuze."

    @property
    def is_empty(self) -> bool:
        return not self.categories or all(v == 0 for s in self.series for v in s.values)

    def value(self, category: str, series: str | None = None) -> Decimal:
        index = self.categories.index(category)
        chosen = next(s for s in self.series if series is None or s.label == series)
        return chosen.values[index]

    def to_json(self) -> dict[str, Any]:
        return {
            "report": self.key,
            "title": self.title,
            "unit": self.unit,
            "filter": self.filter_text,
            "note": self.note,
            "categories": list(self.categories),
            "series": [
                {"label": s.label, "values": [_plain(v) for v in s.values]} for s in self.series
            ],
        }

    def to_csv(self) -> str:
        """A table: one row per category, one column per series (Dutch header, ';')."""
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\n")
        writer.writerow(["categorie", *(s.label for s in self.series)])
        for index, category in enumerate(self.categories):
            writer.writerow([category, *(csv_number(s.values[index]) for s in self.series)])
        return out.getvalue()


def _plain(value: Decimal) -> int | float | str:
    if value == value.to_integral_value():
        return int(value)
    return str(value)


def csv_number(value: Decimal) -> str:
    """A figure as Dutch spreadsheets read it (decimal comma)."""
    return str(_plain(value)).replace(".", ",")
