"""``decisions``, ``letter`` and ``letters`` commands: beschikkingen and their letters."""

from __future__ import annotations

import argparse
from pathlib import Path

from jeugdtoegang.cli.common import add_json_flag, day_arg, emit, open_context, uuid_arg
from jeugdtoegang.cli.decision_files import create_from_request, read_decision_file
from jeugdtoegang.domain.motivation import describe_missing
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.services import decisions
from jeugdtoegang.services.letter_batch import batch_letters, write_atomically

_uuid = uuid_arg
_day = day_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    dec = sub.add_parser("decisions", help="beschikkingen")
    dec_sub = dec.add_subparsers(dest="decisions_command", required=True)
    listing = dec_sub.add_parser("list", help="beschikkingen tonen (id, soort, status, datum)")
    listing.add_argument("--household", type=_uuid, help="alleen van dit huishouden (id)")
    add_json_flag(listing)
    listing.set_defaults(handler=_list)
    create = dec_sub.add_parser(
        "create", help="een concept maken uit een JSON-bestand (soort, aanvraag, motivering)"
    )
    create.add_argument("file", type=Path, help="JSON-bestand, zie README")
    add_json_flag(create)
    create.set_defaults(handler=_create)
    for name, helptext, handler in (
        ("submit", "een concept indienen bij de teamleider", _submit),
        ("approve", "een concept goedkeuren (wordt definitief)", _approve),
        ("mark-sent", "een goedgekeurde brief als verzonden markeren", _mark_sent),
    ):
        cmd = dec_sub.add_parser(name, help=helptext)
        cmd.add_argument("decision", type=_uuid, help="id van de beschikking")
        add_json_flag(cmd)
        cmd.set_defaults(handler=handler)

    letter = sub.add_parser("letter", help="de brief van een beschikking als PDF")
    letter.add_argument("--decision", type=_uuid, required=True, help="id van de beschikking")
    letter.add_argument("-o", "--output", type=Path, required=True, help="PDF-bestand")
    add_json_flag(letter)
    letter.set_defaults(handler=_letter)

    letters = sub.add_parser("letters", help="brieven in bulk")
    letters_sub = letters.add_subparsers(dest="letters_command", required=True)
    batch = letters_sub.add_parser(
        "batch", help="alle goedgekeurde, nog niet verzonden brieven van een dag"
    )
    batch.add_argument("--date", type=_day, required=True, help="briefdatum JJJJ-MM-DD")
    batch.add_argument("-o", "--output", type=Path, required=True, help="map voor de PDF's")
    add_json_flag(batch)
    batch.set_defaults(handler=_batch)


def _list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        rows = decisions.list_decisions(ctx, args.household)
    finally:
        ctx.database.close()
    data = [
        {
            "id": str(r.id),
            "type": r.type.value,
            "status": r.status.value,
            "date": r.date.isoformat(),
            "jeugdige": r.jeugdige,
            "kenmerk": r.kenmerk,
            "gemeente": r.gemeente,
        }
        for r in rows
    ]

    def text() -> str:
        if not rows:
            return "Geen beschikkingen gevonden."
        return "\n".join(
            f"{r.id}  {r.kenmerk:<16} {r.date.isoformat()}  {r.status_label:<12} "
            f"{r.type_label:<26} {r.jeugdige}"
            for r in rows
        )

    emit(args, data, text)
    return 0


def _create(args: argparse.Namespace) -> int:
    request = read_decision_file(args.file)
    ctx = open_context(args)
    try:
        detail = create_from_request(ctx, request)
    finally:
        ctx.database.close()
    missing = describe_missing(detail.missing_parts)

    def text() -> str:
        line = f"Concept {detail.row.kenmerk} gemaakt: {detail.id}"
        if missing:
            line += f"\nNog in te vullen voor goedkeuring: {missing}."
        return line

    emit(args, detail.to_json(), text)
    return 0


def _submit(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        detail = decisions.submit_decision(ctx, args.decision)
    finally:
        ctx.database.close()
    emit(args, detail.to_json(), f"Beschikking {detail.row.kenmerk} is ingediend.")
    return 0


def _approve(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        detail = decisions.approve_decision(ctx, args.decision)
    finally:
        ctx.database.close()
    emit(args, detail.to_json(), f"Beschikking {detail.row.kenmerk} is goedgekeurd.")
    return 0


def _mark_sent(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        detail = decisions.mark_sent(ctx, args.decision)
    finally:
        ctx.database.close()
    emit(args, detail.to_json(), f"Brief {detail.row.kenmerk} is gemarkeerd als verzonden.")
    return 0


def _letter(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        pdf = decisions.letter_pdf(ctx, args.decision)
    finally:
        ctx.database.close()
    output: Path = args.output
    try:
        write_atomically(output, pdf)
    except OSError as error:
        raise JeugdtoegangError(
            f"Het bestand {output} kan niet worden geschreven: {error}"
        ) from error
    emit(args, {"file": str(output), "bytes": len(pdf)}, f"Brief opgeslagen in {output}.")
    return 0


def _batch(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        result = run_to_end(batch_letters(ctx, args.date, args.output))
    finally:
        ctx.database.close()
    emit(
        args,
        {"date": result.day.isoformat(), "files": list(result.files)},
        ("1 brief" if len(result.files) == 1 else f"{len(result.files)} brieven")
        + f" van {result.day.isoformat()} opgeslagen in {args.output}.",
    )
    return 0
