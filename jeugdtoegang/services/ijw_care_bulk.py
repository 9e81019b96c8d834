"""Many JW305/JW307 start and stop messages at once: the checks of
:func:`~jeugdtoegang.services.ijw_apply._apply_care` against clients, allocations and
earlier events looked up in batches, the new rows written with bulk inserts.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.bsn import mask_bsn
from jeugdtoegang.ijw.messages import CareMessage
from jeugdtoegang.ijw.xmlcodec import IjwMessageError
from jeugdtoegang.services.ijw_apply import ImportResult, refuse
from jeugdtoegang.storage import ijw_queries as q
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.ijw import IjwCareEvent, IjwMessage

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


def apply_care_bulk(
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
            outcome[index] = refuse(name, error.message).message
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
