"""``requests`` commands: the aanvraag and its Awb decision term (add, list, show, ...)."""

from __future__ import annotations

import argparse

from jeugdtoegang.cli.common import add_json_flag, day_arg, emit, open_context, uuid_arg
from jeugdtoegang.cli.plans import resolve_household
from jeugdtoegang.domain.requests import RequestedBy
from jeugdtoegang.services import requests
from jeugdtoegang.services.requests import RequestView

_uuid = uuid_arg
_day = day_arg


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add this area's commands to the parser."""
    req = sub.add_parser("requests", help="aanvragen en hun beslistermijn (Awb)")
    req_sub = req.add_subparsers(dest="requests_command", required=True)

    add = req_sub.add_parser("add", help="een aanvraag registreren")
    add.add_argument("--household", required=True, help="id of dossiernummer van het gezin")
    add.add_argument("--person", type=_uuid, required=True, help="id van de jeugdige")
    add.add_argument("--received", type=_day, required=True, help="ontvangen op JJJJ-MM-DD")
    add.add_argument(
        "--by", choices=[r.value for r in RequestedBy], required=True, help="wie vraagt"
    )
    add.add_argument("--requested", required=True, help="wat er gevraagd is")
    add.add_argument("--requester-name", default="", help="naam van de verwijzer")
    add.add_argument("--acknowledged", type=_day, help="ontvangstbevestiging verstuurd op")
    add_json_flag(add)
    add.set_defaults(handler=_add)

    listing = req_sub.add_parser("list", help="aanvragen met de dagen die nog over zijn")
    listing.add_argument("--household", help="alleen van dit gezin (id of dossiernummer)")
    listing.add_argument("--open", action="store_true", help="alleen aanvragen zonder besluit")
    add_json_flag(listing)
    listing.set_defaults(handler=_list)

    show = req_sub.add_parser("show", help="een aanvraag met haar beslistermijn")
    show.add_argument("request", type=_uuid, help="id van de aanvraag")
    add_json_flag(show)
    show.set_defaults(handler=_show)

    suspend = req_sub.add_parser("suspend", help="beslistermijn opschorten (Awb 4:15)")
    suspend.add_argument("request", type=_uuid)
    suspend.add_argument("--from", dest="start", type=_day, required=True)
    suspend.add_argument("--until", type=_day, help="einde (leeg: loopt nog)")
    suspend.add_argument("--reason", required=True, help="welke informatie ontbreekt")
    add_json_flag(suspend)
    suspend.set_defaults(handler=_suspend)

    resume = req_sub.add_parser("resume", help="opschorting beëindigen")
    resume.add_argument("request", type=_uuid)
    resume.add_argument("--on", type=_day, required=True, help="informatie ontvangen op")
    add_json_flag(resume)
    resume.set_defaults(handler=_resume)

    extend = req_sub.add_parser("extend", help="beslistermijn verdagen (Awb 4:14)")
    extend.add_argument("request", type=_uuid)
    extend.add_argument("--weeks", type=int, required=True)
    extend.add_argument("--reason", required=True)
    extend.add_argument("--notified", type=_day, help="aanvrager bericht op (standaard vandaag)")
    add_json_flag(extend)
    extend.set_defaults(handler=_extend)


def _line(v: RequestView) -> str:
    if v.days_left is None:
        state = f"{v.outcome.label.lower()} op {v.decided_on}"
    elif v.suspended_now:
        state = f"opgeschort, {v.days_left} dagen over"
    elif v.overdue:
        state = f"TERMIJN VERLOPEN sinds {v.due.isoformat()}"
    else:
        state = f"{v.days_left} dagen over (uiterlijk {v.due.isoformat()})"
    return f"{v.id}  {v.received_on.isoformat()}  {v.jeugdige:<28} {state}  {v.requested}"


def _detail_text(v: RequestView) -> str:
    lines = [
        f"Aanvraag {v.id}",
        f"Jeugdige: {v.jeugdige}",
        f"Ontvangen: {v.received_on.isoformat()} van {v.requested_by.label}"
        + (f" ({v.requester_name})" if v.requester_name else ""),
        f"Gevraagd: {v.requested}",
        "Ontvangstbevestiging: "
        + (v.acknowledged_on.isoformat() if v.acknowledged_on else "nog niet verstuurd"),
        f"Beslissen uiterlijk: {v.due.isoformat()}",
    ]
    for s in v.suspensions:
        lines.append(
            f"Opgeschort: {s.start.isoformat()} t/m {s.end.isoformat() if s.end else '...'}"
            f" ({s.reason})"
        )
    if v.extension_weeks:
        lines.append(f"Verdaagd: {v.extension_weeks} weken ({v.extension_reason})")
    lines.append("Uitkomst: " + v.outcome.label)
    lines.append(_line(v))
    return "\n".join(lines)


def _run(args: argparse.Namespace, call) -> int:  # type: ignore[no-untyped-def]
    ctx = open_context(args)
    try:
        view = call(ctx)
    finally:
        ctx.database.close()
    emit(args, view.to_json(), lambda: _detail_text(view))
    return 0


def _add(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda ctx: requests.add_request(
            ctx,
            resolve_household(ctx, args.household),
            args.person,
            args.received,
            RequestedBy(args.by),
            args.requested,
            requester_name=args.requester_name,
            acknowledged_on=args.acknowledged,
        ),
    )


def _show(args: argparse.Namespace) -> int:
    return _run(args, lambda ctx: requests.get_request(ctx, args.request))


def _suspend(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda ctx: requests.suspend_request(
            ctx, args.request, args.start, args.reason, args.until
        ),
    )


def _resume(args: argparse.Namespace) -> int:
    return _run(args, lambda ctx: requests.resume_request(ctx, args.request, args.on))


def _extend(args: argparse.Namespace) -> int:
    return _run(
        args,
        lambda ctx: requests.extend_request(
            ctx, args.request, args.weeks, args.reason, args.notified
        ),
    )


def _list(args: argparse.Namespace) -> int:
    ctx = open_context(args)
    try:
        household = resolve_household(ctx, args.household) if args.household else None
        views = requests.list_requests(ctx, household, open_only=args.open)
    finally:
        ctx.database.close()
    emit(
        args,
        [v.to_json() for v in views],
        lambda: "\n".join(_line(v) for v in views) or "Geen aanvragen gevonden.",
    )
    return 0
