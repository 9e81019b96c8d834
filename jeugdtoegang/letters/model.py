"""The fully resolved letter: every text final, every date and amount already formatted.

The renderer only lays a :class:`LetterModel` out; it decides nothing. Building the model
(choosing texts, filling in names and dates) happens in :mod:`jeugdtoegang.letters.compose`
so tests can check a letter's words without reading a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Letterhead:
    """The sender: the municipality, its visiting/postal address and an optional logo."""

    municipality: str
    address_lines: tuple[str, ...]
    colour: str = "#1F5F8B"
    logo_path: str | None = None
    department: str = ""


@dataclass(frozen=True)
class HelpRow:
    """One line of the help table: formatted for reading, never recomputed."""

    product: str
    aanbieder: str
    start: str
    eind: str
    omvang: str


@dataclass(frozen=True)
class Signatory:
    name: str
    function: str
    on_behalf: str  # "namens het college van burgemeester en wethouders van Zeist"


@dataclass(frozen=True)
class Headings:
    why: str = "Waarom wij dit besluiten"
    rules: str = "Welke regels gelden"
    next_steps: str = "Wat gebeurt er nu?"
    bezwaar: str = "Bent u het niet eens met dit besluit?"
    rights: str = "Wie kan u helpen?"
    questions: str = "Hebt u vragen?"


@dataclass(frozen=True)
class LetterModel:
    """A decision letter, ready to print."""

    letterhead: Letterhead
    addressee_lines: tuple[str, ...]
    place: str
    letter_date: date
    date_text: str
    kenmerk: str
    onderwerp: str
    salutation: str
    decision_sentence: str
    intro_paragraphs: tuple[str, ...]
    help_caption: str
    help_rows: tuple[HelpRow, ...]
    #: "Waarom wij dit besluiten": the type's standard text, the facts, the plan goals and
    #: the rules applied (why this term, why a group offer first), in that order
    motivation_paragraphs: tuple[str, ...]
    facts_intro: str
    facts: tuple[str, ...]
    goals_intro: str
    goals: tuple[str, ...]
    rule_paragraphs: tuple[str, ...]
    legal_basis: str
    next_steps: tuple[str, ...]
    bezwaar_paragraphs: tuple[str, ...]
    bezwaar_contents: tuple[str, ...]
    contact: str
    closing: str
    signatory: Signatory
    concept: bool = False
    #: small print beside the page number ("Kenmerk ...")
    footer: str = ""
    #: PDF metadata: a title without personal data, and the document language
    title: str = ""
    subject: str = ""
    language: str = "nl-NL"
    headings: Headings = Headings()
    #: which decision this one replaces or withdraws, and from when (after the sentence)
    reference_paragraphs: tuple[str, ...] = ()
    #: wijziging: the help as it was, before the new table
    old_help_caption: str = ""
    old_help_rows: tuple[HelpRow, ...] = ()
    #: beëindiging: the afbouw schedule
    afbouw_caption: str = ""
    afbouw_rows: tuple[HelpRow, ...] = ()
    #: the case-specific parts of the motivation: (lead-in, text)
    reason_parts: tuple[tuple[str, str], ...] = ()
    weighing_label: str = ""
    weighing: str = ""
    voorlopige_voorziening: str = ""
    rights_paragraphs: tuple[str, ...] = ()
