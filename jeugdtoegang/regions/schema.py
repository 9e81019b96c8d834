"""Region profiles: one youth-care region's purchasing model, as validated data.

Every region slices the care landscape differently (seeds 000-004): segments, products,
term rules and policies differ, so the application keeps them as data rather than code.
All models are frozen and reject unknown keys, so a typo in a TOML file is an error instead
of a silently ignored setting. Integers, booleans and texts are strict: ``"9"`` is not 9.

Rules that look at several fields raise one :data:`RULE_ERROR` whose context carries all
problems with their field paths, so the loader can name every field in Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cached_property
from typing import Any, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    model_validator,
)

from jeugdtoegang.regions.fields import (  # noqa: F401  (re-exported: the profile API)
    RULE_ERROR,
    AgbCode,
    Bool,
    CbsCode,
    Int,
    Loc,
    Problem,
    ProductCategory,
    ProductCode,
    ProfileError,
    Slug,
    Text,
    describe_value,
    duplicates,
    pattern,
    raise_problems,
    repeated_values,
    rule_error,
)
from jeugdtoegang.regions.profile_rules import (
    municipality_problems,
    partner_problems,
    product_problems,
    segment_problems,
)

Unit = Literal["minuut", "uur", "dagdeel", "etmaal", "stuks", "stuks-inspanning", "euro"]
Frequency = Literal["dag", "week", "maand", "totaal"]
Perspective = Literal["ontwikkeling", "stabilisatie", "beide"]
WonenVorm = Literal["pleegzorg", "gezinshuis", "specialistisch-wonen"]
PartnerRole = Literal["hoofdaannemer", "onderaannemer"]
HelpKind = Literal["ontwikkeling", "stabilisatie", "plaatsing", "crisis", "diagnostiek"]

WONEN_VORMEN: tuple[WonenVorm, ...] = ("pleegzorg", "gezinshuis", "specialistisch-wonen")
SHARED_SEGMENT_IDS = (
    "sociale-basis",
    "ambulant",
    "verblijf",
    "wonen",
    "crisis",
    "consultatie-diagnostiek",
)
BESIDE_SEGMENT_IDS = frozenset({"crisis", "consultatie-diagnostiek"})
DEFAULT_LIFE_DOMAINS = (
    "Opvoeden en opgroeien",
    "Onderwijs en dagbesteding",
    "Gezondheid",
    "Veiligheid",
    "Sociaal netwerk",
    "Wonen",
    "Financiën",
    "Werk en inkomen",
)
RETENTION_YEARS_RANGE = (15, 20)  # Jeugdwet art. 7.3.8: sources differ between 15 and 20 years


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Municipality(_Model):
    """A municipality of the region; ``area`` is the sub-area ("gebied") for strategic partners."""

    cbs_code: CbsCode
    name: Text
    wijken: tuple[Text, ...] = ()
    area: Text | None = None
    verordening: Text
    team_name: Text | None = None  # this municipality's own team name, if not the default

    @model_validator(mode="after")
    def _unique_wijken(self) -> Municipality:
        repeated = repeated_values(self.wijken)
        if repeated:
            raise_problems([(("wijken",), f"wijk '{repeated[0]}' komt meer dan eens voor")])
        return self


class Segment(_Model):
    """A care segment, ordered light to heavy; crisis and consultatie sit *beside* the pyramid."""

    id: Slug
    name: Text
    needs_beschikking: Bool
    order: Int = Field(ge=0)
    beside: Bool = False
    description: Text

    @model_validator(mode="after")
    def _shared_meaning(self) -> Segment:
        problems: list[Problem] = []
        if self.id == "sociale-basis" and self.needs_beschikking:
            problems.append(
                (
                    ("needs_beschikking",),
                    "de sociale basis is vrij toegankelijk en vraagt nooit een beschikking",
                )
            )
        if self.id == "sociale-basis" and self.beside:
            problems.append(
                (("beside",), "de sociale basis is de basis van de piramide, niet 'ernaast'")
            )
        if self.id in BESIDE_SEGMENT_IDS and not self.beside:
            problems.append(
                (("beside",), f"segment '{self.id}' staat naast alle segmenten; zet beside = true")
            )
        raise_problems(problems)
        return self


class Product(_Model):
    """A purchased product (iJw product code) in one segment of the region."""

    code: ProductCode
    name: Text
    segment: Slug
    category: ProductCategory
    unit: Unit
    default_frequency: Frequency
    perspective: Perspective = "beide"
    vorm: WonenVorm | None = None
    group: Bool = False
    max_sessions: Int | None = Field(default=None, ge=1)
    #: light help: capped by policies.max_sessions_light_help unless max_sessions is set
    light_help: Bool = False
    description: str = ""
    needs_beschikking: Bool | None = None  # None: as the segment says
    norm_months: Int | None = Field(default=None, ge=1)  # normenkader: usual duration
    norm_volume: Int | None = Field(default=None, ge=1)  # normenkader: usual volume per frequency
    #: development, stabilising, placement, crisis or diagnostics; None: from segment/perspective
    kind: HelpKind | None = None

    @property
    def help_kind(self) -> HelpKind | None:
        """The product's kind: its own setting, else wonen → plaatsing, crisis → crisis,
        consultatie-diagnostiek → diagnostiek, else its perspective (None for 'beide')."""
        if self.kind is not None:
            return self.kind
        if self.segment == "wonen":
            return "plaatsing"
        if self.segment == "crisis":
            return "crisis"
        if self.segment == "consultatie-diagnostiek":
            return "diagnostiek"
        if self.perspective == "beide":
            return None
        return self.perspective

    @model_validator(mode="after")
    def _vorm_only_for_wonen(self) -> Product:
        if self.segment == "wonen" and self.vorm is None:
            raise_problems(
                [
                    (
                        ("vorm",),
                        "een product in segment 'wonen' heeft een vorm nodig: "
                        "pleegzorg, gezinshuis of specialistisch-wonen",
                    )
                ]
            )
        if self.segment != "wonen" and self.vorm is not None:
            raise_problems([(("vorm",), "een vorm hoort alleen bij producten in segment 'wonen'")])
        return self


class TermRules(_Model):
    """Term lengths for indications (seed 003 §5.4: 9 months for development, "tenzij")."""

    development_max_months: Int = Field(ge=1, le=60)
    stabilising_max_months: Int = Field(ge=1, le=120)
    development_tenzij: Bool
    phase_out_months: Int = Field(ge=0, le=24)
    evaluation_window_weeks: Int = Field(default=6, ge=1, le=52)
    retroactive_days_allowed: Int = Field(default=0, ge=0, le=365)
    #: a new indication that starts within this many months after earlier help of the same
    #: jeugdige, segment and perspective ended continues that help (the term follows the child)
    chain_gap_months: Int = Field(default=3, ge=0, le=24)
    #: crisis help lasts at most this many weeks; then a regular decision must follow
    crisis_max_weeks: Int = Field(default=4, ge=1, le=26)
    #: placements (pleegzorg, gezinshuis, specialistisch wonen): longest term per decision
    placement_max_months: Int = Field(default=12, ge=1, le=60)
    #: stabilising help and placements are evaluated at this interval
    stabilising_evaluation_months: Int = Field(default=12, ge=1, le=60)

    @model_validator(mode="after")
    def _stabilising_not_shorter(self) -> TermRules:
        if self.stabilising_max_months < self.development_max_months:
            raise_problems(
                [
                    (
                        ("stabilising_max_months",),
                        "stabiliserende hulp mag niet korter zijn dan ontwikkelingsgerichte hulp "
                        f"({self.stabilising_max_months} < {self.development_max_months} maanden)",
                    )
                ]
            )
        return self


class Policies(_Model):
    """Regional policy switches that the services consult (each cites its seed in the TOML)."""

    group_offer_first: Bool
    maatwerk_nee_tenzij: Bool
    wonen_order: tuple[WonenVorm, ...] = WONEN_VORMEN
    familiegroepsplan_required: Bool
    preferred_providers_per_wijk: Bool
    strategic_partners: Bool
    budget_ceilings_block: Bool = False
    identity_choice: Bool
    network_first: Bool = True
    max_sessions_light_help: Int | None = Field(default=None, ge=1)
    bridging_care: Bool = False  # overbruggingszorg while waiting (seed 004, 000 §3c)
    #: a waiting time above this many weeks asks for overbruggingszorg (when bridging_care)
    bridging_wait_weeks: Int = Field(default=6, ge=0, le=52)
    #: the region's product for overbruggingszorg, proposed in the finding (optional)
    bridging_product: ProductCode | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Policies:
        problems: list[Problem] = []
        repeated = repeated_values(self.wonen_order)
        if repeated:
            problems.append(
                (("wonen_order",), f"woonvorm '{repeated[0]}' staat meer dan eens in de volgorde")
            )
        if self.budget_ceilings_block:
            problems.append(
                (
                    ("budget_ceilings_block",),
                    "een budget is alleen een signaal en mag nooit nodige hulp "
                    "blokkeren; zet dit op false",
                )
            )
        raise_problems(problems)
        return self


class StrategicPartner(_Model):
    """A contracted strategic partner for one area (seed 001: one integral lot per area)."""

    area: Text
    name: Text
    agb: AgbCode
    role: PartnerRole = "hoofdaannemer"
    segments: tuple[Slug, ...] = Field(min_length=1)


class Settings(_Model):
    """Legal and practical terms; the defaults follow the Jeugdwet and the Awb."""

    retention_years: Int = 20
    lock_minutes: Int = Field(default=10, ge=1, le=240)
    awb_decision_weeks: Int = Field(default=8, ge=1, le=26)
    bezwaar_weeks: Int = Field(default=6, ge=1, le=26)
    provider_request_answer_workdays: Int = Field(default=5, ge=1, le=40)
    turns_18_horizon_months: Int = Field(default=12, ge=1, le=36)
    #: how long a referral by a huisarts, jeugdarts or medisch specialist stays valid
    referral_valid_months: Int = Field(default=12, ge=1, le=60)
    start_norm_weeks: Int = Field(default=6, ge=1, le=52)  # iJw: JW305 expected within

    @model_validator(mode="after")
    def _retention_in_legal_range(self) -> Settings:
        low, high = RETENTION_YEARS_RANGE
        if not low <= self.retention_years <= high:
            raise_problems(
                [
                    (
                        ("retention_years",),
                        f"de bewaartermijn moet tussen {low} en {high} jaar liggen (Jeugdwet art. "
                        f"7.3.8) (gekregen: {self.retention_years})",
                    )
                ]
            )
        return self


#: RegionProfile's lookups built once from its fields (functools.cached_property)
_LOOKUPS = ("products_by_code", "segment_ranks")


class RegionProfile(_Model):
    """One region: municipalities, segments, products, term rules and policies."""

    slug: Slug
    name: Text
    description: Text
    source: Text
    municipalities: tuple[Municipality, ...] = Field(min_length=1)
    segments: tuple[Segment, ...] = Field(min_length=1)
    products: tuple[Product, ...] = ()
    life_domains: tuple[Text, ...] = Field(default=DEFAULT_LIFE_DOMAINS, min_length=1)
    term_rules: TermRules
    policies: Policies
    strategic_partners: tuple[StrategicPartner, ...] = ()
    settings: Settings = Field(default_factory=Settings)
    team_name_default: Text

    @model_validator(mode="after")
    def _consistent(self) -> RegionProfile:
        problems = segment_problems(self.segments)
        problems += product_problems(self.products, self.segment_ids)
        problems += municipality_problems(self.municipalities, self.policies.strategic_partners)
        problems += partner_problems(self)
        bridging = self.policies.bridging_product
        if bridging is not None and bridging not in {p.code for p in self.products}:
            problems.append(
                (
                    ("policies", "bridging_product"),
                    f"product {bridging} voor overbruggingszorg staat niet in de productcatalogus",
                )
            )
        repeated = repeated_values(self.life_domains)
        if repeated:
            problems.append((("life_domains",), f"leefgebied '{repeated[0]}' komt dubbel voor"))
        raise_problems(problems)
        return self

    # -- segments ---------------------------------------------------------------------------

    @property
    def segment_ids(self) -> tuple[str, ...]:
        """Segment ids from light to heavy, beside segments included (in ``order``)."""
        return tuple(segment.id for segment in self.segments)

    def has_segment(self, segment_id: str) -> bool:
        return segment_id in self.segment_ids

    def segment(self, segment_id: str) -> Segment:
        """The segment with this id; an unknown id is a :class:`ProfileError` in Dutch."""
        for segment in self.segments:
            if segment.id == segment_id:
                return segment
        raise ProfileError(
            f"Segment '{segment_id}' bestaat niet in regio {self.name}. "
            f"Beschikbaar: {', '.join(self.segment_ids)}"
        )

    def segment_rank(self, segment_id: str) -> int:
        """Position of the segment from light (0) to heavy, as listed in the profile."""
        rank = self.segment_ranks.get(segment_id)
        if rank is None:
            self.segment(segment_id)  # the Dutch error for an unknown id
        return rank  # type: ignore[return-value]

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy without the lookups built from this profile (pydantic copies them along
        with the fields; an updated field must not meet the old lookup)."""
        copied = super().model_copy(update=update, deep=deep)
        for name in _LOOKUPS:
            copied.__dict__.pop(name, None)
        return copied

    @cached_property
    def segment_ranks(self) -> dict[str, int]:
        """Segment id → position from light (0) to heavy (a profile is immutable: built once)."""
        return {segment.id: rank for rank, segment in enumerate(self.segments)}

    def is_lighter(self, segment_a: str, segment_b: str) -> bool:
        """Whether ``segment_a`` is lighter help than ``segment_b``.

        Segments beside the pyramid (crisis, consultatie en diagnostiek) are neither lighter
        nor heavier than any other segment, so any comparison involving them is False.
        """
        first, second = self.segment(segment_a), self.segment(segment_b)
        if first.beside or second.beside:
            return False
        return self.segment_rank(segment_a) < self.segment_rank(segment_b)

    # -- products ---------------------------------------------------------------------------

    def product(self, code: str) -> Product | None:
        return self.products_by_code.get(code.strip().upper())

    @cached_property
    def products_by_code(self) -> dict[str, Product]:
        """Product code → product (a profile is immutable: built once; a rule check asks
        for its product a dozen times)."""
        found: dict[str, Product] = {}
        for product in self.products:
            found.setdefault(product.code, product)  # the first, as a scan would find
        return found

    def products_in(self, segment_id: str) -> tuple[Product, ...]:
        return tuple(p for p in self.products if p.segment == segment_id)

    def product_needs_beschikking(self, product: Product) -> bool:
        """The product's own setting, else its segment's."""
        if product.needs_beschikking is not None:
            return product.needs_beschikking
        return self.segment(product.segment).needs_beschikking

    # -- municipalities ---------------------------------------------------------------------

    @property
    def municipality_names(self) -> tuple[str, ...]:
        return tuple(m.name for m in self.municipalities)

    def municipality(self, name_or_cbs: str) -> Municipality | None:
        """Find by name (case-insensitive) or CBS code ("0243" or "GM0243")."""
        wanted = name_or_cbs.strip().casefold()
        if re.fullmatch(r"gm\d{4}", wanted):
            wanted = wanted[2:]
        return next(
            (m for m in self.municipalities if wanted in (m.name.casefold(), m.cbs_code)), None
        )

    def team_name_for(self, municipality: Municipality) -> str:
        return municipality.team_name or self.team_name_default

    def strategic_partners_for(self, municipality: Municipality) -> tuple[StrategicPartner, ...]:
        """Partners of the municipality's area, hoofdaannemers first."""
        partners = [p for p in self.strategic_partners if p.area == municipality.area]
        return tuple(sorted(partners, key=lambda p: p.role != "hoofdaannemer"))
