"""The legal checklist over every approved letter the demo makes, in all five regions.

For each decision type, in each region, the demo holds an approved letter; its text must
contain every element of ``resources/letters/_checklist.toml`` for that type: the case's
own facts and weighing, the legal basis with article, the complete rechtsmiddelenclausule
and the right dates (the bezwaar term from the day after the verzenddatum).
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from jeugdtoegang.demo import fill_demo
from jeugdtoegang.domain.decisions import (
    GRANTING_TYPES,
    DecisionStatus,
    DecisionType,
    bezwaar_last_day,
)
from jeugdtoegang.domain.dutch import long_date
from jeugdtoegang.domain.motivation import MotivationParts
from jeugdtoegang.letters.checklist import missing_elements
from jeugdtoegang.letters.texts import load_letter_texts
from jeugdtoegang.regions import available_slugs
from jeugdtoegang.services import decision_letter, decisions
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import initialise, open_database
from jeugdtoegang.storage.models.decisions import Decision
from tests.conftest import CONSULENT, TODAY

DEMO_HOUSEHOLDS = 40


FURNITURE = re.compile(r"(pagina \d+ van \d+$)|( · BS-)|(^Gemeente [^,]+$)")


def pdf_text(pdf: bytes) -> str:
    """The letter's text without page headers and footers (a paragraph may span pages)."""
    lines = [
        line
        for page in PdfReader(io.BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
        if not FURNITURE.search(line.strip())
    ]
    return "\n".join(lines)


def checklist_values(ctx: AppContext, decision: Decision) -> dict[str, str]:
    """What the letter of ``decision`` must say, read from the stored record (not the letter)."""
    parts = MotivationParts.from_json(decision.motivation_parts)
    texts = load_letter_texts(ctx.profile.slug)
    municipality = ctx.profile.municipality(decision.gemeente)
    details = texts.municipal(decision.gemeente)
    jeugdwet, verordening_artikel = texts.legal.articles(decision.type, parts.reason_category)
    assert decision.sent_on is not None
    previous = ""
    if decision.corrects_decision_id:
        with ctx.uow(readonly=True) as uow:
            earlier = uow.session.get(Decision, decision.corrects_decision_id)
            previous = earlier.kenmerk if earlier else ""
    return {
        "kenmerk": decision.kenmerk,
        "gemeente": decision.gemeente,
        "verordening": municipality.verordening if municipality else "",
        "verordening_artikel": parts.verordening_artikel or verordening_artikel,
        "jeugdwet_artikel": parts.jeugdwet_artikel or jeugdwet,
        "verzenddatum": long_date(decision.sent_on),
        "bezwaar_laatste_dag": long_date(
            bezwaar_last_day(decision.sent_on, ctx.profile.settings.bezwaar_weeks), weekday=True
        ),
        "bezwaar_weken": str(ctx.profile.settings.bezwaar_weeks),
        "bezwaar_digitaal": details.bezwaar_digital,
        "bezwaaradres": ", ".join(details.bezwaar_address),
        "email": details.email,
        "ondertekenaar": decision.approver_name or "",
        "consulent": decision.consultant_name or "",
        "feit": parts.facts[0] if parts.facts else "",
        "afweging": parts.weighing,
        "alternatief": parts.alternative,
        "weigerdeel": parts.refused_part,
        "weigerreden": parts.refused_reason,
        "evaluatie": parts.evaluation_result,
        "grond": parts.legal_ground,
        "wijziging": parts.change,
        "intrekking": parts.withdrawal_reason,
        "vorig_kenmerk": previous,
        "ingangsdatum": long_date(decision.effective_date) if decision.effective_date else "",
        "einddatum": long_date(decision.end_date) if decision.end_date else "",
        "terugwerkend": parts.retroactive_reason,
        "identiteit": _identity_wish(ctx, decision),
    }


def _identity_wish(ctx: AppContext, decision: Decision) -> str:
    """The family's identity wish on the decision's help, if it asked (issue 11)."""
    if DecisionType(decision.type) not in GRANTING_TYPES:
        return ""
    with ctx.uow(readonly=True) as uow:
        wishes = [
            (row.identity_wish or "").strip()
            for row in decision_letter.linked_indications(uow.session, decision.id)
        ]
    return next((w for w in wishes if w), "")


@pytest.fixture(scope="module")
def demo_letters(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list]]:
    """Per region: (type, letter text, checklist values) of every approved demo decision."""
    found: dict[str, list] = defaultdict(list)
    opened = []
    for region in available_slugs():
        folder: Path = tmp_path_factory.mktemp(region)
        database = open_database(f"sqlite:///{folder / 'demo.sqlite'}")
        opened.append(database)
        initialise(database, region, team_name=CONSULENT.team)
        ctx = AppContext(database, CONSULENT, today=lambda: TODAY)
        fill_demo(ctx, households=DEMO_HOUSEHOLDS)
        with ctx.uow(readonly=True) as uow:
            ids = list(
                uow.session.execute(
                    select(Decision.id).where(Decision.status != DecisionStatus.CONCEPT.value)
                ).scalars()
            )
        for decision_id in ids:
            pdf = decisions.letter_pdf(ctx, decision_id)  # fixes the verzenddatum if needed
            with ctx.uow(readonly=True) as uow:
                decision = uow.session.get(Decision, decision_id)
                assert decision is not None
                values = checklist_values(ctx, decision)
                found[region].append((DecisionType(decision.type), pdf_text(pdf), values))
    yield found
    for database in opened:
        database.close()


@pytest.mark.parametrize("region", available_slugs())
def test_the_demo_has_an_approved_letter_of_every_type(region: str, demo_letters) -> None:  # type: ignore[no-untyped-def]
    types = {t for t, _text, _values in demo_letters[region]}
    assert types == set(DecisionType)


@pytest.mark.parametrize("region", available_slugs())
def test_every_demo_letter_passes_the_legal_checklist(region: str, demo_letters) -> None:  # type: ignore[no-untyped-def]
    problems = []
    for decision_type, text, values in demo_letters[region]:
        missing = missing_elements(text, decision_type, values)
        if missing:
            problems.append(f"{values['kenmerk']} ({decision_type.value}): {missing}")
    assert not problems, "\n".join(problems)


def test_the_bezwaar_term_in_the_demo_runs_from_the_day_after_sending(demo_letters) -> None:  # type: ignore[no-untyped-def]
    for letters in demo_letters.values():
        for _type, text, values in letters:
            assert values["verzenddatum"] == long_date(TODAY)
            assert values["bezwaar_laatste_dag"] == "maandag 4 januari 2027"
            assert "maandag 4 januari 2027" in " ".join(text.split())
    assert date(2026, 11, 23).weekday() == 0
