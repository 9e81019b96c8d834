"""The reads behind the iJw exchange (``services/ijw_inbound.py``, ``services/ijw_export.py``).

Each function takes an open session and plain values (a BSN, a message header's fields,
allocation numbers, a date) and returns ORM objects or rows with named columns; the iJw
services keep the use case (permissions, checks and Dutch refusals, writes in one unit of
work, access logging). Batched look-ups take one chunk of keys (the caller splits them
well under SQLite's parameter limit) and read it in one ``IN`` statement; ``bench_ijw``
replays these statements.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from jeugdtoegang.storage.models.households import Person
from jeugdtoegang.storage.models.ijw import IjwCareEvent, IjwMessage, IjwRequest
from jeugdtoegang.storage.models.indications import Indication

# --- one message at a time (the checked, ORM path) ----------------------------------------


def person_by_bsn(session: Session, bsn: str) -> Person | None:
    """The person with this BSN, or None (one read by the BSN index)."""
    return session.execute(select(Person).where(Person.bsn == bsn)).scalar_one_or_none()


def person_id_by_bsn(session: Session, bsn: str) -> uuid.UUID | None:
    """The id of the person with this BSN, or None (the audited subject of a message)."""
    return session.execute(select(Person.id).where(Person.bsn == bsn)).scalar()


def message_seen(session: Session, sender: str, identification: str, code: str) -> bool:
    """Whether an inbound message with this sender, identification and code was read before."""
    return (
        session.execute(
            select(IjwMessage.id).where(
                IjwMessage.direction == "in",
                IjwMessage.sender == sender,
                IjwMessage.identification == identification,
                IjwMessage.message_code == code,
            )
        ).first()
        is not None
    )


def allocation(session: Session, gemeente: str, number: int) -> Indication | None:
    """The indication with this municipality's allocation number (the unique key), or None."""
    return session.execute(
        select(Indication).where(
            Indication.gemeente_code == gemeente, Indication.allocation_number == number
        )
    ).scalar_one_or_none()


def care_event(session: Session, indication_id: uuid.UUID, kind: str) -> IjwCareEvent | None:
    """The reported start or stop (``kind``) of an allocation, or None (at most one each)."""
    return session.execute(
        select(IjwCareEvent).where(
            IjwCareEvent.indication_id == indication_id, IjwCareEvent.kind == kind
        )
    ).scalar_one_or_none()


def start_day(session: Session, indication_id: uuid.UUID) -> date | None:
    """The day care started as the provider reported it (JW305), or None."""
    return session.execute(
        select(IjwCareEvent.day).where(
            IjwCareEvent.indication_id == indication_id, IjwCareEvent.kind == "start"
        )
    ).scalar()


# --- many messages at once (the batched import) -------------------------------------------


def seen_messages(session: Session, identifications: Sequence[str]) -> list[Row[Any]]:
    """Inbound messages with one of these identifications: (sender, identification,
    message_code) rows, one ``IN`` statement per chunk."""
    return list(
        session.execute(
            select(IjwMessage.sender, IjwMessage.identification, IjwMessage.message_code).where(
                IjwMessage.direction == "in", IjwMessage.identification.in_(identifications)
            )
        )
    )


def persons_by_bsns(session: Session, bsns: Sequence[str]) -> list[Row[Any]]:
    """(bsn, id, household_id) of the persons with these BSNs (one ``IN`` statement)."""
    return list(
        session.execute(
            select(Person.bsn, Person.id, Person.household_id).where(Person.bsn.in_(bsns))
        )
    )


def allocations_by_numbers(session: Session, numbers: Sequence[int]) -> list[Row[Any]]:
    """Indications with these allocation numbers (any municipality; the caller keys them).

    Columns: id, gemeente_code, allocation_number, person_id, provider_agb, maatwerk_agb,
    start_date, end_date (one ``IN`` statement on the allocation number).
    """
    return list(
        session.execute(
            select(
                Indication.id,
                Indication.gemeente_code,
                Indication.allocation_number,
                Indication.person_id,
                Indication.provider_agb,
                Indication.maatwerk_agb,
                Indication.start_date,
                Indication.end_date,
            ).where(Indication.allocation_number.in_(numbers))
        )
    )


