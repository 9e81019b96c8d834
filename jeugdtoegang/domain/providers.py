"""Providers and contracts: who may deliver which help, in what order, and why.

Pure rules (no database): whether a contract fits a need (with a stable reason code and a
Dutch text for every exclusion), how eligible providers are ranked, and the motivation
rules for a provider choice: *maatwerk* with a non-contracted provider is "nee, tenzij"
(seed 003 §4.1, §5), group and free-access offers come first where the region says
"groepsaanbod tenzij" (003 §2.2, §5.3), and for Wonen pleegzorg comes before gezinshuis
before specialistisch wonen (seed 002 §6.2.2).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import NamedTuple

from jeugdtoegang.domain.budget import budget_findings
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity, apply_motivation
from jeugdtoegang.errors import FieldError, ValidationError

UNITS = ("minuut", "uur", "dagdeel", "etmaal", "stuks", "stuks-inspanning", "euro")
ALL = "*"
LIST_SEPARATOR = "|"
FREE_ACCESS_SEGMENT = "sociale-basis"
WONEN_SEGMENT = "wonen"
_AGB = re.compile(r"[0-9]{8}")


class ContractStatus(StrEnum):
    """Status of a contract; values are stable, :attr:`label` is Dutch."""

    ACTIEF = "actief"
    CLIENTENSTOP = "clientenstop"
    GESCHORST = "geschorst"

    @property
    def label(self) -> str:
        return {"actief": "actief", "clientenstop": "cliëntenstop", "geschorst": "geschorst"}[
            self.value
        ]


SANCTIONED_STATUSES = frozenset({ContractStatus.CLIENTENSTOP, ContractStatus.GESCHORST})


class Exclusion(StrEnum):
    """Why a contract does not make its provider eligible for a need (stable codes)."""

    NOT_CONTRACTED_SEGMENT = "NOT_CONTRACTED_SEGMENT"
    NOT_CONTRACTED_PRODUCT = "NOT_CONTRACTED_PRODUCT"
    NOT_YET_VALID = "NOT_YET_VALID"
    EXPIRED = "EXPIRED"
    MUNICIPALITY_NOT_SERVED = "MUNICIPALITY_NOT_SERVED"
    CLIENTENSTOP = "CLIENTENSTOP"
    GESCHORST = "GESCHORST"
    NOT_IN_CATALOGUE = "NOT_IN_CATALOGUE"


def validate_agb(code: str) -> str:
    """The AGB code without spaces; a :class:`ValidationError` unless it is 8 digits."""
    cleaned = (code or "").strip().replace(" ", "")
    if not _AGB.fullmatch(cleaned):
        raise ValidationError(
            FieldError("agb", f"De AGB-code moet uit 8 cijfers bestaan (gekregen: '{code}').")
        )
    return cleaned


def is_valid_agb(code: str | None) -> bool:
    return bool(code) and _AGB.fullmatch(code.strip()) is not None  # type: ignore[union-attr]


def split_list(text: str | None) -> tuple[str, ...]:
    """'a | b|' → ('a', 'b'); empty text → ()."""
    if not text:
        return ()
    return tuple(part.strip() for part in text.split(LIST_SEPARATOR) if part.strip())


def join_list(values: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(values)


@dataclass(frozen=True)
class Need:
    """A need for help to place: what, where, from when, and the family's wishes."""

    segment: str
    product_code: str
    gemeente: str
    start: date
    wijk: str | None = None
    theme: str | None = None
    identity: str | None = None
    #: expected maximum cost of the help (tariff × volume), for the budget signal
    expected_cost: Decimal | None = None
    #: themes of the plan goals the help serves (free-access offers on any of them count)
    themes: tuple[str, ...] = ()
    #: last day of the help (to count the expected cost per half year)
    end: date | None = None

    def wished_themes(self) -> tuple[str, ...]:
        """The need's themes, case-folded (``theme`` and ``themes`` together)."""
        found = [t.casefold() for t in (self.theme, *self.themes) if t and t.strip()]
        return tuple(dict.fromkeys(found))


