"""Writing a new indication with Core statements (issue 19's team load).

Saving a new concept through the ORM cost an object with 54 instrumented attributes, the
unit of work's flush with its hooks (stamps, a change-log snapshot read back from the
object, the commitment deltas) and two requests to the server. Here the row is a dict of
column values, written by one prepared INSERT that carries its change-log row along (one
request on PostgreSQL, see :class:`~jeugdtoegang.storage.changelog.LoggedInsert`). It
writes what the session hooks wrote: the ORM's defaults for columns not given, who/when
stamps, version 1, the full snapshot in the change log in the ORM snapshot's column order,
and the provider commitments of the new state.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.changelog import LoggedInsert
from jeugdtoegang.storage.commitments import FIELDS, apply_deltas, deltas_for
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.snapshot import to_json_value

_IT = Indication.__table__
_INSERT = LoggedInsert(_IT)
#: the columns the stamps set (never taken from the caller)
_STAMPS = frozenset({"id", "created_at", "created_by", "updated_at", "updated_by", "version"})
#: every column NULL, as the ORM inserts a column that was never set and has no default
_EMPTY: dict[str, Any] = {column.name: None for column in _IT.columns}
#: the ORM's Python-side defaults of the other columns: (column name, default)
_DEFAULTS = tuple(
    (column.name, column.default)
    for column in _IT.columns
    if column.default is not None and column.name not in _STAMPS
)
#: the columns of the change-log snapshot, in the order ``snapshot()`` gives them
_SNAPSHOT = tuple(
    attr.columns[0].name
    for attr in inspect(Indication).column_attrs
    if attr.columns[0].key not in Indication.snapshot_exclude
)
#: the value types ``to_json_value`` returns as they are (most of a row's 54 values)
_JSON_SAFE = frozenset({str, int, bool, float, list, dict, type(None)})


def insert_indication(session: Session, values: Mapping[str, Any], who: str) -> dict[str, Any]:
    """Insert a new indication as its first version, stamped with ``who`` and now, with
    its change-log row and commitments, in the session's transaction; ``values`` are its
    columns (column name -> value) other than the key and the stamps. Returns the stored
    row as a dict of every column."""
    if values.keys() & _STAMPS:
        raise ValueError("the key, version and who/when columns are set here")
    now = utcnow()
    row = {**_EMPTY, **values}
    for name, default in _DEFAULTS:
        if name not in values:
            row[name] = default.arg if default.is_scalar else default.arg(None)  # type: ignore[attr-defined]
    row.update(id=uuid.uuid4(), created_at=now, created_by=who, updated_at=now, updated_by=who)
    row["version"] = 1  # the ORM's first version (``version_id_col``)
    change = {
        "table_name": _IT.name,
        "record_id": row["id"],
        "version": 1,
        "operation": "insert",
        "data": {
            name: value if type(value := row[name]) in _JSON_SAFE else to_json_value(value)
            for name in _SNAPSHOT
        },
        "created_at": now,
        "created_by": who,
        "origin_db": session.info.get("origin_db"),
    }
    _INSERT.execute(session, row, change)
    apply_deltas(session, deltas_for([(None, {name: row[name] for name in FIELDS})]))
    return row
