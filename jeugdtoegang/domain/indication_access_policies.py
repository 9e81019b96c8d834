"""Region policies on who gets which help from whom, applied to a proposed indication:

- age (Jeugdwet art. 1.1: under 18; verlengde jeugdhulp to 23 on its conditions);
- referrals (COD327; seed 002 §10.3: a dated referral, valid for the region's period);
- identity choice (000 §3c, 004), strategic partners (001 thema 4) and bridging care
  while waiting (000 §3c, 004).

Called by :func:`jeugdtoegang.domain.indication_rules.check_indication` beside
``indication_policies``; like those, every function returns findings and reads neither
the database nor the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.findings import Finding
from jeugdtoegang.domain.indication_policies import (
    ChosenContract,
    approval_finding,
    error_finding,
    warning_finding,
)
from jeugdtoegang.domain.terms import ADULT_AGE, age_on, term_end
from jeugdtoegang.regions import RegionProfile

if TYPE_CHECKING:
    from jeugdtoegang.domain.indication_proposal import IndicationProposal


#: Jeugdwet: verlengde jeugdhulp from 18 (ADULT_AGE) up to (not including) 23
VERLENGD_MAX_AGE = 23
#: verlengde jeugdhulp: help that ended at most half a year before may be resumed after 18
VERLENGD_RESUME_MONTHS = 6


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
        return [error_finding("AGE_INVALID", "De startdatum ligt voor de geboortedatum.", "start")]
    if age >= VERLENGD_MAX_AGE:
        return [
            error_finding(
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
            warning_finding(
                "AGE_VERLENGDE_JEUGDHULP",
                f"De jeugdige is {age} jaar: dit is verlengde jeugdhulp (tot 23 jaar). Dat kan, "
                "want de hulp begon voor 18 jaar of stopte minder dan een half jaar geleden.",
                "start",
            )
        )
    else:
        found.append(
            approval_finding(
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
            error_finding(
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
            error_finding(
                "REFERRAL_DATE_MISSING",
                f"Vul de datum van de verwijzing in ({initiator.label.lower()}).",
                "verwijsdatum",
            )
        ]
    if day > proposal.start:
        return [
            error_finding(
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
        approval_finding(
            "REFERRAL_EXPIRED",
            f"De verwijzing van {short_date(day)} gold {months} maanden (tot en met "
            f"{short_date(valid_to)}); de hulp start later. Vraag een nieuwe verwijzing, of "
            "motiveer waarom de oude nog past en vraag akkoord van de teamleider.",
            "verwijsdatum",
        )
    ]


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
        warning_finding(
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
            approval_finding(
                "NOT_STRATEGIC_PARTNER",
                f"Regio {profile.name} koopt deze hulp in bij de strategische partner(s) van "
                "het gebied. Een andere aanbieder kan alleen als uitzondering: schrijf waarom "
                "(bijvoorbeeld de keuze van het gezin) en vraag akkoord van de teamleider.",
                "provider",
            )
        )
    if not (proposal.partner_agreement or "").strip():
        found.append(
            warning_finding(
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
        warning_finding(
            "BRIDGING_CARE",
            f"Bij {chosen.name} is de wachttijd {chosen.waiting_weeks} weken (norm: "
            f"{policies.bridging_wait_weeks} weken). Zet {offer} in tot de hulp start; de "
            "teamleider krijgt een signaal.",
            "provider",
        )
    ]
