"""Letter texts as data: ``resources/letters/<region-slug>.toml``, validated with pydantic.

A region file may ``extends = "_standaard"``: it is merged (table by table, key by key) over
the shared B1 standard texts in ``resources/letters/_standaard.toml``. Layout::

    extends = "_standaard"
    [default]                 # municipal details for every municipality of the region
    team = "Lokaal team"; phone = "..."; letterhead_address = ["Postbus 1", "{gemeente}"] ...
    [gemeenten."Zeist"]       # overrides per municipality (any key of [default])
    letterhead_address = ["Postbus 513", "3700 AM  Zeist"]
    [paragraphs]              # salutation, intro, bezwaar, contact, ... (see Paragraphs)
    [rules]                   # the rules applied, explained: term_development, ...
    [types.toekenning]        # onderwerp, sentence, paragraphs, next_steps per type

Texts use ``{placeholders}``; the set of known names is :data:`PLACEHOLDERS` and a file
that uses another name is refused when it is loaded, not when a letter is printed.
Write B1 Dutch: short sentences, common words, "u" and "uw kind", explain every term.
"""

from __future__ import annotations

import string
import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.domain.motivation import ReasonCategory
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.paths import resource_path

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
BASE_NAME = "_standaard"

#: Every placeholder a letter text may use, with what it stands for.
PLACEHOLDERS: dict[str, str] = {
    "aanhef": "namen van wie de brief krijgt",
    "kind": "naam van de jeugdige",
    "gemeente": "naam van de gemeente",
    "regio": "naam van de regio",
    "aanvraagdatum": "datum van de aanvraag",
    "gevraagd": "wat er gevraagd is",
    "kenmerk": "kenmerk van het besluit",
    "datum": "datum van de brief",
    "bezwaar_weken": "aantal weken voor bezwaar",
    "bezwaar_laatste_dag": "laatste dag voor bezwaar",
    "bezwaaradres": "adres voor bezwaar, op een regel",
    "team": "naam van het team",
    "telefoon": "telefoonnummer",
    "email": "e-mailadres",
    "website": "website",
    "maanden": "looptijd in maanden",
    "max_maanden": "gewone looptijd van ontwikkelingsgerichte hulp",
    "verordening": "naam van de verordening van de gemeente",
    "einddatum": "laatste dag van de hulp",
    "vorig_datum": "datum van het eerdere besluit (wijziging, correctie)",
    "vorig_kenmerk": "kenmerk van het eerdere besluit",
    "ingangsdatum": "vanaf wanneer de wijziging geldt",
    "consulent": "naam van de consulent die het gezin kent",
    "bezwaar_digitaal": "digitale route voor bezwaar van de gemeente",
    "clientondersteuning": "cliëntondersteuning van de gemeente, met telefoon",
    "vertrouwenspersoon": "vertrouwenspersoon jeugd, met telefoon",
    "privacy": "waar u meer leest over uw gegevens",
    "jeugdwet_artikel": "artikel van de Jeugdwet dat wij toepassen",
    "verordening_artikel": "artikel van de verordening dat wij toepassen",
    "evaluatiedatum": "datum van de evaluatie",
    "tenzij_reden": "de goedgekeurde reden voor een langere duur",
    "alternatief": "de andere oplossing met naam (afwijzing)",
    "identiteit": "het geloof of de levensovertuiging waar de hulp bij moet passen",
    "aanbieder": "naam van de aanbieder van de hulp",
    "identiteit_reden": "waarom de hulp niet past bij de wens van het gezin",
}


class LetterTextError(JeugdtoegangError):
    """A letter text file is missing or invalid; the message names the file and field."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class MunicipalOverride(_Model):
    """Per-municipality details; anything left out comes from the region's ``[default]``."""

    team: Text | None = None
    place: Text | None = None
    department: Text | None = None
    letterhead_address: tuple[Text, ...] | None = None
    bezwaar_address: tuple[Text, ...] | None = None
    phone: Text | None = None
    email: Text | None = None
    website: Text | None = None
    signatory_name: Text | None = None
    signatory_function: Text | None = None
    logo: Text | None = None
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] | None = None
    bezwaar_digital: Text | None = None
    clientondersteuning: Text | None = None
    vertrouwenspersoon: Text | None = None
    privacy: Text | None = None
    pgb: bool | None = None


