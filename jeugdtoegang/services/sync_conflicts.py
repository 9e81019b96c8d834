"""Sync conflicts: list, show and settle them; the records' values only for whoever may
edit the dossier (others see which fields differ, masked).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import may_see_conflict_data
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError, PermissionDeniedError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.sync_peers import require_sync
from jeugdtoegang.storage import sync_queries
from jeugdtoegang.storage.access import household_teams
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.sync import SyncConflict
from jeugdtoegang.sync import resolve
from jeugdtoegang.sync.records import LocalState, load_states
from jeugdtoegang.sync.tables import syncable_tables


@dataclass(frozen=True)
class ConflictView:
    id: uuid.UUID
    table_name: str
    record_id: uuid.UUID
    title: str
    local_version: int | None
    local_data: dict[str, Any] | None
    remote_version: int | None
    remote_data: dict[str, Any] | None
    remote_updated_by: str | None
    remote_updated_at: datetime | None
    source_name: str
    reason: str
    status: str
    resolution: str | None
    differing_fields: tuple[str, ...]


def _current_local(session: Session, conflict: SyncConflict) -> LocalState:
    table = syncable_tables()[conflict.table_name]
    found = load_states(session, table, [conflict.record_id])
    return found.get(conflict.record_id) or LocalState()


def _conflict_view(
    conflict: SyncConflict, names: dict[uuid.UUID, str], local: LocalState | None = None
) -> ConflictView:
    """The conflict as shown: for an open one, "mine" is the record as it is now."""
    if local is not None and conflict.status == "open":
        local_version = local.version if local.known else None
        local_data = local.data
    else:
        local_version, local_data = conflict.local_version, conflict.local_data
    data = local_data or conflict.remote_data
    return ConflictView(
        id=conflict.id,
        table_name=conflict.table_name,
        record_id=conflict.record_id,
        title=resolve.record_title(conflict.table_name, data, conflict.record_id),
        local_version=local_version,
        local_data=local_data,
        remote_version=conflict.remote_version,
        remote_data=conflict.remote_data,
        remote_updated_by=conflict.remote_updated_by,
        remote_updated_at=conflict.remote_updated_at,
        source_name=names.get(conflict.source_database_id, str(conflict.source_database_id)[:8]),
        reason=conflict.reason,
        status=conflict.status,
        resolution=conflict.resolution,
        differing_fields=tuple(resolve.differing_fields(local_data, conflict.remote_data)),
    )


def _dossier_team(session: Session, view: ConflictView) -> str | None:
    """The team of the dossier a conflicting record belongs to (None when it has none)."""
    data = view.local_data or view.remote_data or {}
    if view.table_name == "household":
        household_id: Any = view.record_id
    else:
        household_id = data.get("household_id")
    if not household_id:
        return None
    try:
        key = household_id if isinstance(household_id, uuid.UUID) else uuid.UUID(str(household_id))
    except ValueError:
        return None
    return household_teams(session, {key}).get(key)


def _masked(view: ConflictView) -> ConflictView:
    """The conflict without the records' values: which record and which fields differ."""
    hidden = "(afgeschermd)"
    return replace(
        view,
        title=f"Gegeven {str(view.record_id)[:8]} {hidden}",
        local_data={k: hidden for k in view.local_data} if view.local_data else view.local_data,
        remote_data={k: hidden for k in view.remote_data} if view.remote_data else view.remote_data,
    )


def _as_seen_by(ctx: AppContext, session: Session, view: ConflictView) -> ConflictView:
    if may_see_conflict_data(ctx.actor, _dossier_team(session, view)):
        return view
    return _masked(view)


def _people_shown(views: list[ConflictView]) -> list[uuid.UUID]:
    return [
        v.record_id
        for v in views
        if v.table_name == "person" and not v.title.endswith("(afgeschermd)")
    ]


def list_conflicts(ctx: AppContext, *, include_resolved: bool = False) -> list[ConflictView]:
    """Open conflicts (oldest first); with ``include_resolved`` also the settled ones.

    The records' values are shown only to whoever may edit the dossier
    (:func:`~jeugdtoegang.domain.authz.may_see_conflict_data`); others see them masked.
    """
    with ctx.uow(readonly=True) as uow:
        conflicts = sync_queries.conflicts_oldest_first(uow.session, include_resolved)
        names = sync_queries.peer_names(uow.session)
        views = [
            _as_seen_by(ctx, uow.session, _conflict_view(c, names, _current_local(uow.session, c)))
            for c in conflicts
        ]
        if views:
            uow.log_access(
                "inzien", "sync_conflict", None, _people_shown(views), "conflicten bekijken"
            )
        return views


def get_conflict(ctx: AppContext, conflict_id: uuid.UUID) -> ConflictView:
    with ctx.uow(readonly=True) as uow:
        conflict = uow.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFoundError("Dit conflict bestaat niet (meer).")
        local = _current_local(uow.session, conflict)
        view = _as_seen_by(
            ctx, uow.session, _conflict_view(conflict, sync_queries.peer_names(uow.session), local)
        )
        uow.log_access(
            "inzien", "sync_conflict", conflict_id, _people_shown([view]), "conflict bekijken"
        )
        return view


def resolve_conflict(
    ctx: AppContext,
    conflict_id: uuid.UUID,
    choice: str,
    merged_fields: list[str] | None = None,
) -> ConflictView:
    """Settle a conflict: 'mine', 'theirs', or 'merge' (``merged_fields`` taken from
    theirs, the rest mine). The result is a normal change that syncs to the others."""
    require_sync(ctx)
    with ctx.uow() as uow:
        conflict = uow.get(SyncConflict, conflict_id)
        if conflict is None:
            raise NotFoundError("Dit conflict bestaat niet (meer).")
        if conflict.status != "open":
            raise JeugdtoegangError("Dit conflict is al opgelost.")
        seen = _conflict_view(conflict, {}, _current_local(uow.session, conflict))
        if not may_see_conflict_data(ctx.actor, _dossier_team(uow.session, seen)):
            raise PermissionDeniedError(
                "Dit conflict gaat over een dossier dat u niet mag wijzigen. Een consulent "
                "van het team van dit dossier kan het oplossen."
            )
        try:
            with uow.session.begin_nested():
                resolve.resolve_conflict(
                    uow.session, conflict, choice, merged_fields, ctx.actor.username, utcnow()
                )
        except IntegrityError as error:
            raise JeugdtoegangError(
                "Deze keuze kan niet worden opgeslagen: het gegeven botst met andere gegevens "
                "in deze database (bijvoorbeeld een dubbel BSN, of er hangen nog gegevens aan)."
            ) from error
        people = [conflict.record_id] if conflict.table_name == "person" else []
        uow.log_access("conflict_oplossen", conflict.table_name, conflict.record_id, people, choice)
        uow.commit()
    return get_conflict(ctx, conflict_id)
