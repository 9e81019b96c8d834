"""``mywork`` and ``caseload assign``: the consultant's to-do list and dossier handover.

``jeugdtoegang mywork --json`` lists evaluations due, decisions to write, items sent back
and provider requests for the logged-in consultant (also as stand-in);
``jeugdtoegang caseload assign DOSSIER --consulent NAAM [--vervanger NAAM]`` hands a
dossier over.
"""

from __future__ import annotations

import argparse
import json

from jeugdtoegang.cli.common import add_json_flag, open_context
from jeugdtoegang.services import caseload


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    mywork = sub.add_parser("mywork", help="mijn werk: evaluaties, beschikkingen, verzoeken")
    add_json_flag(mywork)
    mywork.set_defaults(handler=_mywork)
    load = sub.add_parser("caseload", help="dossiers overdragen (consulent, vervanger)")
    load_sub = load.add_subparsers(dest="caseload_command", required=True, metavar="ACTIE")
    assign = load_sub.add_parser("assign", help="een dossier overdragen aan een consulent")
    assign.add_argument("household", metavar="DOSSIER", help="dossiernummer of id")
    assign.add_argument("--consulent", required=True, help="gebruikersnaam van de consulent")
    assign.add_argument("--vervanger", help="gebruikersnaam van de vervanger")
    add_json_flag(assign)
    assign.set_defaults(handler=_assign)


def _mywork(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        items = caseload.my_work(ctx)
    finally:
        ctx.database.close()
    if args.json:
        print(json.dumps([i.to_json() for i in items], ensure_ascii=False, indent=2))
    elif not items:
        print("Niets te doen.")
    else:
        for item in items:
            print(
                f"{item.due_text:<22} {item.kind_label:<32} {item.dossier_number}  {item.subject}"
            )
    return 0


def _assign(args: argparse.Namespace) -> int:
    from jeugdtoegang.cli.plans import resolve_household

    ctx = open_context(args)
    try:
        household_id = resolve_household(ctx, args.household)
        result = caseload.assign(ctx, household_id, args.consulent, args.vervanger)
    finally:
        ctx.database.close()
    data = {
        "household_id": str(result.household_id),
        "dossier": result.dossier_number,
        "consulent": result.responsible,
        "vervanger": result.stand_in,
    }
    if args.json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        print(f"Dossier {result.dossier_number} overgedragen aan {result.responsible}.")
    return 0
