"""``ijw`` commands: exchange iJw 3.2 messages with providers.

``export`` writes the JW301s (and JW319 answers) of a day; ``import`` reads JW305, JW307,
JW315 and JW317 files; ``requests`` and ``answer`` handle provider requests; ``waiting``
shows real waiting times per provider; ``term`` the reported start and stop of one
allocation.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from jeugdtoegang.cli.common import add_json_flag, day_arg, emit, open_context, uuid_arg
from jeugdtoegang.domain.ijw_codes import RedenAfwijzing, VerzoekAntwoord
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import ijw_export, ijw_inbound

_uuid = uuid_arg
_day = day_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    ijw = sub.add_parser("ijw", help="iJw-berichten met aanbieders uitwisselen")
    ijw_sub = ijw.add_subparsers(dest="ijw_command", required=True)

    export = ijw_sub.add_parser("export", help="toewijzingen (JW301) en antwoorden van een dag")
    export.add_argument("--date", type=_day, required=True, help="dagtekening JJJJ-MM-DD")
    export.add_argument("-o", "--output", type=Path, required=True, help="map voor de berichten")
    add_json_flag(export)
    export.set_defaults(handler=_export)

    imp = ijw_sub.add_parser("import", help="JW305, JW307, JW315 of JW317 inlezen")
    imp.add_argument("files", type=Path, nargs="+", help="XML-bestanden")
    add_json_flag(imp)
    imp.set_defaults(handler=_import)

    requests = ijw_sub.add_parser("requests", help="verzoeken van aanbieders (JW315/JW317)")
    requests.add_argument(
        "--status", choices=("open", "in_onderzoek", "toegewezen", "afgewezen"), default=None
    )
    add_json_flag(requests)
    requests.set_defaults(handler=_requests)

    answer = ijw_sub.add_parser("answer", help="een verzoek beantwoorden (JW319 of JW301)")
    answer.add_argument("request", type=_uuid, help="id van het verzoek")
    how = answer.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--afwijzen",
        choices=[r.value for r in RedenAfwijzing],
        help="afwijzen met een reden uit WJ759: "
        + "; ".join(f"{r.value} {r.label}" for r in RedenAfwijzing),
    )
    how.add_argument("--in-onderzoek", action="store_true", help="in onderzoek (8 weken)")
    how.add_argument(
        "--toewijzing", type=_uuid, help="id van de indicatie die het verzoek toewijst"
    )
    add_json_flag(answer)
    answer.set_defaults(handler=_answer)

    waiting = ijw_sub.add_parser("waiting", help="echte wachttijden per aanbieder (JW305)")
    add_json_flag(waiting)
    waiting.set_defaults(handler=_waiting)

    term = ijw_sub.add_parser("term", help="gemelde start en stop van een toewijzing")
    term.add_argument("indication", type=_uuid, help="id van de indicatie")
    add_json_flag(term)
    term.set_defaults(handler=_term)


def _export(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        result = run_to_end(ijw_export.export_day(ctx, args.date, args.output))
    except OSError as error:
        raise JeugdtoegangError(
            f"De map {args.output} kan niet worden geschreven: {error}"
        ) from error
    finally:
        ctx.database.close()
    emit(
        args,
        result.to_json(),
        f"{len(result.files)} berichten van {args.date.isoformat()} in {args.output} "
        f"({result.new_messages} nieuw).",
    )
    return 0


def _import(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        batch = run_to_end(ijw_inbound.import_files(ctx, args.files))
    finally:
        ctx.database.close()

    def text() -> str:
        return (
            "\n".join(
                f"{r.code} {r.identification}: "
                + (
                    "al eerder ingelezen, niets veranderd"
                    if r.already_imported
                    else f"{r.records} verwerkt"
                )
                for r in batch.results
            )
            or "Geen berichten verwerkt."
        )

    emit(args, batch.to_json(), text)
    if batch.refused:
        print("\n".join(batch.refused), file=sys.stderr)
        return 1
    return 0


def _requests(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = ijw_inbound.list_requests(ctx, args.status)
    finally:
        ctx.database.close()

    def text() -> str:
        if not rows:
            return "Geen verzoeken."
        return "\n".join(
            f"{r.id}  {r.kind}  {r.provider_agb}  {r.product_code or '-':<6} ontvangen "
            f"{r.received_on.isoformat()}  antwoord voor {r.answer_due.isoformat()}  {r.status}"
            for r in rows
        )

    emit(args, [r.to_json() for r in rows], text)
    return 0


def _answer(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        if args.toewijzing:
            row = ijw_export.link_allocation(ctx, args.request, args.toewijzing)
            text = "Verzoek toegewezen; de toewijzing gaat mee in de JW301-export."
        elif args.in_onderzoek:
            row = ijw_export.answer_request(ctx, args.request, VerzoekAntwoord.IN_ONDERZOEK)
            text = f"JW319 'in onderzoek' klaargezet; antwoord vóór {row.answer_due.isoformat()}."
        else:
            reason = RedenAfwijzing(args.afwijzen)
            row = ijw_export.answer_request(ctx, args.request, VerzoekAntwoord.AFGEWEZEN, reason)
            text = f"JW319 'afgewezen' ({reason.label}) klaargezet voor de export."
    finally:
        ctx.database.close()
    data = {
        "id": str(row.id),
        "status": row.status,
        "verzoek_antwoord": row.answer_code,
        "reden_afwijzing": row.reject_reason,
        "antwoord_voor": row.answer_due.isoformat(),
    }
    emit(args, data, text)
    return 0


def _waiting(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = ijw_inbound.waiting_times(ctx)
    finally:
        ctx.database.close()

    def text() -> str:
        if not rows:
            return "Nog geen gemelde starts (JW305)."
        return "\n".join(
            f"{w.provider_agb}  {w.starts} starts  mediaan {w.median_weeks} weken"
            for w in rows.values()
        )

    emit(args, [w.to_json() for w in rows.values()], text)
    return 0


def _term(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        term = ijw_inbound.actual_term(ctx, args.indication)
    finally:
        ctx.database.close()
    data = {
        "start": term.started.isoformat() if term.started else None,
        "stop": term.stopped.isoformat() if term.stopped else None,
        "reden_beeindiging": term.stop_reason,
    }
    emit(
        args,
        data,
        f"Start: {data['start'] or 'niet gemeld'}; stop: {data['stop'] or 'niet gemeld'}"
        + (f" (JZ588 {term.stop_reason})" if term.stop_reason else ""),
    )
    return 0
