"""What a decision letter carries towards PDF/A-2b, checked with pypdf (no veraPDF here).

Checked: XMP metadata that declares PDF/A-2 level B and agrees with the document
information dictionary; an sRGB output intent with an embedded ICC profile; a document ID;
no encryption; every font embedded; the same bytes for the same letter.
"""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.letters.compose import compose_letter
from jeugdtoegang.letters.render import render_letter
from jeugdtoegang.letters.sample import sample_input
from jeugdtoegang.letters.texts import load_letter_texts
from jeugdtoegang.regions import load_profile


def _pdf(concept: bool = False) -> bytes:
    data = sample_input(DecisionType.TOEKENNING, "Zeist", concept=concept)
    region = "zuidoost-utrecht"
    return render_letter(compose_letter(data, load_letter_texts(region), load_profile(region)))


def test_the_xmp_metadata_declares_pdfa_2b_and_agrees_with_the_document_information() -> None:
    reader = PdfReader(io.BytesIO(_pdf()))
    root = reader.trailer["/Root"]
    stream = root["/Metadata"].get_object()
    assert stream["/Type"] == "/Metadata" and stream["/Subtype"] == "/XML"
    xml = stream.get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xml
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in xml
    info = reader.metadata
    xmp = reader.xmp_metadata
    assert xmp is not None and info is not None
    assert xmp.dc_title == {"x-default": info.title}
    assert xmp.dc_creator == [info.author]
    assert xmp.dc_description == {"x-default": info.subject}
    assert xmp.pdf_producer == info.producer
    assert xmp.xmp_creator_tool == info.creator
    assert xmp.xmp_create_date == info.creation_date.replace(tzinfo=None)
    assert xmp.dc_language == ["nl-NL"] and root["/Lang"] == "nl-NL"
    assert not re.search(r"Daan|Yılmaz|Lindelaan", xml)  # no personal data


def test_the_letter_has_an_srgb_output_intent_an_id_and_no_encryption() -> None:
    reader = PdfReader(io.BytesIO(_pdf()))
    intents = reader.trailer["/Root"]["/OutputIntents"]
    assert len(intents) == 1
    intent = intents[0].get_object()
    assert intent["/S"] == "/GTS_PDFA1"
    assert intent["/OutputConditionIdentifier"] == "sRGB IEC61966-2.1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3
    icc = profile.get_data()
    assert icc[36:40] == b"acsp" and icc[16:20] == b"RGB " and icc[8] == 4
    assert len(reader.trailer["/ID"]) == 2
    assert not reader.is_encrypted


def test_pdfa_parts_keep_the_letter_deterministic_and_its_fonts_embedded() -> None:
    first = _pdf()
    assert first == _pdf()
    reader = PdfReader(io.BytesIO(first))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # Type0: the descendant holds the descriptor
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_plain_paragraphs_print_exactly_as_reportlabs_parser_would(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The fast way for plain text (no parser per paragraph) gives the same bytes."""
    from jeugdtoegang.letters import render

    region = "zuidoost-utrecht"
    letters = [
        compose_letter(
            sample_input(t, "Zeist", concept=t is DecisionType.WIJZIGING),
            load_letter_texts(region),
            load_profile(region),
        )
        for t in DecisionType
    ]
    fast = [render_letter(letter) for letter in letters]
    monkeypatch.setattr(
        render, "_plain", lambda text, style: render._Para(render._escape(text), style)
    )
    assert [render_letter(letter) for letter in letters] == fast


def test_the_compression_cache_gives_zlibs_bytes_and_serves_repeats_from_memory() -> None:
    import zlib

    from jeugdtoegang.letters import render

    flate = render._CachedFlate()
    long_text = bytes(range(256)) * 40
    first = flate.encode(long_text)
    assert first == zlib.compress(long_text)
    assert flate.encode(long_text) is first  # a repeat (a font subset, a CMap) is not redone
    assert flate.encode("kort") == zlib.compress(b"kort")  # short streams are not kept
    assert len(flate._memo) == 1
