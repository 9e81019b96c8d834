"""The region setup document: region profile + letter texts + provenance, as one unit.

The profile and letter texts are the same pydantic documents the shipped TOML files
validate into (``resources/regions/<slug>.toml``, ``resources/letters/<slug>.toml``);
``resources/regions/provenance/<slug>.toml`` says where each value comes from. Together
they are the *template* a new database starts from. A whole setup is exported and imported
as one TOML file with the tables ``[inrichting]``, ``[provenance]``, ``[profile]`` and
``[letters]``; validation reports every error at once, prefixed with the part it is in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from jeugdtoegang.domain.provenance import Provenance, leaf_paths, lookup
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.letters.texts import (
    LetterTextError,
    LetterTexts,
    letter_texts_from_mapping,
    load_letter_texts,
)
from jeugdtoegang.paths import resource_path
from jeugdtoegang.regions.loader import _reason as dutch_reason
from jeugdtoegang.regions.loader import load_profile, profile_from_mapping
from jeugdtoegang.regions.schema import ProfileError, RegionProfile

#: The first setup version of a database holds from this date, so every decision finds one.
BEGINNING = date(2000, 1, 1)


class SetupError(JeugdtoegangError):
    """A setup document is invalid; the message names every problem, one per line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("De inrichting is niet geldig:\n" + "\n".join(f"- {p}" for p in problems))
        self.problems = tuple(problems)


@dataclass(frozen=True)
class SetupDocument:
    """A validated region setup."""

    profile: RegionProfile
    letters: LetterTexts
    provenance: Mapping[str, Provenance] = field(default_factory=dict)

    @property
    def slug(self) -> str:
        return self.profile.slug

    def status(self, path: str) -> Provenance:
        """Status and source of the value at ``path`` (longest matching prefix)."""
        return lookup(self.provenance, path)

    def to_json(self) -> dict[str, Any]:
        """The document as JSON values: what is stored and exported."""
        return {
            "profile": self.profile.model_dump(mode="json", exclude_none=True),
            "letters": self.letters.model_dump(mode="json", exclude_none=True),
            "provenance": {
                path: entry.model_dump(mode="json", exclude_none=True)
                for path, entry in sorted(self.provenance.items())
            },
        }

    def leaves(self) -> list[tuple[str, Any]]:
        """Every (path, value) of profile and letters, e.g. for the Beheer screen."""
        data = self.to_json()
        return list(leaf_paths({"profile": data["profile"], "letters": data["letters"]}))


def provenance_from_mapping(data: Mapping[str, Any]) -> tuple[dict[str, Provenance], list[str]]:
    """Validate a provenance map; returns the entries and a Dutch problem per bad entry."""
    entries: dict[str, Provenance] = {}
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return {}, ["provenance: moet een tabel zijn van pad = { status, source }"]
    for path, value in data.items():
        try:
            entries[str(path)] = Provenance.model_validate(value)
        except ValidationError as error:
            for item in error.errors():
                where = ".".join(str(p) for p in item["loc"])
                reason = str(item["msg"]).removeprefix("Value error, ")
                if item["type"] == "literal_error":
                    reason = "status moet 'vastgesteld' of 'voorlopig' zijn"
                problems.append(f"provenance '{path}'{f' {where}' if where else ''}: {reason}")
    return entries, problems


def document_from_json(data: Mapping[str, Any], name: str, slug: str) -> SetupDocument:
    """Validate a stored or imported document; every problem of every part is named."""
    problems: list[str] = []
    profile: RegionProfile | None = None
    letters: LetterTexts | None = None
    profile_data = data.get("profile")
    if not isinstance(profile_data, Mapping):
        problems.append("[profile] ontbreekt: het regioprofiel")
    else:
        try:
            profile = profile_from_mapping(profile_data, name, slug=slug)
        except ProfileError as error:
            problems += error.message.splitlines()
    letter_data = data.get("letters")
    if not isinstance(letter_data, Mapping):
        problems.append("[letters] ontbreekt: de brieventeksten")
    else:
        letters, found = _letters(letter_data, name, slug)
        problems += found
    provenance, found = provenance_from_mapping(data.get("provenance") or {})
    problems += found
    if profile is not None and letters is not None:
        problems += _unknown_municipalities(profile, letters)
    if problems or profile is None or letters is None:
        raise SetupError(problems)
    return SetupDocument(profile, letters, provenance)


