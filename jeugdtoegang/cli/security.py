"""``audit`` (verify, search, inzage, info) and ``users`` (add, list, passwd) commands."""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
import uuid
from collections.abc import Sequence
from datetime import date
from pathlib import Path

from jeugdtoegang.cli.common import add_json_flag, emit, open_context, open_db
from jeugdtoegang.domain.actor import Role
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.services import audit, auth
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_chain import KEY_ENV, KEY_FILE, anchor_path

NEW_PASSWORD_ENV = "JEUGDTOEGANG_NEW_PASSWORD"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    audit_parser = sub.add_parser("audit", help="logboek (verwerkingenlogging)")
    audit_sub = audit_parser.add_subparsers(dest="audit_command", required=True)

    verify = audit_sub.add_parser("verify", help="controleer de hashketen van het logboek")
    verify.add_argument(
        "--ankers", type=Path, help="ankers van kantoor (JSON van 'audit ankers --json')"
    )
    add_json_flag(verify)
    verify.set_defaults(handler=_verify)

    anchors = audit_sub.add_parser(
        "ankers", help="ankers die werkplekken via synchronisatie stuurden (met alarmen)"
    )
    add_json_flag(anchors)
    anchors.set_defaults(handler=_anchors)

    new_key = audit_sub.add_parser(
        "sleutel-vervangen", help="bewust een nieuwe logsleutel na verlies (wordt een alarm)"
    )
    new_key.add_argument("--reden", required=True, help="waarom de sleutel wordt vervangen")
    add_json_flag(new_key)
    new_key.set_defaults(handler=_replace_key)

    search = audit_sub.add_parser("search", help="zoek in het logboek (beheerder)")
    search.add_argument("--person", type=uuid.UUID, help="id van de persoon")
    search.add_argument("--user", help="gebruikersnaam")
    search.add_argument("--action", help="handeling, bv. inzien, wijzigen, inloggen")
    search.add_argument("--outcome", choices=("ok", "geweigerd"))
    search.add_argument("--since", type=date.fromisoformat, help="vanaf datum (JJJJ-MM-DD)")
    search.add_argument("--until", type=date.fromisoformat, help="tot en met datum")
    search.add_argument("--limit", type=int, default=audit.SEARCH_LIMIT)
    search.add_argument(
        "--before", type=_positive, help="alleen regels ouder dan dit nummer (volgende pagina)"
    )
    add_json_flag(search)
    search.set_defaults(handler=_search)

    logboek = audit_sub.add_parser("logboek", help="het logboek van één dossier, per pagina")
    logboek.add_argument("--household", required=True, help="id of dossiernummer")
    logboek.add_argument(
        "--limit", type=_positive, default=audit.PAGE_SIZE, help="regels per pagina (standaard 50)"
    )
    logboek.add_argument(
        "--before", type=_positive, help="alleen regels ouder dan dit nummer (volgende pagina)"
    )
    add_json_flag(logboek)
    logboek.set_defaults(handler=_dossier_log)

    inzage = audit_sub.add_parser("inzage", help="inzage-export (AVG art. 15) van één persoon")
    inzage.add_argument("--person", type=uuid.UUID, required=True, help="id van de persoon")
    inzage.add_argument("-o", "--output", type=Path, required=True, help="bestand .pdf of .json")
    add_json_flag(inzage)
    inzage.set_defaults(handler=_inzage)

    info = audit_sub.add_parser("info", help="bewaartermijn, sleutel en ankerbestand")
    add_json_flag(info)
    info.set_defaults(handler=_info)

    users = sub.add_parser("users", help="gebruikers en rollen")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    add = users_sub.add_parser(
        "add",
        help="gebruiker toevoegen (de eerste gebruiker wordt de beheerder); wachtwoord via "
        f"{NEW_PASSWORD_ENV} of de terminal",
    )
    add.add_argument("username")
    add.add_argument("--name", required=True, help="volledige naam")
    add.add_argument(
        "--role", action="append", choices=[r.value for r in Role if r is not Role.SYSTEEM],
        help="rol (herhaal voor meer rollen)",
    )  # fmt: skip
    add.add_argument("--team")
    add.add_argument("--municipality")
    add_json_flag(add)
    add.set_defaults(handler=_users_add)

    listing = users_sub.add_parser("list", help="gebruikers tonen")
    add_json_flag(listing)
    listing.set_defaults(handler=_users_list)

    passwd = users_sub.add_parser(
        "passwd", help="eigen wachtwoord wijzigen, of (beheerder, --reset) een tijdelijk geven"
    )
    passwd.add_argument("username")
    passwd.add_argument("--reset", action="store_true", help="tijdelijk wachtwoord (beheerder)")
    add_json_flag(passwd)
    passwd.set_defaults(handler=_users_passwd)

    disable = users_sub.add_parser("disable", help="account uitschakelen (beheerder)")
    disable.add_argument("username")
    add_json_flag(disable)
    disable.set_defaults(handler=_users_disable)


