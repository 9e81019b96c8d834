"""Resolving a conflict: keep mine, take theirs, or merge field by field.

The resolution is written as normal changes that sync. To make the other side accept
it as *newer* (not as a new conflict), the history first records their version as one
of our states (a change-log row with their data and origin, no row change); our
resolved state follows as the next version. Their bundle-history check then finds their
own state among our earlier ones.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.storage.models.sync import SyncConflict
from jeugdtoegang.sync.records import LocalState, LogRow, load_states, write_log, write_state
from jeugdtoegang.sync.tables import syncable_tables

CHOICES = ("mine", "theirs", "merge")
#: Bookkeeping columns that are never chosen field by field.
META_FIELDS = frozenset({"id", "version", "created_at", "created_by", "updated_at", "updated_by"})


def differing_fields(local: dict[str, Any] | None, remote: dict[str, Any] | None) -> list[str]:
    """Field names whose values differ (bookkeeping columns left out), in column order."""
    if local is None or remote is None:
        return []
    names = list(dict.fromkeys([*local, *remote]))
    return [n for n in names if n not in META_FIELDS and local.get(n) != remote.get(n)]


def resolve_conflict(
    session: Session,
    conflict: SyncConflict,
    choice: str,
    merged_fields: list[str] | None,
    actor_name: str,
    now: datetime,
) -> None:
    """Write the chosen state of the record and mark the conflict resolved."""
    if choice not in CHOICES:
        raise JeugdtoegangError("Kies 'mine' (mijn versie), 'theirs' (hun versie) of 'merge'.")
    table = syncable_tables()[conflict.table_name]
    record_id = conflict.record_id
    # "mine" is what this database has now (it may have changed since the conflict arose)
    local = load_states(session, table, [record_id]).get(record_id) or LocalState()
    conflict.local_version = local.version if local.known else None
    conflict.local_data = local.data
    remote = conflict.remote_data
    remote_row = LogRow(
        table=table.name,
        record_id=record_id,
        version=int(conflict.remote_version or 0),
        data=remote,
        created_at=conflict.remote_updated_at or now,
        created_by=conflict.remote_updated_by or "onbekend",
        origin=conflict.remote_origin,
    )
    rows: list[LogRow] = []
    operations: list[str] = []
    if choice == "theirs":
        write_state(session, table, record_id, remote, local.exists)
        rows.append(remote_row)
        operations.append(_operation(remote, local.exists))
    elif local.known:
        final = _final_data(conflict, choice, merged_fields)
        version = max(local.version or 0, remote_row.version) + 1
        if final is not None:
            final = {**final, "version": version, "updated_at": now.isoformat()}
            final["updated_by"] = actor_name
        rows += [remote_row, LogRow(table.name, record_id, version, final, now, actor_name, None)]
        operations += [_operation(remote, True), _operation(final, local.exists)]
        write_state(session, table, record_id, final, local.exists)
    elif choice == "merge":
        raise JeugdtoegangError("Samenvoegen kan niet: dit gegeven bestaat hier niet.")
    write_log(session, rows, operations)
    conflict.status = "resolved"
    conflict.resolution = choice
    conflict.resolved_by = actor_name
    conflict.resolved_at = now
    conflict.updated_by = actor_name
    conflict.updated_at = now


def _operation(data: dict[str, Any] | None, existed: bool) -> str:
    if data is None:
        return "delete"
    return "update" if existed else "insert"


def _final_data(
    conflict: SyncConflict, choice: str, merged_fields: list[str] | None
) -> dict[str, Any] | None:
    mine = conflict.local_data
    if choice == "mine":
        return None if mine is None else dict(mine)
    theirs = conflict.remote_data
    if mine is None or theirs is None:
        raise JeugdtoegangError(
            "Samenvoegen kan niet: aan één kant is het gegeven verwijderd. Kies mijn of hun versie."
        )
    unknown = set(merged_fields or ()) - set(theirs)
    if unknown or set(merged_fields or ()) & META_FIELDS:
        raise JeugdtoegangError(
            f"Onbekend veld om over te nemen: {sorted(unknown)[0] if unknown else 'id'}."
        )
    merged = dict(mine)
    for name in merged_fields or ():
        merged[name] = theirs[name]
    return merged


def record_title(table_name: str, data: dict[str, Any] | None, record_id: uuid.UUID) -> str:
    """A short human name for a record in a conflict list."""
    if data:
        if table_name == "person":
            parts = (data.get("first_name"), data.get("tussenvoegsel"), data.get("surname"))
            return " ".join(str(p) for p in parts if p)
        for key in ("name", "title", "dossier_number", "product_name"):
            if data.get(key):
                return str(data[key])
    return str(record_id)[:8]