def care_events_of(session: Session, indication_ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    """Reported starts and stops of these allocations (one ``IN`` statement).

    Columns: id, indication_id, kind, day, reason_code, message_id.
    """
    return list(
        session.execute(
            select(
                IjwCareEvent.id,
                IjwCareEvent.indication_id,
                IjwCareEvent.kind,
                IjwCareEvent.day,
                IjwCareEvent.reason_code,
                IjwCareEvent.message_id,
            ).where(IjwCareEvent.indication_id.in_(indication_ids))
        )
    )


def care_events_by_ids(session: Session, ids: Sequence[uuid.UUID]) -> list[IjwCareEvent]:
    """The care events with these ids as ORM objects, to correct them (versioned writes)."""
    return list(session.execute(select(IjwCareEvent).where(IjwCareEvent.id.in_(ids))).scalars())


# --- reading what came in -----------------------------------------------------------------


def provider_requests(session: Session, status: str | None) -> list[IjwRequest]:
    """JW315/JW317 requests (optionally of one status), soonest answer due first."""
    query = select(IjwRequest).order_by(IjwRequest.answer_due, IjwRequest.received_on)
    if status:
        query = query.where(IjwRequest.status == status)
    return list(session.execute(query).scalars())


def care_events_of_indication(session: Session, indication_id: uuid.UUID) -> list[Row[Any]]:
    """(kind, day, reason_code) of the reported start and stop of one allocation."""
    return list(
        session.execute(
            select(IjwCareEvent.kind, IjwCareEvent.day, IjwCareEvent.reason_code).where(
                IjwCareEvent.indication_id == indication_id
            )
        ).all()
    )


def indication_person(session: Session, indication_id: uuid.UUID) -> uuid.UUID | None:
    """The person an indication is for (for the access log), or None."""
    return session.execute(
        select(Indication.person_id).where(Indication.id == indication_id)
    ).scalar()


def reported_starts(
    session: Session,
    agbs: set[str] | None = None,
    *,
    gemeente_code: str | None = None,
    segment: str | None = None,
    started_from: date | None = None,
    started_until: date | None = None,
) -> list[Row[Any]]:
    """Every reported start (JW305) with its indication's request and allocation dates.

    Optionally narrowed to providers, a municipality, a segment and starts in a period
    (the dashboard's filter). One statement joining care events to indications. Columns:
    day, provider_agb, id (the indication), requested_on, allocated_at.
    """
    query = (
        select(
            IjwCareEvent.day,
            IjwCareEvent.provider_agb,
            Indication.id,
            Indication.requested_on,
            Indication.allocated_at,
        )
        .join(Indication, Indication.id == IjwCareEvent.indication_id)
        .where(IjwCareEvent.kind == "start")
    )
    if agbs is not None:
        query = query.where(IjwCareEvent.provider_agb.in_(sorted(agbs)))
    if gemeente_code is not None:
        query = query.where(Indication.gemeente_code == gemeente_code)
    if segment is not None:
        query = query.where(Indication.segment == segment)
    if started_from is not None:
        query = query.where(IjwCareEvent.day >= started_from)
    if started_until is not None:
        query = query.where(IjwCareEvent.day <= started_until)
    return list(session.execute(query).all())


def answered_jw315_dates(session: Session) -> dict[uuid.UUID, date]:
    """Indication id -> the day its JW315 request came in (requests answered by an allocation)."""
    return dict(
        session.execute(
            select(IjwRequest.answer_indication_id, IjwRequest.received_on).where(
                IjwRequest.answer_indication_id.is_not(None), IjwRequest.kind == "JW315"
            )
        ).all()
    )


def open_provider_requests(session: Session) -> list[IjwRequest]:
    """JW315/JW317 requests still open or being looked into (few; one statement)."""
    return list(
        session.execute(
            select(IjwRequest).where(IjwRequest.status.in_(("open", "in_onderzoek")))
        ).scalars()
    )


def sent_allocations_without_start(
    session: Session, status: str, started_by: date, running_on: date
) -> list[Row[Any]]:
    """Allocations in ``status`` sent to the provider (a JW301) without a reported start.

    Only help that should have started by ``started_by`` and still runs on ``running_on``;
    one statement with two subqueries (``NOT IN`` the starts, ``IN`` the sent JW301s).
    Columns: id, household_id, person_id, start_date, provider_name, product_name.
    """
    started = select(IjwCareEvent.indication_id).where(IjwCareEvent.kind == "start")
    # only allocations a provider received (a JW301 was sent) can be reported as started
    sent = select(IjwMessage.indication_id).where(
        IjwMessage.message_code == "JW301", IjwMessage.indication_id.is_not(None)
    )
    return list(
        session.execute(
            select(
                Indication.id,
                Indication.household_id,
                Indication.person_id,
                Indication.start_date,
                Indication.provider_name,
                Indication.product_name,
            ).where(
                Indication.status == status,
                Indication.allocation_number.is_not(None),
                Indication.start_date <= started_by,
                Indication.end_date >= running_on,
                Indication.id.not_in(started),
                Indication.id.in_(sent),
            )
        ).all()
    )


# --- what goes out (JW301, JW319) ---------------------------------------------------------


def sent_jw301_terms(session: Session, indication_ids: Sequence[uuid.UUID]) -> list[Row[Any]]:
    """Every JW301 sent for these allocations (one ``IN`` statement per chunk).

    Columns: indication_id, message_date, created_at, terms (the caller keeps the newest).
    """
    return list(
        session.execute(
            select(
                IjwMessage.indication_id,
                IjwMessage.message_date,
                IjwMessage.created_at,
                IjwMessage.terms,
            ).where(
                IjwMessage.message_code == "JW301", IjwMessage.indication_id.in_(indication_ids)
            )
        ).all()
    )


def answered_request_references(
    session: Session, indication_ids: Sequence[uuid.UUID]
) -> list[Row[Any]]:
    """(answer_indication_id, reference) of the requests these allocations answer."""
    return list(
        session.execute(
            select(IjwRequest.answer_indication_id, IjwRequest.reference).where(
                IjwRequest.answer_indication_id.in_(indication_ids)
            )
        ).all()
    )


def allocations_before(
    session: Session, statuses: Sequence[str], before: datetime
) -> list[Indication]:
    """Allocated indications in ``statuses`` allocated and last changed before ``before``.

    Whole ORM objects: the caller compares their terms with the last JW301 sent.
    """
    return list(
        session.execute(
            select(Indication).where(
                Indication.allocation_number.is_not(None),
                Indication.status.in_(tuple(statuses)),
                Indication.allocated_at < before,
                Indication.updated_at < before,
            )
        ).scalars()
    )


def records_by_ids(session: Session, model: Any, ids: Sequence[uuid.UUID]) -> list[Any]:
    """Records of ``model`` with these ids (one ``IN`` statement on the key per chunk)."""
    return list(session.execute(select(model).where(model.id.in_(ids))).scalars())


def outgoing_messages_of_day(session: Session, day: date) -> list[IjwMessage]:
    """The outgoing messages dated ``day`` that have content, by file name."""
    return list(
        session.execute(
            select(IjwMessage)
            .where(
                IjwMessage.direction == "uit",
                IjwMessage.message_date == day,
                IjwMessage.content != "",
            )
            .order_by(IjwMessage.file_name)
        ).scalars()
    )


def jw301_count_of_day(session: Session, day: date) -> int:
    """How many JW301 allocations are dated ``day`` (ids read and counted)."""
    return len(
        session.execute(
            select(IjwMessage.id).where(
                IjwMessage.message_code == "JW301", IjwMessage.message_date == day
            )
        ).all()
    )
