"""The text → storage shortcuts of sync inserts give exactly the column's own conversion."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from jeugdtoegang.sync import records
from jeugdtoegang.sync.tables import converters, syncable_tables

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=1)), timezone(timedelta(hours=-3, minutes=-30))]
)


def _plans() -> dict[str, tuple[object, object]]:
    """Column kind → (plan's conversion, the generic conversion) for person/household."""
    session = Session(create_engine("sqlite://"))
    found: dict[str, tuple[object, object]] = {}
    dialect = session.get_bind().dialect
    for name in ("household", "person"):
        table = syncable_tables()[name]
        plan = records._insert_plan(session, table, frozenset(table.columns.keys()), True)
        assert plan is not None
        for column, convert in zip(plan.columns, plan.convert, strict=True):
            bind = table.c[column].type._cached_bind_processor(dialect)
            generic = records._compose(converters(name)[column], bind)
            kind = {"id": "uuid", "birth_date": "date", "created_at": "moment"}.get(column)
            if kind:
                found[kind] = (convert, generic)
    return found


PLANS = _plans()


def test_every_shortcut_is_taken() -> None:
    for convert, generic in PLANS.values():
        assert convert is not generic


@settings(max_examples=200, deadline=None)
@given(st.datetimes(timezones=ZONES), st.dates(), st.uuids(), st.booleans())
def test_shortcuts_equal_the_generic_conversion(
    moment: datetime, day: date, key: uuid.UUID, upper: bool
) -> None:
    cases = {
        "moment": [
            moment.isoformat(),
            moment.isoformat(" "),
            moment.astimezone(UTC).isoformat(timespec="microseconds"),
            moment.astimezone(UTC).isoformat(" ", "microseconds"),
        ],
        "date": [day.isoformat()],
        "uuid": [str(key).upper() if upper else str(key)],
    }
    for kind, values in cases.items():
        convert, generic = PLANS[kind]
        for value in values:
            assert convert(value) == generic(value)  # type: ignore[operator]


def test_a_naive_timestamp_is_still_refused() -> None:
    convert, _ = PLANS["moment"]
    try:
        convert("2026-11-23T10:00:00")  # type: ignore[operator]
    except ValueError:
        return
    raise AssertionError("a naive timestamp was stored")


@settings(max_examples=200, deadline=None)
@given(st.datetimes(timezones=ZONES))
def test_export_reads_stored_moments_as_the_column_type_would(moment: datetime) -> None:
    """A change-log moment read as SQLite's stored text becomes the same ISO text as the
    aware UTC datetime the column type returns (the way the export read it before)."""
    from jeugdtoegang.storage.base import UtcDateTime
    from jeugdtoegang.sync.export import moment_text

    dialect = create_engine("sqlite://").dialect
    column = UtcDateTime()
    stored = column._cached_bind_processor(dialect)(moment)  # type: ignore[misc]
    read = column._cached_result_processor(dialect, None)(stored)  # type: ignore[misc]
    assert read is not None
    assert moment_text(stored) == read.isoformat()
    assert moment_text(read) == read.isoformat()  # a datetime (PostgreSQL) as it is
    assert moment_text(moment.replace(tzinfo=None).isoformat()) == (
        moment.replace(tzinfo=UTC).isoformat()
    )  # any other stored text: read as naive UTC, as the column type does
