"""``review``: the team lead's "Te beoordelen" queue and the review history, on the command line.

``jeugdtoegang review queue --json`` lists everything waiting (plans, indications,
decisions) in the queue's order; ``review approve|return TYPE ID`` decides one item with
the same four-eyes rule as the screen; ``review returned --json`` is the consultant's
"Teruggestuurd naar u"; ``review history TYPE ID --json`` every step of one item.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any, TypeVar

from jeugdtoegang.cli.common import add_json_flag, emit, open_context, uuid_arg
from jeugdtoegang.services import review
from jeugdtoegang.services.context import AppContext

T = TypeVar("T")

TYPES = tuple(area.object_type for area in review.AREAS)


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("review", help="te beoordelen: de wachtrij van de teamleider")
    actions = parser.add_subparsers(dest="review_command", required=True, metavar="ACTIE")
    queue = actions.add_parser("queue", help="alles wat op beoordeling wacht, oudste eerst")
    add_json_flag(queue)
    queue.set_defaults(handler=_queue)
    returned = actions.add_parser("returned", help="wat naar mij is teruggestuurd")
    add_json_flag(returned)
    returned.set_defaults(handler=_returned)
    for name, text in (("approve", "goedkeuren"), ("return", "terugsturen met een opmerking")):
        decide = actions.add_parser(name, help=f"een item {text}")
        decide.add_argument("type", choices=TYPES, metavar="SOORT", help=" | ".join(TYPES))
        decide.add_argument("id", type=uuid_arg, metavar="ID")
        decide.add_argument(
            "--comment", required=name == "return", help="opmerking (verplicht bij terugsturen)"
        )
        add_json_flag(decide)
        decide.set_defaults(handler=_decide, approve=name == "approve")
    history = actions.add_parser("history", help="alle beoordelingsstappen van een item")
    history.add_argument("type", choices=TYPES, metavar="SOORT", help=" | ".join(TYPES))
    history.add_argument("id", type=uuid_arg, metavar="ID")
    add_json_flag(history)
    history.set_defaults(handler=_history)


def _item_json(item: review.ReviewItem) -> dict[str, Any]:
    return {
        "type": item.object_type,
        "soort": item.type_label,
        "id": str(item.id),
        "household_id": str(item.household_id),
        "title": item.title,
        "submitted_by": item.submitted_by,
        "submitted_by_name": item.submitter,
        "submitted_at": item.submitted_at,
        "own": item.own,
        "findings": item.findings,
    }


def _step_json(step: review.ReviewStepView) -> dict[str, Any]:
    return {
        "type": step.object_type,
        "id": str(step.object_id),
        "household_id": str(step.household_id) if step.household_id else None,
        "action": step.action,
        "title": step.title,
        "comment": step.comment,
        "by": step.by,
        "by_name": step.who,
        "at": step.at,
    }


def _when(value: Any) -> str:
    return value.astimezone().strftime("%d-%m-%Y %H:%M") if value else "-"


def _with_context(args: argparse.Namespace, use: Callable[[AppContext], T]) -> T:
    """Run one use case as the logged-in user, closing the database afterwards."""
    ctx = open_context(args)
    try:
        return use(ctx)
    finally:
        ctx.database.close()


def _whole_queue(ctx: AppContext) -> list[review.ReviewItem]:
    items: list[review.ReviewItem] = []
    page = review.queue_page(ctx)
    items.extend(page.items)
    while page.more:  # page by key, as the screen does
        page = review.queue_page(ctx, after=page.last)
        items.extend(page.items)
    return items


def _queue(args: argparse.Namespace) -> int:
    items = _with_context(args, _whole_queue)
    emit(
        args,
        [_item_json(i) for i in items],
        lambda: (
            "\n".join(
                f"{_when(i.submitted_at)}  {i.type_label:<16} {i.title}  (ingediend door "
                f"{i.submitter}{', uzelf' if i.own else ''})  {i.object_type} {i.id}"
                for i in items
            )
            or "Niets te beoordelen."
        ),
    )
    return 0


def _returned(args: argparse.Namespace) -> int:
    steps = _with_context(args, review.returned_to_me)
    emit(
        args,
        [_step_json(s) for s in steps],
        lambda: (
            "\n".join(
                f"{_when(s.at)}  {s.title}: teruggestuurd door {s.who}: {s.comment or ''}"
                for s in steps
            )
            or "Er is niets naar u teruggestuurd."
        ),
    )
    return 0


def _decide(args: argparse.Namespace) -> int:
    decide = review.approve_item if args.approve else review.return_item
    item = _with_context(args, lambda ctx: decide(ctx, args.type, args.id, args.comment))
    outcome = "goedgekeurd" if args.approve else "teruggestuurd"
    emit(
        args,
        {**_item_json(item), "outcome": outcome},
        f"{item.type_label} {outcome}: {item.title}",
    )
    return 0


def _history(args: argparse.Namespace) -> int:
    steps = _with_context(args, lambda ctx: review.history(ctx, args.type, args.id))
    emit(
        args,
        [_step_json(s) for s in steps],
        lambda: (
            "\n".join(
                f"{_when(s.at)}  {s.action_text} door {s.who}"
                + (f": {s.comment}" if s.comment else "")
                for s in steps
            )
            or "Nog geen beoordelingsstappen."
        ),
    )
    return 0
