"""Letter texts: every region file loads, and every standard text reads at B1 level.

Readability threshold: Flesch-Douma (the Dutch Flesch Reading Ease, ``textstat`` with
``set_lang("nl")``) of at least 60 — "fairly easy", the usual mark for B1 — for every
standard paragraph of at least 8 words, and for the combined texts of each decision type.
Very short fragments (list items like "uw handtekening") are only checked as part of the
whole, because the formula is meaningless for a few words. The fixed legal formula of the
signature ("namens het college van burgemeester en wethouders van ...") is exempt: it is
a name, not a sentence to simplify.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import textstat

from jeugdtoegang.domain.decisions import (
    AddresseeChoice,
    DecisionType,
    bezwaar_last_day,
    check_addressee_choice,
    resolve_addressee,
)
from jeugdtoegang.domain.dutch import long_date, money, short_date
from jeugdtoegang.errors import RuleViolationError
from jeugdtoegang.letters.compose import volume_text
from jeugdtoegang.letters.texts import (
    PLACEHOLDERS,
    LetterTextError,
    LetterTexts,
    available_letter_regions,
    letters_dir,
    load_letter_texts,
    read_letter_texts,
)
from jeugdtoegang.regions import available_slugs, load_profile

READABILITY_THRESHOLD = 60
MIN_WORDS = 8
FORMULAS = frozenset({"paragraphs.on_behalf", "paragraphs.closing", "paragraphs.footer"})
SAMPLE_VALUES = {
    "aanhef": "Eva de Vries",
    "kind": "Daan",
    "gemeente": "Zeist",
    "regio": "Zuidoost-Utrecht",
    "aanvraagdatum": "2 november 2026",
    "gevraagd": "hulp thuis bij de opvoeding",
    "kenmerk": "BS-2026-000042",
    "datum": "23 november 2026",
    "bezwaar_weken": "6",
    "bezwaar_laatste_dag": "maandag 4 januari 2027",
    "bezwaaradres": "Postbus 514, 3700 BM Zeist",
    "team": "Lokaal team",
    "telefoon": "0800 - 555 04 14",
    "email": "jeugd@zeist.example",
    "website": "www.zeist.example",
    "maanden": "9",
    "max_maanden": "9",
    "verordening": "Verordening jeugdhulp Zeist 2025",
    "einddatum": "3 oktober 2027",
    "vorig_datum": "2 oktober 2026",
    "vorig_kenmerk": "BS-2026-000041",
    "ingangsdatum": "1 december 2026",
    "consulent": "Carla Jansen",
    "bezwaar_digitaal": "www.zeist.example/bezwaar",
    "clientondersteuning": "MEE, telefoon 0800 - 555 09 99",
    "vertrouwenspersoon": "het AKJ, telefoon 088 - 555 1000",
    "privacy": "www.zeist.example/privacy",
    "jeugdwet_artikel": "artikel 2.3, eerste lid",
    "verordening_artikel": "artikel 5",
    "evaluatiedatum": "4 juli 2027",
    "tenzij_reden": "Traumabehandeling duurt elf maanden.",
    "alternatief": "de gratis groep van het CJG",
    "identiteit": "christelijk",
    "aanbieder": "Stichting De Linde",
    "identiteit_reden": "U hebt zelf voor deze aanbieder gekozen.",
}
REGIONS = available_letter_regions()


def _filled(text: str) -> str:
    return text.format_map(SAMPLE_VALUES)


def test_sample_values_cover_every_placeholder() -> None:
    assert set(SAMPLE_VALUES) == set(PLACEHOLDERS)


def test_there_is_a_letter_text_file_for_every_region_profile() -> None:
    assert set(REGIONS) == set(available_slugs())


@pytest.mark.parametrize("region", REGIONS)
def test_region_letter_texts_load_and_cover_every_municipality(region: str) -> None:
    texts = load_letter_texts(region)
    profile = load_profile(region)
    assert set(texts.types) == set(DecisionType)
    assert set(texts.gemeenten) <= set(profile.municipality_names)
    assert len(texts.gemeenten) >= 2
    for name in profile.municipality_names:
        details = texts.municipal(name)
        assert details.letterhead_address and details.bezwaar_address
        assert "{" not in " ".join(details.letterhead_address)


@pytest.mark.parametrize("region", REGIONS)
def test_every_standard_paragraph_reads_at_b1_level(region: str) -> None:
    textstat.set_lang("nl")
    texts = load_letter_texts(region)
    too_hard = []
    for where, template in texts.all_templates():
        text = _filled(template)
        if where not in FORMULAS and len(text.split()) >= MIN_WORDS:
            score = textstat.flesch_reading_ease(text)
            if score < READABILITY_THRESHOLD:
                too_hard.append(f"{where}: {score:.0f}")
    assert not too_hard, "te moeilijk (Flesch-Douma < 60): " + "; ".join(too_hard)


@pytest.mark.parametrize("region", REGIONS)
@pytest.mark.parametrize("decision_type", list(DecisionType))
def test_the_whole_standard_text_of_each_decision_type_reads_at_b1_level(
    region: str, decision_type: DecisionType
) -> None:
    textstat.set_lang("nl")
    texts = load_letter_texts(region)
    score = textstat.flesch_reading_ease(whole_text(texts, decision_type))
    assert score >= READABILITY_THRESHOLD


def whole_text(texts: LetterTexts, decision_type: DecisionType) -> str:
    """Every standard text a letter of this type can print, headings included."""
    own = texts.for_type(decision_type)
    p = texts.paragraphs
    parts = [own.onderwerp, own.sentence, *own.paragraphs, *own.next_steps]
    if own.afbouw:
        parts.append(own.afbouw)
    parts += [p.intro, p.intro_ambtshalve, p.legal_basis, *p.bezwaar, *p.bezwaar_contents]
    parts += [p.voorlopige_voorziening, p.contact, p.facts_intro, p.goals_intro]
    if decision_type in (DecisionType.WIJZIGING, DecisionType.VERLENGING):
        parts += [p.replaces, p.old_help_caption, p.new_help_caption]
    if decision_type is DecisionType.CORRECTIE:
        parts.append(p.withdraws)
    if decision_type is DecisionType.AFWIJZING:
        parts += list(texts.reasons.values())
    parts += list(texts.headings.model_dump().values())
    parts += list(texts.labels.model_dump().values())
    parts += list(texts.rights.model_dump().values())
    return " ".join(_filled(t) for t in parts)


@pytest.mark.parametrize("region", REGIONS)
def test_the_headings_and_labels_read_at_b1_level_together(region: str) -> None:
    textstat.set_lang("nl")
    texts = load_letter_texts(region)
    together = [*texts.headings.model_dump().values(), *texts.labels.model_dump().values()]
    assert textstat.flesch_reading_ease(" ".join(_filled(t) for t in together)) >= 60


def test_a_text_with_an_unknown_placeholder_is_refused_when_loaded(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = letters_dir() / "_standaard.toml"
    (tmp_path / "_standaard.toml").write_text(base.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "proef.toml").write_text(
        'extends = "_standaard"\n[default]\nphone = "1"\nemail = "a"\nwebsite = "b"\n'
        'letterhead_address = ["Postbus 1"]\nbezwaar_address = ["Postbus 1"]\n'
        'signatory_name = "X"\nsignatory_function = "Y"\n'
        '[paragraphs]\ncontact = "Bel {telefoonnummer}."\n',
        encoding="utf-8",
    )
    with pytest.raises(LetterTextError, match="telefoonnummer"):
        read_letter_texts(tmp_path / "proef.toml")


# --- dates, money and the bezwaar term ------------------------------------------------------


def test_dates_and_money_are_written_the_dutch_way() -> None:
    assert long_date(date(2026, 11, 23)) == "23 november 2026"
    assert short_date(date(2027, 1, 4)) == "04-01-2027"
    assert money(Decimal("1234.56")) == "€ 1.234,56"
    assert money(Decimal("0.005")) == "€ 0,01"
    assert volume_text(Decimal(2), "dagdeel", "week") == "2 dagdelen per week"
    assert volume_text(Decimal("1.5"), "uur", "week") == "1,5 uur per week"
    assert volume_text(Decimal("1234.56"), "euro", "totaal") == "€ 1.234,56 in totaal"


def test_bezwaar_ends_six_weeks_after_the_letter_date() -> None:
    # the term starts the day after sending (Awb 6:8): 23 Nov + 6 weeks = Monday 4 Jan
    assert bezwaar_last_day(date(2026, 11, 23), 6) == date(2027, 1, 4)


def test_a_bezwaar_term_ending_on_a_holiday_runs_on_to_the_next_working_day() -> None:
    # 14 Nov 2026 (Saturday) + 6 weeks = Saturday 26 Dec → Monday 28 Dec (Atw)
    assert bezwaar_last_day(date(2026, 11, 14), 6) == date(2026, 12, 28)
    # 19 Mar 2027 + 6 weeks = Friday 30 Apr; King's day 2027 is Tuesday 27 Apr: no shift
    assert bezwaar_last_day(date(2027, 3, 19), 6) == date(2027, 4, 30)
    # 16 Mar 2027 + 6 weeks = Tuesday 27 April 2027 (King's day) → 28 April
    assert bezwaar_last_day(date(2027, 3, 16), 6) == date(2027, 4, 28)


def test_the_jeugdige_receives_the_letter_only_from_sixteen() -> None:
    letter_day = date(2026, 11, 23)
    check_addressee_choice(AddresseeChoice.JEUGDIGE, date(2010, 11, 23), letter_day)
    with pytest.raises(RuleViolationError):
        check_addressee_choice(AddresseeChoice.JEUGDIGE, date(2010, 11, 24), letter_day)


def test_without_a_parent_with_gezag_the_letter_goes_to_the_parents_of_the_child() -> None:
    addressee = resolve_addressee(AddresseeChoice.OUDERS, "Daan de Vries", [])
    assert addressee.names == ("De ouders/verzorgers van Daan de Vries",)
