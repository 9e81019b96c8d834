"""The legal checklist catches a letter text that loses a required element.

A letter of every type is composed from hand-made facts (no database); its words are
checked against ``resources/letters/_checklist.toml``. Then each standard text that carries
a required element is emptied in turn: the checklist must report the loss.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from jeugdtoegang.domain.decisions import GRANTING_TYPES, DecisionType, bezwaar_last_day
from jeugdtoegang.domain.dutch import long_date
from jeugdtoegang.domain.motivation import AfbouwStep, MotivationParts
from jeugdtoegang.letters.checklist import load_checklist, missing_elements
from jeugdtoegang.letters.compose import HelpItem, LetterInput, compose_letter
from jeugdtoegang.letters.model import LetterModel
from jeugdtoegang.letters.texts import LetterTexts, load_letter_texts
from jeugdtoegang.regions import load_profile

SENT = date(2026, 11, 27)  # a Friday: six weeks from the day after end on Friday 8 January
HELP = HelpItem(
    product="Ambulante jeugdhulp",
    aanbieder="Stichting De Linde",
    start=date(2026, 12, 1),
    end=date(2027, 8, 31),
    volume=Decimal(3),
    unit="uur",
    frequency="week",
    evaluation_due=date(2027, 7, 1),
    identity_wish="christelijk",
    provider_identity="christelijk",
)
PARTS = MotivationParts(
    facts=("Daan is vaak boos op school.", "Oma helpt twee middagen."),
    jeugdwet_artikel="artikel 2.3, eerste lid",
    verordening_artikel="artikel 5",
    weighing="Oma helpt, maar dat is niet genoeg voor Daan.",
    reason_category="voorliggende_voorziening",
    alternative="de gratis groep van het CJG Zeist",
    refused_part="de tweede middag",
    refused_reason="De school regelt die middag.",
    evaluation_result="Daan gaat weer naar school.",
    legal_ground="Het doel is bereikt.",
    change="Minder uren per week.",
    withdrawal_reason="De einddatum klopte niet.",
    afbouw=(AfbouwStep(date(2026, 12, 1), date(2026, 12, 31), "1 uur per week"),),
)


def letter_for(decision_type: DecisionType, texts: LetterTexts | None = None) -> LetterModel:
    profile = load_profile("zuidoost-utrecht")
    data = LetterInput(
        decision_type=decision_type,
        municipality="Zeist",
        kenmerk="BS-2026-000042",
        letter_date=SENT,
        request_date=date(2026, 11, 2),
        request_text="hulp thuis",
        jeugdige_name="Daan de Vries",
        addressee_names=("Eva de Vries",),
        salutation_names="Eva de Vries",
        address_lines=("Lindelaan 1", "3701 AB  Zeist"),
        help=() if decision_type is DecisionType.AFWIJZING else (HELP,),
        end_date=date(2026, 12, 31) if decision_type is DecisionType.BEEINDIGING else None,
        motivation=PARTS,
        previous=(date(2026, 10, 1), "BS-2026-000007"),
        old_help=(HELP,) if decision_type is DecisionType.WIJZIGING else (),
        effective_date=date(2026, 12, 1),
        consultant_name="Carla Jansen",
        approver_name="Tom Bakker",
        approver_function="Teamleider Team Zeist",
    )
    return compose_letter(data, texts or load_letter_texts("zuidoost-utrecht"), profile)


def words(letter: LetterModel) -> str:
    parts: list[str] = [
        letter.onderwerp,
        letter.decision_sentence,
        *letter.reference_paragraphs,
        *letter.intro_paragraphs,
        letter.old_help_caption,
        *letter.motivation_paragraphs,
        *letter.facts,
        *(f"{label} {text}" for label, text in letter.reason_parts),
        f"{letter.weighing_label} {letter.weighing}",
        *letter.rule_paragraphs,
        letter.legal_basis,
        *letter.bezwaar_paragraphs,
        *letter.bezwaar_contents,
        letter.voorlopige_voorziening,
        *letter.rights_paragraphs,
        letter.contact,
        letter.signatory.on_behalf,
        letter.signatory.name,
        letter.kenmerk,
    ]
    return " ".join(parts)


def values(decision_type: DecisionType) -> dict[str, str]:
    return {
        "kenmerk": "BS-2026-000042",
        "gemeente": "Zeist",
        "verordening": "Verordening jeugdhulp Zeist 2025",
        "verordening_artikel": "artikel 5",
        "jeugdwet_artikel": "artikel 2.3, eerste lid",
        "verzenddatum": long_date(SENT),
        "bezwaar_laatste_dag": long_date(bezwaar_last_day(SENT), weekday=True),
        "bezwaar_weken": "6",
        "bezwaar_digitaal": "www.zeist.example/jeugd/bezwaar",
        "bezwaaradres": "Postbus 514, 3700 BM  Zeist",
        "email": "jeugd@zeist.example",
        "ondertekenaar": "Tom Bakker",
        "consulent": "Carla Jansen",
        "feit": PARTS.facts[0],
        "afweging": PARTS.weighing,
        "alternatief": PARTS.alternative if decision_type is DecisionType.AFWIJZING else "",
        "weigerdeel": PARTS.refused_part,
        "weigerreden": PARTS.refused_reason,
        "evaluatie": PARTS.evaluation_result,
        "grond": PARTS.legal_ground,
        "wijziging": PARTS.change,
        "intrekking": PARTS.withdrawal_reason,
        "vorig_kenmerk": "BS-2026-000007",
        "ingangsdatum": long_date(date(2026, 12, 1)),
        "einddatum": long_date(date(2026, 12, 31)),
        "terugwerkend": "",
        "identiteit": "christelijk" if decision_type in GRANTING_TYPES else "",
    }


def test_the_bezwaar_term_runs_from_the_day_after_sending() -> None:
    assert bezwaar_last_day(SENT) == date(2027, 1, 8)
    assert "vrijdag 8 januari 2027" in words(letter_for(DecisionType.TOEKENNING))


@pytest.mark.parametrize("decision_type", list(DecisionType))
def test_a_composed_letter_of_every_type_meets_the_checklist(decision_type: DecisionType) -> None:
    letter = letter_for(decision_type)
    assert missing_elements(words(letter), decision_type, values(decision_type)) == []


#: (section, field) of every standard text that carries a checklist element
CARRIERS = [
    ("paragraphs", "legal_basis"),
    ("paragraphs", "voorlopige_voorziening"),
    ("paragraphs", "on_behalf"),
    ("paragraphs", "contact"),
    ("paragraphs", "withdraws"),
    ("paragraphs", "replaces"),
    ("paragraphs", "old_help_caption"),
    ("paragraphs", "bezwaar"),
    ("paragraphs", "bezwaar_contents"),
    ("labels", "reason"),
    ("labels", "alternative"),
    ("labels", "refused_part"),
    ("labels", "legal_ground"),
    ("labels", "weighing"),
    ("rights", "pgb"),
    ("rights", "clientondersteuning"),
    ("rights", "vertrouwenspersoon"),
    ("rights", "privacy"),
    ("rules", "identity_met"),
]


def _without(texts: LetterTexts, section: str, field: str, index: int | None) -> LetterTexts:
    part = getattr(texts, section)
    value: Any = getattr(part, field)
    if index is not None:
        value = tuple("Zie hieronder." if i == index else v for i, v in enumerate(value))
    else:
        value = "Zie hieronder."
    return texts.model_copy(update={section: part.model_copy(update={field: value})})


def _cases() -> list[tuple[str, str, int | None]]:
    texts = load_letter_texts("zuidoost-utrecht")
    cases: list[tuple[str, str, int | None]] = []
    for section, field in CARRIERS:
        value = getattr(getattr(texts, section), field)
        if isinstance(value, tuple):
            cases += [
                (section, field, i) for i in range(len(value)) if value[i] != "Zet in uw brief:"
            ]
        else:
            cases.append((section, field, None))
    return cases


@pytest.mark.parametrize(("section", "field", "index"), _cases())
def test_removing_a_required_text_makes_the_checklist_fail(
    section: str, field: str, index: int | None
) -> None:
    texts = _without(load_letter_texts("zuidoost-utrecht"), section, field, index)
    failures = []
    for decision_type in DecisionType:
        letter = letter_for(decision_type, texts)
        failures += missing_elements(words(letter), decision_type, values(decision_type))
    assert failures, f"{section}.{field}[{index}] kan weg zonder dat de checklist het merkt"


def test_every_checklist_element_names_its_legal_ground() -> None:
    for element in load_checklist().element:
        assert element.grondslag.strip() and element.contains
    assert len({e.id for e in load_checklist().element}) == len(load_checklist().element)


def test_a_placement_letter_never_talks_about_growing_out_of_help_or_afbouwen() -> None:
    placement = replace(HELP, segment="wonen", product="Pleegzorg")
    profile = load_profile("zuidoost-utrecht")
    data = LetterInput(
        decision_type=DecisionType.TOEKENNING,
        municipality="Zeist",
        kenmerk="BS-2026-000043",
        letter_date=SENT,
        request_date=date(2026, 11, 2),
        request_text="pleegzorg",
        jeugdige_name="Daan de Vries",
        addressee_names=("Eva de Vries",),
        salutation_names="Eva de Vries",
        address_lines=("Lindelaan 1",),
        help=(placement,),
        motivation=PARTS,
    )
    text = words(compose_letter(data, load_letter_texts("zuidoost-utrecht"), profile))
    assert "afbouw" not in text.lower() and "kan groeien" not in text
    assert "1 juli 2027" in text  # the evaluation date is printed


def test_the_approved_tenzij_motivation_is_printed() -> None:
    longer = replace(
        HELP, end=date(2027, 11, 30), tenzij_reason="Traumabehandeling duurt 12 maanden."
    )
    profile = load_profile("zuidoost-utrecht")
    data = LetterInput(
        decision_type=DecisionType.TOEKENNING,
        municipality="Zeist",
        kenmerk="BS-2026-000044",
        letter_date=SENT,
        request_date=date(2026, 11, 2),
        request_text="behandeling",
        jeugdige_name="Daan de Vries",
        addressee_names=("Eva de Vries",),
        salutation_names="Eva de Vries",
        address_lines=("Lindelaan 1",),
        help=(longer,),
        motivation=PARTS,
    )
    text = words(compose_letter(data, load_letter_texts("zuidoost-utrecht"), profile))
    assert "De reden staat hierboven" not in text
    assert "Traumabehandeling duurt 12 maanden." in text
    assert "Op 1 juli 2027 kijken we samen met u hoe het gaat." in text


# --- issue 11: the family's identity wish in the letter ------------------------------------

WISH = "U vroeg om hulp die past bij uw geloof of levensovertuiging (christelijk)."


def _identity_letter(region: str, municipality: str, **changes: Any) -> str:
    profile = load_profile(region)
    data = LetterInput(
        decision_type=DecisionType.TOEKENNING,
        municipality=municipality,
        kenmerk="BS-2026-000044",
        letter_date=SENT,
        request_date=date(2026, 11, 2),
        request_text="hulp thuis",
        jeugdige_name="Daan de Vries",
        addressee_names=("Eva de Vries",),
        salutation_names="Eva de Vries",
        address_lines=("Lindelaan 1",),
        help=(replace(HELP, **changes),),
        motivation=PARTS,
    )
    return " ".join(words(compose_letter(data, load_letter_texts(region), profile)).split())


REGIONS = [
    ("zuidoost-utrecht", "Zeist"),
    ("twente", "Enschede"),
    ("noord-veluwe", "Harderwijk"),
    ("zuid-holland-zuid", "Hardinxveld-Giessendam"),
    ("zuid-kennemerland-ijmond", "Haarlem"),
]


@pytest.mark.parametrize(("region", "municipality"), REGIONS)
def test_a_met_identity_wish_is_stated_in_one_sentence_in_every_region(
    region: str, municipality: str
) -> None:
    text = _identity_letter(region, municipality, provider_identity="Christelijk")
    assert f"{WISH} Stichting De Linde biedt die hulp." in text
    assert "biedt die hulp niet" not in text


@pytest.mark.parametrize(("region", "municipality"), REGIONS)
def test_an_unmet_identity_wish_says_so_and_why(region: str, municipality: str) -> None:
    family = _identity_letter(
        region, municipality, provider_identity="islamitisch", chosen_by_family=True
    )
    assert f"{WISH} Stichting De Linde biedt die hulp niet." in family
    assert "U hebt zelf voor deze aanbieder gekozen." in family
    none = _identity_letter(region, municipality, provider_identity="", identity_available=False)
    assert "Wij hebben geen aanbieder met een contract voor deze hulp die daarbij past." in none
    own = _identity_letter(
        region,
        municipality,
        provider_identity="",
        identity_reason="De wachttijd daar is 30 weken; Daan kan niet wachten.",
    )
    assert "biedt die hulp niet. De wachttijd daar is 30 weken; Daan kan niet wachten." in own


def test_no_identity_sentence_without_a_wish() -> None:
    text = _identity_letter("zuidoost-utrecht", "Zeist", identity_wish="", provider_identity="")
    assert "geloof of levensovertuiging" not in text