class ContractFacts(NamedTuple):
    """One contract with its provider, as read for selection (plain values)."""

    contract_id: uuid.UUID
    provider_id: uuid.UUID
    agb: str
    naam: str
    identity: str | None
    segment: str
    product_code: str
    unit: str
    tariff: Decimal
    valid_from: date
    valid_to: date | None
    municipalities: str  # '*' or '|'-joined names
    preferred_wijken: str  # '' / '*' / '|'-joined wijken
    themes: str
    group_offer: bool
    waiting_weeks: int | None
    budget_year: Decimal | None
    status: str


@dataclass(frozen=True)
class FreeAccessFacts:
    """A voorliggende voorziening: free access, no beschikking needed."""

    id: uuid.UUID
    municipality: str
    naam: str
    themes: tuple[str, ...]
    group_offer: bool
    contact: str = ""
    valid_from: date | None = None
    valid_to: date | None = None

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )


class RankedProvider(NamedTuple):
    """An eligible provider in rank order (1 = first), with the reasons in Dutch."""

    agb: str
    naam: str
    provider_id: uuid.UUID
    contract_id: uuid.UUID
    rank: int
    reasons: Sequence[str]
    waiting_weeks: int | None
    tariff: Decimal
    unit: str
    group_offer: bool = False


class ExcludedProvider(NamedTuple):
    """A provider that has a contract for the product but is not eligible, and why."""

    agb: str
    naam: str
    reasons: Sequence[str]
    codes: tuple[str, ...]


class VoorliggendOffer(NamedTuple):
    """A free-access provision that may answer the need without a beschikking."""

    naam: str
    gemeente: str
    themes: tuple[str, ...]
    group_offer: bool
    reasons: Sequence[str]


class EligibilityResult:
    """Eligible providers in rank order, excluded ones with reasons, free-access offers.

    ``excluded`` may be given as a function: it is then computed on first use (the
    picker shows the eligible list first; most callers never look at the excluded ones).
    """

    def __init__(
        self,
        eligible: list[RankedProvider],
        excluded: list[ExcludedProvider] | Callable[[], list[ExcludedProvider]],
        voorliggend: list[VoorliggendOffer],
        *,
        total: int | None = None,
        excluded_count: Callable[[], int] | None = None,
    ) -> None:
        self.eligible = eligible
        self.voorliggend = voorliggend
        self._excluded = excluded
        #: how many providers are eligible (``eligible`` may hold only the first page)
        self.total = len(eligible) if total is None else total
        self._excluded_count = excluded_count

    @property
    def excluded_count(self) -> int:
        """How many providers are excluded, without writing out their reasons."""
        if not callable(self._excluded) or self._excluded_count is None:
            return len(self.excluded)
        return self._excluded_count()

    @property
    def excluded(self) -> list[ExcludedProvider]:
        if callable(self._excluded):
            self._excluded = self._excluded()
        return self._excluded

    def find(self, agb: str) -> RankedProvider | None:
        return next((p for p in self.eligible if p.agb == agb), None)

    def to_json(self) -> dict[str, list[dict[str, object]]]:
        """The CLI shape: eligible/excluded/voorliggend, in rank order."""
        return {
            "eligible": [
                {"agb": p.agb, "naam": p.naam, "rank": p.rank, "reasons": list(p.reasons)}
                for p in self.eligible
            ],
            "excluded": [
                {"agb": p.agb, "naam": p.naam, "reasons": list(p.reasons)} for p in self.excluded
            ],
            "voorliggend": [
                {
                    "naam": v.naam,
                    "gemeente": v.gemeente,
                    "themas": list(v.themes),
                    "groepsaanbod": v.group_offer,
                    "reasons": list(v.reasons),
                }
                for v in self.voorliggend
            ],
        }


@dataclass(frozen=True)
class RankingPolicy:
    """What the region's profile says about ranking, resolved for one need."""

    group_offer_first: bool
    #: AGB → role ('hoofdaannemer'/'onderaannemer') of strategic partners for the need's area
    strategic_partners: Mapping[str, str] = field(default_factory=dict)
    area: str | None = None
    product_name: str = ""
    #: rank providers preferent in the family's wijk first (003 §5.2)
    preferred_per_wijk: bool = True


