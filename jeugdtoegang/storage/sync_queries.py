"""The reads behind the sync use cases (``services/sync_*.py``): this database's identity,
the peers it exchanges with, what a peer has not received yet, and the conflicts."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.meta import DatabaseInfo
from jeugdtoegang.storage.models.sync import SyncConflict, SyncPeer

_LOG = ChangeLogEntry.__table__


def database_info(session: Session) -> DatabaseInfo:
    """This database's own row (there is exactly one)."""
    return session.execute(select(DatabaseInfo)).scalar_one()


def peer_by_name(session: Session, name: str) -> SyncPeer | None:
    """The peer with this name, or None."""
    return session.execute(select(SyncPeer).where(SyncPeer.name == name)).scalar_one_or_none()


def peer_by_database(session: Session, database_id: uuid.UUID) -> SyncPeer | None:
    """The peer linked to this database id, or None."""
    return session.execute(
        select(SyncPeer).where(SyncPeer.peer_database_id == database_id)
    ).scalar_one_or_none()


def peers_by_name(session: Session) -> Sequence[SyncPeer]:
    """Every peer, by name."""
    return session.execute(select(SyncPeer).order_by(SyncPeer.name)).scalars().all()


def peer_names(session: Session) -> dict[uuid.UUID, str]:
    """Database id → peer name, for the peers linked to a database."""
    rows = session.execute(select(SyncPeer.peer_database_id, SyncPeer.name))
    return {db_id: name for db_id, name in rows if db_id is not None}


def pending_count(
    session: Session,
    after_seq: int,
    tables: Collection[str],
    exclude_origin: uuid.UUID | None,
) -> int:
    """Change-log entries of ``tables`` after ``after_seq``, not those that came from
    ``exclude_origin`` (a peer is never sent its own changes back)."""
    query = select(func.count()).where(_LOG.c.seq > after_seq, _LOG.c.table_name.in_(tables))
    if exclude_origin is not None:
        query = query.where((_LOG.c.origin_db.is_(None)) | (_LOG.c.origin_db != exclude_origin))
    return int(session.execute(query).scalar_one())


def conflicts_oldest_first(session: Session, include_resolved: bool) -> Sequence[SyncConflict]:
    """Open conflicts (with ``include_resolved`` also the settled ones), oldest first."""
    query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
    if not include_resolved:
        query = query.where(SyncConflict.status == "open")
    return session.execute(query).scalars().all()
