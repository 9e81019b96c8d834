"""Sync peers: who may sync, the databases we exchange with and what they have not received.

Shared by export, import and conflict resolution (``services/sync_*.py``); the statements
live in ``storage/sync_queries.py``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.services.authz import guard
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import sync_queries
from jeugdtoegang.storage.models.meta import DatabaseInfo
from jeugdtoegang.storage.models.sync import SyncPeer
from jeugdtoegang.sync.tables import syncable_tables


@dataclass(frozen=True)
class PeerRow:
    id: uuid.UUID
    name: str
    peer_database_id: uuid.UUID | None
    last_exported_seq: int
    last_imported_seq: int
    last_exchange_at: datetime | None
    pending: int


def require_sync(ctx: AppContext) -> None:
    """Sync is for whoever edits dossiers offline (their own work), a team lead who reviews
    offline (approvals only: ``domain.sync_rules`` refuses anything else from a team
    lead's workstation) or whoever has the SYNC right."""
    if not (can(ctx.actor, Permission.DOSSIER_EDIT) or can(ctx.actor, Permission.APPROVE)):
        guard(ctx, Permission.SYNC)


def database_name(info: DatabaseInfo) -> str:
    """How this database is named to its peers (team, municipality, or its id)."""
    return info.team_name or info.municipality or f"database {str(info.id)[:8]}"


def new_peer(name: str, actor: str, database_id: uuid.UUID | None = None) -> SyncPeer:
    """A peer row that has exchanged nothing yet (not added to any session)."""
    return SyncPeer(
        name=name,
        peer_database_id=database_id,
        last_exported_seq=0,
        last_imported_seq=0,
        created_by=actor,
        updated_by=actor,
    )


def _pending(session: Session, peer: SyncPeer) -> int:
    syncable = list(syncable_tables())
    return sync_queries.pending_count(
        session, peer.last_exported_seq, syncable, peer.peer_database_id
    )


def list_peers(ctx: AppContext) -> list[PeerRow]:
    """The databases we exchange with, with their last exchange and pending changes."""
    with ctx.uow(readonly=True) as uow:
        peers = sync_queries.peers_by_name(uow.session)
        return [
            PeerRow(
                id=p.id,
                name=p.name,
                peer_database_id=p.peer_database_id,
                last_exported_seq=p.last_exported_seq,
                last_imported_seq=p.last_imported_seq,
                last_exchange_at=p.last_exchange_at,
                pending=_pending(uow.session, p),
            )
            for p in peers
        ]


def pending_changes(ctx: AppContext, peer: str) -> int:
    """How many change-log entries ``peer`` has not been sent yet (all, for a new peer)."""
    with ctx.uow(readonly=True) as uow:
        row = sync_queries.peer_by_name(uow.session, peer) or new_peer(peer, ctx.actor.username)
        return _pending(uow.session, row)
