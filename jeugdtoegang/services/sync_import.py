"""Sync import: verify a bundle completely (format, key, signature, hashes, region,
sequence continuity, the sender's rights) before one write transaction applies it all;
and a new workstation's first import from the office (:func:`join_office`).
"""

from __future__ import annotations

import uuid
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.gc_pause import paused_gc
from jeugdtoegang.progress import CancelToken, Progress, run_to_end
from jeugdtoegang.regions.loader import load_profile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.sync_peers import new_peer, require_sync
from jeugdtoegang.storage import sync_queries
from jeugdtoegang.storage.audit_anchors import keep_remote_anchor
from jeugdtoegang.storage.audit_writer import append_audit_entries
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.meta import DatabaseInfo
from jeugdtoegang.storage.models.sync import SyncPeer
from jeugdtoegang.storage.uow import AccessRecord
from jeugdtoegang.sync import crypto, trust
from jeugdtoegang.sync.bundle import Bundle, SignerCheck, read_bundle
from jeugdtoegang.sync.errors import SyncError, SyncKeyError
from jeugdtoegang.sync.importer import ApplyResult, apply_bundle
from jeugdtoegang.sync.keys import load_key
from jeugdtoegang.sync.tables import syncable_tables

REFUSED = "geweigerd"


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


def _check_for_us(ctx: AppContext, bundle: Bundle) -> tuple[DatabaseInfo, SyncPeer | None]:
    """Region, destination and origin checks that need this database (reads only)."""
    with ctx.uow(readonly=True) as uow:
        info = sync_queries.database_info(uow.session)
        source = uuid.UUID(bundle.source_database_id)
        peer = sync_queries.peer_by_database(uow.session, source)
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
    require_sync(ctx)
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
        row = sync_queries.peer_by_database(session, source)
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
    existing = sync_queries.peer_by_name(session, wanted)
    if existing is not None and existing.peer_database_id is None:
        existing.peer_database_id = source
        existing.updated_by = actor
        return existing
    if existing is not None:
        wanted = f"{wanted} ({str(source)[:8]})"
    peer = new_peer(wanted, actor, source)
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
