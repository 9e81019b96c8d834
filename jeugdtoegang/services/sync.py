"""Use cases for sync: export and import bundles, peers, pending changes, conflicts.

Export and import are progress generators (``*_task``) for the GUI; ``export_bundle`` and
``import_bundle`` run them to the end for the CLI and tests. An import verifies the whole
bundle (format, key, signature, hashes, region, sequence continuity) before it opens a
write transaction; then all changes are applied in that one transaction.
"""

from __future__ import annotations

import importlib
import os
import uuid
from collections.abc import Generator
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission, can, may_see_conflict_data
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError, PermissionDeniedError
from jeugdtoegang.gc_pause import paused_gc
from jeugdtoegang.progress import CancelToken, Progress, run_to_end
from jeugdtoegang.regions.loader import load_profile
from jeugdtoegang.services.authz import guard
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.access import household_teams
from jeugdtoegang.storage.audit_anchors import keep_remote_anchor
from jeugdtoegang.storage.audit_writer import append_audit_entries
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.migrate import script_heads
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.meta import DatabaseInfo
from jeugdtoegang.storage.models.sync import SyncConflict, SyncPeer
from jeugdtoegang.storage.uow import AccessRecord
from jeugdtoegang.sync import crypto, resolve, trust
from jeugdtoegang.sync.analyst import pseudonymise
from jeugdtoegang.sync.bundle import Bundle, SignerCheck, read_bundle, write_bundle
from jeugdtoegang.sync.crypto import load_signing_key
from jeugdtoegang.sync.errors import SyncError, SyncKeyError
from jeugdtoegang.sync.export import Collected, collect_changes
from jeugdtoegang.sync.importer import ApplyResult, apply_bundle
from jeugdtoegang.sync.keys import load_key
from jeugdtoegang.sync.records import LocalState, load_states
from jeugdtoegang.sync.sqlite_export import write_sqlite
from jeugdtoegang.sync.tables import syncable_tables

FORMATS = ("zip", "sqlite")
REFUSED = "geweigerd"
_LOG = ChangeLogEntry.__table__


@dataclass(frozen=True)
class PeerRow:
    id: uuid.UUID
    name: str
    peer_database_id: uuid.UUID | None
    last_exported_seq: int
    last_imported_seq: int
    last_exchange_at: datetime | None
    pending: int


@dataclass(frozen=True)
class ExportResult:
    path: Path
    peer: str
    format: str
    seq_from: int
    seq_to: int
    record_count: int
    record_counts: dict[str, int]


@dataclass(frozen=True)
class ImportResult:
    path: Path
    source_name: str
    source_database_id: uuid.UUID
    seq_from: int
    seq_to: int
    applied: int
    unchanged: int
    conflicts: int
    already_imported: bool


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


def _require_sync(ctx: AppContext) -> None:
    """Sync is for whoever edits dossiers offline (their own work), a team lead who reviews
    offline (approvals only: ``domain.sync_rules`` refuses anything else from a team
    lead's workstation) or whoever has the SYNC right."""
    if not (can(ctx.actor, Permission.DOSSIER_EDIT) or can(ctx.actor, Permission.APPROVE)):
        guard(ctx, Permission.SYNC)


def _database_name(info: DatabaseInfo) -> str:
    return info.team_name or info.municipality or f"database {str(info.id)[:8]}"


def _peer_by_name(session: Session, name: str) -> SyncPeer | None:
    return session.execute(select(SyncPeer).where(SyncPeer.name == name)).scalar_one_or_none()


def _new_peer(name: str, actor: str, database_id: uuid.UUID | None = None) -> SyncPeer:
    return SyncPeer(
        name=name,
        peer_database_id=database_id,
        last_exported_seq=0,
        last_imported_seq=0,
        created_by=actor,
        updated_by=actor,
    )


def _audit_anchor(ctx: AppContext) -> dict[str, Any] | None:
    try:
        audit = importlib.import_module("jeugdtoegang.services.audit")
    except ImportError:
        return None
    anchor = getattr(audit, "latest_anchor", None)
    return anchor(ctx) if anchor is not None else None


# --- export -------------------------------------------------------------------------------


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
    _require_sync(ctx)
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
        info = session.execute(select(DatabaseInfo)).scalar_one()
        row = _peer_by_name(session, peer) or _new_peer(peer, ctx.actor.username)
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
            "source_name": _database_name(info),
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


# --- import -------------------------------------------------------------------------------


