"""Checking and writing one provider message (JW315/JW317 request, JW305/JW307 start or
stop of care): the checks give a precise Dutch reason and nothing is written for a
refused message. Used by ``services/ijw_inbound.py``, one message at a time.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.bsn import mask_bsn
from jeugdtoegang.domain.working_days import add_working_days
from jeugdtoegang.ijw.messages import CareMessage, RequestMessage, read_care, read_request
from jeugdtoegang.ijw.xmlcodec import Header, IjwMessageError, Reader
from jeugdtoegang.regions.schema import RegionProfile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import ijw_queries as q
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


def refuse(path_name: str, reason: str) -> IjwMessageError:
    """The error that refuses a message file: its name, the reason, and that nothing changed."""
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


def require_municipality(ctx: AppContext | RegionProfile, header: Header) -> None:
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


def parse_message(data: bytes, name: str) -> CareMessage | RequestMessage:
    """Parse a message once (one XML tree) into plain values, or refuse it precisely."""
    try:
        reader = Reader(data, INBOUND)
        return read_care(reader) if reader.code in ("JW305", "JW307") else read_request(reader)
    except IjwMessageError as error:
        raise refuse(name, error.message) from None


def apply_one(
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
        raise refuse(name, error.message) from None
    person = q.person_id_by_bsn(uow.session, parsed.bsn)
    return ImportResult(header.code, header.identification, header.sender, count), person
