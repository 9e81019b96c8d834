"""The PDF/A-2b parts of a letter: XMP metadata that agrees with the document information,
and an sRGB output intent with its embedded ICC profile (not validated here: no veraPDF)."""

from __future__ import annotations

from functools import cache
from xml.sax.saxutils import escape as xml_escape

from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

from jeugdtoegang.paths import resource_path

#: the ICC profile of the output intent: lcms's built-in sRGB ("No copyright, use freely"),
#: declared ICC v4.2 with a fixed date and its profile ID (resources/letters/icc)
SRGB_ICC = ("letters", "icc", "sRGB.icc")
PDFA_PART, PDFA_CONFORMANCE = 2, "B"


@cache
def _srgb_profile() -> bytes:
    return resource_path(*SRGB_ICC).read_bytes()


def _xmp_date(stamp: str) -> str:
    """'20261123120000' → '2026-11-23T12:00:00+00:00' (the Info dictionary's date)."""
    return (
        f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[8:10]}:{stamp[10:12]}:{stamp[12:14]}+00:00"
    )


def xmp_metadata(info: pdfdoc.PDFInfo, stamp: str, language: str) -> bytes:
    """The XMP packet of a letter: the same title, author, subject, tool and dates as the
    document information dictionary (PDF/A requires them to agree), and the PDF/A id."""

    def text(value: object) -> str:
        return xml_escape(str(value or ""))

    when = _xmp_date(stamp)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/">
<pdfaid:part>{PDFA_PART}</pdfaid:part>
<pdfaid:conformance>{PDFA_CONFORMANCE}</pdfaid:conformance>
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text(info.title)}</rdf:li></rdf:Alt></dc:title>
<dc:creator><rdf:Seq><rdf:li>{text(info.author)}</rdf:li></rdf:Seq></dc:creator>
<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text(info.subject)}</rdf:li></rdf:Alt></dc:description>
<dc:language><rdf:Bag><rdf:li>{text(language)}</rdf:li></rdf:Bag></dc:language>
<pdf:Keywords>{text(info.keywords)}</pdf:Keywords>
<pdf:Producer>{text(info.producer)}</pdf:Producer>
<xmp:CreatorTool>{text(info.creator)}</xmp:CreatorTool>
<xmp:CreateDate>{when}</xmp:CreateDate>
<xmp:ModifyDate>{when}</xmp:ModifyDate>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>""".encode()


def add_pdfa_parts(canvas: Canvas, stamp: str, language: str) -> None:
    """XMP metadata and an sRGB output intent in the document catalog."""
    doc = canvas._doc
    catalog = doc.Catalog
    metadata = pdfdoc.PDFStream(
        pdfdoc.PDFDictionary(
            {"Type": pdfdoc.PDFName("Metadata"), "Subtype": pdfdoc.PDFName("XML")}
        ),
        xmp_metadata(doc.info, stamp, language),
        filters=[],  # uncompressed, so archive tools can read it without a PDF library
    )
    profile = pdfdoc.PDFStream(pdfdoc.PDFDictionary({"N": 3}), _srgb_profile())
    intent = pdfdoc.PDFDictionary(
        {
            "Type": pdfdoc.PDFName("OutputIntent"),
            "S": pdfdoc.PDFName("GTS_PDFA1"),
            "OutputConditionIdentifier": pdfdoc.PDFString("sRGB IEC61966-2.1"),
            "Info": pdfdoc.PDFString("sRGB IEC61966-2.1"),
            "DestOutputProfile": doc.Reference(profile),
        }
    )
    catalog.Metadata = metadata
    catalog.OutputIntents = pdfdoc.PDFArray([intent])
    catalog.__NoDefault__ = [*pdfdoc.PDFCatalog.__NoDefault__, "OutputIntents"]