def _letters(data: Mapping[str, Any], name: str, slug: str) -> tuple[LetterTexts | None, list[str]]:
    """Validate the letter texts; pydantic's errors in Dutch, one per field."""
    values = {**data, "region": slug}
    try:
        LetterTexts.model_validate(values)
    except ValidationError as error:
        return None, [
            f"Brieven {name}: veld 'letters.{'.'.join(str(p) for p in item['loc'])}': "
            f"{dutch_reason(item)}"
            for item in error.errors()
        ]
    try:
        return letter_texts_from_mapping(values, name), []
    except LetterTextError as error:
        return None, [error.message]


def _unknown_municipalities(profile: RegionProfile, letters: LetterTexts) -> list[str]:
    names = set(profile.municipality_names)
    return [
        f"letters.gemeenten: gemeente '{name}' staat niet in het regioprofiel"
        for name in letters.gemeenten
        if name not in names
    ]


def provenance_dir() -> Path:
    return resource_path("regions", "provenance")


def template_provenance(slug: str) -> dict[str, Provenance]:
    path = provenance_dir() / f"{slug}.toml"
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        entries, problems = provenance_from_mapping(tomllib.load(handle))
    if problems:
        raise SetupError([f"{path.name}: {p}" for p in problems])
    return entries


def template_document(slug: str) -> SetupDocument:
    """The shipped template of a region: what ``init --region SLUG`` starts from."""
    return SetupDocument(load_profile(slug), load_letter_texts(slug), template_provenance(slug))


# -- one TOML file for a whole setup -------------------------------------------------------


@dataclass(frozen=True)
class SetupFile:
    """A parsed setup file: the document and its [inrichting] header."""

    document: SetupDocument
    effective_from: date | None
    reason: str


def setup_to_toml(document: SetupDocument, effective_from: date, reason: str) -> str:
    import tomli_w

    data = document.to_json()
    header = {"regio": document.slug, "geldig_vanaf": effective_from, "reden": reason}
    body = {
        "inrichting": header,
        "provenance": data["provenance"],
        "profile": data["profile"],
        "letters": {k: v for k, v in data["letters"].items() if k != "region"},
    }
    intro = (
        "# Inrichting van een regio voor jeugdtoegang: regioprofiel, brieven en herkomst.\n"
        "# Lees in met: jeugdtoegang setup import BESTAND.toml --from JJJJ-MM-DD\n\n"
    )
    return intro + tomli_w.dumps(body)


def read_setup_file(path: Path, region_slug: str) -> SetupFile:
    """Read a whole setup; refuses another region's file; names every problem."""
    name = path.name
    try:
        data = tomllib.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise SetupError(
            [f"{name}: het bestand kan niet worden gelezen ({error.strerror})"]
        ) from None
    except UnicodeDecodeError:
        raise SetupError([f"{name}: het bestand is geen UTF-8-tekst"]) from None
    except tomllib.TOMLDecodeError as error:
        raise SetupError([f"{name}: geen geldige TOML ({error})"]) from None
    header = data.get("inrichting") or {}
    problems: list[str] = []
    slug = header.get("regio", region_slug)
    if slug != region_slug:
        problems.append(
            f"[inrichting] regio: het bestand is voor regio '{slug}', deze database voor "
            f"'{region_slug}'"
        )
    effective = header.get("geldig_vanaf")
    if effective is not None and not isinstance(effective, date):
        problems.append("[inrichting] geldig_vanaf: moet een datum zijn, bijv. 2027-01-01")
        effective = None
    try:
        document = document_from_json(data, name, region_slug)
    except SetupError as error:
        problems += list(error.problems)
        document = None
    if problems or document is None:
        raise SetupError(problems)
    return SetupFile(document, effective, str(header.get("reden", "")))
