"""Region policies on a proposed indication: each profile switch applied in one place.

Called by :func:`jeugdtoegang.domain.indication_rules.check_indication`. Every function
takes the proposal, the facts the caller gathered and the region profile, and returns
findings; nothing here reads the database or the clock.

- the product's perspective and kind (003 §5.4): another perspective than the product's
  is an ``approval`` finding; placements and crisis have their own term rules;
- "thuis, tenzij" for verblijf and wonen (002 §3.1, 003 §1.1);
- the normenkader (004): duration and volume per product above the norm need approval;
- session caps (002 bijlage D): a product's ``max_sessions`` or the region's
  ``max_sessions_light_help`` for light help;
- the familiegroepsplan (000 §3b) before access to non-free help, with a maatwerk route;

Age, referrals, identity choice, strategic partners and bridging care live in
``indication_access_policies``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from jeugdtoegang.domain.costs import periods_in_term, weekly_equivalent
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indications import Frequency, Perspective, Unit
from jeugdtoegang.domain.terms import months_covered, term_end
from jeugdtoegang.regions import RegionProfile

if TYPE_CHECKING:
    from jeugdtoegang.domain.indication_proposal import IndicationProposal
    from jeugdtoegang.regions.schema import Product


#: segments where help is given away from home: "thuis, tenzij" needs a motivation
OUT_OF_HOME_SEGMENTS = frozenset({"verblijf", "wonen"})
#: segments where "groepsaanbod gaat voor" never applies (acute or out-of-home help)
NO_GROUP_FIRST_SEGMENTS = frozenset({"crisis", "verblijf", "wonen", "consultatie-diagnostiek"})


@dataclass(frozen=True)
class ChosenContract:
    """What the rules need to know about the chosen provider's contract."""

    agb: str
    name: str
    identity: str | None = None
    waiting_weeks: int | None = None


def approval_finding(code: str, message: str, field_name: str | None = None) -> Finding:
    """A finding that needs a motivation and the team lead's approval."""
    return Finding(code, Severity.APPROVAL, message, field_name)


def error_finding(code: str, message: str, field_name: str | None = None) -> Finding:
    """A finding that blocks the proposal."""
    return Finding(code, Severity.ERROR, message, field_name)


def warning_finding(code: str, message: str, field_name: str | None = None) -> Finding:
    """A finding that only informs."""
    return Finding(code, Severity.WARNING, message, field_name)


def help_kind(profile: RegionProfile, product_code: str, perspective: Perspective) -> str:
    """The kind of help: the product's kind, else the chosen perspective."""
    product = profile.product(product_code)
    kind = product.help_kind if product is not None else None
    return kind or perspective.value


def term_limit(
    profile: RegionProfile, product_code: str, perspective: Perspective, term_start: date
) -> date | None:
    """The last day of the longest term without approval, counted from the chain's start.

    Crisis: ``crisis_max_weeks``; placements: ``placement_max_months``; otherwise the
    perspective's maximum (development or stabilising).
    """
    rules = profile.term_rules
    kind = help_kind(profile, product_code, perspective)
    try:
        if kind == "crisis":
            return term_start + timedelta(weeks=rules.crisis_max_weeks) - timedelta(days=1)
        if kind == "plaatsing":
            return term_end(term_start, rules.placement_max_months)
        months = (
            rules.development_max_months
            if perspective is Perspective.ONTWIKKELING
            else rules.stabilising_max_months
        )
        return term_end(term_start, months)
    except (OverflowError, ValueError):
        return None


def evaluation_due(
    profile: RegionProfile, product_code: str, perspective: Perspective, start: date, end: date
) -> date | None:
    """When the help must be evaluated: development help at its end; stabilising help and
    placements every ``stabilising_evaluation_months`` (or at the end when that is sooner);
    crisis help needs a regular decision instead of an evaluation."""
    kind = help_kind(profile, product_code, perspective)
    if kind == "crisis":
        return None
    if kind == "ontwikkeling" or (
        kind == "diagnostiek" and perspective is Perspective.ONTWIKKELING
    ):
        return end
    try:
        interval = term_end(start, profile.term_rules.stabilising_evaluation_months)
    except (OverflowError, ValueError):
        return end
    return min(end, interval)


