"""Which tables travel in bundles, in which order, and how JSON values become columns.

Table-driven: every table of a ``VersionedBase`` model syncs unless it describes this
database itself (``database_info``, counters, sync bookkeeping) or its model sets
``sync_local = True``. Models are found by table name in the mapper registry, so new
areas sync without changes here.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from functools import cache
from typing import Any

from sqlalchemy import JSON, LargeBinary, Table, TypeDecorator
from sqlalchemy.types import TypeEngine

from jeugdtoegang.storage import models  # noqa: F401  (registers every table)
from jeugdtoegang.storage.base import Base, DecimalText, VersionedBase
from jeugdtoegang.storage.changelog import UNLOGGED_TABLES

#: Tables about this database itself; never exported, never accepted.
LOCAL_TABLES = UNLOGGED_TABLES | {"database_info"}


#: Columns kept out of the change log because of their size; export sends them from the
#: current row (base64) and the importer stores them, but leaves them out of the log.
FILE_COLUMNS = {"final_letter": "pdf"}


def log_data(table_name: str, data: dict[str, Any] | None) -> dict[str, Any] | None:
    """The snapshot as the change log keeps it (without the file columns)."""
    column = FILE_COLUMNS.get(table_name)
    if data is None or column is None or column not in data:
        return data
    return {k: v for k, v in data.items() if k != column}


@cache
def syncable_tables() -> dict[str, Table]:
    """Table name → Table for every table whose records sync."""
    tables: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        cls = mapper.class_
        if not issubclass(cls, VersionedBase) or getattr(cls, "sync_local", False):
            continue
        table = mapper.local_table
        if isinstance(table, Table) and table.name not in LOCAL_TABLES:
            tables[table.name] = table
    return tables


@cache
def table_order() -> dict[str, int]:
    """Position of each table in foreign-key order (parents before children)."""
    return {table.name: index for index, table in enumerate(Base.metadata.sorted_tables)}


def same(value: Any) -> Any:
    """The converter of columns whose JSON value is the column value (text, numbers)."""
    return value


def _converter(type_: TypeEngine[Any]) -> Callable[[Any], Any]:
    if isinstance(type_, DecimalText):
        return Decimal
    if isinstance(type_, JSON):
        return same
    if isinstance(type_, LargeBinary):
        return base64.b64decode
    try:
        python_type = (
            type_.impl_instance.python_type  # type: ignore[attr-defined]
            if isinstance(type_, TypeDecorator)
            else type_.python_type
        )
    except NotImplementedError:
        return same
    if python_type is uuid.UUID:
        return uuid.UUID
    if python_type is datetime:
        return datetime.fromisoformat
    if python_type is date:
        return date.fromisoformat
    if python_type is time:
        return time.fromisoformat
    if python_type is Decimal:
        return Decimal
    return same


@cache
def converters(table_name: str) -> dict[str, Callable[[Any], Any]]:
    """Column name → function turning a JSON snapshot value into a column value (for a
    synced table, or the change log, whose rows the importer writes from the bundle)."""
    table = Base.metadata.tables["change_log"] if table_name == "change_log" else None
    table = table if table is not None else syncable_tables()[table_name]
    return {column.name: _converter(column.type) for column in table.columns}


def row_from_json(table_name: str, data: dict[str, Any]) -> dict[str, Any]:
    """Column values for a record from its JSON snapshot (unknown keys are rejected)."""
    convert = converters(table_name)
    return {name: None if value is None else convert[name](value) for name, value in data.items()}