def _check_for_us(ctx: AppContext, bundle: Bundle) -> tuple[DatabaseInfo, SyncPeer | None]:
    """Region, destination and origin checks that need this database (reads only)."""
    with ctx.uow(readonly=True) as uow:
        info = uow.session.execute(select(DatabaseInfo)).scalar_one()
        source = uuid.UUID(bundle.source_database_id)
        peer = uow.session.execute(
            select(SyncPeer).where(SyncPeer.peer_database_id == source)
        ).scalar_one_or_none()
    region = bundle.manifest["region"]
    if region != info.region_slug:
        raise SyncError(
            f"Deze bundel hoort bij regio '{region}'; deze database bij regio '{info.region_slug}'."
        )
    if source == info.id:
        raise SyncError("Deze bundel komt uit deze database zelf.")
    target = bundle.manifest.get("target_database_id")
    if target and target != str(info.id):
        raise SyncError(
            f"Deze bundel is gemaakt voor een andere database "
            f"('{bundle.manifest.get('target_name', '?')}')."
        )
    unknown = {c.table for c in bundle.changes} - set(syncable_tables())
    if unknown:
        raise SyncError(
            f"De bundel bevat gegevens ({sorted(unknown)[0]}) die deze versie niet kent. "
            "Werk jeugdtoegang bij."
        )
    columns = {name: set(table.columns.keys()) for name, table in syncable_tables().items()}
    for change in bundle.changes:
        if change.data is not None:
            extra = change.data.keys() - columns[change.table]
            if extra or "id" not in change.data or change.data["id"] != change.id:
                raise SyncError(
                    f"De bundel bevat een gegeven van '{change.table}' dat niet bij deze "
                    "versie past. Werk jeugdtoegang bij."
                )
    return info, peer


def _check_continuity(bundle: Bundle, peer: SyncPeer | None, source_name: str) -> int:
    """The sequence number after which this bundle's changes are new; refuses a gap."""
    last = peer.last_imported_seq if peer is not None else 0
    if bundle.seq_from > last + 1:
        raise SyncError(
            f"Er ontbreken wijzigingen {last + 1} t/m {bundle.seq_from - 1} van "
            f"'{source_name}'. Lees eerst de bundel met die wijzigingen in (of vraag "
            "een nieuwe export vanaf dat punt)."
        )
    return last


def _signer_check(
    ctx: AppContext, trust_fingerprint: str | None, verdict: dict[str, Any]
) -> SignerCheck:
    """Look the signer up in the register of enrolled workstations (see module doc)."""

    def check(source: uuid.UUID, public_key: str) -> str:
        with ctx.uow(readonly=True) as uow:
            row = trust.enrolled_workstation(uow.session, source)
            if row is not None:
                if row.status != "actief":
                    raise SyncError(
                        f"Deze bundel komt van werkplek '{row.name}', die is ingetrokken. "
                        "Bundels van een ingetrokken werkplek worden geweigerd."
                    )
                if row.public_key != public_key:
                    raise SyncError(
                        f"Deze bundel is ondertekend met een andere sleutel dan werkplek "
                        f"'{row.name}' heeft ingeschreven."
                    )
                verdict["authority"] = row.kind == "kantoor"
                verdict["roles"] = frozenset(
                    Role(r) for r in row.roles if r in Role._value2member_map_
                )
                return row.public_key
            first_contact = trust.enrolled_workstation(uow.session, ctx.database.database_id)
        shown = crypto.fingerprint(public_key)
        if trust_fingerprint is not None and first_contact is None:
            if crypto.normalise_fingerprint(trust_fingerprint) != shown:
                raise SyncError(
                    f"De vingerafdruk van de afzender is {shown}, niet de opgegeven. "
                    "Vraag de beheerder op kantoor om de juiste."
                )
            if not can(ctx.actor, Permission.USERS_MANAGE):
                raise SyncError("Alleen de beheerder mag een nieuwe afzender vertrouwen.")
            verdict["authority"] = True
            return public_key
        raise SyncError(
            "Deze bundel komt van een werkplek die hier niet is ingeschreven (vingerafdruk "
            f"{shown}). De beheerder schrijft werkplekken in op kantoor; een nieuwe werkplek "
            "leest de eerste bundel van kantoor in met --vertrouw VINGERAFDRUK."
        )

    return check


def _log_refused(ctx: AppContext, path: Path, error: SyncError) -> None:
    """Write one "geweigerd" audit entry for a refused bundle (its own transaction)."""
    record = AccessRecord(
        action="bundel_geweigerd",
        object_type="sync_bundle",
        object_id=None,
        person_ids=(),
        purpose=f"{path.name}: {error.reason}"[:500],
        outcome=REFUSED,
    )
    with ctx.database.write_sessions() as session:
        session.info["actor"] = ctx.actor
        append_audit_entries(session, ctx.actor, [record])
        session.commit()