def term_findings(
    proposal: IndicationProposal,
    profile: RegionProfile,
    end: date,
    term_start: date,
    continued: bool,
) -> list[Finding]:
    """The term rule of the help's kind, counted over the chain (the term follows the child)."""
    limit = term_limit(profile, proposal.product_code, proposal.perspective, term_start)
    if limit is None or end <= limit:
        return []
    rules = profile.term_rules
    kind = help_kind(profile, proposal.product_code, proposal.perspective)
    chain = (
        f" De termijn telt vanaf de start van de hulp op {short_date(term_start)}: deze "
        "indicatie zet eerdere hulp voort."
        if continued and term_start < proposal.start
        else ""
    )
    if kind == "crisis":
        return [
            error_finding(
                "TERM_CRISIS_EXCEEDED",
                f"Crisishulp duurt in regio {profile.name} hoogstens {rules.crisis_max_weeks} "
                f"weken (tot en met {short_date(limit)}). Daarna volgt een gewone beschikking "
                "voor de hulp die nodig blijft." + chain,
                "eind",
            )
        ]
    if kind == "plaatsing":
        return [
            approval_finding(
                "TERM_PLACEMENT_EXCEEDED",
                f"Een plaatsing (pleegzorg, gezinshuis of wonen) geldt in regio {profile.name} "
                f"hoogstens {rules.placement_max_months} maanden per besluit (tot en met "
                f"{short_date(limit)}). Langer alleen met motivering en akkoord van de "
                "teamleider." + chain,
                "eind",
            )
        ]
    if proposal.perspective is Perspective.ONTWIKKELING:
        text = (
            f"Ontwikkelingsgerichte hulp duurt in regio {profile.name} hoogstens "
            f"{rules.development_max_months} maanden (tot en met {short_date(limit)})." + chain
        )
        if rules.development_tenzij:
            return [
                approval_finding(
                    "TERM_DEVELOPMENT_EXCEEDED",
                    text + " Langer kan alleen 'tenzij': met motivering en akkoord van de "
                    "teamleider.",
                    "eind",
                )
            ]
        return [
            error_finding("TERM_DEVELOPMENT_EXCEEDED", text + " Langer is niet toegestaan.", "eind")
        ]
    return [
        error_finding(
            "TERM_STABILISING_EXCEEDED",
            f"Stabiliserende hulp duurt in regio {profile.name} hoogstens "
            f"{rules.stabilising_max_months} maanden (tot en met {short_date(limit)})." + chain,
            "eind",
        )
    ]


def perspective_findings(proposal: IndicationProposal, product: Product | None) -> list[Finding]:
    """Another perspective than the product's needs a motivation and the team lead."""
    if product is None or product.perspective == "beide":
        return []
    if product.segment in ("wonen", "crisis"):
        return []
    if product.perspective == proposal.perspective.value:
        return []
    wanted = Perspective(product.perspective)
    return [
        approval_finding(
            "PERSPECTIVE_MISMATCH",
            f"Product {product.code} ({product.name}) is ingekocht als "
            f"{wanted.label.lower()}, niet als {proposal.perspective.label.lower()}. Een ander "
            "perspectief (en dus een andere termijn) kan alleen met motivering en akkoord van "
            "de teamleider.",
            "perspectief",
        )
    ]


def out_of_home_findings(proposal: IndicationProposal) -> list[Finding]:
    """Verblijf and wonen: "thuis, tenzij" (002 §3.1, 003 §1.1)."""
    if proposal.segment not in OUT_OF_HOME_SEGMENTS:
        return []
    return [
        approval_finding(
            "THUIS_TENZIJ",
            "Thuis, tenzij: hulp met verblijf of wonen buiten huis kan alleen als hulp thuis "
            "niet genoeg is of thuis niet veilig is. Schrijf waarom, en vraag akkoord van de "
            "teamleider.",
            "motivering",
        )
    ]


def _total_volume(volume: Decimal, frequency: Frequency, start: date, end: date) -> Decimal:
    return volume * periods_in_term(frequency, start, end)


