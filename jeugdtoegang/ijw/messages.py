"""Message content as plain values: JW301 and JW319 written, JW305/JW307/JW315/JW317 read.

JW301 carries one Client with one or more ToegewezenProduct (one message per client);
a batch is all messages of one day for one municipality and one provider.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.ijw_codes import (
    Omvang,
    RedenAfwijzing,
    RedenBeeindiging,
    VerzoekAntwoord,
)
from jeugdtoegang.ijw.xmlcodec import Header, IjwMessageError, Reader, Writer


@dataclass(frozen=True)
class ClientData:
    bsn: str
    birth_date: date | None
    surname: str
    tussenvoegsel: str
    first_names: str
    street: str
    house_number: str
    postcode: str
    city: str


@dataclass(frozen=True)
class AllocatedProduct:
    """One ToegewezenProduct."""

    allocation_number: int
    category: str
    code: str
    allocated_on: date
    allocated_at: str  # HH:MM:SS
    start: date
    end: date
    reason: str | None
    omvang: Omvang | None
    budget: int | None
    reference: str | None = None


def identification(*parts: str) -> str:
    """A stable BerichtIdentificatie (max 20 characters) from the batch and its content."""
    digest = hashlib.sha256("|".join(parts).encode()).hexdigest()
    return digest[:20].upper()


def _house_number(number: str) -> tuple[str, str]:
    digits = "".join(ch for ch in number if ch.isdigit())
    return digits or "0", number[len(digits) :].strip() if number.startswith(digits) else ""


def write_jw301(
    sender: str,
    receiver: str,
    ident: str,
    day: date,
    client: ClientData,
    products: list[AllocatedProduct],
) -> bytes:
    """One JW301 message (Header + one Client with its ToegewezenProducten)."""
    w = Writer("JW301")
    w.header(sender, receiver, ident, day)
    node = w.el(w.root, "Client")
    w.el(node, "Bsn", client.bsn)
    born = w.el(node, "Geboortedatum")
    w.base(born, "Datum", (client.birth_date or date(1900, 1, 1)).isoformat())
    w.base(born, "DatumGebruik", "1" if client.birth_date else "3")
    w.el(node, "Geslacht", "0")
    name = w.el(node, "Naam")
    surname = w.base(name, "Geslachtsnaam")
    w.base(surname, "Achternaam", client.surname)
    if client.tussenvoegsel:
        w.base(surname, "Voorvoegsel", client.tussenvoegsel)
    w.base(name, "Voornamen", client.first_names)
    w.base(name, "NaamGebruik", "1")
    contacts = w.el(node, "Contactgegevens")
    contact = w.el(contacts, "Contact")
    w.el(contact, "Soort", "01")
    address = w.el(contact, "Adres")
    w.base(address, "Straatnaam", client.street or "Onbekend")
    number, suffix = _house_number(client.house_number)
    hn = w.base(address, "Huisnummer")
    w.base(hn, "Huisnummer", number)
    if suffix:
        w.base(hn, "Huisnummertoevoeging", suffix[:4])
    if client.postcode:
        w.base(address, "Postcode", client.postcode.replace(" ", ""))
    w.base(address, "Plaatsnaam", client.city or "Onbekend")
    w.base(address, "LandCode", "NL")
    allocated = w.el(node, "ToegewezenProducten")
    for product in products:
        p = w.el(allocated, "ToegewezenProduct")
        w.el(p, "ToewijzingNummer", product.allocation_number)
        if product.reference:
            w.el(p, "ReferentieAanbieder", product.reference)
        prod = w.el(p, "Product")
        w.base(prod, "Categorie", product.category)
        w.base(prod, "Code", product.code)
        w.el(p, "Toewijzingsdatum", product.allocated_on.isoformat())
        w.el(p, "Toewijzingstijd", product.allocated_at)
        w.el(p, "Ingangsdatum", product.start.isoformat())
        w.el(p, "Einddatum", product.end.isoformat())
        if product.reason:
            w.el(p, "RedenWijziging", product.reason)
        if product.omvang is not None:
            omvang = w.el(p, "Omvang")
            w.base(omvang, "Volume", product.omvang.volume)
            w.base(omvang, "Eenheid", product.omvang.eenheid)
            w.base(omvang, "Frequentie", product.omvang.frequentie)
        if product.budget is not None:
            w.el(p, "Budget", product.budget)
    return w.to_bytes()


def write_jw319(
    sender: str,
    receiver: str,
    ident: str,
    day: date,
    reference: str,
    answer: VerzoekAntwoord,
    reason: RedenAfwijzing | None,
) -> bytes:
    """A JW319 antwoord: afgewezen (WJ760 1, with WJ759) or in onderzoek (WJ760 2)."""
    w = Writer("JW319")
    w.header(sender, receiver, ident, day)
    node = w.el(w.root, "Antwoord")
    w.el(node, "ReferentieAanbieder", reference)
    w.el(node, "VerzoekAntwoord", answer.value)
    if reason is not None:
        w.el(node, "RedenAfwijzingVerzoek", reason.value)
    return w.to_bytes()


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CareEvent:
    """One StartProduct (JW305) or StopProduct (JW307)."""

    allocation_number: int
    product_code: str | None
    day: date
    reason: str | None = None


@dataclass(frozen=True)
class CareMessage:
    header: Header
    bsn: str
    events: tuple[CareEvent, ...]


@dataclass(frozen=True)
class RequestedProduct:
    reference: str
    allocation_number: int | None
    category: str | None
    code: str | None
    start: date | None
    end: date | None
    volume: Decimal | None
    unit: str | None
    frequency: str | None
    referrer: str | None


@dataclass(frozen=True)
class RequestMessage:
    header: Header
    bsn: str
    products: tuple[RequestedProduct, ...] = field(default_factory=tuple)


def _allocation_number(reader: Reader, node, where: tuple[str, ...]) -> int:
    value = reader.text(node, "ToewijzingNummer", where=where) or ""
    if not value.isdigit() or len(value) > 8:
        raise IjwMessageError(
            f"Bericht/{'/'.join(where)}/ToewijzingNummer '{value}' is geen nummer van "
            "hoogstens 8 cijfers."
        )
    return int(value)


def _client(reader: Reader):
    client = reader.find(reader.root, "Client")
    if client is None:
        raise IjwMessageError("Verplicht element ontbreekt: Bericht/Client.")
    return client


def read_care(data: bytes | Reader) -> CareMessage:
    """A JW305 (start zorg) or JW307 (stop zorg), from bytes or an already parsed reader."""
    reader = data if isinstance(data, Reader) else Reader(data, ("JW305", "JW307"))
    if reader.code not in ("JW305", "JW307"):
        raise IjwMessageError(f"Berichttype {reader.code} is geen JW305 of JW307.")
    header = reader.header()
    client = _client(reader)
    bsn = reader.bsn(client)
    start = reader.code == "JW305"
    group, item = ("StartProducten", "StartProduct") if start else ("StopProducten", "StopProduct")
    container = reader.find(client, group)
    nodes = reader.children(container, item) if container is not None else []
    if not nodes:
        raise IjwMessageError(f"Verplicht element ontbreekt: Bericht/Client/{group}/{item}.")
    events = []
    for node in nodes:
        where = ("Client", group, item)
        number = _allocation_number(reader, node, where)
        code = reader.text(node, "Product", "Code", base_last=True, required=False, where=where)
        if start:
            day = reader.date(node, "Begindatum", where=where)
            reason = None
        else:
            day = reader.date(node, "Einddatum", where=where)
            reason = reader.text(node, "RedenBeeindiging", where=where)
            if reason not in {r.value for r in RedenBeeindiging}:
                raise IjwMessageError(
                    f"Bericht/Client/{group}/{item}/RedenBeeindiging '{reason}' is geen "
                    "bekende code (JZ588)."
                )
        assert day is not None
        events.append(CareEvent(number, code, day, reason))
    return CareMessage(header, bsn, tuple(events))


def read_request(data: bytes | Reader) -> RequestMessage:
    """A JW315 (verzoek om toewijzing) or JW317 (verzoek om wijziging)."""
    reader = data if isinstance(data, Reader) else Reader(data, ("JW315", "JW317"))
    if reader.code not in ("JW315", "JW317"):
        raise IjwMessageError(f"Berichttype {reader.code} is geen JW315 of JW317.")
    header = reader.header()
    client = _client(reader)
    bsn = reader.bsn(client)
    initial = reader.code == "JW315"
    group, item = (
        ("AangevraagdeProducten", "AangevraagdProduct")
        if initial
        else ("TeWijzigenProducten", "TeWijzigenProduct")
    )
    container = reader.find(client, group)
    nodes = reader.children(container, item) if container is not None else []
    if not nodes:
        raise IjwMessageError(f"Verplicht element ontbreekt: Bericht/Client/{group}/{item}.")
    products = []
    for node in nodes:
        where = ("Client", group, item)
        reference = reader.text(node, "ReferentieAanbieder", where=where) or ""
        if len(reference) > 20:
            raise IjwMessageError(
                f"Bericht/{'/'.join(where)}/ReferentieAanbieder is langer dan 20 tekens."
            )
        number = None if initial else _allocation_number(reader, node, where)
        referrer = None
        if initial:
            referrer = reader.text(node, "Verwijzer", "Type", base_last=True, where=where)
        omvang = reader.find(node, "Omvang")
        volume = unit = frequency = None
        if omvang is not None:
            where_o = (*where, "Omvang")
            volume = reader.decimal(omvang, "Volume", base_last=True, where=where_o)
            unit = reader.text(omvang, "Eenheid", base_last=True, where=where_o)
            frequency = reader.text(omvang, "Frequentie", base_last=True, where=where_o)
        products.append(
            RequestedProduct(
                reference=reference,
                allocation_number=number,
                category=reader.text(
                    node, "Product", "Categorie", base_last=True, required=initial, where=where
                ),
                code=reader.text(
                    node, "Product", "Code", base_last=True, required=False, where=where
                ),
                start=reader.date(node, "Ingangsdatum", required=initial, where=where),
                end=reader.date(node, "Einddatum", required=False, where=where),
                volume=volume,
                unit=unit,
                frequency=frequency,
                referrer=referrer,
            )
        )
    return RequestMessage(header, bsn, tuple(products))


def message_code(data: bytes) -> str:
    """The message type (JW305 …) of a file, or a precise error."""
    reader = Reader(data, tuple(f"JW{n}" for n in ("301", "305", "307", "315", "317", "319")))
    return reader.code
