"""The iJw 3.2 XML envelope: namespaces, header, deterministic writing, strict reading.

Every message is ``<jwNNN:Bericht>`` in ``http://www.istandaarden.nl/ijw/3_2/jwNNN/schema``;
elements declared in the message schema carry that namespace, the children of the
basisschema's composite types (CDT_*: Datum/DatumGebruik, Geslachtsnaam, Adres, Omvang,
Product …) carry ``http://www.istandaarden.nl/ijw/3_2/basisschema/schema``.

Reading refuses a DOCTYPE (no entities, no external references), a wrong root or
namespace, a wrong BerichtCode, and reports the first missing or malformed element by
its path, in Dutch.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal, InvalidOperation

from jeugdtoegang.domain.bsn import is_valid_bsn
from jeugdtoegang.errors import JeugdtoegangError

#: a message is small; a larger file is refused before parsing
MAX_MESSAGE_BYTES = 5_000_000
NS_BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
BERICHT_VERSIE = "3"
BERICHT_SUBVERSIE = "2"
XSD_VERSIE = "1.0.0"
#: BerichtCode (COD002-VEKT) per message type, as encoded in this program
BERICHT_CODES = {
    "JW301": "414",
    "JW305": "416",
    "JW307": "418",
    "JW315": "436",
    "JW317": "446",
    "JW319": "448",
}
#: the structure of the header (XSD order)
HEADER_FIELDS = (
    "BerichtCode",
    "BerichtVersie",
    "BerichtSubversie",
    "Afzender",
    "Ontvanger",
    "BerichtIdentificatie",
    "XsdVersie",
)


def message_ns(code: str) -> str:
    return f"http://www.istandaarden.nl/ijw/3_2/{code.lower()}/schema"


class IjwMessageError(JeugdtoegangError):
    """A message that cannot be read or does not fit; nothing was changed."""


@dataclass(frozen=True)
class Header:
    code: str
    sender: str
    receiver: str
    identification: str
    dagtekening: date


# --- writing --------------------------------------------------------------------------------


class Writer:
    """Builds one message; elements in the message or the basisschema namespace."""

    def __init__(self, code: str) -> None:
        self.code = code
        self.ns = message_ns(code)
        self.prefix = code.lower()
        self.root = ET.Element(f"{{{self.ns}}}Bericht")

    def el(self, parent: ET.Element, name: str, text: object | None = None) -> ET.Element:
        """A message-schema element (``jwNNN:name``)."""
        node = ET.SubElement(parent, f"{{{self.ns}}}{name}")
        if text is not None:
            node.text = str(text)
        return node

    def base(self, parent: ET.Element, name: str, text: object | None = None) -> ET.Element:
        """A child of a basisschema composite type (``ijw:name``)."""
        node = ET.SubElement(parent, f"{{{NS_BASE}}}{name}")
        if text is not None:
            node.text = str(text)
        return node

    def header(self, sender: str, receiver: str, identification: str, day: date) -> None:
        head = self.el(self.root, "Header")
        self.el(head, "BerichtCode", BERICHT_CODES[self.code])
        self.el(head, "BerichtVersie", BERICHT_VERSIE)
        self.el(head, "BerichtSubversie", BERICHT_SUBVERSIE)
        self.el(head, "Afzender", sender)
        self.el(head, "Ontvanger", receiver)
        ident = self.el(head, "BerichtIdentificatie")
        self.base(ident, "Identificatie", identification)
        self.base(ident, "Dagtekening", day.isoformat())
        xsd = self.el(head, "XsdVersie")
        self.base(xsd, "BasisschemaXsdVersie", XSD_VERSIE)
        self.base(xsd, "BerichtXsdVersie", XSD_VERSIE)

    def to_bytes(self) -> bytes:
        """UTF-8 with declaration, indented, prefixes ``ijw`` and ``jwNNN``: deterministic."""
        ET.register_namespace("ijw", NS_BASE)
        ET.register_namespace(self.prefix, self.ns)
        ET.indent(self.root, space="  ")
        return ET.tostring(self.root, encoding="utf-8", xml_declaration=True) + b"\n"


# --- reading --------------------------------------------------------------------------------

_AGB = re.compile(r"\d{8}")
_GEMEENTE = re.compile(r"\d{4}")


class Reader:
    """Strict, namespace-aware access to a received message."""

    def __init__(self, data: bytes, expected: Iterable[str]) -> None:
        if len(data) > MAX_MESSAGE_BYTES:
            raise IjwMessageError(
                f"Het bericht is groter dan {MAX_MESSAGE_BYTES // 1_000_000} MB; zo groot is "
                "een iJw-bericht nooit."
            )
        if b"<!DOCTYPE" in data.upper():
            raise IjwMessageError("Het bericht bevat een DOCTYPE; dat is in iJw niet toegestaan.")
        try:
            self.root = ET.fromstring(data)
        except ET.ParseError as error:
            raise IjwMessageError(f"Het bestand is geen geldige XML ({error}).") from None
        tag = self.root.tag
        match = re.fullmatch(r"\{http://www\.istandaarden\.nl/ijw/3_2/(jw\d{3})/schema\}(.+)", tag)
        if match is None or match.group(2) != "Bericht":
            raise IjwMessageError(
                "Dit is geen iJw 3.2-bericht: verwacht <Bericht> in de namespace "
                "http://www.istandaarden.nl/ijw/3_2/jwNNN/schema."
            )
        self.code = match.group(1).upper()
        allowed = tuple(expected)
        if self.code not in allowed:
            raise IjwMessageError(
                f"Berichttype {self.code} wordt hier niet gelezen (verwacht: {', '.join(allowed)})."
            )
        self.ns = message_ns(self.code)

    def _path(self, parts: tuple[str, ...]) -> str:
        return "Bericht/" + "/".join(parts)

    def find(self, node: ET.Element, *parts: str, base_last: bool = False) -> ET.Element | None:
        current: ET.Element | None = node
        for index, part in enumerate(parts):
            if current is None:
                return None
            in_base = base_last and index == len(parts) - 1
            current = current.find(f"{{{NS_BASE if in_base else self.ns}}}{part}")
        return current

    def children(self, node: ET.Element, name: str) -> list[ET.Element]:
        return node.findall(f"{{{self.ns}}}{name}")

    def text(
        self,
        node: ET.Element,
        *parts: str,
        base_last: bool = False,
        required: bool = True,
        where: tuple[str, ...] = (),
    ) -> str | None:
        found = self.find(node, *parts, base_last=base_last)
        value = (found.text or "").strip() if found is not None else ""
        if not value:
            if required:
                raise IjwMessageError(
                    f"Verplicht element ontbreekt of is leeg: {self._path(where + parts)}."
                )
            return None
        return value

    def date(
        self,
        node: ET.Element,
        *parts: str,
        base_last: bool = False,
        required: bool = True,
        where: tuple[str, ...] = (),
    ) -> date | None:
        value = self.text(node, *parts, base_last=base_last, required=required, where=where)
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise IjwMessageError(
                f"{self._path(where + parts)}: '{value}' is geen datum (JJJJ-MM-DD)."
            ) from None

    def header(self) -> Header:
        head = self.find(self.root, "Header")
        if head is None:
            raise IjwMessageError("Verplicht element ontbreekt: Bericht/Header.")
        where = ("Header",)
        code = self.text(head, "BerichtCode", where=where)
        if code != BERICHT_CODES[self.code]:
            raise IjwMessageError(
                f"Bericht/Header/BerichtCode is {code}, maar een {self.code} heeft code "
                f"{BERICHT_CODES[self.code]}."
            )
        version = (
            self.text(head, "BerichtVersie", where=where),
            self.text(head, "BerichtSubversie", where=where),
        )
        if version != (BERICHT_VERSIE, BERICHT_SUBVERSIE):
            raise IjwMessageError(
                f"Berichtversie {version[0]}.{version[1]} wordt niet gelezen (alleen iJw "
                f"{BERICHT_VERSIE}.{BERICHT_SUBVERSIE})."
            )
        sender = self.text(head, "Afzender", where=where) or ""
        receiver = self.text(head, "Ontvanger", where=where) or ""
        if not _AGB.fullmatch(sender):
            raise IjwMessageError(
                f"Bericht/Header/Afzender '{sender}' is geen AGB-code van 8 cijfers."
            )
        if not _GEMEENTE.fullmatch(receiver):
            raise IjwMessageError(
                f"Bericht/Header/Ontvanger '{receiver}' is geen gemeentecode (CBS) van 4 cijfers."
            )
        ident = self.find(head, "BerichtIdentificatie")
        if ident is None:
            raise IjwMessageError(
                "Verplicht element ontbreekt: Bericht/Header/BerichtIdentificatie."
            )
        where_id = ("Header", "BerichtIdentificatie")
        identification = self.text(ident, "Identificatie", base_last=True, where=where_id) or ""
        if len(identification) > 20:
            raise IjwMessageError(
                "Bericht/Header/BerichtIdentificatie/Identificatie is langer dan 20 tekens."
            )
        day = self.date(ident, "Dagtekening", base_last=True, where=where_id)
        assert day is not None
        return Header(self.code, sender, receiver, identification, day)

    def bsn(self, client: ET.Element) -> str:
        value = self.text(client, "Bsn", where=("Client",)) or ""
        if not is_valid_bsn(value):
            raise IjwMessageError(f"Bericht/Client/Bsn '{value}' is geen geldig BSN (elfproef).")
        return value

    def decimal(
        self, node: ET.Element, *parts: str, where: tuple[str, ...] = (), base_last: bool = False
    ) -> Decimal | None:
        value = self.text(node, *parts, base_last=base_last, required=False, where=where)
        if value is None:
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise IjwMessageError(
                f"{self._path(where + parts)}: '{value}' is geen getal."
            ) from None
        if number != number.to_integral_value() or number < 0:
            raise IjwMessageError(
                f"{self._path(where + parts)}: '{value}' is geen heel getal (RS005)."
            )
        return number


def hhmmss(moment: time) -> str:
    return moment.strftime("%H:%M:%S")
