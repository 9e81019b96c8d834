"""Keeping ``household.sort_key``: the name as the dossier list orders it.

The list is ordered by the name folded the way search folds it
(:func:`jeugdtoegang.domain.text.fold`: lower case, accents off), so "Çelik" stands among
the C's, "Öztürk" among the O's and "de Vries" beside "De Vries". Ordered by the name's
bytes they came after "Zwart", and upper case before lower case.

The key is derived data, kept in the same transaction on every path that writes a
household's name, the same paths that keep the search keys
(:mod:`jeugdtoegang.storage.search_keys`): the ORM (a mapper hook), the Core save of a
dossier (:mod:`jeugdtoegang.storage.household_records`),
:func:`jeugdtoegang.storage.bulk.bulk_insert` (demo data) and the sync writer (records
taken over or resolved). It stays out of the change log and sync bundles
(``Household.snapshot_exclude``): each database derives it itself.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapper, Session, attributes

from jeugdtoegang.domain.text import fold
from jeugdtoegang.storage.models.households import Household

_H = Household.__table__.c
#: the column's length; a folded name is rarely longer than the name ("ß" → "ss")
SORT_KEY_LENGTH = 200
_CHUNK = 500


def sort_key_of(name: str | None) -> str:
    """The dossier list's key of a household named ``name``."""
    return fold(name or "")[:SORT_KEY_LENGTH]


def with_sort_keys(rows: Iterable[dict[str, Any]]) -> None:
    """Set ``sort_key`` of new household rows (column dicts) from their names."""
    for row in rows:
        row["sort_key"] = sort_key_of(row.get("name"))


def refresh(bind: Session | Connection, household_ids: Iterable[uuid.UUID]) -> None:
    """Write the sort key of these households again from their names (only those that
    differ are updated)."""
    conn = bind.connection() if isinstance(bind, Session) else bind
    ids = sorted(set(household_ids), key=str)
    changed: list[dict[str, Any]] = []
    for start in range(0, len(ids), _CHUNK):
        part = ids[start : start + _CHUNK]
        for household_id, name, stored in conn.execute(
            select(_H.id, _H.name, _H.sort_key).where(_H.id.in_(part))
        ):
            key = sort_key_of(name)
            if key != stored:
                changed.append({"b_id": household_id, "b_key": key})
    if changed:
        conn.execute(
            update(Household.__table__)
            .where(_H.id == bindparam("b_id"))
            .values(sort_key=bindparam("b_key")),
            changed,
        )


def keep_after_sync(
    bind: Session | Connection, written: Iterable[tuple[str, uuid.UUID, dict[str, Any] | None]]
) -> None:
    """Sort keys follow households written by sync: (table, record id, new state)."""
    households = {record_id for table, record_id, data in written if table == "household" and data}
    if households:
        refresh(bind, households)


def _before_insert(_mapper: Mapper[Any], _connection: Connection, target: Household) -> None:
    target.sort_key = sort_key_of(target.name)


def _before_update(_mapper: Mapper[Any], _connection: Connection, target: Household) -> None:
    if attributes.get_history(target, "name").has_changes():
        target.sort_key = sort_key_of(target.name)


def install_sort_key_hooks() -> None:
    """Every INSERT of a household through the ORM, and every UPDATE of its name, carries
    its sort key (mapper hooks: every session; installed once per process)."""
    for name, hook in (("before_insert", _before_insert), ("before_update", _before_update)):
        if not event.contains(Household, name, hook):
            event.listen(Household, name, hook)