def _context(args: argparse.Namespace) -> AppContext:
    """The command's context: a logged-in user (a database without accounts is refused)."""
    return open_context(args)


def _verify(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if args.ankers is not None:
        try:
            kept = json.loads(Path(args.ankers).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise JeugdtoegangError(f"Het ankerbestand {args.ankers} is niet te lezen.") from error
        if not isinstance(kept, list):
            raise JeugdtoegangError(f"Het ankerbestand {args.ankers} is geen lijst van ankers.")
        result = audit.verify_against_anchors(ctx, kept)
    else:
        result = audit.verify_chain(ctx)
    emit(args, result.as_dict(), result.message)
    return 0 if result.ok else 1


def _anchors(args: argparse.Namespace) -> int:
    rows = audit.received_anchor_report(_context(args))

    def text() -> str:
        if not rows:
            return "Nog geen ankers ontvangen."
        return "\n".join(
            f"{r.received_at:%d-%m-%Y %H:%M}  {r.source_name or r.source_database_id}  "
            f"keten {r.chain_id or 1} regel {r.seq}  {r.chain_hash[:16]}  "
            + ("ALARM: " + (r.note or "") if r.status == "alarm" else "ok")
            for r in rows
        )

    emit(args, [r.as_dict() for r in rows], text)
    return 0


def _replace_key(args: argparse.Namespace) -> int:
    old, new = audit.replace_audit_key(_context(args), args.reden)
    emit(
        args,
        {"old_key_id": old, "new_key_id": new},
        f"Nieuwe logsleutel {new} (oude: {old or 'onbekend'}); als alarm vastgelegd.",
    )
    return 0


def _search(args: argparse.Namespace) -> int:
    ctx = _context(args)
    query = audit.AuditQuery(
        person_id=args.person, username=args.user, action=args.action, since=args.since,
        until=args.until, outcome=args.outcome, limit=args.limit, before=args.before,
    )  # fmt: skip
    entries = audit.search_audit(ctx, query)
    emit(args, [e.as_dict() for e in entries], lambda: _lines(entries))
    return 0


def _lines(entries: Sequence[audit.AuditEntryView]) -> str:
    if not entries:
        return "Geen logregels gevonden."
    return "\n".join(
        f"{e.seq:>8}  {e.at:%Y-%m-%d %H:%M}  {e.by:<14} {e.action_text:<28} "
        f"{e.outcome_text:<10} {e.purpose or ''}"
        for e in entries
    )


def _positive(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"geen positief geheel getal: {value!r}")
    return number


def _dossier_log(args: argparse.Namespace) -> int:
    from jeugdtoegang.cli.plans import resolve_household

    ctx = _context(args)
    household_id = resolve_household(ctx, args.household)
    page = audit.dossier_log_page(ctx, household_id, args.limit, args.before)
    data = {
        "entries": [e.as_dict() for e in page.entries],
        "more": page.more,
        "next_before": page.next_before,
    }

    def text() -> str:
        more = f"\nOudere regels: --before {page.next_before}" if page.more else ""
        return _lines(page.entries) + more

    emit(args, data, text)
    return 0


def _inzage(args: argparse.Namespace) -> int:
    from jeugdtoegang.services.inzage import write_inzage

    ctx = _context(args)
    path = write_inzage(ctx, args.person, args.output)
    emit(args, {"file": str(path)}, f"Inzage-export opgeslagen: {path}")
    return 0


def _info(args: argparse.Namespace) -> int:
    ctx = _context(args)
    data = {
        "retention_years": audit.retention_years(ctx),
        "retention_cutoff": audit.retention_cutoff(ctx).isoformat(),
        "key_source": KEY_ENV if os.environ.get(KEY_ENV) else str(user_data_dir() / KEY_FILE),
        "anchor_file": str(anchor_path(ctx.database.database_id)),
        "latest": audit.latest_anchor(ctx),
    }
    emit(
        args,
        data,
        lambda: (
            f"Bewaartermijn: {data['retention_years']} jaar (gegevens van vóór "
            f"{data['retention_cutoff']} zijn verlopen)\nSleutel: {data['key_source']}\n"
            f"Ankerbestand: {data['anchor_file']}\nLaatste logregel: {data['latest']['seq']}"
        ),
    )
    return 0


def _new_password(prompt: str = "Nieuw wachtwoord: ") -> str:
    value = os.environ.get(NEW_PASSWORD_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        raise JeugdtoegangError(
            f"Geef het nieuwe wachtwoord via {NEW_PASSWORD_ENV} of start de opdracht in een "
            "terminal."
        )
    first = getpass.getpass(prompt)
    if getpass.getpass("Herhaal het wachtwoord: ") != first:
        raise JeugdtoegangError("De wachtwoorden zijn niet gelijk.")
    return first


def _print_user(args: argparse.Namespace, user: auth.UserView, text: str) -> None:
    emit(args, _user_dict(user), text)


def _user_dict(user: auth.UserView) -> dict[str, object]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "roles": list(user.roles),
        "team": user.team,
        "municipality": user.municipality,
        "active": user.active,
        "must_change_password": user.must_change_password,
    }


def _users_add(args: argparse.Namespace) -> int:
    database = open_db(args)
    if not auth.has_users(database):
        password = _new_password()
        actor = auth.create_first_administrator(database, args.username, args.name, password)
        emit(
            args,
            {"username": actor.username, "roles": ["beheerder"], "first_run": True},
            f"Eerste gebruiker {actor.username} aangemaakt als functioneel beheerder. Vanaf nu "
            "vragen opdrachten om in te loggen.",
        )
        return 0
    ctx = open_context(args)
    if not args.role:
        raise JeugdtoegangError("Kies minstens één rol met --role.")
    data = auth.UserInput(
        args.username, args.name, tuple(Role(r) for r in args.role), args.team,
        args.municipality, _new_password("Tijdelijk wachtwoord: "),
    )  # fmt: skip
    user = auth.create_user(ctx, data)
    _print_user(args, user, f"Gebruiker {user.username} aangemaakt ({user.roles_text}).")
    return 0


def _users_list(args: argparse.Namespace) -> int:
    users = auth.list_users(_context(args))

    def text() -> str:
        if not users:
            return "Nog geen gebruikers."
        return "\n".join(
            f"{u.username:<16} {u.display_name:<24} {u.roles_text:<36} {u.team or '':<16} "
            f"{'actief' if u.active else 'uit'}"
            for u in users
        )

    emit(args, [_user_dict(u) for u in users], text)
    return 0


def _users_passwd(args: argparse.Namespace) -> int:
    database = open_db(args)
    if args.reset:
        ctx = open_context(args)
        user = auth.reset_password(ctx, args.username, _new_password("Tijdelijk wachtwoord: "))
        _print_user(args, user, f"Tijdelijk wachtwoord ingesteld voor {user.username}.")
        return 0
    old = os.environ.get("JEUGDTOEGANG_PASSWORD")
    if old is None:
        if not sys.stdin.isatty():
            raise JeugdtoegangError("Geef het huidige wachtwoord via JEUGDTOEGANG_PASSWORD.")
        old = getpass.getpass("Huidig wachtwoord: ")
    auth.change_password(database, args.username, old, _new_password())
    emit(args, {"username": args.username, "changed": True}, "Wachtwoord gewijzigd.")
    return 0


def _users_disable(args: argparse.Namespace) -> int:
    user = auth.set_user_active(open_context(args), args.username, False)
    _print_user(args, user, f"Account {user.username} is uitgeschakeld.")
    return 0