# -- exclusion -------------------------------------------------------------------------------


def serves(municipalities: str, gemeente: str) -> bool:
    return municipalities == ALL or gemeente in municipalities.split(LIST_SEPARATOR)


def exclusions(contract: ContractFacts, need: Need, gemeente: str) -> list[Exclusion]:
    """Every reason this contract does not fit the need (empty: it fits)."""
    found: list[Exclusion] = []
    if contract.segment != need.segment:
        found.append(Exclusion.NOT_CONTRACTED_SEGMENT)
    elif contract.product_code != need.product_code:
        found.append(Exclusion.NOT_CONTRACTED_PRODUCT)
    if contract.valid_from > need.start:
        found.append(Exclusion.NOT_YET_VALID)
    if contract.valid_to is not None and contract.valid_to < need.start:
        found.append(Exclusion.EXPIRED)
    if not serves(contract.municipalities, gemeente):
        found.append(Exclusion.MUNICIPALITY_NOT_SERVED)
    if contract.status == ContractStatus.CLIENTENSTOP:
        found.append(Exclusion.CLIENTENSTOP)
    elif contract.status == ContractStatus.GESCHORST:
        found.append(Exclusion.GESCHORST)
    return found


def exclusion_text(
    code: Exclusion, contract: ContractFacts | None, need: Need, gemeente: str
) -> str:
    """The Dutch reason for an exclusion code."""
    if code is Exclusion.NOT_CONTRACTED_SEGMENT:
        return f"Niet gecontracteerd voor segment '{need.segment}'."
    if code is Exclusion.NOT_CONTRACTED_PRODUCT:
        return f"Niet gecontracteerd voor product {need.product_code}."
    if code is Exclusion.NOT_YET_VALID and contract is not None:
        return f"Het contract geldt pas vanaf {short_date(contract.valid_from)}."
    if code is Exclusion.EXPIRED and contract is not None and contract.valid_to is not None:
        return f"Het contract liep af op {short_date(contract.valid_to)}."
    if code is Exclusion.MUNICIPALITY_NOT_SERVED:
        return f"Werkt niet in de gemeente {gemeente}."
    if code is Exclusion.CLIENTENSTOP:
        return "Cliëntenstop: deze aanbieder neemt nu geen nieuwe cliënten aan."
    if code is Exclusion.GESCHORST:
        return "Geschorst (integriteit): er mag geen nieuwe hulp worden ingezet."
    return "Deze aanbieder staat niet in de catalogus van de regio."


# -- the choice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class MaatwerkProvider:
    """A non-contracted provider proposed for a one-off maatwerk contract."""

    naam: str
    agb: str | None = None
    kvk: str | None = None
    reden: str = ""

    def problems(self) -> list[Finding]:
        found = []
        if not self.naam.strip():
            found.append(
                Finding(
                    "MAATWERK_NAME_MISSING",
                    Severity.ERROR,
                    "Vul de naam van de niet-gecontracteerde aanbieder in.",
                    "maatwerk.naam",
                )
            )
        if self.agb and not is_valid_agb(self.agb):
            found.append(
                Finding(
                    "MAATWERK_AGB_INVALID",
                    Severity.ERROR,
                    "De AGB-code moet uit 8 cijfers bestaan.",
                    "maatwerk.agb",
                )
            )
        return found


@dataclass(frozen=True)
class ChoiceFacts:
    """What the service found out about a chosen provider, for :func:`choice_findings`."""

    group_first_policy: bool
    #: names of group or free-access offers that exist for this need
    group_offers: tuple[str, ...] = ()
    #: the chosen provider's fitting contract (None: none fits / maatwerk)
    chosen: ContractFacts | None = None
    #: exclusions of the chosen provider's contracts when none fits
    chosen_exclusions: tuple[str, ...] = ()
    chosen_sanction: str | None = None  # 'clientenstop' / 'geschorst'
    chosen_name: str | None = None
    #: the product's Wonen form and the region's order, light to heavy
    vorm: str | None = None
    wonen_order: tuple[str, ...] = ("pleegzorg", "gezinshuis", "specialistisch-wonen")
    #: provider budget for the year, committed so far, expected cost of this help
    #: the provider's year budget and its commitments in the half year of the start
    budget: Decimal | None = None
    committed: Decimal = Decimal(0)
    #: maatwerk with a non-contracted provider is "nee, tenzij" (approval) in the region
    maatwerk_nee_tenzij: bool = True


