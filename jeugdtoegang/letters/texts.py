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

    def logo_path(self) -> Path | None:
        if not self.logo:
            return None
        path = resource_path("letters", self.logo)
        return path if path.is_file() else None


class Paragraphs(_Model):
    salutation: Text
    intro: Text
    help_caption: Text
    legal_basis: Text
    bezwaar: tuple[Text, ...] = Field(min_length=1)
    bezwaar_contents: tuple[Text, ...] = Field(min_length=1)
    contact: Text
    closing: Text
    on_behalf: Text
    footer: Text
    facts_intro: Text
    goals_intro: Text


class Rules(_Model):
    """The rules applied, each explained for parents (chosen per letter by the composer)."""

    term_development: Text
    term_development_longer: Text
    term_stabilising: Text
    group_offer_first: Text
    network_first: Text
    familiegroepsplan: Text | None = None


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
    rules: Rules
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
        for name, value in self.rules.model_dump().items():
            found += _texts(f"rules.{name}", value)
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
    if problems:
        raise LetterTextError(f"De brieventeksten in {name}: " + "; ".join(problems))
    return texts


@cache
def load_letter_texts(region_slug: str) -> LetterTexts:
    """The texts of a region (cached per process)."""
    return read_letter_texts(letters_dir() / f"{region_slug}.toml")


def available_letter_regions() -> tuple[str, ...]:
    return tuple(sorted(p.stem for p in letters_dir().glob("*.toml") if not p.stem.startswith("_")))
