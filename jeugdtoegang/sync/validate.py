"""Every imported row passes the checks a local write passes, before anything is written.

Two layers, both table-driven so new tables are covered without changes here:

* the **column types** of the model: UUIDs, dates that exist, times, whole numbers in the
  column's range, booleans, decimals, text no longer than the column (and at most
  :data:`MAX_TEXT` for unbounded text), required columns present, CHECK-constrained
  enumerations (``status in (...)``);
* **domain rules** per column: the BSN 11-check, a municipality of this database's
  region, a known role.

Each problem is a Dutch sentence naming the table, the record and the field.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Integer,
    LargeBinary,
    Numeric,
    SmallInteger,
    String,
    Table,
    Text,
    Time,
    TypeDecorator,
    Uuid,
)

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.bsn import bsn_error
from jeugdtoegang.storage.base import DecimalText
from jeugdtoegang.sync.tables import syncable_tables

#: The longest text accepted in an unbounded text column (a plan's text, a note).
MAX_TEXT = 200_000
#: The largest JSON value accepted in a JSON column (as characters of its text form).
MAX_JSON = 1_000_000
#: The largest file (a final letter's PDF, base64) accepted.
MAX_BINARY = 20_000_000
INT_RANGES = {
    SmallInteger: (-(2**15), 2**15 - 1),
    Integer: (-(2**31), 2**31 - 1),
    BigInteger: (-(2**63), 2**63 - 1),
}
_ENUM = re.compile(r"^\s*(\w+)\s+in\s*\(([^)]*)\)\s*$", re.IGNORECASE)

Check = Callable[[Any], str | None]


def _base_type(column_type: Any) -> Any:
    if isinstance(column_type, TypeDecorator) and not isinstance(column_type, DecimalText):
        return column_type.impl_instance
    return column_type


#: The canonical text form of a UUID, as snapshots write it.
UUID_TEXT = re.compile(
    r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
)


def _check_uuid(value: Any) -> str | None:
    if isinstance(value, str) and UUID_TEXT.fullmatch(value):
        return None
    return "is geen geldige UUID"


def _check_date(value: Any) -> str | None:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return f"is geen bestaande datum ('{str(value)[:20]}')"
    return None


def _check_datetime(value: Any) -> str | None:
    try:
        datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return f"is geen geldig tijdstip ('{str(value)[:30]}')"
    return None


def _check_time(value: Any) -> str | None:
    try:
        time.fromisoformat(value)
    except (TypeError, ValueError):
        return "is geen geldige tijd"
    return None


def _check_decimal(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, str | int):
        return "is geen geldig bedrag of getal"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return "is geen geldig bedrag of getal"
    if not number.is_finite() or abs(number) >= Decimal(10) ** 15:
        return "is geen geldig bedrag of getal (te groot)"
    return None


def _int_check(low: int, high: int) -> Check:
    def check(value: Any) -> str | None:
        if isinstance(value, bool) or not isinstance(value, int):
            return "is geen geheel getal"
        if not low <= value <= high:
            return "is te groot of te klein"
        return None

    return check


def _check_bool(value: Any) -> str | None:
    return None if isinstance(value, bool) else "is geen ja/nee-waarde"


def _text_check(limit: int) -> Check:
    def check(value: Any) -> str | None:
        if not isinstance(value, str):
            return "is geen tekst"
        if len(value) > limit:
            return f"is te lang ({len(value)} tekens, hoogstens {limit})"
        if "\x00" in value:
            return "bevat een ongeldig teken"
        return None

    return check


def _check_binary(value: Any) -> str | None:
    if not isinstance(value, str) or len(value) > MAX_BINARY:
        return "is geen geldig bestand of is te groot"
    try:
        base64.b64decode(value, validate=True)
    except ValueError:
        return "is geen geldig bestand"
    return None


def _check_json(value: Any) -> str | None:
    if len(repr(value)) > MAX_JSON:
        return "is te groot"
    return None


def _type_check(column_type: Any) -> Check | None:
    base = _base_type(column_type)
    if isinstance(column_type, DecimalText) or isinstance(base, Numeric):
        return _check_decimal
    for kind, (low, high) in INT_RANGES.items():
        if type(base) is kind:
            return _int_check(low, high)
    if isinstance(base, Integer):
        return _int_check(-(2**63), 2**63 - 1)
    checks: list[tuple[type[Any], Check]] = [
        (Uuid, _check_uuid),
        (DateTime, _check_datetime),
        (Date, _check_date),
        (Time, _check_time),
        (Boolean, _check_bool),
        (JSON, _check_json),
    ]
    for kind, check in checks:
        if isinstance(base, kind):
            return check
    if isinstance(base, String) and not isinstance(base, Text) and base.length:
        return _text_check(base.length)
    if isinstance(base, String | Text):
        return _text_check(MAX_TEXT)
    if isinstance(base, LargeBinary):
        return _check_binary
    return None


def _enumerations(table: Table) -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            match = _ENUM.match(str(constraint.sqltext))
            if match:
                values = re.findall(r"'([^']*)'", match.group(2))
                found[match.group(1)] = frozenset(values)
    return found


@cache
def column_checks(table_name: str) -> dict[str, tuple[bool, Check | None, frozenset[str]]]:
    """Column → (required, type check, allowed values) for one syncable table."""
    table = syncable_tables()[table_name]
    enums = _enumerations(table)
    result = {}
    for column in table.columns:
        required = not column.nullable and column.default is None and not column.primary_key
        result[column.name] = (
            required,
            _type_check(column.type),
            enums.get(column.name, frozenset()),
        )
    return result


def _check_roles(value: Any) -> str | None:
    known = {role.value for role in Role if role is not Role.SYSTEEM}
    if not isinstance(value, list) or not all(isinstance(r, str) and r in known for r in value):
        return "bevat een onbekende rol"
    return None


def _bsn(value: Any) -> str | None:
    if value is None:
        return None
    problem = bsn_error(str(value))
    return None if problem is None else f"is geen geldig BSN ({problem})"


#: (table, column) → domain check; ``region`` checks are added per import.
DOMAIN_CHECKS: dict[tuple[str, str], Check] = {
    ("person", "bsn"): _bsn,
    ("app_user", "roles"): _check_roles,
}


@cache
def _row_plan(
    table_name: str,
) -> tuple[tuple[str, bool, Check | None, frozenset[str] | None, Check | None, bool], ...]:
    """Per column, once per table: (name, required, type check, allowed values, domain
    check, whether it names a municipality of the region)."""
    return tuple(
        (
            name,
            required,
            check,
            allowed or None,
            DOMAIN_CHECKS.get((table_name, name)),
            (table_name, name) == ("household", "gemeente"),
        )
        for name, (required, check, allowed) in column_checks(table_name).items()
    )


def row_problems(
    table_name: str,
    data: dict[str, Any],
    municipalities: frozenset[str] | None = None,
) -> list[str]:
    """Every problem with one incoming row (empty: acceptable)."""
    problems = []
    get = data.get
    for name, required, check, allowed, domain, region in _row_plan(table_name):
        value = get(name)
        if value is None:
            if required:
                problems.append(f"veld '{name}' ontbreekt")
            continue
        reason = check(value) if check is not None else None
        if reason is None and allowed is not None and value not in allowed:
            reason = f"heeft een onbekende waarde ('{str(value)[:30]}')"
        if reason is None and domain is not None:
            reason = domain(value)
        if reason is None and region and municipalities is not None and value not in municipalities:
            reason = f"'{str(value)[:40]}' is geen gemeente van de regio van deze database"
        if reason is not None:
            problems.append(f"veld '{name}' {reason}")
    if table_name == "final_letter" and not problems:
        pdf = base64.b64decode(data["pdf"])
        if hashlib.sha256(pdf).hexdigest() != data.get("sha256"):
            problems.append("de brief klopt niet met zijn SHA-256-controlesom")
    return problems
