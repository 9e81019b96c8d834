"""JW301/JW319 writing (golden example files) and strict reading of provider messages."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

from jeugdtoegang.domain.ijw_codes import Omvang, RedenAfwijzing, VerzoekAntwoord
from jeugdtoegang.ijw.messages import (
    AllocatedProduct,
    ClientData,
    read_care,
    read_request,
    write_jw301,
    write_jw319,
)
from jeugdtoegang.ijw.xmlcodec import NS_BASE, message_ns
from jeugdtoegang.paths import resource_path

EXAMPLES = resource_path("examples", "ijw")
CLIENT = ClientData(
    bsn="123456782",
    birth_date=date(2015, 3, 1),
    surname="Voorbeeld",
    tussenvoegsel="",
    first_names="Sem",
    street="Dorpsstraat",
    house_number="1a",
    postcode="3701 AA",
    city="Zeist",
)


def example_jw301() -> bytes:
    products = [
        AllocatedProduct(
            1000001,
            "45",
            "45Z01",
            date(2027, 1, 6),
            "10:15:00",
            date(2027, 1, 18),
            date(2027, 10, 17),
            None,
            Omvang(2, "04", "2"),
            None,
            "ZZ-2027-017",
        ),
        AllocatedProduct(
            1000002,
            "45",
            "45Z09",
            date(2027, 1, 6),
            "10:15:00",
            date(2027, 1, 18),
            date(2027, 10, 17),
            None,
            None,
            90000,
        ),
    ]
    return write_jw301("0355", "12345678", "TW-2027-0001", date(2027, 1, 6), CLIENT, products)


def example_jw319() -> bytes:
    return write_jw319(
        "0355",
        "12345678",
        "AW-2027-0001",
        date(2027, 1, 6),
        "ZZ-2027-017",
        VerzoekAntwoord.AFGEWEZEN,
        RedenAfwijzing.ANDERE_VOORZIENING,
    )


def test_the_jw301_example_is_what_the_writer_produces():
    assert example_jw301() == (EXAMPLES / "JW301-toewijzing.xml").read_bytes()


def test_the_jw319_example_is_what_the_writer_produces():
    assert example_jw319() == (EXAMPLES / "JW319-antwoord.xml").read_bytes()


def test_jw301_elements_sit_in_the_message_and_basisschema_namespaces():
    root = ET.fromstring(example_jw301())
    j = message_ns("JW301")
    products = root.findall(f"{{{j}}}Client/{{{j}}}ToegewezenProducten/{{{j}}}ToegewezenProduct")
    assert len(products) == 2
    omvang, budget = products
    assert omvang.findtext(f"{{{j}}}Product/{{{NS_BASE}}}Code") == "45Z01"
    assert omvang.find(f"{{{j}}}Budget") is None  # CD077
    assert budget.find(f"{{{j}}}Omvang") is None and budget.findtext(f"{{{j}}}Budget") == "90000"
    assert root.findtext(f"{{{j}}}Client/{{{j}}}Geboortedatum/{{{NS_BASE}}}Datum") == "2015-03-01"


def test_the_provider_examples_are_read():
    start = read_care((EXAMPLES / "JW305-start-zorg.xml").read_bytes())
    assert (start.bsn, start.events[0].allocation_number, start.events[0].day) == (
        "123456782",
        1000001,
        date(2027, 2, 1),
    )
    stop = read_care((EXAMPLES / "JW307-stop-zorg.xml").read_bytes())
    assert (stop.events[0].day, stop.events[0].reason) == (date(2027, 7, 15), "07")
    asked = read_request((EXAMPLES / "JW315-verzoek-om-toewijzing.xml").read_bytes())
    product = asked.products[0]
    assert (product.reference, product.code, product.referrer, product.unit) == (
        "ZZ-2027-017",
        "45Z01",
        "02",
        "04",
    )
    change = read_request((EXAMPLES / "JW317-verzoek-om-wijziging.xml").read_bytes())
    assert (change.products[0].allocation_number, change.products[0].end) == (
        1000001,
        date(2027, 12, 31),
    )


def test_a_doctype_anywhere_and_an_oversized_file_are_refused_before_parsing():
    import pytest

    from jeugdtoegang.ijw.xmlcodec import MAX_MESSAGE_BYTES, IjwMessageError

    late = b"<?xml version='1.0'?><!--" + b"x" * 10_000 + b'--><!DOCTYPE x [<!ENTITY a "b">]><x/>'
    with pytest.raises(IjwMessageError, match="DOCTYPE"):
        read_care(late)
    with pytest.raises(IjwMessageError, match="groter dan 5 MB"):
        read_care(b" " * (MAX_MESSAGE_BYTES + 1))
