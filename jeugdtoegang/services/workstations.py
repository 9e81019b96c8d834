"""Workstation enrolment: this workstation's own key, and the register of trusted ones.

Flow: on the laptop, ``sync workstation request`` writes a small request file (database
id, name, public key) and shows its fingerprint; at the office the beheerder enrols it
(``sync workstation enrol FILE``) and compares the fingerprint shown there with the one on
the laptop. Revoking refuses the workstation's bundles from then on. The register syncs
(only a beheerder's change to it is accepted elsewhere).
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jeugdtoegang.atomic import atomic_file
from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError, NotFoundError
from jeugdtoegang.services.authz import guard
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import workstation_queries as wq
from jeugdtoegang.storage.base import utcnow
from jeugdtoegang.storage.models.sync_trust import SyncWorkstation
from jeugdtoegang.sync import crypto
from jeugdtoegang.sync.errors import SyncError

REQUEST_FORMAT = "jeugdtoegang-werkplek"
MAX_REQUEST_BYTES = 4096


@dataclass(frozen=True)
class Identity:
    """This workstation's own signing identity."""

    database_id: uuid.UUID
    name: str
    public_key: str
    fingerprint: str


@dataclass(frozen=True)
class WorkstationView:
    id: uuid.UUID
    name: str
    database_id: uuid.UUID
    fingerprint: str
    kind: str
    roles: tuple[str, ...]
    status: str
    enrolled_by: str
    enrolled_at: datetime
    revoked_at: datetime | None


def own_identity(ctx: AppContext) -> Identity:
    """This database's workstation key (made on first use) and its fingerprint."""
    with ctx.uow(readonly=True) as uow:
        info = wq.database_info(uow.session)
        name = info.team_name or info.municipality or f"werkplek {str(info.id)[:8]}"
        database_id = info.id
    key = crypto.load_signing_key(database_id)
    public = crypto.public_key_hex(key)
    return Identity(database_id, name, public, crypto.fingerprint(public))


def write_request(ctx: AppContext, path: Path | str, name: str | None = None) -> Identity:
    """Write the enrolment request file (public data only) for the beheerder."""
    me = own_identity(ctx)
    body = {
        "format": REQUEST_FORMAT,
        "database_id": str(me.database_id),
        "name": (name or me.name).strip()[:100],
        "public_key": me.public_key,
    }
    with atomic_file(Path(path)) as handle:
        handle.write(json.dumps(body, indent=1).encode())
    return Identity(me.database_id, body["name"], me.public_key, me.fingerprint)


def read_request(path: Path | str) -> Identity:
    path = Path(path)
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_REQUEST_BYTES + 1)
        if len(raw) > MAX_REQUEST_BYTES:
            raise ValueError("te groot")
        data = json.loads(raw)
        if data.get("format") != REQUEST_FORMAT:
            raise ValueError("formaat")
        database_id = uuid.UUID(str(data["database_id"]))
        name = str(data["name"]).strip()[:100]
        public = str(data["public_key"]).strip().lower()
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise JeugdtoegangError(
            f"'{path}' is geen geldig aanvraagbestand van een werkplek."
        ) from error
    crypto.check_public_key(public)
    if not name:
        raise JeugdtoegangError("De aanvraag noemt geen naam voor de werkplek.")
    return Identity(database_id, name, public, crypto.fingerprint(public))


def _view(row: SyncWorkstation) -> WorkstationView:
    return WorkstationView(
        id=row.id,
        name=row.name,
        database_id=row.database_id,
        fingerprint=row.fingerprint,
        kind=row.kind,
        roles=tuple(row.roles),
        status=row.status,
        enrolled_by=row.created_by,
        enrolled_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def _add(
    session: object, who: Identity, kind: str, roles: tuple[Role, ...] = ()
) -> SyncWorkstation:
    if kind == "kantoor":
        roles = tuple(r for r in Role if r is not Role.SYSTEEM)
    row = SyncWorkstation(
        name=who.name,
        database_id=who.database_id,
        public_key=who.public_key,
        fingerprint=who.fingerprint,
        kind=kind,
        roles=sorted(r.value for r in roles),
        status="actief",
    )
    session.add(row)  # type: ignore[attr-defined]
    return row


def enrol(
    ctx: AppContext,
    request: Identity,
    *,
    roles: tuple[Role, ...] = (Role.CONSULENT,),
    expected_fingerprint: str | None = None,
) -> WorkstationView:
    """Enrol a workstation (beheerder) for the work of ``roles`` (default: consultant).

    This database enrols itself as the office first.
    """
    guard(ctx, Permission.USERS_MANAGE)
    if not roles or Role.SYSTEEM in roles:
        raise JeugdtoegangError("Kies de rollen waarvan deze werkplek werk mag aanleveren.")
    if expected_fingerprint is not None and crypto.normalise_fingerprint(
        expected_fingerprint
    ) != crypto.normalise_fingerprint(request.fingerprint):
        raise SyncError(
            f"De vingerafdruk klopt niet: de aanvraag heeft {request.fingerprint}. "
            "Vergelijk met wat de werkplek zelf toont."
        )
    me = own_identity(ctx)
    with ctx.uow() as uow:
        session = uow.session
        if wq.workstation_by_database(session, me.database_id) is None:
            _add(session, me, "kantoor")
        if request.database_id == me.database_id:
            raise JeugdtoegangError("Deze database is als kantoor ingeschreven.")
        existing = wq.workstation_by_database(session, request.database_id)
        if existing is not None and existing.status == "actief":
            raise JeugdtoegangError(f"Werkplek '{existing.name}' is al ingeschreven.")
        if existing is not None:
            raise JeugdtoegangError(
                f"Werkplek '{existing.name}' is ingetrokken; een ingetrokken werkplek krijgt "
                "een nieuwe database en sleutel."
            )
        row = _add(session, request, "werkplek", roles)
        session.flush()
        uow.log_access("werkplek_inschrijven", "sync_workstation", row.id, (), request.name)
        uow.commit()
        return _view(row)


def enrol_self(ctx: AppContext) -> WorkstationView:
    """Enrol this database as the office (beheerder), before any workstation."""
    guard(ctx, Permission.USERS_MANAGE)
    me = own_identity(ctx)
    with ctx.uow() as uow:
        row = wq.workstation_by_database(uow.session, me.database_id)
        if row is None:
            row = _add(uow.session, me, "kantoor")
            uow.session.flush()
            uow.log_access("werkplek_inschrijven", "sync_workstation", row.id, (), "kantoor")
            uow.commit()
        return _view(row)


def revoke(ctx: AppContext, name: str) -> WorkstationView:
    """Revoke a workstation (beheerder): its bundles are refused from now on."""
    guard(ctx, Permission.USERS_MANAGE)
    with ctx.uow() as uow:
        row = wq.workstation_by_name(uow.session, name.strip())
        if row is None:
            raise NotFoundError(f"Er is geen werkplek '{name}' ingeschreven.")
        if row.status != "ingetrokken":
            row.status = "ingetrokken"
            row.revoked_at = utcnow()
            row.revoked_by = ctx.actor.username
            uow.log_access("werkplek_intrekken", "sync_workstation", row.id, (), row.name)
            uow.commit()
        return _view(row)


def list_workstations(ctx: AppContext) -> list[WorkstationView]:
    with ctx.uow(readonly=True) as uow:
        return [_view(r) for r in wq.workstations(uow.session)]
