"""``setup`` commands: the region setup as administered data (issue 13).

Every change is a new version with a date it takes effect from and a reason; every
command takes ``--json``. Dates are ``JJJJ-MM-DD`` or ``DD-MM-JJJJ``.
"""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.domain.catalogue_files import parse_date
from jeugdtoegang.domain.provenance import VASTGESTELD, VOORLOPIG, Provenance, Source, bezwaar_path
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import region_setup, setup_imports
from jeugdtoegang.services.context import AppContext


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser("setup", help="inrichting van de regio (beheer)")
    commands = parser.add_subparsers(dest="setup_command", required=True)

    show = commands.add_parser("show", help="de inrichting die op een datum geldt")
    show.add_argument("--date", help="datum (standaard vandaag)")
    show.add_argument("--all", action="store_true", help="alle waarden met status en bron")
    add_json_flag(show)
    show.set_defaults(handler=_show)

    history = commands.add_parser("history", help="alle versies van de inrichting")
    add_json_flag(history)
    history.set_defaults(handler=_history)

    export = commands.add_parser("export", help="de hele inrichting naar een TOML-bestand")
    export.add_argument("-o", "--output", type=Path, required=True)
    export.add_argument("--date", help="de inrichting van deze datum (standaard vandaag)")
    add_json_flag(export)
    export.set_defaults(handler=_export)

    imp = commands.add_parser("import", help="een hele inrichting inlezen (alles of niets)")
    imp.add_argument("file", type=Path)
    _change_args(imp, required_from=False)
    imp.set_defaults(handler=_import)

    setter = commands.add_parser("set", help="een waarde wijzigen, bijv. profile.term_rules.…")
    setter.add_argument("path", help="pad, bijv. profile.municipalities.Zeist.verordening")
    setter.add_argument("value", help='nieuwe waarde (tekst, of JSON zoals 9, true, ["a"])')
    _change_args(setter)
    _source_args(setter)
    setter.set_defaults(handler=_set)

    verordening = commands.add_parser("verordening", help="verordening van een gemeente vastleggen")
    verordening.add_argument("--gemeente", required=True)
    verordening.add_argument("--title", required=True, help="titel van de verordening")
    verordening.add_argument("--article", required=True, help="artikel(en) voor de brieven")
    verordening.add_argument("--source-date", required=True, help="datum van vaststelling")
    verordening.add_argument("--link")
    _change_args(verordening)
    verordening.set_defaults(handler=_verordening)

    bezwaar = commands.add_parser("bezwaar", help="bezwaaradres van een gemeente vastleggen")
    bezwaar.add_argument("--gemeente", required=True)
    bezwaar.add_argument("--address", required=True, help="regels gescheiden door |")
    bezwaar.add_argument("--title", required=True, help="besluit of document met het adres")
    bezwaar.add_argument("--source-date")
    bezwaar.add_argument("--link", help="digitale route, bijv. de webpagina voor bezwaar")
    _change_args(bezwaar)
    bezwaar.set_defaults(handler=_bezwaar)

    logo = commands.add_parser("logo", help="logo van een gemeente (PNG) in de inrichting")
    logo.add_argument("--gemeente", required=True)
    logo.add_argument("file", type=Path, help="PNG-bestand")
    _change_args(logo)
    logo.set_defaults(handler=_logo)

    products = commands.add_parser("products", help="productcodelijst van de regio inlezen")
    products.add_argument("file", type=Path, help="CSV: code;naam;categorie;eenheid;segment;soort")
    products.add_argument("--preview", action="store_true", help="alleen tonen, niets opslaan")
    _change_args(products, required_from=False)
    products.set_defaults(handler=_products)

    catalogue = commands.add_parser(
        "catalogue", help="onbekende producten en wijken uit een catalogus toevoegen"
    )
    catalogue.add_argument("file", type=Path)
    catalogue.add_argument("--add", action="store_true", help="toevoegen (anders alleen tonen)")
    _change_args(catalogue, required_from=False)
    catalogue.set_defaults(handler=_catalogue)


def _change_args(parser: argparse.ArgumentParser, *, required_from: bool = True) -> None:
    parser.add_argument(
        "--from", dest="effective_from", required=required_from, help="geldt vanaf (datum)"
    )
    parser.add_argument("--reason", help="waarom de inrichting verandert")
    add_json_flag(parser)