WONEN_LABELS = {
    "pleegzorg": "pleegzorg",
    "gezinshuis": "een gezinshuis",
    "specialistisch-wonen": "specialistisch wonen",
}


def lighter_forms(vorm: str | None, order: Sequence[str]) -> tuple[str, ...]:
    """The Wonen forms that come before ``vorm`` in the region's order."""
    if vorm is None or vorm not in order:
        return ()
    return tuple(order[: list(order).index(vorm)])


def choice_findings(
    facts: ChoiceFacts,
    need: Need,
    *,
    provider_chosen: bool,
    maatwerk: MaatwerkProvider | None,
    motivation: str | None,
    wonen_motivation: str | None,
) -> list[Finding]:
    """Findings about a provider choice; approval findings without motivation are errors."""
    general: list[Finding] = []
    if not provider_chosen and maatwerk is None:
        return [Finding("PROVIDER_REQUIRED", Severity.ERROR, "Kies een aanbieder.", "provider")]
    if maatwerk is not None:
        general += maatwerk.problems()
        general.append(
            Finding(
                "PROVIDER_NOT_ELIGIBLE",
                Severity.APPROVAL if facts.maatwerk_nee_tenzij else Severity.WARNING,
                f"Maatwerk: {maatwerk.naam or 'deze aanbieder'} is niet gecontracteerd voor deze "
                "hulp. Dat kan alleen bij uitzondering ('nee, tenzij'), met een schriftelijke "
                "motivering en akkoord van de teamleider.",
                "provider",
            )
        )
    elif facts.chosen_sanction is not None:
        status = ContractStatus(facts.chosen_sanction)
        general.append(
            Finding(
                "PROVIDER_SUSPENDED",
                Severity.ERROR,
                f"{facts.chosen_name} heeft status {status.label}: er mag nu geen nieuwe hulp "
                "bij deze aanbieder worden ingezet.",
                "provider",
            )
        )
    elif facts.chosen is None:
        why = " ".join(facts.chosen_exclusions)
        general.append(
            Finding(
                "PROVIDER_NOT_ELIGIBLE",
                Severity.APPROVAL,
                f"{facts.chosen_name or 'Deze aanbieder'} komt niet in aanmerking: {why} "
                "Dit is maatwerk ('nee, tenzij'): alleen met een schriftelijke motivering en "
                "akkoord van de teamleider.",
                "provider",
            )
        )
    individual = maatwerk is not None or facts.chosen is None or not facts.chosen.group_offer
    if facts.group_first_policy and facts.group_offers and individual:
        offers = ", ".join(facts.group_offers[:3])
        general.append(
            Finding(
                "GROUP_OFFER_FIRST",
                Severity.APPROVAL,
                f"Er is groepsaanbod of een vrij toegankelijke voorziening voor deze vraag "
                f"({offers}). Groepsaanbod gaat voor; leg uit waarom individuele hulp nodig is.",
                "provider",
            )
        )
    findings = apply_motivation(general, motivation)
    lighter = lighter_forms(facts.vorm, facts.wonen_order)
    if need.segment == WONEN_SEGMENT and lighter:
        names = " en ".join(WONEN_LABELS.get(v, v) for v in lighter)
        findings += apply_motivation(
            [
                Finding(
                    "WONEN_ORDER",
                    Severity.APPROVAL,
                    f"Voor {WONEN_LABELS.get(facts.vorm or '', facts.vorm)} moet vastliggen "
                    f"waarom {names} niet past (pleegzorg gaat voor gezinshuis, gezinshuis "
                    "gaat voor specialistisch wonen).",
                    "wonen_motivation",
                )
            ],
            wonen_motivation,
        )
    findings += budget_findings(facts, need)
    return findings
