"""``providers`` commands: import the catalogue, list providers, eligible providers for a need."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.domain.catalogue_rows import parse_date
from jeugdtoegang.domain.providers import Need
from jeugdtoegang.services import providers
from jeugdtoegang.services.catalogue_import import (
    CatalogueImportError,
    error_json,
    import_catalogue,
)
from jeugdtoegang.services.eligibility import eligible_providers


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    parser = sub.add_parser("providers", help="aanbieders en de inkoopcatalogus")
    commands = parser.add_subparsers(dest="providers_command", required=True)

    imp = commands.add_parser("import", help="catalogus inlezen uit CSV of JSON")
    imp.add_argument("file", type=Path, help="CSV (; of ,) of JSON")
    imp.add_argument(
        "--skip-invalid", action="store_true", help="ongeldige rijen overslaan, de rest inlezen"
    )
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    listing = commands.add_parser("list", help="aanbieders in de catalogus")
    listing.add_argument("--search", default="", help="zoek op naam of AGB-code")
    listing.add_argument("--segment", help="alleen dit segment")
    listing.add_argument("--status", choices=["actief", "clientenstop", "geschorst"])
    add_json_flag(listing)
    listing.set_defaults(handler=_list)

    eligible = commands.add_parser("eligible", help="passende aanbieders voor een hulpvraag")
    eligible.add_argument("--segment", required=True)
    eligible.add_argument("--product", required=True, help="productcode, bijv. 45Z01")
    eligible.add_argument("--gemeente", required=True, help="naam of CBS-code")
    eligible.add_argument("--wijk")
    eligible.add_argument("--date", required=True, type=_date, help="startdatum JJJJ-MM-DD")
    eligible.add_argument("--theme")
    eligible.add_argument("--identity")
    add_json_flag(eligible)
    eligible.set_defaults(handler=_eligible)


def _date(text: str) -> date:
    parsed = parse_date(text)
    if parsed is None:
        raise argparse.ArgumentTypeError(f"'{text}' is geen datum (JJJJ-MM-DD)")
    return parsed


def _import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        report = import_catalogue(ctx, args.file, skip_invalid=args.skip_invalid)
    except CatalogueImportError as error:
        if args.json:
            data = {"imported": False, "errors": [error_json(e) for e in error.errors]}
            print(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            print(error.message, file=sys.stderr)
        return 1
    finally:
        ctx.database.close()
    emit(args, {"imported": True, **report.to_json()}, report.summary)
    if report.errors and not args.json:
        for error in report.errors:
            print(f"overgeslagen: {error}", file=sys.stderr)
    return 0


def _list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = providers.list_providers(ctx, args.search, segment=args.segment, status=args.status)
    finally:
        ctx.database.close()
    emit(
        args,
        [r.to_json() for r in rows],
        lambda: (
            "\n".join(
                f"{r.agb}  {r.naam:<40} {', '.join(r.segments):<30} {r.status_text}" for r in rows
            )
            or "Geen aanbieders gevonden."
        ),
    )
    return 0


def _eligible(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        need = Need(
            segment=args.segment,
            product_code=args.product,
            gemeente=args.gemeente,
            start=args.date,
            wijk=args.wijk,
            theme=args.theme,
            identity=args.identity,
        )
        result = eligible_providers(ctx, need)
    finally:
        ctx.database.close()

    def text() -> str:
        lines = [f"{p.rank:>3}. {p.agb}  {p.naam}: {' '.join(p.reasons)}" for p in result.eligible]
        lines += [f"  niet: {p.agb}  {p.naam}: {' '.join(p.reasons)}" for p in result.excluded]
        lines += [f"  voorliggend: {v.naam}: {' '.join(v.reasons)}" for v in result.voorliggend]
        return "\n".join(lines) or "Geen aanbieders gevonden."

    emit(args, result.to_json(), text)
    return 0