def _source_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--status", choices=[VASTGESTELD, VOORLOPIG])
    parser.add_argument("--title", help="bron: titel van het besluit of document")
    parser.add_argument("--source-date", help="bron: datum")
    parser.add_argument("--article", help="bron: artikel")
    parser.add_argument("--link", help="bron: link")


def _day(text: str | None, what: str, default: date | None = None) -> date:
    if not text:
        if default is None:
            raise JeugdtoegangError(f"Geef {what} op (JJJJ-MM-DD).")
        return default
    parsed = parse_date(text)
    if parsed is None:
        raise JeugdtoegangError(f"'{text}' is geen datum voor {what}; schrijf JJJJ-MM-DD.")
    return parsed


def _from(args: argparse.Namespace, ctx: AppContext) -> date:
    return _day(args.effective_from, "--from (ingangsdatum)", ctx.today())


def _run(args: argparse.Namespace, work: Any) -> int:
    ctx = open_context(args)
    try:
        return int(work(ctx))
    finally:
        ctx.database.close()


def _version_text(version: region_setup.SetupVersion) -> str:
    who = f" door {version.created_by}" if version.created_by else ""
    return f"versie geldig vanaf {version.effective_from:%d-%m-%Y}{who}: {version.reason}"


def _show(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        version = region_setup.setup_on(ctx.database, _day(args.date, "--date", ctx.today()))
        document = version.document
        legal = []
        for name in document.profile.municipality_names:
            municipality = document.profile.municipality(name)
            letters = document.to_json()["letters"]
            verordening = document.status(f"profile.municipalities.{name}.verordening")
            bezwaar = document.status(bezwaar_path(letters, name))
            legal.append(
                {
                    "gemeente": name,
                    "verordening": municipality.verordening if municipality else "",
                    "verordening_status": verordening.status,
                    "verordening_bron": verordening.source.describe(),
                    "bezwaar_adres": list(document.letters.municipal(name).bezwaar_address),
                    "bezwaar_status": bezwaar.status,
                    "bezwaar_bron": bezwaar.source.describe(),
                }
            )
        data: dict[str, Any] = {**version.to_json(), "regio": document.slug, "gemeenten": legal}
        if args.all:
            data["waarden"] = [
                {
                    "pad": path,
                    "waarde": value,
                    **document.status(path).model_dump(exclude_none=True),
                }
                for path, value in document.leaves()
            ]

        def text() -> str:
            lines = [f"Inrichting {document.profile.name}: {_version_text(version)}"]
            for item in legal:
                lines.append(
                    f"  {item['gemeente']}: verordening {item['verordening_status']}, "
                    f"bezwaaradres {item['bezwaar_status']}"
                )
            for row in data.get("waarden", []):
                lines.append(f"  {row['pad']} = {row['waarde']!r} ({row['status']})")
            return "\n".join(lines)

        emit(args, data, text)
        return 0

    return _run(args, work)


def _history(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        versions = region_setup.setup_history(ctx)
        emit(
            args,
            [v.to_json() for v in versions],
            lambda: "\n".join(_version_text(v) for v in versions) or "Nog geen versies opgeslagen.",
        )
        return 0

    return _run(args, work)


def _export(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        version = region_setup.export_setup(
            ctx, args.output, _day(args.date, "--date", ctx.today())
        )
        emit(
            args,
            {**version.to_json(), "bestand": str(args.output)},
            f"Inrichting geschreven naar {args.output} ({_version_text(version)}).",
        )
        return 0

    return _run(args, work)


def _import(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        day = _day(args.effective_from, "--from") if args.effective_from else None
        version = region_setup.import_setup(ctx, args.file, day, args.reason)
        emit(args, version.to_json(), f"Inrichting ingelezen: {_version_text(version)}.")
        return 0

    return _run(args, work)


def _source(args: argparse.Namespace) -> Provenance | None:
    if not args.status:
        return None
    source = Source(title=args.title, date=args.source_date, article=args.article, link=args.link)
    try:
        return Provenance(status=args.status, source=source)
    except ValueError as error:
        raise JeugdtoegangError(
            "Een vastgestelde waarde heeft een bron nodig: geef --title (en liefst "
            "--source-date, --article, --link)."
        ) from error


def _set(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        entry = _source(args)
        version = region_setup.change_setup(
            ctx,
            {args.path: region_setup.parse_value(args.value)},
            _from(args, ctx),
            args.reason or f"{args.path} gewijzigd",
            provenance={args.path: entry} if entry else None,
        )
        emit(args, version.to_json(), f"Opgeslagen: {_version_text(version)}.")
        return 0

    return _run(args, work)


def _municipality(ctx: AppContext, name: str) -> str:
    found = ctx.profile.municipality(name)
    if found is None:
        raise JeugdtoegangError(
            f"Gemeente '{name}' hoort niet bij deze regio. Kies uit: "
            f"{', '.join(ctx.profile.municipality_names)}."
        )
    return found.name


def _verordening(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        name = _municipality(ctx, args.gemeente)
        path = f"profile.municipalities.{name}.verordening"
        entry = Provenance(
            status=VASTGESTELD,
            source=Source(
                title=args.title, date=args.source_date, article=args.article, link=args.link
            ),
        )
        version = region_setup.change_setup(
            ctx,
            {path: args.title},
            _from(args, ctx),
            args.reason or f"verordening {name} vastgelegd",
            provenance={path: entry},
        )
        emit(
            args, version.to_json(), f"Verordening van {name} vastgelegd: {_version_text(version)}."
        )
        return 0

    return _run(args, work)


def _bezwaar(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        name = _municipality(ctx, args.gemeente)
        lines = [line.strip() for line in args.address.split("|") if line.strip()]
        if not lines:
            raise JeugdtoegangError("Geef het bezwaaradres, regels gescheiden door |.")
        path = f"letters.gemeenten.{name}.bezwaar_address"
        entry = Provenance(
            status=VASTGESTELD,
            source=Source(title=args.title, date=args.source_date, link=args.link),
        )
        version = region_setup.change_setup(
            ctx,
            {path: lines},
            _from(args, ctx),
            args.reason or f"bezwaaradres {name} vastgelegd",
            provenance={path: entry},
        )
        emit(
            args,
            version.to_json(),
            f"Bezwaaradres van {name} vastgelegd: {_version_text(version)}.",
        )
        return 0

    return _run(args, work)


def _logo(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        name = _municipality(ctx, args.gemeente)
        try:
            png = args.file.read_bytes()
        except OSError as error:
            raise JeugdtoegangError(
                f"Het bestand {args.file.name} kan niet worden gelezen ({error.strerror})."
            ) from None
        version = region_setup.change_setup(
            ctx,
            {f"letters.gemeenten.{name}.logo": region_setup.logo_value(png)},
            _from(args, ctx),
            args.reason or f"logo {name} vervangen",
        )
        emit(args, version.to_json(), f"Logo van {name} opgeslagen: {_version_text(version)}.")
        return 0

    return _run(args, work)


def _products(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        day = _from(args, ctx)
        if args.preview:
            preview = setup_imports.preview_product_list_file(ctx, args.file, day)
            version = None
        else:
            result = setup_imports.import_product_list(ctx, args.file, day, args.reason)
            preview, version = result.preview, result.version
        data = {
            "nieuw": [p["code"] for p in preview.new],
            "gewijzigd": [p["code"] for p in preview.changed],
            "ongewijzigd": preview.unchanged,
            "fouten": [str(e) for e in preview.errors],
            "versie": version.to_json() if version else None,
        }
        emit(
            args,
            data,
            lambda: (
                f"Nieuw: {len(preview.new)}, gewijzigd: {len(preview.changed)}, ongewijzigd: "
                f"{preview.unchanged}."
                + "".join(f"\n- {e}" for e in preview.errors)
                + (f"\nOpgeslagen: {_version_text(version)}." if version else "")
            ),
        )
        return 1 if preview.errors else 0

    return _run(args, work)


def _catalogue(args: argparse.Namespace) -> int:
    def work(ctx: AppContext) -> int:
        if args.add:
            found, version = setup_imports.add_catalogue_unknowns(
                ctx, args.file, _from(args, ctx), args.reason
            )
        else:
            found, version = setup_imports.catalogue_additions(ctx, args.file), None
        data = {
            "producten": [p["code"] for p in found.products],
            "wijken": [{"gemeente": m, "wijk": w} for m, w in found.wijken],
            "problemen": [str(e) for e in found.problems],
            "versie": version.to_json() if version else None,
        }
        emit(
            args,
            data,
            lambda: (
                f"Onbekende producten: {', '.join(data['producten']) or 'geen'}; onbekende wijken: "
                + (", ".join(f"{m}: {w}" for m, w in found.wijken) or "geen")
                + (f"\nToegevoegd: {_version_text(version)}." if version else "")
            ),
        )
        return 0

    return _run(args, work)
