"""Reading provider messages: JW315/JW317 requests, JW305/JW307 start and stop of care.

A message is checked completely before anything is written and applied in one
transaction: a malformed message, an unknown client (matched on BSN only, never on a
name), an unknown allocation or a provider that is not the allocation's provider is
refused with a precise Dutch reason and changes nothing. A message read before (same
sender and BerichtIdentificatie) is not applied again.

The checks of one message live in ``ijw_apply``, the batched start/stop path in
``ijw_care_bulk`` and what the exchange shows (requests, actual terms, waiting times) in
``ijw_overview``, re-exported here for the CLI, the GUI and the services that use it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jeugdtoegang.ijw.messages import CareMessage, RequestMessage
from jeugdtoegang.ijw.xmlcodec import IjwMessageError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.ijw_apply import (
    ImportResult,
    apply_one,
    parse_message,
    refuse,
    require_municipality,
)
from jeugdtoegang.services.ijw_care_bulk import apply_care_bulk
from jeugdtoegang.services.ijw_export import require_exchange
from jeugdtoegang.services.ijw_overview import (
    ActualTerm,
    IjwSignalRow,
    RequestRow,
    WaitingTime,
    actual_term,
    ijw_signal_rows,
    list_requests,
    measured_waiting_weeks,
    summarise_waiting,
    waiting_days_by_provider,
    waiting_times,
)

__all__ = [
    "ActualTerm",
    "BatchImport",
    "IjwSignalRow",
    "ImportResult",
    "RequestRow",
    "WaitingTime",
    "actual_term",
    "ijw_signal_rows",
    "import_batch",
    "import_files",
    "import_message",
    "list_requests",
    "measured_waiting_weeks",
    "summarise_waiting",
    "waiting_days_by_provider",
    "waiting_times",
]


def _apply(
    ctx: AppContext,
    uow: Any,
    parsed: CareMessage | RequestMessage,
    data: bytes,
    name: str,
    received_on: date,
) -> ImportResult:
    """Check and write one parsed message inside an open unit of work (no commit)."""
    try:
        require_municipality(ctx, parsed.header)
    except IjwMessageError as error:
        raise refuse(name, error.message) from None
    result, person = apply_one(ctx, uow, parsed, data, name, received_on)
    if not result.already_imported:
        uow.log_access(
            "inlezen",
            "ijw_message",
            None,
            [person] if person else [],
            f"{result.code} van aanbieder {result.sender}",
        )
    return result


def import_message(
    ctx: AppContext, data: bytes, name: str = "bericht.xml", received_on: date | None = None
) -> ImportResult:
    """Read one JW305/JW307/JW315/JW317 message into the database, all or nothing."""
    require_exchange(ctx)
    parsed = parse_message(data, name)
    with ctx.uow() as uow:
        result = _apply(ctx, uow, parsed, data, name, received_on or ctx.today())
        uow.commit()
    if parsed.header.code in ("JW305", "JW307") and not result.already_imported:
        from jeugdtoegang.services.eligibility import forget_pools

        forget_pools(ctx)
    return result


@dataclass(frozen=True)
class BatchImport:
    """Messages read in one run: the applied ones and, per refused file, why."""

    results: tuple[ImportResult, ...]
    refused: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "verwerkt": [r.to_json() for r in self.results],
            "geweigerd": list(self.refused),
        }


def import_batch(
    ctx: AppContext,
    messages: Iterable[tuple[str, bytes]],
    received_on: date | None = None,
    cancel: CancelToken | None = None,
) -> ProgressTask[BatchImport]:
    """Read many messages in one transaction; a refused message changes nothing.

    Every message is parsed once and checked completely (the same checks and Dutch
    reasons as :func:`import_message`); a refused one is reported and leaves no trace,
    the others are applied. Start and stop messages (JW305/JW307, the bulk of the
    traffic) are checked against clients, allocations and earlier events looked up in
    batches and written with bulk inserts; requests (JW315/JW317) go one by one under a
    savepoint. Every applied message gets its own audit entry naming its client
    (NEN 7513). Cancelling rolls back the whole run.
    """
    require_exchange(ctx)
    items = list(messages)
    day = received_on or ctx.today()
    total = len(items)
    outcome: dict[int, ImportResult | str] = {}
    profile = ctx.profile
    care: list[tuple[int, str, bytes, CareMessage]] = []
    requests: list[tuple[int, str, bytes, RequestMessage]] = []
    for index, (name, data) in enumerate(items):
        if cancel is not None:
            cancel.raise_if_cancelled()
        try:
            parsed = parse_message(data, name)
            try:
                require_municipality(profile, parsed.header)
            except IjwMessageError as error:
                raise refuse(name, error.message) from None
        except IjwMessageError as error:
            outcome[index] = error.message
        else:
            if isinstance(parsed, CareMessage):
                care.append((index, name, data, parsed))
            else:
                requests.append((index, name, data, parsed))
        if index % 500 == 499:
            yield Progress(index + 1, 2 * total, name)
    audit: dict[int, uuid.UUID | None] = {}
    with ctx.uow() as uow:
        for index, name, data, parsed in requests:
            if cancel is not None:
                cancel.raise_if_cancelled()
            try:
                with uow.session.begin_nested():
                    result, person = apply_one(ctx, uow, parsed, data, name, day)
                outcome[index] = result
                if not result.already_imported:
                    audit[index] = person
            except IjwMessageError as error:
                outcome[index] = error.message
        if cancel is not None:
            cancel.raise_if_cancelled()
        apply_care_bulk(uow, care, outcome, audit)
        for index in sorted(audit):
            result = outcome[index]
            assert isinstance(result, ImportResult)
            person = audit[index]
            uow.log_access(
                "inlezen",
                "ijw_message",
                None,
                [person] if person else [],
                f"{result.code} van aanbieder {result.sender}",
            )
        yield Progress(2 * total - 1 if total else 0, 2 * total, "opslaan")
        if cancel is not None:
            cancel.raise_if_cancelled()
        uow.commit()
    yield Progress(2 * total, 2 * total, "klaar")
    from jeugdtoegang.services.eligibility import forget_pools

    forget_pools(ctx)
    ordered = [outcome[i] for i in range(total)]
    return BatchImport(
        tuple(r for r in ordered if isinstance(r, ImportResult)),
        tuple(r for r in ordered if isinstance(r, str)),
    )


def import_files(
    ctx: AppContext, paths: Iterable[Path], cancel: CancelToken | None = None
) -> ProgressTask[BatchImport]:
    """Read message files (see :func:`import_batch`); an unreadable file is refused."""
    messages: list[tuple[str, bytes]] = []
    unreadable: list[str] = []
    for path in paths:
        try:
            messages.append((path.name, path.read_bytes()))
        except OSError as error:
            unreadable.append(f"{path.name}: kan het bestand niet lezen ({error.strerror}).")
    result = yield from import_batch(ctx, messages, cancel=cancel)
    return BatchImport(result.results, (*unreadable, *result.refused))
