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
- age (Jeugdwet art. 1.1: under 18; verlengde jeugdhulp to 23 on its conditions);
- referrals (COD327; seed 002 §10.3: a dated referral, valid for the region's period);
- identity choice (000 §3c, 004), strategic partners (001 thema 4) and bridging care
  while waiting (000 §3c, 004).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from jeugdtoegang.domain.costs import periods_in_term, weekly_equivalent
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indications import Frequency, Perspective, Unit
from jeugdtoegang.domain.terms import age_on, months_covered, term_end
from jeugdtoegang.regions import RegionProfile

if TYPE_CHECKING:
    from jeugdtoegang.domain.indication_rules import IndicationProposal
    from jeugdtoegang.regions.schema import Product

#: segments where help is given away from home: "thuis, tenzij" needs a motivation
OUT_OF_HOME_SEGMENTS = frozenset({"verblijf", "wonen"})
#: segments where "groepsaanbod gaat voor" never applies (acute or out-of-home help)
NO_GROUP_FIRST_SEGMENTS = frozenset({"crisis", "verblijf", "wonen", "consultatie-diagnostiek"})
#: Jeugdwet: jeugdige under 18; verlengde jeugdhulp up to (not including) 23
ADULT_AGE = 18
VERLENGD_MAX_AGE = 23
#: verlengde jeugdhulp: help that ended at most half a year before may be resumed after 18
VERLENGD_RESUME_MONTHS = 6


@dataclass(frozen=True)
class ChosenContract:
    """What the rules need to know about the chosen provider's contract."""

    agb: str
    name: str
    identity: str | None = None
    waiting_weeks: int | None = None


def _approval(code: str, message: str, field_name: str | None = None) -> Finding:
    return Finding(code, Severity.APPROVAL, message, field_name)


def _error(code: str, message: str, field_name: str | None = None) -> Finding:
    return Finding(code, Severity.ERROR, message, field_name)


def _warning(code: str, message: str, field_name: str | None = None) -> Finding:
    return Finding(code, Severity.WARNING, message, field_name)


# --- kind and term --------------------------------------------------------------------------


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
            _error(
                "TERM_CRISIS_EXCEEDED",
                f"Crisishulp duurt in regio {profile.name} hoogstens {rules.crisis_max_weeks} "
                f"weken (tot en met {short_date(limit)}). Daarna volgt een gewone beschikking "
                "voor de hulp die nodig blijft." + chain,
                "eind",
            )
        ]
    if kind == "plaatsing":
        return [
            _approval(
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
                _approval(
                    "TERM_DEVELOPMENT_EXCEEDED",
                    text + " Langer kan alleen 'tenzij': met motivering en akkoord van de "
                    "teamleider.",
                    "eind",
                )
            ]
        return [_error("TERM_DEVELOPMENT_EXCEEDED", text + " Langer is niet toegestaan.", "eind")]
    return [
        _error(
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
        _approval(
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
        _approval(
            "THUIS_TENZIJ",
            "Thuis, tenzij: hulp met verblijf of wonen buiten huis kan alleen als hulp thuis "
            "niet genoeg is of thuis niet veilig is. Schrijf waarom, en vraag akkoord van de "
            "teamleider.",
            "motivering",
        )
    ]


# --- normenkader and sessions ---------------------------------------------------------------


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
            _approval(
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
                _approval(
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
        _approval(
            "SESSIONS_EXCEEDED",
            f"{product.name} ({product.code}) is lichte hulp met hoogstens {cap} sessies; deze "
            f"indicatie komt op {sessions.normalize():f}. Meer kan alleen met motivering en "
            "akkoord van de teamleider.",
            "volume",
        )
    ]


# --- familiegroepsplan ----------------------------------------------------------------------


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
        _approval(
            "FAMILIEGROEPSPLAN_MISSING",
            f"In regio {profile.name} maakt het gezin eerst een familiegroepsplan, met "
            "familie en mensen om het gezin heen, voordat niet vrij toegankelijke hulp start. "
            "Er is (nog) geen familiegroepsplan. Maatwerk is altijd mogelijk: schrijf waarom "
            "de hulp nu toch nodig is, en vraag akkoord van de teamleider.",
            "familiegroepsplan",
        )
    ]


# --- age and referral -----------------------------------------------------------------------


def age_findings(
    proposal: IndicationProposal,
    birth_date: date | None,
    earlier_help_end: date | None,
) -> list[Finding]:
    """Jeugdwet: help for a jeugdige under 18; verlengde jeugdhulp from 18 to 23 only when
    help started (or was found necessary) before 18, or resumes within half a year after
    earlier help ended. ``earlier_help_end`` is the end of the jeugdige's latest help that
    started before 18 (None: none)."""
    if birth_date is None:
        return []
    try:
        age = age_on(birth_date, proposal.start)
        limit = birth_date + relativedelta(years=VERLENGD_MAX_AGE)
        adult = birth_date + relativedelta(years=ADULT_AGE)
    except (OverflowError, ValueError):
        return []
    if age < 0:
        return [_error("AGE_INVALID", "De startdatum ligt voor de geboortedatum.", "start")]
    if age >= VERLENGD_MAX_AGE:
        return [
            _error(
                "AGE_OUTSIDE_JEUGDWET",
                f"De jeugdige is {age} jaar bij de start. De Jeugdwet geldt tot 18 jaar, "
                "verlengde jeugdhulp tot 23 jaar. Verwijs naar de Wmo, de Wlz of de "
                "zorgverzekering.",
                "start",
            )
        ]
    if age < ADULT_AGE:
        return []
    found: list[Finding] = []
    resumed = earlier_help_end is not None and proposal.start <= earlier_help_end + relativedelta(
        months=VERLENGD_RESUME_MONTHS
    )
    if resumed:
        found.append(
            _warning(
                "AGE_VERLENGDE_JEUGDHULP",
                f"De jeugdige is {age} jaar: dit is verlengde jeugdhulp (tot 23 jaar). Dat kan, "
                "want de hulp begon voor 18 jaar of stopte minder dan een half jaar geleden.",
                "start",
            )
        )
    else:
        found.append(
            _approval(
                "AGE_VERLENGDE_JEUGDHULP",
                f"De jeugdige is {age} jaar. Na 18 jaar kan alleen verlengde jeugdhulp: als de "
                "hulp voor 18 jaar begon of nodig bleek, of binnen een half jaar na het einde "
                "weer nodig is. Schrijf hoe dat hier zo is, en vraag akkoord van de teamleider.",
                "start",
            )
        )
    try:
        last_day = limit - timedelta(days=1)
    except OverflowError:
        return found
    return found + (
        [
            _error(
                "AGE_TERM_PAST_23",
                f"Verlengde jeugdhulp stopt als de jeugdige 23 wordt: de einddatum mag niet "
                f"na {short_date(last_day)} liggen.",
                "eind",
            )
        ]
        if proposal.end is not None and proposal.end > last_day and adult <= proposal.start
        else []
    )


def referral_findings(proposal: IndicationProposal, profile: RegionProfile) -> list[Finding]:
    """A referral from outside the local team is dated; a medical one is valid for a while."""
    initiator = proposal.initiator
    if not initiator.needs_referral_date:
        return []
    day = proposal.referral_date
    if day is None:
        return [
            _error(
                "REFERRAL_DATE_MISSING",
                f"Vul de datum van de verwijzing in ({initiator.label.lower()}).",
                "verwijsdatum",
            )
        ]
    if day > proposal.start:
        return [
            _error(
                "REFERRAL_AFTER_START",
                f"De verwijzing ({short_date(day)}) is van na de start van de hulp "
                f"({short_date(proposal.start)}).",
                "verwijsdatum",
            )
        ]
    if not initiator.referral_expires:
        return []
    months = profile.settings.referral_valid_months
    try:
        valid_to = term_end(day, months)
    except (OverflowError, ValueError):
        return []
    if proposal.start <= valid_to:
        return []
    return [
        _approval(
            "REFERRAL_EXPIRED",
            f"De verwijzing van {short_date(day)} gold {months} maanden (tot en met "
            f"{short_date(valid_to)}); de hulp start later. Vraag een nieuwe verwijzing, of "
            "motiveer waarom de oude nog past en vraag akkoord van de teamleider.",
            "verwijsdatum",
        )
    ]


# --- the family's choices and the provider ---------------------------------------------------


def identity_wish_met(wish: str | None, identity: str | None) -> bool:
    """Whether a provider's identity is the one the family asked for (the finding and the
    letter both use this)."""
    wish = (wish or "").strip()
    return bool(wish and identity and identity.strip().casefold() == wish.casefold())


def identity_findings(
    proposal: IndicationProposal, profile: RegionProfile, chosen: ChosenContract | None
) -> list[Finding]:
    """000 §3c / 004: help that fits the family's identity, where the family asks for it."""
    wish = (proposal.identity_wish or "").strip()
    if not wish or not profile.policies.identity_choice or chosen is None:
        return []
    if identity_wish_met(wish, chosen.identity):
        return []
    return [
        _warning(
            "IDENTITY_WISH_NOT_MET",
            f"Het gezin wil hulp die past bij de identiteit '{wish}'. {chosen.name} heeft "
            f"{'identiteit ' + repr(chosen.identity) if chosen.identity else 'geen identiteit'}"
            ". Bespreek dit met het gezin en leg de keuze van het gezin vast.",
            "identiteit",
        )
    ]


def partner_findings(
    proposal: IndicationProposal,
    profile: RegionProfile,
    partner_agbs: Sequence[str] | None,
) -> list[Finding]:
    """001 thema 4/7: in a one-lot region help goes through the area's strategic partner;
    another provider is an exception (approval); the partner agreement is recorded."""
    if not profile.policies.strategic_partners or partner_agbs is None:
        return []
    found: list[Finding] = []
    agb = (proposal.provider_agb or "").strip()
    if proposal.maatwerk_name is None and agb and agb not in partner_agbs:
        found.append(
            _approval(
                "NOT_STRATEGIC_PARTNER",
                f"Regio {profile.name} koopt deze hulp in bij de strategische partner(s) van "
                "het gebied. Een andere aanbieder kan alleen als uitzondering: schrijf waarom "
                "(bijvoorbeeld de keuze van het gezin) en vraag akkoord van de teamleider.",
                "provider",
            )
        )
    if not (proposal.partner_agreement or "").strip():
        found.append(
            _warning(
                "PARTNER_AGREEMENT_MISSING",
                "Leg vast wat met de strategische partner is afgesproken over deze hulp.",
                "partnerafspraak",
            )
        )
    return found


def bridging_findings(profile: RegionProfile, chosen: ChosenContract | None) -> list[Finding]:
    """Seeds 000 §3c and 004: a long wait asks for overbruggingszorg, never for a ceiling."""
    policies = profile.policies
    if not policies.bridging_care or chosen is None or chosen.waiting_weeks is None:
        return []
    if chosen.waiting_weeks <= policies.bridging_wait_weeks:
        return []
    product = profile.product(policies.bridging_product) if policies.bridging_product else None
    offer = (
        f"overbruggingszorg ({product.name}, {product.code})"
        if product is not None
        else "overbruggingszorg"
    )
    return [
        _warning(
            "BRIDGING_CARE",
            f"Bij {chosen.name} is de wachttijd {chosen.waiting_weeks} weken (norm: "
            f"{policies.bridging_wait_weeks} weken). Zet {offer} in tot de hulp start; de "
            "teamleider krijgt een signaal.",
            "provider",
        )
    ]
