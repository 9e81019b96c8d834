"""Compose a :class:`LetterModel` from plain decision facts, the region's texts and profile.

The service layer turns stored records into a :class:`LetterInput`; everything that is
wording (which paragraph, which rule explained, how a volume reads) is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.decisions import GRANTING_TYPES, DecisionType, bezwaar_last_day
from jeugdtoegang.domain.dutch import long_date, money, number, short_date
from jeugdtoegang.letters.model import HelpRow, Letterhead, LetterModel, Signatory
from jeugdtoegang.letters.texts import LetterTexts, fill
from jeugdtoegang.regions import RegionProfile

_UNIT_WORDS = {
    # unit: (singular, plural)
    "minuut": ("minuut", "minuten"),
    "uur": ("uur", "uur"),
    "dagdeel": ("dagdeel", "dagdelen"),
    "etmaal": ("dag en nacht", "dagen en nachten"),
    "stuks": ("keer", "keer"),
    "stuks-inspanning": ("keer", "keer"),
}
_FREQUENCY_WORDS = {
    "dag": "per dag",
    "week": "per week",
    "maand": "per maand",
    "totaal": "in totaal",
}


@dataclass(frozen=True)
class HelpItem:
    """One indication as the letter needs it."""

    product: str
    aanbieder: str
    start: date
    end: date
    volume: Decimal
    unit: str  # minuut, uur, dagdeel, etmaal, stuks, euro
    frequency: str  # dag, week, maand, totaal
    perspective: str = "beide"  # ontwikkeling, stabilisatie, beide
    group: bool = False
    months: int | None = None


@dataclass(frozen=True)
class LetterInput:
    """What a decision letter says, as plain facts (no wording yet)."""

    decision_type: DecisionType
    municipality: str
    kenmerk: str
    letter_date: date
    request_date: date
    request_text: str
    jeugdige_name: str
    addressee_names: tuple[str, ...]
    salutation_names: str
    address_lines: tuple[str, ...]
    help: tuple[HelpItem, ...] = ()
    facts: tuple[str, ...] = ()
    goals: tuple[str, ...] = ()
    end_date: date | None = None
    concept: bool = False


def volume_text(volume: Decimal, unit: str, frequency: str) -> str:
    """'4 uur per week', '2 dagdelen per week', '€ 1.250,00 in totaal'."""
    period = _FREQUENCY_WORDS.get(frequency, frequency)
    if unit == "euro":
        return f"{money(volume)} {period}"
    singular, plural = _UNIT_WORDS.get(unit, (unit, unit))
    word = singular if volume == 1 else plural
    return f"{number(volume)} {word} {period}"


def _help_row(item: HelpItem) -> HelpRow:
    return HelpRow(
        product=item.product,
        aanbieder=item.aanbieder,
        start=short_date(item.start),
        eind=short_date(item.end),
        omvang=volume_text(item.volume, item.unit, item.frequency),
    )


def _rule_paragraphs(
    data: LetterInput, texts: LetterTexts, profile: RegionProfile, values: dict[str, str]
) -> list[str]:
    rules = texts.rules
    policies = profile.policies
    found: list[str] = []
    granting = data.decision_type in GRANTING_TYPES
    if granting and data.help:
        item = data.help[0]
        months = item.months or _months(item.start, item.end)
        term_values = values | {"maanden": str(months)}
        if item.perspective == "stabilisatie":
            found.append(fill(rules.term_stabilising, term_values))
        elif months > profile.term_rules.development_max_months:
            found.append(fill(rules.term_development_longer, term_values))
        else:
            found.append(fill(rules.term_development, term_values))
    refusing = data.decision_type in (
        DecisionType.AFWIJZING,
        DecisionType.GEDEELTELIJKE_TOEKENNING,
    )
    if policies.group_offer_first and (refusing or any(i.group for i in data.help)):
        found.append(fill(rules.group_offer_first, values))
    if policies.familiegroepsplan_required and rules.familiegroepsplan and granting:
        found.append(fill(rules.familiegroepsplan, values))
    if policies.network_first and data.decision_type is not DecisionType.BEEINDIGING:
        found.append(fill(rules.network_first, values))
    return found


def _months(start: date, end: date) -> int:
    from jeugdtoegang.domain.terms import months_covered

    return months_covered(start, end)


def compose_letter(data: LetterInput, texts: LetterTexts, profile: RegionProfile) -> LetterModel:
    """The complete letter for one decision."""
    details = texts.municipal(data.municipality)
    municipality = profile.municipality(data.municipality)
    verordening = (
        municipality.verordening if municipality else f"verordening jeugdhulp {data.municipality}"
    )
    team = details.team or (
        profile.team_name_for(municipality) if municipality else profile.team_name_default
    )
    weeks = profile.settings.bezwaar_weeks
    last_day = bezwaar_last_day(data.letter_date, weeks)
    end_date = data.end_date or max((i.end for i in data.help), default=data.letter_date)
    values = {
        "aanhef": data.salutation_names,
        "kind": data.jeugdige_name,
        "gemeente": data.municipality,
        "regio": profile.name,
        "aanvraagdatum": long_date(data.request_date),
        "gevraagd": data.request_text.strip().rstrip("."),
        "kenmerk": data.kenmerk,
        "datum": long_date(data.letter_date),
        "bezwaar_weken": str(weeks),
        "bezwaar_laatste_dag": long_date(last_day, weekday=True),
        "bezwaaradres": ", ".join(details.bezwaar_address),
        "team": team,
        "telefoon": details.phone,
        "email": details.email,
        "website": details.website,
        "maanden": "",
        "max_maanden": str(profile.term_rules.development_max_months),
        "verordening": verordening,
        "einddatum": long_date(end_date),
    }
    type_texts = texts.for_type(data.decision_type)
    paragraphs = texts.paragraphs
    motivation = [fill(p, values) for p in type_texts.paragraphs]
    if data.decision_type is DecisionType.BEEINDIGING and data.help and type_texts.afbouw:
        motivation.append(fill(type_texts.afbouw, values))
    logo = details.logo_path()
    return LetterModel(
        letterhead=Letterhead(
            municipality=f"Gemeente {data.municipality}",
            address_lines=details.letterhead_address,
            colour=details.colour,
            logo_path=str(logo) if logo else None,
            department=details.department,
        ),
        addressee_lines=(*data.addressee_names, *data.address_lines),
        place=details.place,
        letter_date=data.letter_date,
        date_text=long_date(data.letter_date),
        kenmerk=data.kenmerk,
        onderwerp=fill(type_texts.onderwerp, values),
        salutation=fill(paragraphs.salutation, values),
        decision_sentence=fill(type_texts.sentence, values),
        intro_paragraphs=(fill(paragraphs.intro, values),),
        help_caption=fill(paragraphs.help_caption, values),
        help_rows=tuple(_help_row(i) for i in data.help),
        motivation_paragraphs=tuple(motivation),
        facts_intro=fill(paragraphs.facts_intro, values),
        facts=tuple(f.strip() for f in data.facts if f.strip()),
        goals_intro=fill(paragraphs.goals_intro, values),
        goals=tuple(g.strip() for g in data.goals if g.strip()),
        rule_paragraphs=tuple(_rule_paragraphs(data, texts, profile, values)),
        legal_basis=fill(paragraphs.legal_basis, values),
        next_steps=tuple(fill(p, values) for p in type_texts.next_steps),
        bezwaar_paragraphs=tuple(fill(p, values) for p in paragraphs.bezwaar),
        bezwaar_contents=tuple(fill(p, values) for p in paragraphs.bezwaar_contents),
        contact=fill(paragraphs.contact, values),
        closing=fill(paragraphs.closing, values),
        signatory=Signatory(
            name=details.signatory_name,
            function=details.signatory_function,
            on_behalf=fill(paragraphs.on_behalf, values),
        ),
        concept=data.concept,
        footer=fill(paragraphs.footer, values),
        title=f"{type_texts.onderwerp.format_map(values)} ({data.kenmerk})",
    )
