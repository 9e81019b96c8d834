"""What a write left in the database, read back for comparing two ways of writing the same
thing (a fast path against the ORM path it replaces): the row, its change-log rows (with
the exact JSON text), its audit entries and table counts; and the helpers that make the
two sides comparable (leave columns out, map one side's ids onto the other's)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import String, Table, cast, func, select

from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models import AuditEntry
from jeugdtoegang.storage.models.changelog import ChangeLogEntry


def stored_row(ctx: AppContext, table: Table, record_id: uuid.UUID) -> dict[str, Any]:
    """The record's row as stored, every column."""
    with ctx.database.read_sessions() as session:
        row = session.execute(select(table).where(table.c.id == record_id)).one()
    return dict(row._mapping)


def change_rows(ctx: AppContext, record_id: uuid.UUID) -> list[dict[str, Any]]:
    """The record's change-log rows in order, each with its data as stored text."""
    log = ChangeLogEntry.__table__
    with ctx.database.read_sessions() as session:
        rows = session.execute(
            select(log, cast(log.c.data, String).label("text"))
            .where(log.c.record_id == record_id)
            .order_by(log.c.seq)
        ).all()
    return [dict(row._mapping) for row in rows]


def audit_entries(ctx: AppContext, object_id: uuid.UUID) -> list[dict[str, Any]]:
    """The audit entries about the object, in order."""
    table = AuditEntry.__table__
    with ctx.database.read_sessions() as session:
        rows = session.execute(
            select(table).where(table.c.object_id == object_id).order_by(table.c.seq)
        ).all()
    return [dict(row._mapping) for row in rows]


def row_counts(ctx: AppContext, *models: Any) -> tuple[int, ...]:
    """How many rows each model's table holds."""
    with ctx.database.read_sessions() as session:
        return tuple(
            session.execute(select(func.count()).select_from(model.__table__)).scalar_one()
            for model in models
        )


def without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


def renamed(value: Any, renames: dict[str, str]) -> Any:
    """``value`` with one side's ids (and texts holding them) as the other side's."""
    if isinstance(value, uuid.UUID):
        return uuid.UUID(renames.get(str(value), str(value)))
    if isinstance(value, str):
        for old, new in renames.items():
            value = value.replace(old, new)
        return value
    if isinstance(value, list | tuple):
        return type(value)(renamed(item, renames) for item in value)
    if isinstance(value, dict):
        return {key: renamed(item, renames) for key, item in value.items()}
    return value
