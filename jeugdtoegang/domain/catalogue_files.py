"""Reading catalogue files as spreadsheets save them: CSV (';' or ','), UTF-8 with or
without BOM (or Windows-1252 from Excel), and JSON; plus Dutch and ISO values.

Only text comes out of here; :mod:`jeugdtoegang.domain.catalogue_rows` validates it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from jeugdtoegang.domain.providers import join_list
from jeugdtoegang.errors import FieldError

REQUIRED_COLUMNS = ("naam", "segment", "gemeenten")
HEADER_ROW = 1
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_NL = re.compile(r"([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})")


@dataclass(frozen=True)
class RawRow:
    """One data row as text per (lower-case) column, with its spreadsheet row number."""

    number: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return (self.values.get(column) or "").strip()


# -- reading the file -----------------------------------------------------------------------


def decode(data: bytes) -> str:
    """UTF-8 with or without BOM; Windows-1252 as Excel on Windows saves CSV."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_delimiter(header_line: str) -> str:
    """';' or ',': whichever separates the header better (Dutch Excel saves ';')."""
    return ";" if header_line.count(";") >= header_line.count(",") else ","


def read_rows(
    text: str, *, json_format: bool | None = None
) -> tuple[list[RawRow], list[FieldError]]:
    """Rows of a CSV or JSON catalogue as text; file-level problems as errors on row 1."""
    if text.startswith("\ufeff"):
        text = text[1:]
    stripped = text.lstrip()
    if json_format or (json_format is None and stripped[:1] in ("[", "{")):
        return _read_json(stripped)
    return _read_csv(text)


def _read_csv(text: str) -> tuple[list[RawRow], list[FieldError]]:
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        return [], [FieldError("bestand", "Het bestand is leeg.", HEADER_ROW)]
    delimiter = sniff_delimiter(next(line for line in lines if line.strip()))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    rows: list[RawRow] = []
    try:
        records = list(reader)
    except csv.Error as error:
        return [], [
            FieldError("bestand", f"Het CSV-bestand is niet te lezen: {error}.", reader.line_num)
        ]
    numbers = _line_numbers(text, delimiter, len(records))
    for number, values in zip(numbers, records, strict=True):
        if header is None:
            if not any(v.strip() for v in values):
                continue
            header = [v.strip().lower().replace(" ", "_") for v in values]
            errors = _header_errors(header, number)
            if errors:
                return [], errors
            continue
        if not any(v.strip() for v in values):
            continue  # empty lines at the end, as spreadsheets save them
        rows.append(RawRow(number, dict(zip(header, values, strict=False))))
    return rows, []


def _line_numbers(text: str, delimiter: str, count: int) -> list[int]:
    """The line on which each record starts (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    numbers = []
    previous = 0
    for _ in reader:
        numbers.append(previous + 1)
        previous = reader.line_num
    return numbers[:count]


def _header_errors(header: list[str], row: int) -> list[FieldError]:
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    errors = [FieldError(c, "Deze kolom ontbreekt in de kopregel.", row) for c in missing]
    if missing and len(header) == 1:
        errors.append(
            FieldError(
                "bestand",
                "De kolommen zijn niet te herkennen; scheid ze met ';' of ','.",
                row,
            )
        )
    return errors


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, list):
        return join_list(_json_text(v) for v in value)
    if isinstance(value, Decimal):
        return str(value).replace(".", ",")  # a JSON number is never ambiguous
    return str(value)


def _read_json(text: str) -> tuple[list[RawRow], list[FieldError]]:
    try:
        data = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as error:
        return [], [
            FieldError("bestand", f"Geen geldige JSON (regel {error.lineno}): {error.msg}.", 1)
        ]
    except (RecursionError, ValueError):
        return [], [FieldError("bestand", "Geen geldige JSON (te diep genest of te groot).", 1)]
    if isinstance(data, dict):
        data = data.get("rows", data.get("contracten"))
    if not isinstance(data, list):
        return [], [FieldError("bestand", 'Verwacht een lijst met rijen, of {"rows": [...]}.', 1)]
    rows: list[RawRow] = []
    errors: list[FieldError] = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            errors.append(FieldError("rij", "Elke rij moet een object met velden zijn.", index))
            continue
        values = {str(k).strip().lower(): _json_text(v) for k, v in item.items()}
        rows.append(RawRow(index, values))
    return rows, errors


# -- values ---------------------------------------------------------------------------------


def parse_date(text: str) -> date | None:
    """'2027-01-31' or '31-01-2027' (also with / or .); None when not a date."""
    text = text.strip()
    match = _ISO.fullmatch(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
        match = _NL.fullmatch(text)
        if match:
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None
    return None


def parse_decimal(text: str) -> Decimal | None:
    """'1.234,56', '1234.56', '€ 85,-' → Decimal; None when not a number."""
    cleaned = text.replace("€", "").replace(" ", "").replace("\u00a0", "")
    if cleaned.endswith(",-"):
        cleaned = cleaned[:-2]
    if "," in cleaned and "." in cleaned:
        if cleaned.rfind(",") > cleaned.rfind("."):
            cleaned = cleaned.replace(".", "").replace(",", ".")
        else:
            cleaned = cleaned.replace(",", "")
    else:
        cleaned = cleaned.replace(",", ".")
    if not re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # pragma: no cover - guarded by the pattern
        return None
