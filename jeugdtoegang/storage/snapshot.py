"""JSON snapshots of records, for the change log and sync bundles."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import inspect

from jeugdtoegang.storage.base import VersionedBase


def to_json_value(value: Any) -> Any:
    """Convert a column value to a JSON-safe value that round-trips exactly."""
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def snapshot(record: VersionedBase) -> dict[str, Any]:
    """All column values of a record, JSON-safe, keyed by column name."""
    mapper = inspect(record).mapper
    data: dict[str, Any] = {}
    for attr in mapper.column_attrs:
        column = attr.columns[0]
        if column.key in record.snapshot_exclude:
            continue
        data[column.name] = to_json_value(getattr(record, attr.key))
    return data