class MunicipalDetails(_Model):
    """The resolved details of one municipality (all set)."""

    municipality: str
    team: Text | None = None  # None: the team name of the region profile
    place: Text
    department: Text
    letterhead_address: tuple[Text, ...] = Field(min_length=1)
    bezwaar_address: tuple[Text, ...] = Field(min_length=1)
    phone: Text
    email: Text
    website: Text
    signatory_name: Text
    signatory_function: Text
    logo: Text | None = None
    colour: Annotated[str, StringConstraints(pattern=r"^#[0-9A-Fa-f]{6}$")] = "#1F5F8B"
    #: the municipality's digital route for bezwaar (a web form with DigiD)
    bezwaar_digital: Text
    clientondersteuning: Text
    vertrouwenspersoon: Text
    privacy: Text
    #: whether a pgb can replace zorg in natura (letters of granting decisions say so)
    pgb: bool = True

    def logo_path(self) -> Path | None:
        if not self.logo:
            return None
        path = resource_path("letters", self.logo)
        return path if path.is_file() else None


class Paragraphs(_Model):
    salutation: Text
    intro: Text
    #: an ambtshalve decision (no aanvraag): wijziging, beëindiging, correctie
    intro_ambtshalve: Text
    #: wijziging/verlenging: which earlier decision this one replaces, and from when
    replaces: Text
    #: correctie: the earlier decision is withdrawn (intrekking) and replaced
    withdraws: Text
    help_caption: Text
    old_help_caption: Text
    new_help_caption: Text
    afbouw_caption: Text
    legal_basis: Text
    bezwaar: tuple[Text, ...] = Field(min_length=1)
    bezwaar_contents: tuple[Text, ...] = Field(min_length=1)
    #: the urgent route beside bezwaar (Awb 8:81): voorlopige voorziening
    voorlopige_voorziening: Text
    contact: Text
    closing: Text
    on_behalf: Text
    footer: Text
    facts_intro: Text
    goals_intro: Text


class Headings(_Model):
    """The headings of the letter (part of the readability check)."""

    why: Text
    rules: Text
    next_steps: Text
    bezwaar: Text
    rights: Text
    questions: Text


class Labels(_Model):
    """Lead-in of each part of the structured motivation, printed before the case text."""

    reason: Text
    alternative: Text
    refused_part: Text
    refused_reason: Text
    evaluation_result: Text
    legal_ground: Text
    change: Text
    withdrawal_reason: Text
    retroactive_reason: Text
    weighing: Text


class Rights(_Model):
    """Rights beside bezwaar: pgb, cliëntondersteuning, vertrouwenspersoon, privacy."""

    pgb: Text
    clientondersteuning: Text
    vertrouwenspersoon: Text
    privacy: Text


class Legal(_Model):
    """Articles applied, by decision type or reason category (prefilled in the motivation).

    ``jeugdwet`` and ``verordening`` map a decision type value or a reason category value
    to an article ("artikel 2.3, eerste lid"). ``default`` applies when neither is given.
    """

    jeugdwet: dict[str, Text]
    verordening: dict[str, Text]

    def articles(self, decision_type: str, reason: str = "") -> tuple[str, str]:
        def pick(table: dict[str, str]) -> str:
            return table.get(reason) or table.get(decision_type) or table.get("default", "")

        return pick(self.jeugdwet), pick(self.verordening)


class Block(_Model):
    """A standard text for the weighing, chosen by the consultant and then edited.

    Placeholders as in letter texts (``{kind}``, ``{alternatief}``, ``{gevraagd}`` ...).
    """

    label: Text
    types: tuple[DecisionType, ...] = Field(min_length=1)
    reason_category: ReasonCategory | None = None
    text: Text


class Rules(_Model):
    """The rules applied, each explained for parents (chosen per letter by the composer)."""

    term_development: Text
    term_development_longer: Text
    term_stabilising: Text
    #: placement (wonen, verblijf): no talk of growing out of help or afbouwen
    term_placement: Text
    #: the approved tenzij motivation for a longer term, printed in the letter
    tenzij: Text
    evaluation_date: Text
    group_offer_first: Text
    network_first: Text
    familiegroepsplan: Text | None = None
    #: the family asked for help that fits its identity (issue 11): met, or not and why.
    #: Optional so that letter texts stored with an older region setup stay valid.
    identity_met: Text | None = None
    identity_not_met: Text | None = None
    identity_family_choice: Text | None = None
    identity_none_available: Text | None = None
    identity_discussed: Text | None = None


class TypeTexts(_Model):
    onderwerp: Text
    sentence: Text
    paragraphs: tuple[Text, ...] = ()
    next_steps: tuple[Text, ...] = Field(min_length=1)
    afbouw: Text | None = None  # beëindiging only: the phase-out before the end


