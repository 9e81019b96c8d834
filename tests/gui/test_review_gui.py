"""Submit → return → resubmit → approve through the "Te beoordelen" area (pytest-qt)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services.context import AppContext
from tests.gui.conftest import FakeShell, save_shot
from tests.integration.test_review import complete_plan, make_household

plans = pytest.importorskip("jeugdtoegang.services.plans")


def click(qtbot: Any, button: Any) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_plan_is_returned_resubmitted_and_approved_in_the_review_area(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext
) -> None:
    from ui.areas.review import ReviewArea

    household = make_household(ctx)
    view = plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    plans.submit_plan(ctx, view.id)

    lead_shell = FakeShell(lead_ctx)
    area = ReviewArea(lead_ctx, lead_shell)
    qtbot.addWidget(area)
    assert area.count_label.text() == "1 te beoordelen"
    assert area.model.rowCount() == 1
    assert not area.approve_button.isEnabled()  # nothing selected yet
    area.select_row(0)
    assert "Perspectiefplan" in area.item_title.text()
    assert "Ingediend door c.jansen" in area.history.toPlainText()

    qtbot.keyClicks(area.comment, "Graag een doel voor school.")
    click(qtbot, area.return_button)
    assert lead_shell.errors == []
    assert area.count_label.text() == "Niets te beoordelen."

    # the consultant sees the comment
    consultant_area = ReviewArea(ctx, FakeShell(ctx))
    qtbot.addWidget(consultant_area)
    assert consultant_area.table.isHidden()
    returned = consultant_area.returned_model.rows
    assert [r.comment for r in returned] == ["Graag een doel voor school."]

    changed = complete_plan(ctx, household).model_copy(update={"consultant": "C. Jansen"})
    again = plans.save_draft(
        ctx, household.id, changed, plans.get_plan(ctx, household.id).version_no
    )
    plans.submit_plan(ctx, again.id)
    consultant_area.refresh()
    assert consultant_area.returned_model.rowCount() == 0

    area.refresh()
    area.select_row(0)
    assert "Teruggestuurd door t.bakker: Graag een doel voor school." in area.history.toPlainText()
    click(qtbot, area.approve_button)
    assert lead_shell.errors == []
    assert area.model.rowCount() == 0
    assert plans.get_plan(ctx, household.id).status == "vastgesteld"
    assert lead_shell.messages[-1] == "Goedgekeurd: perspectiefplan"


def test_returning_without_a_comment_shows_a_dutch_message(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext
) -> None:
    from ui.areas.review import ReviewArea

    household = make_household(ctx)
    view = plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    plans.submit_plan(ctx, view.id)
    shell = FakeShell(lead_ctx)
    area = ReviewArea(lead_ctx, shell)
    qtbot.addWidget(area)
    area.select_row(0)
    click(qtbot, area.return_button)
    assert shell.errors and "terugstuurt" in shell.errors[0]
    assert area.model.rowCount() == 1


def test_own_submissions_cannot_be_approved_from_the_queue(qtbot: Any, ctx: AppContext) -> None:
    from ui.areas.review import ReviewArea

    both = ctx.with_actor(
        Actor("l.dekker", "Lotte Dekker", frozenset({Role.CONSULENT, Role.TEAMLEIDER}))
    )
    household = make_household(both)
    view = plans.save_draft(both, household.id, complete_plan(both, household), 0)
    plans.submit_plan(both, view.id)
    area = ReviewArea(both, FakeShell(both))
    qtbot.addWidget(area)
    area.select_row(0)
    assert not area.approve_button.isEnabled() and not area.return_button.isEnabled()
    assert area.own_note.isVisibleTo(area)
    assert "(uzelf)" in area.model.data(area.model.index(0, 2))


def test_the_review_area_names_people_and_says_when_nothing_was_returned(
    qtbot: Any, ctx: AppContext, lead_ctx: AppContext, tmp_path: Any
) -> None:
    from jeugdtoegang.services import review
    from jeugdtoegang.services.auth import UserInput, add_user_unchecked
    from ui.areas.review import ReviewArea

    for login, name, role in (
        ("c.jansen", "Carla Jansen", Role.CONSULENT),
        ("t.bakker", "Tom Bakker", Role.TEAMLEIDER),
    ):
        add_user_unchecked(
            ctx,
            UserInput(login, name, (role,), team="Team Zeist", password="Geheim-wachtwoord-1"),
            must_change=False,
            log2_n=4,
        )
    consultant_area = ReviewArea(ctx, FakeShell(ctx))
    qtbot.addWidget(consultant_area)
    consultant_area.resize(1100, 600)
    consultant_area.show()
    assert consultant_area.returned_empty.isVisible()
    assert "niets naar u teruggestuurd" in consultant_area.returned_empty.text()
    assert not consultant_area.returned_table.isVisible()
    save_shot(consultant_area, "s5-me/review-consulent-empty.png")

    household = make_household(ctx)
    view = plans.save_draft(ctx, household.id, complete_plan(ctx, household), 0)
    plans.submit_plan(ctx, view.id)
    area = ReviewArea(lead_ctx, FakeShell(lead_ctx))
    qtbot.addWidget(area)
    area.resize(1280, 700)
    area.show()
    assert area.model.data(area.model.index(0, 2)) == "Carla Jansen"
    area.select_row(0)
    assert "Ingediend door Carla Jansen (nu)" in area.history.toPlainText()
    save_shot(area, "s5-me/review-teamleider-names.png")

    review.return_item(lead_ctx, "plan", view.id, "Graag een doel voor school.")
    consultant_area.refresh()
    assert consultant_area.returned_table.isVisible()
    assert not consultant_area.returned_empty.isVisible()
    assert consultant_area.returned_model.data(consultant_area.returned_model.index(0, 1)) == (
        "Tom Bakker"
    )
    save_shot(consultant_area, "s5-me/review-consulent-returned.png")
