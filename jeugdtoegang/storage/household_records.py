"""Saving a dossier with Core statements (issue 19's team load).

Most saves of a dossier change only the household's own columns (an address, the
notes); its members come back as they were. Through the ORM such a save cost two reads
(the household locked, its members by ``selectin``), the unit of work's bookkeeping for
every member and a flush. Here the household is read locked together with its members in
one statement, and the save is one versioned UPDATE plus its change-log row: the same
rows the session hooks write (who/when stamps, version + 1, a full snapshot in the change
log), without loading objects; on PostgreSQL the UPDATE and its change-log row are one
request (:class:`~jeugdtoegang.storage.changelog.LoggedUpdate`). Changes to members still
go through the ORM.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, inspect, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.changelog import LoggedUpdate
from jeugdtoegang.storage.hot import Prepared
from jeugdtoegang.storage.household_sort import sort_key_of
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.snapshot import to_json_value

_HT = Household.__table__
_PT = Person.__table__
_H = _HT.c
_P = _PT.c
_HOUSEHOLD_NAMES = tuple(column.name for column in _HT.columns)
_PERSON_NAMES = tuple(column.name for column in _PT.columns)
#: the columns of a household's change-log snapshot, in the order the ORM's snapshot has
_SNAPSHOT = tuple(
    attr.columns[0].name
    for attr in inspect(Household).column_attrs
    if attr.columns[0].key not in Household.snapshot_exclude
)
#: the household and all its members (ended ones too) in the order of Household.members;
#: only the household's row is locked (PostgreSQL; SQLite's writer holds the database)
_LOCKED = Prepared(
    select(*_HT.columns, *_PT.columns)
    .select_from(_HT.outerjoin(_PT, _P.household_id == _H.id))
    .where(_H.id == bindparam("household_id"))
    .order_by(_P.sort_key)
    .with_for_update(of=_HT)
)


@dataclass(frozen=True)
class StoredHousehold:
    """A household's row and its members' rows (all, in ``Household.members`` order),
    as column-name dicts, read under the household's row lock."""

    row: dict[str, Any]
    members: tuple[dict[str, Any], ...]


def lock_household(session: Session, household_id: uuid.UUID) -> StoredHousehold | None:
    """The household with its members, its row locked until commit; None when missing."""
    rows = _LOCKED.all(session, {"household_id": household_id})
    if not rows:
        return None
    width = len(_HOUSEHOLD_NAMES)
    members = tuple(
        dict(zip(_PERSON_NAMES, row[width:], strict=True)) for row in rows if row[width] is not None
    )
    return StoredHousehold(dict(zip(_HOUSEHOLD_NAMES, rows[0][:width], strict=True)), members)


#: the versioned UPDATE with its change-log row per set of columns written, built once
#: (building it and its cache key from literal values cost about as much as running it)
_UPDATES: dict[tuple[str, ...], LoggedUpdate] = {}


def _update_of(names: tuple[str, ...]) -> LoggedUpdate:
    found = _UPDATES.get(names)
    if found is None:
        found = LoggedUpdate(_HT, names)
        if len(_UPDATES) < 1024:
            _UPDATES[names] = found
    return found


def update_household_columns(
    session: Session, stored: dict[str, Any], changes: dict[str, Any], who: str
) -> dict[str, Any] | None:
    """Write ``changes`` (column name -> new value; not the search-key columns ``team``
    and ``dossier_number``) to the locked household as its next version, stamped with
    who and when, with its change-log row; returns the row as stored now, or None when
    the version moved meanwhile (nothing written)."""
    assert not changes.keys() & {"team", "dossier_number", "id", "version"}
    now = utcnow()
    version = stored["version"]
    stamped = {**changes, "updated_by": who, "updated_at": now, "version": version + 1}
    if "name" in changes:  # the dossier list's order follows the name
        stamped["sort_key"] = sort_key_of(changes["name"])
    row = {**stored, **stamped}
    change = {
        "table_name": _HT.name,
        "record_id": row["id"],
        "version": row["version"],
        "operation": "update",
        "data": {name: to_json_value(row[name]) for name in _SNAPSHOT},
        "created_at": now,
        "created_by": who,
        "origin_db": session.info.get("origin_db"),
    }
    written = _update_of(tuple(sorted(stamped))).execute(
        session, (stored["id"], version), stamped, change
    )
    return row if written else None
