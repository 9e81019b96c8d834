"""Where a value of the region setup comes from: ``vastgesteld`` (with its source) or ``voorlopig``.

Provenance is a separate map in the setup document, from a dotted path to a status and a
source, instead of wrapping every value. Paths name list items by their key, e.g.
``profile.municipalities.Zeist.verordening``, ``profile.products.45A01`` or
``letters.gemeenten.Zeist.bezwaar_address``. The entry with the longest matching prefix
applies; ``*`` is the fallback for everything else.

Rules that rest on provenance live here too: a decision letter cannot be made final while
its legal basis (the municipality's verordening) or its bezwaar route is provisional.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints, model_validator

from jeugdtoegang.domain.findings import Finding

Status = Literal["vastgesteld", "voorlopig"]
VASTGESTELD: Status = "vastgesteld"
VOORLOPIG: Status = "voorlopig"
FALLBACK = "*"

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]

#: Which key names an item of a list in a path.
ITEM_KEYS: dict[str, str] = {
    "municipalities": "name",
    "segments": "id",
    "products": "code",
    "strategic_partners": "name",
}


class Source(BaseModel):
    """The document a value comes from; a shipped template cites its seed section."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: _Text | None = None  # e.g. "Verordening jeugdhulp Zeist 2025"
    date: _Text | None = None  # e.g. "2025-01-01" (date of the decision or document)
    article: _Text | None = None  # e.g. "artikel 7"
    link: _Text | None = None
    seed: _Text | None = None  # e.g. "003 §5.4" (a shipped template's seed section)
    note: _Text | None = None

    def describe(self) -> str:
        """One line in Dutch, for screens and messages."""
        parts = [p for p in (self.title, self.article, self.date) if p]
        if self.seed:
            parts.append(f"seed {self.seed}")
        if self.link:
            parts.append(self.link)
        if self.note:
            parts.append(self.note)
        return ", ".join(parts)


class Provenance(BaseModel):
    """Status and source of one value (or of everything under a path)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    status: Status
    source: Source = Source()

    @model_validator(mode="after")
    def _settled_needs_source(self) -> Provenance:
        if self.status == VASTGESTELD and not (self.source.title or self.source.seed):
            raise ValueError(
                "een vastgestelde waarde heeft een bron nodig: de titel van het besluit of "
                "document (source.title)"
            )
        return self

    @property
    def provisional(self) -> bool:
        return self.status == VOORLOPIG

    @property
    def label(self) -> str:
        return "Vastgesteld" if self.status == VASTGESTELD else "Voorlopig"


UNKNOWN = Provenance(status=VOORLOPIG, source=Source(note="geen bron vastgelegd"))


def lookup(provenance: Mapping[str, Provenance], path: str) -> Provenance:
    """The entry for ``path``: itself, else its nearest parent, else ``*``, else voorlopig."""
    parts = path.split(".")
    for end in range(len(parts), 0, -1):
        found = provenance.get(".".join(parts[:end]))
        if found is not None:
            return found
    return provenance.get(FALLBACK, UNKNOWN)


def leaf_paths(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Every (dotted path, value) of a JSON document; list items by their key (see ITEM_KEYS)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from leaf_paths(item, f"{prefix}.{key}" if prefix else str(key))
        return
    name = prefix.rsplit(".", 1)[-1]
    if (
        isinstance(value, list | tuple)
        and name in ITEM_KEYS
        and value
        and all(isinstance(v, Mapping) for v in value)
    ):
        key = ITEM_KEYS[name]
        for index, item in enumerate(value):
            yield from leaf_paths(item, f"{prefix}.{item.get(key, index)}")
        return
    yield prefix, value


def bezwaar_path(letters: Mapping[str, Any], municipality: str) -> str:
    """Where a municipality's bezwaar address is set: its own override, else the default."""
    own = (letters.get("gemeenten") or {}).get(municipality) or {}
    if own.get("bezwaar_address"):
        return f"letters.gemeenten.{municipality}.bezwaar_address"
    return "letters.default.bezwaar_address"


def legal_basis_problems(
    provenance: Mapping[str, Provenance], letters: Mapping[str, Any], municipality: str
) -> list[str]:
    """Why a letter for ``municipality`` cannot be final yet (empty when it can).

    The legal basis (the verordening named in the letter) and the bezwaar route must both
    be ``vastgesteld`` by the beheerder, with the document they come from.
    """
    problems: list[str] = []
    verordening = lookup(provenance, f"profile.municipalities.{municipality}.verordening")
    if verordening.provisional:
        problems.append(
            f"de verordening van gemeente {municipality} (de wettelijke grondslag) is nog voorlopig"
        )
    bezwaar = lookup(provenance, bezwaar_path(letters, municipality))
    if bezwaar.provisional:
        problems.append(f"het bezwaaradres van gemeente {municipality} is nog voorlopig")
    return problems


#: Which setup value a finding rests on, by finding code.
FINDING_TERMS: dict[str, str] = {
    "TERM_DEVELOPMENT_EXCEEDED": "profile.term_rules.development_max_months",
    "TERM_STABILISING_EXCEEDED": "profile.term_rules.stabilising_max_months",
    "NO_PROGRESS_PHASE_OUT": "profile.term_rules.phase_out_months",
    "RETROACTIVE_START": "profile.term_rules.retroactive_days_allowed",
}
PROVISIONAL_NOTE = " Let op: deze termijn is voorlopig; de regio heeft hem nog niet vastgesteld."


def mark_provisional(
    findings: Iterable[Finding], provenance: Mapping[str, Provenance]
) -> list[Finding]:
    """Say so in every finding that rests on a term the region has not yet vastgesteld."""
    marked: list[Finding] = []
    for finding in findings:
        path = FINDING_TERMS.get(finding.code)
        if (
            path
            and lookup(provenance, path).provisional
            and PROVISIONAL_NOTE not in finding.message
        ):
            finding = replace(finding, message=finding.message + PROVISIONAL_NOTE)
        marked.append(finding)
    return marked
