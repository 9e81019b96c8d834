"""``doorbraak``: open another team's dossier for reading with a stated reason, and the
team lead's report of doorbraken."""

from __future__ import annotations

import argparse

from jeugdtoegang.cli.common import add_json_flag, emit, open_context
from jeugdtoegang.cli.plans import resolve_household
from jeugdtoegang.services import authz


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser(
        "doorbraak",
        help="dossier van een ander team inzien met een reden (wordt gelogd), of het rapport",
    )
    parser_sub = parser.add_subparsers(dest="doorbraak_command", required=True)
    open_ = parser_sub.add_parser("open", help="doorbraak op één dossier (8 uur geldig)")
    open_.add_argument("--household", required=True, help="id of dossiernummer")
    open_.add_argument("--reden", required=True, help="waarom het dringend nodig is")
    add_json_flag(open_)
    open_.set_defaults(handler=_open)
    report = parser_sub.add_parser("rapport", help="doorbraken op dossiers van uw team")
    report.add_argument("--dagen", type=int, default=30, help="periode (standaard 30 dagen)")
    add_json_flag(report)
    report.set_defaults(handler=_report)


def _open(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        household_id = resolve_household(ctx, args.household)
        authz.declare_doorbraak(ctx, household_id, args.reden)
    finally:
        ctx.database.close()
    emit(
        args,
        {"household_id": str(household_id), "hours": authz.DOORBRAAK_HOURS},
        f"Doorbraak vastgelegd: u kunt dit dossier {authz.DOORBRAAK_HOURS} uur inzien. "
        "Uw teamleider ziet de reden.",
    )
    return 0


def _report(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = authz.doorbraak_report(ctx, days=args.dagen)
    finally:
        ctx.database.close()

    def text() -> str:
        if not rows:
            return "Geen doorbraken in deze periode."
        return "\n".join(
            f"{r.at:%d-%m-%Y %H:%M}  {r.by}  {r.dossier_number}  {r.reason}" for r in rows
        )

    emit(args, [r.as_dict() for r in rows], text)
    return 0
