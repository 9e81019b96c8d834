"""``sync`` commands: export and import bundles, peers, conflicts, the team key."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import uuid
from pathlib import Path
from typing import Any

from jeugdtoegang.cli.common import (
    PASSWORD_ENV,
    USER_ENV,
    add_json_flag,
    emit,
    open_context,
    open_db,
)
from jeugdtoegang.cli.sync_workstations import register_workstations
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import sync
from jeugdtoegang.sync import keys


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    parser = sub.add_parser("sync", help="uitwisselen met kantoor en andere werkplekken")
    commands = parser.add_subparsers(dest="sync_command", required=True)

    export = commands.add_parser("export", help="wijzigingen voor een partner wegschrijven")
    export.add_argument("--to", required=True, dest="peer", help="naam van de partner")
    export.add_argument("-o", "--output", required=True, type=Path, help="doelbestand")
    export.add_argument("--format", choices=sync.FORMATS, default="zip")
    export.add_argument(
        "--since", type=int, help="opnieuw versturen vanaf dit volgnummer (standaard: nieuw)"
    )
    export.add_argument(
        "--tables",
        default="",
        help="alleen bij --format sqlite: welke tabellen (komma's); standaard alle toegestane",
    )
    add_json_flag(export)
    export.set_defaults(handler=_export)

    imp = commands.add_parser("import", help="een bundel controleren en inlezen")
    imp.add_argument("file", type=Path)
    imp.add_argument("--peer", help="naam voor de afzender als die nog onbekend is")
    imp.add_argument(
        "--vertrouw",
        "--trust",
        dest="trust",
        metavar="VINGERAFDRUK",
        help="eerste bundel van kantoor: de vingerafdruk die kantoor toont (beheerder)",
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    join = commands.add_parser(
        "join", help="nieuwe werkplek: accounts en gegevens van kantoor overnemen"
    )
    join.add_argument("file", type=Path)
    join.add_argument("--vertrouw", "--trust", dest="trust", required=True, metavar="VINGERAFDRUK")
    add_json_flag(join)
    join.set_defaults(handler=_join)

    peers = commands.add_parser("peers", help="partners, laatste uitwisseling, openstaand")
    add_json_flag(peers)
    peers.set_defaults(handler=_peers)

    conflicts = commands.add_parser("conflicts", help="conflicten die een keuze vragen")
    conflicts.add_argument("--all", action="store_true", help="ook opgeloste conflicten")
    add_json_flag(conflicts)
    conflicts.set_defaults(handler=_conflicts)

    resolve = commands.add_parser("resolve", help="een conflict oplossen")
    resolve.add_argument("id", help="conflict-id (of het begin ervan)")
    resolve.add_argument("--keep", required=True, choices=("mine", "theirs", "merge"))
    resolve.add_argument(
        "--fields", default="", help="bij merge: velden die van de ander komen (komma's)"
    )
    add_json_flag(resolve)
    resolve.set_defaults(handler=_resolve)

    register_workstations(commands)

    key = commands.add_parser("key", help="de teamsleutel (beheerder)")
    key_commands = key.add_subparsers(dest="key_command", required=True)
    generate = key_commands.add_parser("generate", help="nieuwe sleutel maken en instellen")
    generate.add_argument(
        "--print-only", action="store_true", help="alleen tonen, niet op deze computer instellen"
    )
    add_json_flag(generate)
    generate.set_defaults(handler=_key_generate)
    set_key = key_commands.add_parser(
        "set", help="de sleutel van het team instellen (gevraagd, of uit een bestand/stdin)"
    )
    set_key.add_argument(
        "--file", type=Path, help="lees de sleutel uit dit bestand ('-': standaardinvoer)"
    )
    add_json_flag(set_key)
    set_key.set_defaults(handler=_key_set)


def _export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        tables = frozenset(t.strip() for t in args.tables.split(",") if t.strip()) or None
        result = sync.export_bundle(
            ctx, args.peer, args.output, args.format, since_seq=args.since, tables=tables
        )
    finally:
        ctx.database.close()
    data = {
        "path": str(result.path),
        "peer": result.peer,
        "format": result.format,
        "seq_from": result.seq_from,
        "seq_to": result.seq_to,
        "record_count": result.record_count,
        "record_counts": result.record_counts,
    }
    emit(
        args,
        data,
        f"{result.record_count} gegevens (wijzigingen {result.seq_from}-{result.seq_to}) "
        f"voor '{result.peer}' weggeschreven naar {result.path}.",
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        result = sync.import_bundle(
            ctx, args.file, peer_name=args.peer, trust_fingerprint=args.trust
        )
    finally:
        ctx.database.close()
    data = {
        "source": result.source_name,
        "source_database_id": str(result.source_database_id),
        "seq_from": result.seq_from,
        "seq_to": result.seq_to,
        "applied": result.applied,
        "unchanged": result.unchanged,
        "conflicts": result.conflicts,
        "already_imported": result.already_imported,
    }
    if result.already_imported:
        text = f"Deze bundel van '{result.source_name}' was al ingelezen; er is niets gewijzigd."
    else:
        text = (
            f"Bundel van '{result.source_name}' ingelezen: {result.applied} overgenomen, "
            f"{result.unchanged} al aanwezig, {result.conflicts} conflict(en)."
        )
        if result.conflicts:
            text += " Los de conflicten op met 'jeugdtoegang sync conflicts'."
    emit(args, data, text)
    return 0


def _peers(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = sync.list_peers(ctx)
    finally:
        ctx.database.close()
    data = [
        {
            "name": p.name,
            "peer_database_id": p.peer_database_id,
            "last_exported_seq": p.last_exported_seq,
            "last_imported_seq": p.last_imported_seq,
            "last_exchange_at": p.last_exchange_at,
            "pending": p.pending,
        }
        for p in rows
    ]

    def text() -> str:
        if not rows:
            return "Nog geen partners; exporteer met 'jeugdtoegang sync export --to NAAM'."
        return "\n".join(
            f"{p.name}: laatste uitwisseling "
            f"{p.last_exchange_at.strftime('%d-%m-%Y %H:%M') if p.last_exchange_at else '-'}, "
            f"{p.pending} wijziging(en) nog te versturen"
            for p in rows
        )

    emit(args, data, text)
    return 0


def _conflict_json(view: sync.ConflictView) -> dict[str, Any]:
    return {
        "id": view.id,
        "table": view.table_name,
        "record_id": view.record_id,
        "title": view.title,
        "source": view.source_name,
        "reason": view.reason,
        "status": view.status,
        "resolution": view.resolution,
        "differing_fields": list(view.differing_fields),
        "local": view.local_data,
        "remote": view.remote_data,
    }


def _conflicts(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        views = sync.list_conflicts(ctx, include_resolved=args.all)
    finally:
        ctx.database.close()

    def text() -> str:
        if not views:
            return "Geen open conflicten."
        return "\n".join(
            f"{v.id}  {v.table_name} '{v.title}' van {v.source_name}: "
            f"verschilt in {', '.join(v.differing_fields) or 'verwijderd aan één kant'}"
            for v in views
        )

    emit(args, [_conflict_json(v) for v in views], text)
    return 0


def _resolve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        matches = [
            v.id
            for v in sync.list_conflicts(ctx, include_resolved=True)
            if str(v.id).startswith(args.id.lower())
        ]
        if len(matches) != 1:
            raise JeugdtoegangError(
                "Geen conflict met dit id."
                if not matches
                else "Dit id is niet uniek; geef meer tekens."
            )
        fields = [f.strip() for f in args.fields.split(",") if f.strip()]
        view = sync.resolve_conflict(ctx, uuid.UUID(str(matches[0])), args.keep, fields or None)
    finally:
        ctx.database.close()
    emit(args, _conflict_json(view), f"Conflict over '{view.title}' opgelost ({args.keep}).")
    return 0


def _key_generate(args: argparse.Namespace) -> int:
    key = keys.generate_key()
    path = None if args.print_only else keys.set_key(key)
    where = f" en ingesteld in {path}" if path else ""
    emit(
        args,
        {"key": key, "path": str(path) if path else None},
        f"Nieuwe teamsleutel{where}:\n{key}\n"
        "Deze sleutel wordt maar één keer getoond. Geef hem veilig door aan elke werkplek "
        "en het kantoor ('jeugdtoegang sync key set' vraagt erom).",
    )
    return 0


def _read_secret(args: argparse.Namespace, prompt: str) -> str:
    """A secret never on the command line: from a file, standard input, or asked."""
    if args.file is not None:
        if str(args.file) == "-":
            return sys.stdin.read(4096).strip()
        try:
            with args.file.open("r", encoding="utf-8") as handle:
                return handle.read(4096).strip()
        except OSError as error:
            raise JeugdtoegangError(
                f"Het bestand '{args.file}' kan niet worden gelezen."
            ) from error
    if not sys.stdin.isatty():
        return sys.stdin.read(4096).strip()
    return getpass.getpass(prompt).strip()


def _key_set(args: argparse.Namespace) -> int:
    path = keys.set_key(_read_secret(args, "Teamsleutel: "))
    emit(args, {"path": str(path)}, f"Teamsleutel ingesteld in {path}.")
    return 0


def _join(args: argparse.Namespace) -> int:
    database = open_db(args)
    try:
        username = os.environ.get(USER_ENV, "").strip()
        password = os.environ.get(PASSWORD_ENV)
        if not username or password is None:
            if not sys.stdin.isatty():
                raise JeugdtoegangError(
                    f"Log in met een beheerdersaccount van kantoor: zet {USER_ENV} en "
                    f"{PASSWORD_ENV}, of start de opdracht in een terminal."
                )
            username = username or input("Gebruikersnaam (beheerder van kantoor): ").strip()
            password = getpass.getpass("Wachtwoord: ")
        actor, result = sync.join_office(database, args.file, args.trust, username, password)
    finally:
        database.close()
    emit(
        args,
        {"user": actor.username, "applied": result.applied, "conflicts": result.conflicts},
        f"Werkplek aangesloten als {actor.username}: {result.applied} gegevens van kantoor "
        "overgenomen. Vanaf nu vraagt elke opdracht om in te loggen.",
    )
    return 0
