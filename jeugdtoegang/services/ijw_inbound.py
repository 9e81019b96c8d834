"""Reading provider messages: JW315/JW317 requests, JW305/JW307 start and stop of care.

A message is checked completely before anything is written and applied in one
transaction: a malformed message, an unknown client (matched on BSN only, never on a
name), an unknown allocation or a provider that is not the allocation's provider is
refused with a precise Dutch reason and changes nothing. A message read before (same
sender and BerichtIdentificatie) is not applied again.
"""

from __future__ import annotations

import hashlib
import statistics
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.authz import Permission, require
from jeugdtoegang.domain.bsn import mask_bsn
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.domain.working_days import add_working_days
from jeugdtoegang.ijw.messages import CareMessage, RequestMessage, read_care, read_request
from jeugdtoegang.ijw.xmlcodec import Header, IjwMessageError, Reader
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.regions.schema import RegionProfile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.ijw_export import require_exchange
from jeugdtoegang.storage import ijw_queries as q
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.models.ijw import IjwCareEvent, IjwMessage, IjwRequest
from jeugdtoegang.storage.models.indications import Indication

INBOUND = ("JW305", "JW307", "JW315", "JW317")


@dataclass(frozen=True)
class ImportResult:
    code: str
    identification: str
    sender: str
    records: int
    already_imported: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "bericht": self.code,
            "identificatie": self.identification,
            "afzender": self.sender,
            "verwerkt": self.records,
            "al_ingelezen": self.already_imported,
        }


def _refuse(path_name: str, reason: str) -> IjwMessageError:
    return IjwMessageError(f"{path_name}: {reason} Er is niets veranderd.")


def _person_by_bsn(session: Session, bsn: str) -> Person:
    person = q.person_by_bsn(session, bsn)
    if person is None:
        raise IjwMessageError(
            f"Onbekende cliënt: geen jeugdige met BSN {mask_bsn(bsn)} in deze database."
        )
    return person


def _seen(session: Session, header: Header) -> bool:
    return q.message_seen(session, header.sender, header.identification, header.code)