def import_bundle_task(
    ctx: AppContext,
    path: Path | str,
    cancel: CancelToken | None = None,
    *,
    peer_name: str | None = None,
    trust_fingerprint: str | None = None,
) -> Generator[Progress, None, ImportResult]:
    """Verify and apply a bundle (nothing is written unless every check passes).

    A refused bundle is logged in the audit log ("bundel_geweigerd", with the reason);
    the data stay exactly as they were.
    """
    _require_sync(ctx)
    path = Path(path)
    try:
        with paused_gc():  # a bulk step: see jeugdtoegang.gc_pause
            result = yield from _import(ctx, path, cancel, peer_name, trust_fingerprint)
    except SyncError as error:
        if not isinstance(error, SyncKeyError) and path.is_file():
            _log_refused(ctx, path, error)
        raise
    return result


def _import(
    ctx: AppContext,
    path: Path,
    cancel: CancelToken | None,
    peer_name: str | None,
    trust_fingerprint: str | None,
) -> Generator[Progress, None, ImportResult]:
    key = load_key()
    yield Progress(0, 4, "Bundel controleren")
    verdict: dict[str, Any] = {"authority": False, "roles": None}
    bundle = read_bundle(path, key, _signer_check(ctx, trust_fingerprint, verdict))
    info, peer = _check_for_us(ctx, bundle)
    source = uuid.UUID(bundle.source_database_id)
    source_name = peer.name if peer is not None else str(bundle.manifest.get("source_name"))
    last = _check_continuity(bundle, peer, source_name)
    municipalities = _municipalities(info.region_slug)
    with ctx.uow(readonly=True) as uow:
        had_accounts = trust.has_accounts(uow.session)
        problems = trust.check_changes(
            uow.session,
            [c for c in bundle.changes if c.seq > last],
            authority=verdict["authority"],
            municipalities=municipalities,
            workstation_roles=verdict["roles"],
        )
    if problems:
        raise trust.refuse(problems)

    def result(applied: ApplyResult | None) -> ImportResult:
        return ImportResult(
            path=path,
            source_name=source_name,
            source_database_id=source,
            seq_from=bundle.seq_from,
            seq_to=bundle.seq_to,
            applied=applied.applied if applied else 0,
            unchanged=applied.unchanged if applied else 0,
            conflicts=applied.conflicts if applied else 0,
            already_imported=applied is None,
        )

    if bundle.seq_to <= last:
        yield Progress(4, 4, "Al eerder ingelezen")
        return result(None)
    if cancel is not None:
        cancel.raise_if_cancelled()
    yield Progress(1, 4, "Wijzigingen verwerken")
    with ctx.uow() as uow:
        session = uow.session
        session.info["sync_apply"] = True
        session.info["origin_db"] = source
        row = session.execute(
            select(SyncPeer).where(SyncPeer.peer_database_id == source)
        ).scalar_one_or_none()
        last = _check_continuity(bundle, row, source_name)  # again, inside the lock
        if row is None:
            row = _link_peer(session, peer_name, bundle, ctx.actor.username)
        applied: ApplyResult | None = None
        for item in apply_bundle(
            session,
            bundle,
            after_seq=last,
            own_database_id=info.id,
            actor_name=ctx.actor.username,
            cancel=cancel,
        ):
            if isinstance(item, Progress):
                yield Progress(1 + 2 * item.done // max(item.total, 1), 4, item.label)
            else:
                applied = item
        assert applied is not None
        if had_accounts and trust.active_administrators(session) == 0:
            raise SyncError(
                "De bundel is geweigerd: na het inlezen zou deze database geen actieve "
                "beheerder meer hebben. Er is niets overgenomen."
            )
        row.last_imported_seq = bundle.seq_to
        row.last_exchange_at = utcnow()
        row.updated_by = ctx.actor.username
        row.updated_at = utcnow()
        uow.log_access(
            "importeren",
            "sync_bundle",
            None,
            applied.person_ids,
            f"synchronisatie van '{source_name}' (wijzigingen {last + 1}-{bundle.seq_to})",
        )
        if cancel is not None:
            cancel.raise_if_cancelled()
        # the office keeps and compares the workstation's audit anchor (issue 15)
        keep_remote_anchor(uow, source, bundle.manifest.get("audit_anchor"), source_name)
        uow.commit()
    yield Progress(4, 4, "Klaar")
    return result(applied)


def _link_peer(session: Session, name: str | None, bundle: Bundle, actor: str) -> SyncPeer:
    """The peer row for a source seen for the first time (named, or linked by name)."""
    source = uuid.UUID(bundle.source_database_id)
    wanted = (name or str(bundle.manifest.get("source_name") or "")).strip()
    wanted = wanted[:90] or f"database {str(source)[:8]}"
    existing = _peer_by_name(session, wanted)
    if existing is not None and existing.peer_database_id is None:
        existing.peer_database_id = source
        existing.updated_by = actor
        return existing
    if existing is not None:
        wanted = f"{wanted} ({str(source)[:8]})"
    peer = _new_peer(wanted, actor, source)
    session.add(peer)
    session.flush()
    return peer


def import_bundle(
    ctx: AppContext,
    path: Path | str,
    *,
    peer_name: str | None = None,
    trust_fingerprint: str | None = None,
) -> ImportResult:
    """Import without progress reporting (CLI, tests)."""
    return run_to_end(
        import_bundle_task(ctx, path, peer_name=peer_name, trust_fingerprint=trust_fingerprint)
    )


def _municipalities(region_slug: str) -> frozenset[str] | None:
    """The names of the region's municipalities (None: the profile cannot be loaded)."""
    try:
        profile = load_profile(region_slug)
    except Exception:
        return None
    return frozenset(m.name for m in profile.municipalities)


# --- peers and conflicts -----------------------------------------------------------------


def _pending(session: Session, peer: SyncPeer) -> int:
    syncable = list(syncable_tables())
    query = select(func.count()).where(
        _LOG.c.seq > peer.last_exported_seq, _LOG.c.table_name.in_(syncable)
    )
    if peer.peer_database_id is not None:
        query = query.where(
            (_LOG.c.origin_db.is_(None)) | (_LOG.c.origin_db != peer.peer_database_id)
        )
    return int(session.execute(query).scalar_one())


def list_peers(ctx: AppContext) -> list[PeerRow]:
    """The databases we exchange with, with their last exchange and pending changes."""
    with ctx.uow(readonly=True) as uow:
        peers = uow.session.execute(select(SyncPeer).order_by(SyncPeer.name)).scalars().all()
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
        row = _peer_by_name(uow.session, peer) or _new_peer(peer, ctx.actor.username)
        return _pending(uow.session, row)


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


def _peer_names(session: Session) -> dict[uuid.UUID, str]:
    rows = session.execute(select(SyncPeer.peer_database_id, SyncPeer.name))
    return {db_id: name for db_id, name in rows if db_id is not None}


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
        query = select(SyncConflict).order_by(SyncConflict.created_at, SyncConflict.id)
        if not include_resolved:
            query = query.where(SyncConflict.status == "open")
        conflicts = uow.session.execute(query).scalars().all()
        names = _peer_names(uow.session)
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
            ctx, uow.session, _conflict_view(conflict, _peer_names(uow.session), local)
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
    _require_sync(ctx)
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


# --- joining: a new workstation takes over the office's accounts -------------------------


def join_office(
    database: Database,
    path: Path | str,
    trust_fingerprint: str,
    username: str,
    password: str,
) -> tuple[Actor, ImportResult]:
    """First import on a new workstation (a database without accounts).

    The office's bundle must be signed by the key with ``trust_fingerprint`` (compared
    with what the office shows) and bring the accounts; the person logs in with a
    beheerder account *from that bundle* (its password hash is checked before anything is
    applied). Then the bundle is imported as that beheerder. Afterwards the workstation
    has the office's accounts, so every later start asks for a login.
    """
    from jeugdtoegang.services import auth

    if auth.has_users(database):
        raise JeugdtoegangError(
            "Deze database heeft al accounts; lees bundels in met 'jeugdtoegang sync import'."
        )
    path = Path(path)
    shown = crypto.normalise_fingerprint(trust_fingerprint)

    def check(_source: uuid.UUID, public_key: str) -> str:
        if crypto.fingerprint(public_key) != shown:
            raise SyncError(
                f"De vingerafdruk van de afzender is {crypto.fingerprint(public_key)}, niet "
                "de opgegeven. Vraag de beheerder op kantoor om de juiste."
            )
        return public_key

    bundle = read_bundle(path, load_key(), check)
    account = None
    for change in bundle.changes:
        data = change.data or {}
        if change.table == "app_user" and str(data.get("username", "")).casefold() == (
            username.strip().casefold()
        ):
            account = data
    if (
        account is None
        or not account.get("active")
        or Role.BEHEERDER.value not in (account.get("roles") or ())
        or not auth.verify_password(password, str(account.get("password_hash") or ""))
    ):
        raise SyncError(
            "Log in met een actief beheerdersaccount van kantoor (dat in deze bundel zit); "
            "de gebruikersnaam of het wachtwoord klopt niet."
        )
    actor = Actor(
        str(account["username"]),
        str(account.get("display_name") or account["username"]),
        frozenset(Role(r) for r in account["roles"] if r in Role._value2member_map_),
        team=account.get("team"),
    )
    ctx = AppContext(database, actor)
    return actor, import_bundle(ctx, path, peer_name="kantoor", trust_fingerprint=trust_fingerprint)
