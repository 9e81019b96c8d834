"""``sync workstation`` commands: this workstation's fingerprint, requests, enrolment."""

from __future__ import annotations

import argparse
from pathlib import Path

from jeugdtoegang.cli.common import add_json_flag, emit, open_context, open_db
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import workstations
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import DatabaseNotInitialisedError

#: acts only to read this database's own id (no personal data, no login needed)
_NOBODY = Actor("werkplek", "Werkplek", frozenset())


def register_workstations(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser("workstation", help="werkplekken inschrijven (beheerder)")
    sub = parser.add_subparsers(dest="workstation_command", required=True)

    show = sub.add_parser("show", help="sleutel en vingerafdruk van deze werkplek")
    add_json_flag(show)
    show.set_defaults(handler=_show)

    request = sub.add_parser("request", help="aanvraagbestand voor de beheerder maken")
    request.add_argument("-o", "--output", required=True, type=Path)
    request.add_argument("--name", help="naam van deze werkplek (bijvoorbeeld laptop-carla)")
    add_json_flag(request)
    request.set_defaults(handler=_request)

    enrol = sub.add_parser("enrol", help="een werkplek inschrijven met zijn aanvraag")
    enrol.add_argument("file", nargs="?", type=Path)
    enrol.add_argument("--self", action="store_true", help="deze database als kantoor")
    enrol.add_argument("--fingerprint", help="de vingerafdruk die de werkplek toont")
    enrol.add_argument(
        "--role",
        action="append",
        choices=("consulent", "teamleider", "beheerder"),
        help="rollen waarvan de werkplek werk aanlevert (standaard: consulent)",
    )
    add_json_flag(enrol)
    enrol.set_defaults(handler=_enrol)

    revoke = sub.add_parser("revoke", help="een werkplek intrekken")
    revoke.add_argument("name")
    add_json_flag(revoke)
    revoke.set_defaults(handler=_revoke)

    listing = sub.add_parser("list", help="ingeschreven werkplekken")
    add_json_flag(listing)
    listing.set_defaults(handler=_list)


def _own_context(args: argparse.Namespace) -> AppContext:
    database = open_db(args)
    if not database.is_initialised():
        database.close()
        raise DatabaseNotInitialisedError()
    return AppContext(database, _NOBODY)


def _identity_json(who: workstations.Identity) -> dict[str, str]:
    return {
        "database_id": str(who.database_id),
        "name": who.name,
        "public_key": who.public_key,
        "fingerprint": who.fingerprint,
    }


def _show(args: argparse.Namespace) -> int:
    ctx = _own_context(args)
    try:
        me = workstations.own_identity(ctx)
    finally:
        ctx.database.close()
    emit(args, _identity_json(me), f"Werkplek {me.name}\nVingerafdruk: {me.fingerprint}")
    return 0


def _request(args: argparse.Namespace) -> int:
    ctx = _own_context(args)
    try:
        me = workstations.write_request(ctx, args.output, args.name)
    finally:
        ctx.database.close()
    emit(
        args,
        {**_identity_json(me), "file": str(args.output)},
        f"Aanvraag geschreven naar {args.output}. Vingerafdruk: {me.fingerprint}\n"
        "De beheerder op kantoor moet dezelfde vingerafdruk zien bij het inschrijven.",
    )
    return 0


def _view_json(view: workstations.WorkstationView) -> dict[str, object]:
    return {
        "name": view.name,
        "database_id": str(view.database_id),
        "fingerprint": view.fingerprint,
        "kind": view.kind,
        "roles": list(view.roles),
        "status": view.status,
        "enrolled_by": view.enrolled_by,
        "enrolled_at": view.enrolled_at,
        "revoked_at": view.revoked_at,
    }


def _enrol(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        if args.self or args.file is None:
            view = workstations.enrol_self(ctx)
        else:
            request = workstations.read_request(args.file)
            roles = tuple(Role(r) for r in args.role or ("consulent",))
            view = workstations.enrol(
                ctx, request, roles=roles, expected_fingerprint=args.fingerprint
            )
    finally:
        ctx.database.close()
    emit(
        args,
        _view_json(view),
        f"Werkplek '{view.name}' ingeschreven ({view.kind}).\nVingerafdruk: {view.fingerprint}\n"
        "Controleer dat de werkplek zelf precies deze vingerafdruk toont.",
    )
    return 0


def _revoke(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        view = workstations.revoke(ctx, args.name)
    finally:
        ctx.database.close()
    emit(args, _view_json(view), f"Werkplek '{view.name}' is ingetrokken.")
    return 0


def _list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        views = workstations.list_workstations(ctx)
    finally:
        ctx.database.close()
    emit(
        args,
        [_view_json(v) for v in views],
        lambda: (
            "\n".join(f"{v.name:<24} {v.kind:<9} {v.status:<12} {v.fingerprint}" for v in views)
            or "Nog geen werkplekken ingeschreven."
        ),
    )
    return 0
