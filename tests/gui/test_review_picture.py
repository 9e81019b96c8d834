"""The team lead decides with the full picture: review panel for indications and decisions."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.domain.dutch import money
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services import decisions
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.indications import Indication
from tests.gui.conftest import FakeShell, save_shot
from tests.indication_helpers import add_plan, add_provider, draft, make_family
from tests.integration.decision_fixtures import add_indication

MOTIVATION = "Traumabehandeling duurt langer dan negen maanden."


def _tenzij_indication(ctx: AppContext):  # type: ignore[no-untyped-def]
    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    earlier = add_indication(
        ctx,
        household_id,
        person_id,
        product="Ambulante begeleiding",
        start=date(2025, 1, 6),
        end=date(2025, 7, 5),
    )
    view = svc.save_concept(
        ctx,
        draft(
            person_id,
            goals[:1],
            end=date(2027, 12, 31),
            motivations={"TERM_DEVELOPMENT_EXCEEDED": MOTIVATION},
        ),
    )
    submitted = svc.submit_indication(ctx, view.id)
    assert submitted.status is IndicationStatus.INGEDIEND
    # earlier help that ended long before (no implicit follow-up: that needs an evaluation),
    # linked directly to show the chain in the panel
    with ctx.uow() as uow:
        uow.session.get(Indication, view.id).predecessor_id = earlier
        uow.commit()
    return household_id, person_id, submitted


def _area(qtbot: Any, lead_ctx: AppContext):  # type: ignore[no-untyped-def]
    from ui.areas.review import ReviewArea

    shell = FakeShell(lead_ctx)
    area = ReviewArea(lead_ctx, shell)
    qtbot.addWidget(area)
    area.resize(1280, 760)
    area.show()
    qtbot.waitExposed(area)
    return area, shell


def test_the_review_panel_shows_the_whole_proposal_of_a_tenzij_indication(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, shown: Any
) -> None:
    _, _, indication = _tenzij_indication(ctx)
    area, shell = _area(qtbot, lead_ctx)
    area.select_row(0)
    text = area.picture.toPlainText()
    for expected in (
        "Sem Test",
        "11 jaar",  # born 01-03-2015, today 23-11-2026
        "Sem gaat weer naar school",  # the plan goal it serves
        "Zorg Zeist BV",
        "45Z01",
        "01-12-2026 tot en met 31-12-2027 (13 maanden)",
        "Ambulante begeleiding",  # the chain of earlier help
        "06-01-2025 – 05-07-2025",
        "2 uur per week",
        money(indication.max_cost),  # the stored figure, not a recomputation
        "Alleen met motivering en uw goedkeuring",
        f"Motivering: {MOTIVATION}",
    ):
        assert expected in text, expected
    assert "TERM_DEVELOPMENT_EXCEEDED" not in text and "[approval]" not in text
    assert "geen beschikking" in area.letter.message()
    save_shot(area, "issue-16/review-indication-1280.png")
    assert shell.errors == []


def test_the_team_lead_returns_and_approves_by_keyboard_and_enter_never_approves(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, shown: Any
) -> None:
    _, _, indication = _tenzij_indication(ctx)
    area, shell = _area(qtbot, lead_ctx)
    with qtbot.waitActive(area):
        area.activateWindow()
    area.table.setFocus()
    qtbot.keyClick(area.table, Qt.Key.Key_Down)
    assert area.current() is not None
    qtbot.keyClick(area.table, Qt.Key.Key_Return)  # Enter on the queue: nothing is decided
    assert area.model.rowCount() == 1
    for button in (area.approve_button, area.return_button, area.open_button):
        assert not button.autoDefault() and not button.isDefault()

    area.comment.setFocus()
    qtbot.keyClicks(area.comment, "Akkoord, evalueer na 6 maanden.")
    qtbot.keyClick(area.comment, Qt.Key.Key_Tab)  # Tab leaves the comment field
    assert area.focusWidget() is area.return_button
    qtbot.keyClick(area.return_button, Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)
    assert shell.errors == []
    assert svc.get_indication(ctx, indication.id).status is IndicationStatus.GOEDGEKEURD
    assert area.model.rowCount() == 0


def test_a_submitted_decision_shows_its_help_and_the_letter_preview(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, shown: Any
) -> None:
    add_provider(ctx)
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    view = svc.save_concept(ctx, draft(person_id, goals[:1]))
    svc.submit_indication(ctx, view.id)  # nine months: approved without the team lead
    decision = decisions.create_decision(
        ctx,
        household_id,
        person_id,
        DecisionType.TOEKENNING,
        [view.id],
        date(2026, 11, 2),
        "Hulp voor Sem bij naar school gaan",
        "Sem gaat niet naar school; ambulante hulp helpt hem daarbij.",
    )
    decisions.submit_decision(ctx, decision.id)

    area, shell = _area(qtbot, lead_ctx)
    area.select_row(0)
    assert "Beschikking" in area.item_title.text()
    text = area.picture.toPlainText()
    assert "Zorg Zeist BV" in text and money(view.max_cost) in text
    assert "Motivering in de beschikking" in text
    assert area.letter.page_count() >= 1
    area.detail_tabs.setCurrentWidget(area.letter)
    save_shot(area, "issue-16/review-letter-1280.png")
    assert shell.errors == []
