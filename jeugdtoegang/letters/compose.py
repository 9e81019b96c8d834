"""Compose a :class:`LetterModel` from plain decision facts, the region's texts and profile.

The service layer turns stored records into a :class:`LetterInput`; everything that is
wording (which paragraph, which rule explained, how a volume reads) is decided here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.decisions import GRANTING_TYPES, DecisionType, bezwaar_last_day
from jeugdtoegang.domain.dutch import long_date, money, number, short_date
from jeugdtoegang.domain.indication_access_policies import identity_wish_met
from jeugdtoegang.domain.motivation import MotivationParts, ReasonCategory
from jeugdtoegang.letters.model import Headings, HelpRow, Letterhead, LetterModel, Signatory
from jeugdtoegang.letters.texts import LetterTexts, Rules, fill
from jeugdtoegang.regions import RegionProfile

#: segments where the child lives elsewhere: no "can still grow ... afbouwen" wording
PLACEMENT_SEGMENTS = frozenset({"wonen", "verblijf"})

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
    segment: str = ""
    evaluation_due: date | None = None
    #: the approved tenzij motivation for a term longer than the usual one
    tenzij_reason: str = ""
    #: the family's wish for help that fits its identity ("christelijk"), if it asked
    identity_wish: str = ""
    #: the identity of the chosen provider, if it has one
    provider_identity: str = ""
    #: the family chose this provider itself
    chosen_by_family: bool = False
    #: the consultant's reason why the wish could not be met (its finding's motivation)
    identity_reason: str = ""
    #: whether a contracted provider with the wished identity offers this help at all
    identity_available: bool = True


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
    #: False: an ambtshalve decision (no aanvraag)
    has_aanvraag: bool = True
    motivation: MotivationParts = field(default_factory=MotivationParts)
    #: wijziging, verlenging, correctie: the earlier decision (date, kenmerk)
    previous: tuple[date, str] | None = None
    old_help: tuple[HelpItem, ...] = ()
    effective_date: date | None = None
    consultant_name: str = ""
    approver_name: str = ""
    approver_function: str = ""


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
        longer = months > profile.term_rules.development_max_months
        if item.segment in PLACEMENT_SEGMENTS:
            found.append(fill(rules.term_placement, term_values))
        elif item.perspective == "stabilisatie":
            found.append(fill(rules.term_stabilising, term_values))
        elif longer:
            found.append(fill(rules.term_development_longer, term_values))
        else:
            found.append(fill(rules.term_development, term_values))
        if item.tenzij_reason and (longer or item.segment in PLACEMENT_SEGMENTS):
            found.append(fill(rules.tenzij, values | {"tenzij_reden": item.tenzij_reason}))
        if item.evaluation_due is not None:
            found.append(
                fill(
                    rules.evaluation_date,
                    values | {"evaluatiedatum": long_date(item.evaluation_due)},
                )
            )
    if granting:
        found += _identity_sentences(data.help, rules, values)
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


def _identity_sentences(
    items: tuple[HelpItem, ...], rules: Rules, values: dict[str, str]
) -> list[str]:
    """Issue 11: where the family asked for help that fits its identity, say whether the
    provider offers it and, if not, why (the consultant's reason, the family's own choice,
    or no contracted provider with that identity)."""
    if not (rules.identity_met and rules.identity_not_met):
        return []  # letter texts of an older region setup
    found: list[str] = []
    for item in items:
        wish = item.identity_wish.strip()
        if not wish:
            continue
        filled = values | {"identiteit": wish, "aanbieder": item.aanbieder}
        if identity_wish_met(wish, item.provider_identity):
            sentence = fill(rules.identity_met, filled)
        else:
            if item.identity_reason.strip():
                reason = item.identity_reason.strip()
            elif item.chosen_by_family and rules.identity_family_choice:
                reason = fill(rules.identity_family_choice, filled)
            elif not item.identity_available and rules.identity_none_available:
                reason = fill(rules.identity_none_available, filled)
            else:
                reason = fill(rules.identity_discussed or "", filled)
            sentence = fill(rules.identity_not_met, filled | {"identiteit_reden": reason})
        sentence = " ".join(sentence.split())
        if sentence not in found:
            found.append(sentence)
    return found


def _months(start: date, end: date) -> int:
    from jeugdtoegang.domain.terms import months_covered

    return months_covered(start, end)


def _reason_parts(
    data: LetterInput, texts: LetterTexts, values: dict[str, str]
) -> list[tuple[str, str]]:
    """The case-specific parts of the motivation, each after its lead-in."""
    m = data.motivation
    labels = texts.labels
    parts: list[tuple[str, str]] = []
    if data.decision_type is DecisionType.AFWIJZING and m.reason_category:
        explained = ""
        if m.reason_category in ReasonCategory.__members__.values():
            explained = fill(texts.reasons[ReasonCategory(m.reason_category)], values)
        parts.append((labels.reason, explained))
    if m.refused_part:
        parts.append((labels.refused_part, m.refused_part))
    if m.refused_reason:
        parts.append((labels.refused_reason, m.refused_reason))
    if m.evaluation_result:
        parts.append((labels.evaluation_result, m.evaluation_result))
    if m.legal_ground:
        parts.append((labels.legal_ground, m.legal_ground))
    if m.change:
        parts.append((labels.change, m.change))
    if m.withdrawal_reason:
        parts.append((labels.withdrawal_reason, m.withdrawal_reason))
    if m.retroactive_reason:
        parts.append((labels.retroactive_reason, m.retroactive_reason))
    if m.alternative:
        parts.append((labels.alternative, m.alternative))
    return parts


def _afbouw_rows(data: LetterInput) -> tuple[HelpRow, ...]:
    if not data.motivation.afbouw:
        return ()
    first = data.help[0] if data.help else None
    return tuple(
        HelpRow(
            product=first.product if first else "",
            aanbieder=first.aanbieder if first else "",
            start=short_date(step.start),
            eind=short_date(step.end),
            omvang=step.omvang,
        )
        for step in data.motivation.afbouw
    )


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
    effective = data.effective_date or min((i.start for i in data.help), default=data.letter_date)
    motivation = data.motivation
    jeugdwet_artikel, verordening_artikel = texts.legal.articles(
        data.decision_type.value, motivation.reason_category
    )
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
        "vorig_datum": long_date(data.previous[0]) if data.previous else "",
        "vorig_kenmerk": data.previous[1] if data.previous else "",
        "ingangsdatum": long_date(effective),
        "consulent": data.consultant_name or f"het {team}",
        "bezwaar_digitaal": details.bezwaar_digital,
        "clientondersteuning": details.clientondersteuning,
        "vertrouwenspersoon": details.vertrouwenspersoon,
        "privacy": details.privacy,
        "jeugdwet_artikel": motivation.jeugdwet_artikel or jeugdwet_artikel,
        "verordening_artikel": motivation.verordening_artikel or verordening_artikel,
        "evaluatiedatum": "",
        "tenzij_reden": "",
        "alternatief": motivation.alternative,
        "identiteit": "",
        "aanbieder": data.help[0].aanbieder if data.help else "",
        "identiteit_reden": "",
    }
    type_texts = texts.for_type(data.decision_type)
    paragraphs = texts.paragraphs
    motivation_paragraphs = [fill(p, values) for p in type_texts.paragraphs]
    afbouw_rows = _afbouw_rows(data)
    if data.decision_type is DecisionType.BEEINDIGING and afbouw_rows and type_texts.afbouw:
        motivation_paragraphs.append(fill(type_texts.afbouw, values))
    intro = paragraphs.intro if data.has_aanvraag else paragraphs.intro_ambtshalve
    references: list[str] = []
    if data.previous is not None:
        if data.decision_type is DecisionType.CORRECTIE:
            references.append(fill(paragraphs.withdraws, values))
        else:
            references.append(fill(paragraphs.replaces, values))
    old_rows = tuple(_help_row(i) for i in data.old_help)
    help_caption = paragraphs.new_help_caption if old_rows else paragraphs.help_caption
    rights = [
        fill(texts.rights.clientondersteuning, values),
        fill(texts.rights.vertrouwenspersoon, values),
        fill(texts.rights.privacy, values),
    ]
    if details.pgb and data.decision_type in GRANTING_TYPES and data.help:
        rights.insert(0, fill(texts.rights.pgb, values))
    logo = details.logo_path()
    headings = texts.headings
    approver = data.approver_name or details.signatory_name
    function = data.approver_function or details.signatory_function
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
        intro_paragraphs=(fill(intro, values),),
        help_caption=fill(help_caption, values),
        help_rows=tuple(_help_row(i) for i in data.help),
        motivation_paragraphs=tuple(motivation_paragraphs),
        facts_intro=fill(paragraphs.facts_intro, values),
        facts=tuple(f.strip() for f in (motivation.facts or data.facts) if f.strip()),
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
            name=approver,
            function=function,
            on_behalf=fill(paragraphs.on_behalf, values),
        ),
        concept=data.concept,
        footer=fill(paragraphs.footer, values),
        # no personal data in the PDF metadata: the kind of decision and the kenmerk only
        title=f"Besluit jeugdhulp: {data.decision_type.label.lower()} ({data.kenmerk})",
        subject=f"Beschikking Jeugdwet, gemeente {data.municipality}",
        headings=Headings(
            why=headings.why,
            rules=headings.rules,
            next_steps=headings.next_steps,
            bezwaar=headings.bezwaar,
            rights=headings.rights,
            questions=headings.questions,
        ),
        reference_paragraphs=tuple(references),
        old_help_caption=fill(paragraphs.old_help_caption, values) if old_rows else "",
        old_help_rows=old_rows,
        afbouw_caption=fill(paragraphs.afbouw_caption, values) if afbouw_rows else "",
        afbouw_rows=afbouw_rows,
        reason_parts=tuple(_reason_parts(data, texts, values)),
        weighing_label=texts.labels.weighing if motivation.weighing else "",
        weighing=motivation.weighing,
        voorlopige_voorziening=fill(paragraphs.voorlopige_voorziening, values),
        rights_paragraphs=tuple(rights),
    )