def norm_findings(
    proposal: IndicationProposal, product: Product | None, end: date
) -> list[Finding]:
    """Normenkader (004): duration and intensity above the product's norm need approval."""
    if product is None:
        return []
    found: list[Finding] = []
    months = months_covered(proposal.start, end)
    if product.norm_months is not None and months > product.norm_months:
        found.append(
            approval_finding(
                "NORM_DURATION_EXCEEDED",
                f"Volgens het normenkader duurt {product.name} ({product.code}) gewoonlijk "
                f"{product.norm_months} maanden; deze indicatie duurt {months} maanden. Langer "
                "kan alleen met motivering en akkoord van de teamleider.",
                "eind",
            )
        )
    if product.norm_volume is not None and Unit(product.unit) is proposal.unit:
        norm_frequency = Frequency(product.default_frequency)
        norm = Decimal(product.norm_volume)
        if norm_frequency is proposal.frequency:
            above = proposal.volume > norm
        elif Frequency.TOTAAL in (norm_frequency, proposal.frequency):
            norm_end = end
            if product.norm_months is not None:
                norm_end = min(end, term_end(proposal.start, product.norm_months))
            above = _total_volume(
                proposal.volume, proposal.frequency, proposal.start, end
            ) > _total_volume(norm, norm_frequency, proposal.start, norm_end)
        else:
            above = weekly_equivalent(
                proposal.volume, proposal.frequency, proposal.start, end
            ) > weekly_equivalent(norm, norm_frequency, proposal.start, end)
        if above:
            found.append(
                approval_finding(
                    "NORM_VOLUME_EXCEEDED",
                    f"Volgens het normenkader is de omvang van {product.name} gewoonlijk "
                    f"{product.norm_volume} {Unit(product.unit).label} "
                    f"{norm_frequency.label}; deze indicatie vraagt meer. Meer kan alleen met "
                    "motivering en akkoord van de teamleider.",
                    "volume",
                )
            )
    return found


def session_cap(profile: RegionProfile, product: Product | None) -> int | None:
    """The product's own cap, else the region's cap for light help."""
    if product is None:
        return None
    if product.max_sessions is not None:
        return product.max_sessions
    if product.light_help:
        return profile.policies.max_sessions_light_help
    return None


def session_findings(
    proposal: IndicationProposal, profile: RegionProfile, product: Product | None, end: date
) -> list[Finding]:
    """Light help has a maximum number of sessions (002 bijlage D)."""
    cap = session_cap(profile, product)
    if cap is None or product is None or proposal.unit not in (Unit.STUKS, Unit.UUR):
        return []
    sessions = _total_volume(proposal.volume, proposal.frequency, proposal.start, end)
    if sessions <= cap:
        return []
    return [
        approval_finding(
            "SESSIONS_EXCEEDED",
            f"{product.name} ({product.code}) is lichte hulp met hoogstens {cap} sessies; deze "
            f"indicatie komt op {sessions.normalize():f}. Meer kan alleen met motivering en "
            "akkoord van de teamleider.",
            "volume",
        )
    ]


def familiegroepsplan_findings(
    profile: RegionProfile, product: Product | None, has_plan: bool | None
) -> list[Finding]:
    """000 §3b: a familiegroepsplan may be asked before access to non-free help; maatwerk
    stays possible (an ``approval`` with a motivation), it never blocks the plan itself."""
    if not profile.policies.familiegroepsplan_required or product is None or has_plan is True:
        return []
    if not profile.product_needs_beschikking(product):
        return []
    return [
        approval_finding(
            "FAMILIEGROEPSPLAN_MISSING",
            f"In regio {profile.name} maakt het gezin eerst een familiegroepsplan, met "
            "familie en mensen om het gezin heen, voordat niet vrij toegankelijke hulp start. "
            "Er is (nog) geen familiegroepsplan. Maatwerk is altijd mogelijk: schrijf waarom "
            "de hulp nu toch nodig is, en vraag akkoord van de teamleider.",
            "familiegroepsplan",
        )
    ]
