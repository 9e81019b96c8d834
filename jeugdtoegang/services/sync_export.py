"""Sync export: write what a peer has not received yet as a signed bundle (or, for the
analyst, as a pseudonymised SQLite copy).
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.gc_pause import paused_gc
from jeugdtoegang.progress import CancelToken, Progress, run_to_end
from jeugdtoegang.services.authz import guard
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.sync_peers import database_name, new_peer, require_sync
from jeugdtoegang.storage import sync_queries
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.migrate import script_heads
from jeugdtoegang.sync.analyst import pseudonymise
from jeugdtoegang.sync.bundle import write_bundle
from jeugdtoegang.sync.crypto import load_signing_key
from jeugdtoegang.sync.export import Collected, collect_changes
from jeugdtoegang.sync.keys import load_key
from jeugdtoegang.sync.sqlite_export import write_sqlite

FORMATS = ("zip", "sqlite")


@dataclass(frozen=True)
class ExportResult:
    path: Path
    peer: str
    format: str
    seq_from: int
    seq_to: int
    record_count: int
    record_counts: dict[str, int]


def _audit_anchor(ctx: AppContext) -> dict[str, Any] | None:
    try:
        audit = importlib.import_module("jeugdtoegang.services.audit")
    except ImportError:
        return None
    anchor = getattr(audit, "latest_anchor", None)
    return anchor(ctx) if anchor is not None else None


def export_bundle_task(
    ctx: AppContext,
    peer: str,
    path: Path | str,
    fmt: str = "zip",
    cancel: CancelToken | None = None,
    *,
    since_seq: int | None = None,
    tables: frozenset[str] | None = None,
) -> Generator[Progress, None, ExportResult]:
    """Write everything ``peer`` has not received yet to ``path``.

    ``fmt='zip'`` writes the signed bundle and counts as delivered (the peer's
    ``last_exported_seq`` moves on); ``fmt='sqlite'`` writes the analyst's copy of the
    same changes and leaves the peer's state alone. ``since_seq`` re-sends from there.

    The analyst's copy is a beheerder's action (EXPORT), limited to ``tables`` (default:
    every table an analyst may have, see ``sync.analyst``), pseudonymised (no BSN, no
    names, no free text), readable by the user only (mode 0600) and audited.
    """
    require_sync(ctx)
    if fmt not in FORMATS:
        raise JeugdtoegangError(f"Onbekend formaat '{fmt}'; kies zip of sqlite.")
    peer = peer.strip()
    if not peer:
        raise JeugdtoegangError("Geef de naam van de partner (bijvoorbeeld 'kantoor').")
    target = Path(path)
    if fmt == "sqlite":
        # the analyst's copy: beheerder only, limited and pseudonymised (services.analyst)
        guard(ctx, Permission.EXPORT)
    key = load_key() if fmt == "zip" else None
    signing_key = load_signing_key(ctx.database.database_id) if key is not None else None
    anchor = _audit_anchor(ctx)
    yield Progress(0, 3, "Wijzigingen verzamelen")
    # the collector would walk the whole heap for every burst of rows (see gc_pause)
    with paused_gc(), ctx.uow() as uow:
        session = uow.session
        info = sync_queries.database_info(session)
        row = sync_queries.peer_by_name(session, peer) or new_peer(peer, ctx.actor.username)
        if row.id is None:
            session.add(row)
        start = row.last_exported_seq if since_seq is None else max(since_seq, 0)
        collected: Collected | None = None
        for item in collect_changes(
            session,
            since_seq=start,
            own_database_id=info.id,
            exclude_origin=row.peer_database_id,
            cancel=cancel,
        ):
            if isinstance(item, Progress):
                yield Progress(1, 3, item.label)
            else:
                collected = item
        assert collected is not None
        if collected.seq_to < start:
            collected = Collected(collected.seq_to + 1, collected.seq_to, [], [])
        if cancel is not None:
            cancel.raise_if_cancelled()
        yield Progress(2, 3, "Bundel schrijven")
        manifest = {
            "source_database_id": str(info.id),
            "source_name": database_name(info),
            "region": info.region_slug,
            "target_name": peer,
            "target_database_id": str(row.peer_database_id) if row.peer_database_id else None,
            "seq_from": collected.seq_from,
            "seq_to": collected.seq_to,
            "created_at": utcnow().isoformat(),
            "created_by": ctx.actor.username,
            "schema": sorted(script_heads()),
            "audit_anchor": anchor,
        }
        if key is not None and signing_key is not None:
            written = write_bundle(target, manifest, collected.changes, key, signing_key)
            row.last_exported_seq = max(row.last_exported_seq, collected.seq_to)
            row.last_exchange_at = utcnow()
            row.updated_by = ctx.actor.username
        else:
            written = write_sqlite(target, manifest, pseudonymise(collected.changes, tables))
            os.chmod(target, 0o600)
        uow.log_access(
            "exporteren",
            "sync_bundle",
            None,
            collected.person_ids,
            f"synchronisatie naar '{peer}' ({fmt}, wijzigingen "
            f"{collected.seq_from}-{collected.seq_to})",
        )
        uow.commit()
    yield Progress(3, 3, "Klaar")
    return ExportResult(
        path=target,
        peer=peer,
        format=fmt,
        seq_from=collected.seq_from,
        seq_to=collected.seq_to,
        record_count=int(written["change_count"]),
        record_counts=dict(written["record_counts"]),
    )


def export_bundle(
    ctx: AppContext,
    peer: str,
    path: Path | str,
    fmt: str = "zip",
    *,
    since_seq: int | None = None,
    tables: frozenset[str] | None = None,
) -> ExportResult:
    """Export for ``peer`` without progress reporting (CLI, tests)."""
    return run_to_end(export_bundle_task(ctx, peer, path, fmt, since_seq=since_seq, tables=tables))
