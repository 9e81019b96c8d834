"""A fictional example letter per decision type, for previews of texts, tests and benchmarks."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.decisions import AMBTSHALVE_TYPES, DecisionType
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.domain.terms import term_end
from jeugdtoegang.letters.compose import HelpItem, LetterInput, compose_letter
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.texts import load_letter_texts
from jeugdtoegang.regions import load_profile

SAMPLE_DATE = date(2026, 11, 23)


def sample_help(decision_type: DecisionType, start: date) -> tuple[HelpItem, ...]:
    if decision_type is DecisionType.AFWIJZING:
        return ()
    if decision_type is DecisionType.BEEINDIGING:
        return (
            HelpItem(
                "Ambulante gezinsbegeleiding (afbouw)",
                "Stichting De Linde",
                start,
                term_end(start, 3),
                Decimal("1.5"),
                "uur",
                "week",
                "ontwikkeling",
            ),
        )
    items = [
        HelpItem(
            "Ambulante jeugdhulp individueel",
            "Stichting De Linde Jeugdhulp",
            start,
            term_end(start, 9),
            Decimal(4),
            "uur",
            "week",
            "ontwikkeling",
            months=9,
        ),
        HelpItem(
            "Logeeropvang",
            "Zorgboerderij 't Erf",
            start,
            term_end(start, 9),
            Decimal(2),
            "etmaal",
            "maand",
            "ontwikkeling",
            months=9,
        ),
        HelpItem(
            "Persoonsgebonden budget begeleiding",
            "Eigen keuze van het gezin",
            start,
            term_end(start, 9),
            Decimal("1234.56"),
            "euro",
            "totaal",
            "ontwikkeling",
            months=9,
        ),
    ]
    if decision_type is DecisionType.GEDEELTELIJKE_TOEKENNING:
        return tuple(items[:1])
    return tuple(items)


def sample_input(
    decision_type: DecisionType,
    municipality: str,
    *,
    concept: bool = False,
    letter_date: date = SAMPLE_DATE,
) -> LetterInput:
    start = date(2027, 1, 4)
    return LetterInput(
        decision_type=decision_type,
        municipality=municipality,
        kenmerk="BS-2026-000042",
        letter_date=letter_date,
        request_date=date(2026, 11, 2),
        request_text="hulp thuis bij de opvoeding en een logeerplek",
        jeugdige_name="Daan Yılmaz-Çelik",
        addressee_names=("Eva Yılmaz-Çelik", "Mehmet Yılmaz"),
        salutation_names="Eva Yılmaz-Çelik en Mehmet Yılmaz",
        address_lines=("Lindelaan 12 a", "3701 AB  Zeist"),
        help=sample_help(decision_type, start),
        facts=(
            "Daan is 11 jaar. Hij heeft vaak woede-uitbarstingen, thuis en op school.",
            "U hebt al hulp gehad van de schoolmaatschappelijk werker. Dat was niet genoeg.",
            "Oma past twee middagen per week op. Zij kan niet meer doen.",
        ),
        goals=(
            "Daan kan beter omgaan met boosheid.",
            "U weet als ouders wat u kunt doen als Daan boos wordt.",
            "Daan gaat weer elke dag naar school.",
        ),
        concept=concept,
        has_aanvraag=decision_type not in AMBTSHALVE_TYPES,
        motivation=sample_motivation(decision_type),
        previous=(date(2026, 10, 1), "BS-2026-000007")
        if decision_type in (DecisionType.WIJZIGING, DecisionType.CORRECTIE)
        else None,
        old_help=sample_help(DecisionType.TOEKENNING, start)[:1]
        if decision_type is DecisionType.WIJZIGING
        else (),
        effective_date=start,
        consultant_name="Carla Jansen",
        approver_name="Tom Bakker",
        approver_function="Teamleider lokaal team",
    )


def sample_motivation(decision_type: DecisionType) -> MotivationParts:
    """A complete structured motivation for a sample letter of this type."""
    return MotivationParts(
        facts=(
            "Daan is 11 jaar. Hij heeft vaak woede-uitbarstingen, thuis en op school.",
            "U hebt al hulp gehad van de schoolmaatschappelijk werker. Dat was niet genoeg.",
            "Oma past twee middagen per week op. Zij kan niet meer doen.",
        ),
        jeugdwet_artikel="artikel 2.3, eerste lid",
        verordening_artikel="artikel 5",
        weighing="Oma helpt al veel. Toch is dat niet genoeg voor de boosheid van Daan.",
        reason_category="voorliggende_voorziening"
        if decision_type is DecisionType.AFWIJZING
        else "",
        alternative="de gratis weerbaarheidsgroep van het CJG"
        if decision_type is DecisionType.AFWIJZING
        else "",
        refused_part="de logeerplek in het weekend"
        if decision_type is DecisionType.GEDEELTELIJKE_TOEKENNING
        else "",
        refused_reason="Oma kan Daan in het weekend opvangen."
        if decision_type is DecisionType.GEDEELTELIJKE_TOEKENNING
        else "",
        evaluation_result="Daan gaat weer elke dag naar school."
        if decision_type in (DecisionType.VERLENGING, DecisionType.BEEINDIGING)
        else "",
        legal_ground="Het doel in het plan is bereikt."
        if decision_type is DecisionType.BEEINDIGING
        else "",
        change="Daan krijgt minder uren per week."
        if decision_type is DecisionType.WIJZIGING
        else "",
        withdrawal_reason="De einddatum klopte niet."
        if decision_type is DecisionType.CORRECTIE
        else "",
    )


def sample_letter(
    decision_type: DecisionType, region_slug: str, municipality: str | None = None, **kw: object
) -> LetterModel:
    profile = load_profile(region_slug)
    name = municipality or profile.municipalities[0].name
    data = sample_input(decision_type, name, **kw)  # type: ignore[arg-type]
    return compose_letter(data, load_letter_texts(region_slug), profile)