def _record(
    session: Session,
    header: Header,
    data: bytes,
    name: str,
    household: uuid.UUID | None,
    indication: uuid.UUID | None = None,
) -> IjwMessage:
    message = IjwMessage(
        direction="in",
        message_code=header.code,
        message_date=header.dagtekening,
        identification=header.identification,
        sender=header.sender,
        receiver=header.receiver,
        household_id=household,
        indication_id=indication,
        file_name=name[:200],
        content=data.decode("utf-8", errors="replace"),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    session.add(message)
    session.flush()
    return message


def _allocation(session: Session, gemeente: str, number: int) -> Indication:
    row = q.allocation(session, gemeente, number)
    if row is None:
        raise IjwMessageError(
            f"Onbekende toewijzing: gemeente {gemeente} heeft geen toewijzingnummer {number}."
        )
    return row


def _check_allocation(row: Indication, person: Person, agb: str, number: int) -> None:
    if row.person_id != person.id:
        raise IjwMessageError(
            f"Toewijzing {number} hoort bij een andere cliënt dan BSN {mask_bsn(person.bsn)}."
        )
    if (row.maatwerk_agb or row.provider_agb) != agb:
        raise IjwMessageError(f"Toewijzing {number} is niet aan aanbieder {agb} gegeven.")


def _require_municipality(ctx: AppContext | RegionProfile, header: Header) -> None:
    profile = ctx if isinstance(ctx, RegionProfile) else ctx.profile
    if profile.municipality(header.receiver) is None:
        raise IjwMessageError(
            f"Bericht/Header/Ontvanger {header.receiver} is geen gemeente van regio {profile.name}."
        )


def _apply_request(
    ctx: AppContext,
    session: Session,
    msg: RequestMessage,
    data: bytes,
    name: str,
    received_on: date,
) -> int:
    person = _person_by_bsn(session, msg.bsn)
    household = session.get(Household, person.household_id)
    assert household is not None
    message = _record(session, msg.header, data, name, household.id)
    due = add_working_days(received_on, ctx.profile.settings.provider_request_answer_workdays)
    for product in msg.products:
        indication_id = None
        if product.allocation_number is not None:
            row = _allocation(session, msg.header.receiver, product.allocation_number)
            _check_allocation(row, person, msg.header.sender, product.allocation_number)
            indication_id = row.id
        session.add(
            IjwRequest(
                kind=msg.header.code,
                message_id=message.id,
                household_id=household.id,
                person_id=person.id,
                gemeente_code=msg.header.receiver,
                provider_agb=msg.header.sender,
                reference=product.reference,
                indication_id=indication_id,
                product_category=product.category,
                product_code=product.code,
                start_date=product.start,
                end_date=product.end,
                volume=product.volume,
                unit_code=product.unit,
                frequency_code=product.frequency,
                referrer_code=product.referrer,
                received_on=received_on,
                answer_due=due,
                status="open",
            )
        )
    return len(msg.products)


def _apply_care(session: Session, msg: CareMessage, data: bytes, name: str) -> int:
    person = _person_by_bsn(session, msg.bsn)
    message = _record(session, msg.header, data, name, person.household_id)
    kind = "start" if msg.header.code == "JW305" else "stop"
    for event in msg.events:
        row = _allocation(session, msg.header.receiver, event.allocation_number)
        _check_allocation(row, person, msg.header.sender, event.allocation_number)
        if kind == "start" and not row.start_date <= event.day <= row.end_date:
            raise IjwMessageError(
                f"Begindatum {event.day.isoformat()} van toewijzing {event.allocation_number} "
                f"valt buiten de looptijd ({row.start_date.isoformat()} t/m "
                f"{row.end_date.isoformat()})."
            )
        existing = q.care_event(session, row.id, kind)
        if kind == "stop":
            start = q.start_day(session, row.id)
            if start is None:
                raise IjwMessageError(
                    f"Stop zorg voor toewijzing {event.allocation_number} zonder eerdere "
                    "start zorg (JW305)."
                )
            if event.day < start:
                raise IjwMessageError(
                    f"Einddatum {event.day.isoformat()} ligt voor de begindatum "
                    f"{start.isoformat()} van toewijzing {event.allocation_number}."
                )
        if existing is None:
            session.add(
                IjwCareEvent(
                    indication_id=row.id,
                    message_id=message.id,
                    kind=kind,
                    day=event.day,
                    reason_code=event.reason,
                    provider_agb=msg.header.sender,
                )
            )
        else:  # a correction by the provider: a new version of the same record
            existing.day = event.day
            existing.reason_code = event.reason
            existing.message_id = message.id
        session.flush()
    return len(msg.events)


def _parse(data: bytes, name: str) -> CareMessage | RequestMessage:
    """Parse a message once (one XML tree) into plain values, or refuse it precisely."""
    try:
        reader = Reader(data, INBOUND)
        return read_care(reader) if reader.code in ("JW305", "JW307") else read_request(reader)
    except IjwMessageError as error:
        raise _refuse(name, error.message) from None


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
        _require_municipality(ctx, parsed.header)
    except IjwMessageError as error:
        raise _refuse(name, error.message) from None
    result, person = _apply_one(ctx, uow, parsed, data, name, received_on)
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
    parsed = _parse(data, name)
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
            parsed = _parse(data, name)
            try:
                _require_municipality(profile, parsed.header)
            except IjwMessageError as error:
                raise _refuse(name, error.message) from None
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
                    result, person = _apply_one(ctx, uow, parsed, data, name, day)
                outcome[index] = result
                if not result.already_imported:
                    audit[index] = person
            except IjwMessageError as error:
                outcome[index] = error.message
        if cancel is not None:
            cancel.raise_if_cancelled()
        _apply_care_bulk(uow, care, outcome, audit)
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


def _apply_one(
    ctx: AppContext,
    uow: Any,
    parsed: CareMessage | RequestMessage,
    data: bytes,
    name: str,
    received_on: date,
) -> tuple[ImportResult, uuid.UUID | None]:
    """Check and write one message (no audit entry yet); the audited person, if applied."""
    header = parsed.header
    try:
        if _seen(uow.session, header):
            return ImportResult(header.code, header.identification, header.sender, 0, True), None
        if isinstance(parsed, CareMessage):
            count = _apply_care(uow.session, parsed, data, name)
        else:
            count = _apply_request(ctx, uow.session, parsed, data, name, received_on)
    except IjwMessageError as error:
        raise _refuse(name, error.message) from None
    person = q.person_id_by_bsn(uow.session, parsed.bsn)
    return ImportResult(header.code, header.identification, header.sender, count), person


#: values per ``IN (...)`` list in batched look-ups (well under SQLite's parameter limit)
_CHUNK = 500


def _chunks(values: Iterable[Any]) -> Iterable[list[Any]]:
    ordered = sorted(set(values), key=str)
    for start in range(0, len(ordered), _CHUNK):
        yield ordered[start : start + _CHUNK]


@dataclass(frozen=True)
class _Allocation:
    id: uuid.UUID
    person_id: uuid.UUID
    agb: str | None
    start_date: date
    end_date: date


def _apply_care_bulk(
    uow: Any,
    items: list[tuple[int, str, bytes, CareMessage]],
    outcome: dict[int, ImportResult | str],
    audit: dict[int, uuid.UUID | None],
) -> None:
    """Check and write many JW305/JW307 messages with batched look-ups and bulk inserts.

    The checks are those of :func:`_apply_care`, in the order the messages come: a stop
    sees a start read earlier in the same run, a second start for an allocation is a
    correction (a new version of the same record), a message read before is skipped.
    """
    if not items:
        return
    session: Session = uow.session
    # --- look-ups, in batches ---------------------------------------------------------------
    seen: set[tuple[str, str, str]] = set()
    for chunk in _chunks(m.header.identification for _, _, _, m in items):
        seen.update(
            (r.sender, r.identification, r.message_code) for r in q.seen_messages(session, chunk)
        )
    persons: dict[str, tuple[uuid.UUID, uuid.UUID]] = {}
    for chunk in _chunks(m.bsn for _, _, _, m in items):
        persons.update((r.bsn, (r.id, r.household_id)) for r in q.persons_by_bsns(session, chunk))
    allocations: dict[tuple[str, int], _Allocation] = {}
    wanted = {(m.header.receiver, e.allocation_number) for _, _, _, m in items for e in m.events}
    for chunk in _chunks(number for _, number in wanted):
        for r in q.allocations_by_numbers(session, chunk):
            allocations[(r.gemeente_code, r.allocation_number)] = _Allocation(
                r.id, r.person_id, r.maatwerk_agb or r.provider_agb, r.start_date, r.end_date
            )
    # (indication, kind) -> [day, reason, message id, event id or None when new]
    stored: dict[tuple[uuid.UUID, str], list[Any]] = {}
    for chunk in _chunks(a.id for a in allocations.values()):
        for r in q.care_events_of(session, chunk):
            stored[(r.indication_id, r.kind)] = [r.day, r.reason_code, r.message_id, r.id]
    # --- checks, message by message ---------------------------------------------------------
    state: dict[tuple[uuid.UUID, str], list[Any]] = {}  # events written in this run
    message_rows: list[dict[str, Any]] = []
    for index, name, data, msg in items:
        header = msg.header
        key = (header.sender, header.identification, header.code)
        if key in seen:
            outcome[index] = ImportResult(
                header.code, header.identification, header.sender, 0, True
            )
            continue
        try:
            person = persons.get(msg.bsn)
            if person is None:
                raise IjwMessageError(
                    f"Onbekende cliënt: geen jeugdige met BSN {mask_bsn(msg.bsn)} in deze database."
                )
            local = _check_care_events(msg, person[0], allocations, state, stored)
        except IjwMessageError as error:
            outcome[index] = _refuse(name, error.message).message
            continue
        seen.add(key)
        message_id = uuid.uuid4()
        message_rows.append(
            {
                "id": message_id,
                "direction": "in",
                "message_code": header.code,
                "message_date": header.dagtekening,
                "identification": header.identification,
                "sender": header.sender,
                "receiver": header.receiver,
                "household_id": person[1],
                "indication_id": None,
                "file_name": name[:200],
                "content": data.decode("utf-8", errors="replace"),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
        for event_key, (event_day, reason) in local.items():
            entry = state.get(event_key) or stored.get(event_key)
            if entry is None:
                state[event_key] = [event_day, reason, message_id, None, header.sender]
            else:
                entry[:3] = [event_day, reason, message_id]
                state[event_key] = entry
        outcome[index] = ImportResult(
            header.code, header.identification, header.sender, len(msg.events)
        )
        audit[index] = person[0]
    # --- writes: bulk inserts, corrections through the ORM (versioned, change-logged) --------
    actor = uow.actor.username
    bulk_insert(session, IjwMessage, message_rows, actor)
    new_events = [
        {
            "indication_id": indication,
            "message_id": entry[2],
            "kind": kind,
            "day": entry[0],
            "reason_code": entry[1],
            "provider_agb": entry[4],
        }
        for (indication, kind), entry in state.items()
        if entry[3] is None
    ]
    bulk_insert(session, IjwCareEvent, new_events, actor)
    corrected = {entry[3]: entry for entry in state.values() if entry[3] is not None}
    for chunk in _chunks(corrected):
        for event in q.care_events_by_ids(session, chunk):
            event.day, event.reason_code, event.message_id = corrected[event.id][:3]
    session.flush()


def _check_care_events(
    msg: CareMessage,
    person_id: uuid.UUID,
    allocations: dict[tuple[str, int], _Allocation],
    state: dict[tuple[uuid.UUID, str], list[Any]],
    stored: dict[tuple[uuid.UUID, str], list[Any]],
) -> dict[tuple[uuid.UUID, str], tuple[date, str | None]]:
    """The events of one message after the checks of :func:`_apply_care` (no writes)."""
    kind = "start" if msg.header.code == "JW305" else "stop"
    local: dict[tuple[uuid.UUID, str], tuple[date, str | None]] = {}
    for event in msg.events:
        number = event.allocation_number
        row = allocations.get((msg.header.receiver, number))
        if row is None:
            raise IjwMessageError(
                f"Onbekende toewijzing: gemeente {msg.header.receiver} heeft geen "
                f"toewijzingnummer {number}."
            )
        if row.person_id != person_id:
            raise IjwMessageError(
                f"Toewijzing {number} hoort bij een andere cliënt dan BSN {mask_bsn(msg.bsn)}."
            )
        if row.agb != msg.header.sender:
            raise IjwMessageError(
                f"Toewijzing {number} is niet aan aanbieder {msg.header.sender} gegeven."
            )
        if kind == "start" and not row.start_date <= event.day <= row.end_date:
            raise IjwMessageError(
                f"Begindatum {event.day.isoformat()} van toewijzing {number} valt buiten de "
                f"looptijd ({row.start_date.isoformat()} t/m {row.end_date.isoformat()})."
            )
        if kind == "stop":
            key = (row.id, "start")
            known = local.get(key) or state.get(key) or stored.get(key)
            if known is None:
                raise IjwMessageError(
                    f"Stop zorg voor toewijzing {number} zonder eerdere start zorg (JW305)."
                )
            if event.day < known[0]:
                raise IjwMessageError(
                    f"Einddatum {event.day.isoformat()} ligt voor de begindatum "
                    f"{known[0].isoformat()} van toewijzing {number}."
                )
        local[(row.id, kind)] = (event.day, event.reason)
    return local


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


# --- reading: requests, actual start/end, waiting times, signals ----------------------------


@dataclass(frozen=True)
class RequestRow:
    id: uuid.UUID
    kind: str
    household_id: uuid.UUID
    person_id: uuid.UUID
    provider_agb: str
    reference: str
    product_code: str | None
    indication_id: uuid.UUID | None
    received_on: date
    answer_due: date
    status: str

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "bericht": self.kind,
            "household_id": str(self.household_id),
            "aanbieder_agb": self.provider_agb,
            "referentie": self.reference,
            "productcode": self.product_code,
            "indicatie_id": str(self.indication_id) if self.indication_id else None,
            "ontvangen": self.received_on.isoformat(),
            "antwoord_voor": self.answer_due.isoformat(),
            "status": self.status,
        }


def list_requests(ctx: AppContext, status: str | None = None) -> list[RequestRow]:
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        rows = q.provider_requests(uow.session, status)
        uow.log_access("inzien", "ijw_request", None, [r.person_id for r in rows], "verzoeken")
        return [
            RequestRow(
                r.id,
                r.kind,
                r.household_id,
                r.person_id,
                r.provider_agb,
                r.reference,
                r.product_code,
                r.indication_id,
                r.received_on,
                r.answer_due,
                r.status,
            )
            for r in rows
        ]


@dataclass(frozen=True)
class ActualTerm:
    started: date | None
    stopped: date | None
    stop_reason: str | None


def actual_term(ctx: AppContext, indication_id: uuid.UUID) -> ActualTerm:
    """The start and end of care as the provider reported them (JW305/JW307)."""
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        rows = q.care_events_of_indication(uow.session, indication_id)
        person = q.indication_person(uow.session, indication_id)
        uow.log_access(
            "inzien",
            "indication",
            indication_id,
            [person] if person else [],
            "start en stop van de zorg (iJw)",
        )
    by_kind = {r.kind: r for r in rows}
    stop = by_kind.get("stop")
    return ActualTerm(
        by_kind["start"].day if "start" in by_kind else None,
        stop.day if stop else None,
        stop.reason_code if stop else None,
    )


@dataclass(frozen=True)
class WaitingTime:
    """Real waiting time at one provider: days from request to the reported start."""

    provider_agb: str
    starts: int
    median_days: float
    mean_days: float

    @property
    def median_weeks(self) -> float:
        return round(self.median_days / 7, 1)

    def to_json(self) -> dict[str, Any]:
        return {
            "aanbieder_agb": self.provider_agb,
            "starts": self.starts,
            "mediaan_dagen": self.median_days,
            "gemiddeld_dagen": round(self.mean_days, 1),
            "mediaan_weken": self.median_weeks,
        }


def waiting_days_by_provider(
    session: Session,
    agbs: set[str] | None = None,
    *,
    gemeente_code: str | None = None,
    segment: str | None = None,
    started_from: date | None = None,
    started_until: date | None = None,
) -> dict[str, list[int]]:
    """Per provider AGB the days from request to start of every reported start (JW305).

    The request date is the provider's JW315 the allocation answered, else the date the
    help was asked for, else the allocation date. Optionally narrowed to one municipality,
    one segment and starts in a period (the dashboard's filter).
    """
    rows = q.reported_starts(
        session,
        agbs,
        gemeente_code=gemeente_code,
        segment=segment,
        started_from=started_from,
        started_until=started_until,
    )
    asked = q.answered_jw315_dates(session)
    result: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        requested = (
            asked.get(r.id) or r.requested_on or (r.allocated_at.date() if r.allocated_at else None)
        )
        if requested is not None:
            result[r.provider_agb].append(max((r.day - requested).days, 0))
    return result


def measured_waiting_weeks(session: Session, agbs: set[str]) -> dict[str, int]:
    """Median measured waiting time in whole weeks (rounded up) per provider, if known."""
    if not agbs:
        return {}
    days = waiting_days_by_provider(session, agbs)
    return {agb: -(-int(statistics.median(v)) // 7) for agb, v in days.items() if v}


def waiting_times(ctx: AppContext) -> dict[str, WaitingTime]:
    """Real waiting times per provider (request → reported start), for picker and dashboard."""
    require(ctx.actor, Permission.DOSSIER_READ)
    with ctx.uow(readonly=True) as uow:
        days = waiting_days_by_provider(uow.session)
    return summarise_waiting(days)


def summarise_waiting(days: dict[str, list[int]]) -> dict[str, WaitingTime]:
    """Median and mean per provider of measured waiting days (one rule for CLI and charts)."""
    return {
        agb: WaitingTime(
            agb, len(values), float(statistics.median(values)), statistics.fmean(values)
        )
        for agb, values in days.items()
        if values
    }


@dataclass(frozen=True)
class IjwSignalRow:
    kind: str  # "verzoek" or "geen_start"
    household_id: uuid.UUID
    person_id: uuid.UUID
    indication_id: uuid.UUID | None
    due: date
    detail: str


def ijw_signal_rows(session: Session, day: date, norm_weeks: int) -> list[IjwSignalRow]:
    """Open JW315/JW317 requests and sent allocations without a start within the norm."""
    found: list[IjwSignalRow] = []
    for r in q.open_provider_requests(session):
        found.append(
            IjwSignalRow(
                "verzoek",
                r.household_id,
                r.person_id,
                r.indication_id,
                r.answer_due,
                f"Aanbieder {r.provider_agb} vroeg op {r.received_on:%d-%m-%Y} om "
                f"{'een toewijzing' if r.kind == 'JW315' else 'een wijziging'} ({r.kind}); "
                f"antwoord vóór {r.answer_due:%d-%m-%Y} met een toewijzing of een JW319.",
            )
        )
    limit = day - timedelta(weeks=norm_weeks)
    for r in q.sent_allocations_without_start(
        session, IndicationStatus.AFGEGEVEN.value, limit, day
    ):
        found.append(
            IjwSignalRow(
                "geen_start",
                r.household_id,
                r.person_id,
                r.id,
                r.start_date + timedelta(weeks=norm_weeks),
                f"{r.provider_name or 'De aanbieder'} meldde geen start van "
                f"{r.product_name or 'de hulp'} (JW305) binnen {norm_weeks} weken na "
                f"{r.start_date:%d-%m-%Y}. Vraag na of de hulp is begonnen.",
            )
        )
    return found