class LetterTexts(_Model):
    """All texts of one region, with municipal details."""

    region: str = ""
    default: MunicipalOverride
    gemeenten: dict[str, MunicipalOverride] = {}
    paragraphs: Paragraphs
    headings: Headings
    labels: Labels
    rights: Rights
    rules: Rules
    reasons: dict[ReasonCategory, Text]
    legal: Legal
    blocks: dict[str, Block] = {}
    types: dict[DecisionType, TypeTexts]

    def for_type(self, decision_type: DecisionType) -> TypeTexts:
        return self.types[decision_type]

    def municipal(self, municipality: str) -> MunicipalDetails:
        """The details of a municipality: its overrides over the region default."""
        merged: dict[str, Any] = {
            k: v for k, v in self.default.model_dump().items() if v is not None
        }
        override = self.gemeenten.get(municipality)
        if override is not None:
            merged.update({k: v for k, v in override.model_dump().items() if v is not None})
        merged.setdefault("place", municipality)
        merged.setdefault("department", "")
        filled = {key: _fill_municipality(value, municipality) for key, value in merged.items()}
        try:
            return MunicipalDetails(municipality=municipality, **filled)
        except ValidationError as error:
            raise LetterTextError(
                f"De briefgegevens van gemeente {municipality} zijn niet compleet: "
                + _describe(error)
            ) from error

    def all_templates(self) -> list[tuple[str, str]]:
        """(field path, text) of every text with placeholders, for checks and readability."""
        found: list[tuple[str, str]] = []
        for name, value in self.paragraphs.model_dump().items():
            found += _texts(f"paragraphs.{name}", value)
        for section in ("headings", "labels", "rights", "rules"):
            for name, value in getattr(self, section).model_dump().items():
                found += _texts(f"{section}.{name}", value)
        for category, value in self.reasons.items():
            found += _texts(f"reasons.{category.value}", value)
        for key, block in self.blocks.items():
            found += _texts(f"blocks.{key}.text", block.text)
        for decision_type, texts in self.types.items():
            for name, value in texts.model_dump().items():
                found += _texts(f"types.{decision_type.value}.{name}", value)
        return found


def _fill_municipality(value: Any, municipality: str) -> Any:
    if isinstance(value, str):
        return value.replace("{gemeente}", municipality)
    if isinstance(value, tuple | list):
        return tuple(_fill_municipality(v, municipality) for v in value)
    return value


def _texts(path: str, value: Any) -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(path, value)]
    if isinstance(value, tuple | list):
        return [(f"{path}[{i}]", v) for i, v in enumerate(value) if isinstance(v, str)]
    return []


def placeholders_in(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def fill(template: str, values: dict[str, str]) -> str:
    """Fill a template; unknown or missing names are programming errors caught at load."""
    return template.format_map(values)


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _describe(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        parts.append(f"{where}: {item['msg']}")
    return "; ".join(parts)


def letters_dir() -> Path:
    return resource_path("letters")


def _read(path: Path) -> dict[str, Any]:
    if not path.is_file():
        raise LetterTextError(f"Het bestand met brieventeksten ontbreekt: {path.name}.")
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LetterTextError(f"Het bestand {path.name} is geen geldige TOML: {error}") from error


def read_letter_texts(path: Path) -> LetterTexts:
    """Read and validate one region file (merged over the standard texts it extends)."""
    data = _read(path)
    base_name = data.pop("extends", None)
    if base_name:
        data = _deep_merge(_read(path.parent / f"{base_name}.toml"), data)
    data.setdefault("region", path.stem)
    return letter_texts_from_mapping(data, path.name)


def letter_texts_from_mapping(data: dict[str, Any], name: str) -> LetterTexts:
    """Validate merged letter texts (from a file or a stored region setup); ``name`` is for
    messages."""
    try:
        texts = LetterTexts.model_validate(data)
    except ValidationError as error:
        raise LetterTextError(
            f"De brieventeksten in {name} zijn niet geldig: {_describe(error)}"
        ) from error
    problems = []
    for where, text in texts.all_templates():
        unknown = placeholders_in(text) - PLACEHOLDERS.keys()
        if unknown:
            problems.append(f"{where}: onbekend invulveld {{{', '.join(sorted(unknown))}}}")
    missing = [t.value for t in DecisionType if t not in texts.types]
    if missing:
        problems.append(f"types: teksten ontbreken voor {', '.join(missing)}")
    no_reason = [c.value for c in ReasonCategory if c not in texts.reasons]
    if no_reason:
        problems.append(f"reasons: uitleg ontbreekt voor {', '.join(no_reason)}")
    if problems:
        raise LetterTextError(f"De brieventeksten in {name}: " + "; ".join(problems))
    return texts


@cache
def load_letter_texts(region_slug: str) -> LetterTexts:
    """The texts of a region (cached per process)."""
    return read_letter_texts(letters_dir() / f"{region_slug}.toml")


def available_letter_regions() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in letters_dir().glob("*.toml") if not p.stem.startswith("_")))
