"""``init``, ``regions`` and ``households`` commands."""

from __future__ import annotations

import argparse

from jeugdtoegang.cli.common import add_json_flag, emit, open_context, open_db
from jeugdtoegang.domain.actor import local_actor
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.regions import load_all_profiles, load_profile
from jeugdtoegang.services import households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import initialise


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = sub.add_parser("init", help="database aanmaken of bijwerken voor een regio")
    init.add_argument(
        "--region", help="regio (slug), zie 'regions'; standaard 'region' uit de instellingen"
    )
    init.add_argument("--municipality", help="gemeente van het team (optioneel)")
    init.add_argument("--team", help="naam van het team (optioneel)")
    init.add_argument("--demo", action="store_true", help="vul met fictieve demogegevens")
    init.add_argument("--households", type=int, default=None, help="aantal demo-huishoudens")
    init.add_argument(
        "--encrypt",
        action="store_true",
        help="versleutel de nieuwe database (SQLCipher); toont de herstelsleutel één keer",
    )
    add_json_flag(init)
    init.set_defaults(handler=_init)

    regions = sub.add_parser("regions", help="beschikbare regioprofielen")
    add_json_flag(regions)
    regions.set_defaults(handler=_regions)

    hh = sub.add_parser("households", help="huishoudens (dossiers)")
    hh_sub = hh.add_subparsers(dest="households_command", required=True)
    search = hh_sub.add_parser(
        "search", help="zoek op achternaam, naam, BSN, dossiernummer, postcode"
    )
    search.add_argument("text")
    search.add_argument("--limit", type=int, default=households.SEARCH_LIMIT)
    add_json_flag(search)
    search.set_defaults(handler=_search)


def _init(args: argparse.Namespace) -> int:
    region = args.region
    if not region:
        from jeugdtoegang.settings import load_settings

        region = load_settings().region
    if not region:
        raise JeugdtoegangError(
            "Geef de regio met --region (zie 'jeugdtoegang regions'), of zet 'region' in het "
            "instellingenbestand."
        )
    profile = load_profile(region)
    database = open_db(args)
    try:
        info = initialise(
            database,
            profile.slug,
            municipality=args.municipality,
            team_name=args.team or profile.team_name_default,
        )
        ctx = AppContext(database, local_actor())
        from jeugdtoegang.services.region_setup import ensure_setup

        ensure_setup(ctx, fictional=args.demo)  # the template becomes the stored setup
        created = 0
        if args.demo:
            from jeugdtoegang.demo import fill_demo
            from jeugdtoegang.services.auth import refuse_demo_with_accounts

            refuse_demo_with_accounts(database)

            created = fill_demo(ctx, households=args.households)
        result = {
            "database": database.url,
            "database_id": str(info.id),
            "region": profile.slug,
            "demo_households": created,
        }
        text = f"Database klaar voor regio {profile.name} ({database.url})."
        if args.encrypt:
            from jeugdtoegang.cli.db import recovery_text
            from jeugdtoegang.services.db_encryption import encrypt_new_database

            encrypted = encrypt_new_database(database)  # closes it
            result |= {"encrypted": True, "recovery_key": encrypted.recovery_key}
            text += "\n" + recovery_text(encrypted)
        emit(args, result, text)
    finally:
        database.close()
    return 0


def _regions(args: argparse.Namespace) -> int:
    profiles = load_all_profiles()
    data = [
        {"slug": p.slug, "name": p.name, "municipalities": list(p.municipality_names)}
        for p in profiles.values()
    ]
    emit(
        args,
        data,
        lambda: "\n".join(
            f"{p['slug']:<28} {p['name']} ({len(p['municipalities'])} gemeenten)" for p in data
        ),
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = households.search_households(ctx, args.text, args.limit)
    finally:
        ctx.database.close()
    emit(
        args,
        [r.to_json() for r in rows],
        lambda: (
            "\n".join(
                f"{r.dossier_number}  {r.name:<30} {r.address}  ({', '.join(r.members)})"
                for r in rows
            )
            or "Geen dossiers gevonden."
        ),
    )
    return 0
