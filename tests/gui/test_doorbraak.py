"""The doorbraak dialog: another team's dossier opens for reading after a logged reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QTimer

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import authz, households
from jeugdtoegang.services.context import AppContext
from tests.gui.conftest import FakeShell, save_shot
from tests.integration.decision_fixtures import make_household
from ui.areas.dossiers import DossiersArea
from ui.widgets.doorbraak_dialog import DoorbraakDialog

BUNNIK = Actor("c.bunnik", "Cas Bunnik", frozenset({Role.CONSULENT}), team="Team Bunnik")


def test_another_teams_dossier_is_hidden_and_opens_after_a_doorbraak(
    qtbot: Any, ctx: AppContext
) -> None:
    household_id, _ = make_household(ctx)  # Team Zeist
    number = households.get_household(ctx, household_id, purpose=None).dossier_number
    bunnik = ctx.with_actor(BUNNIK)
    area = DossiersArea(bunnik, FakeShell(bunnik))
    qtbot.addWidget(area)
    assert area.list_page.model.rowCount() == 0  # not in this team's list

    dialog = DoorbraakDialog(bunnik)
    qtbot.addWidget(dialog)
    dialog.number_field.setText(number)
    dialog.reason_field.setPlainText("kort")
    dialog.submit()
    assert "minstens 10 tekens" in dialog.error_label.text()
    dialog.reason_field.setPlainText("Crisismelding in de nacht; eigen consulent is afwezig.")
    dialog.show()
    save_shot(dialog, "issue-15/doorbraak_dialog.png")
    dialog.submit()
    assert dialog.household_id == household_id

    def accept_dialog() -> None:
        for widget in area.findChildren(DoorbraakDialog):
            widget.number_field.setText(number)
            widget.reason_field.setPlainText("Crisismelding, eigen consulent is afwezig.")
            widget.submit()

    QTimer.singleShot(50, accept_dialog)
    area.doorbraak()
    assert area.tabs.count() == 2
    assert area.tabs.currentWidget().objectName() == "dossier_view"
    area.resize(900, 600)
    save_shot(area, "issue-15/doorbraak_dossier_open.png")
    report = authz.doorbraak_report(ctx.with_actor(
        Actor("t.zeist", "T", frozenset({Role.TEAMLEIDER}), team="Team Zeist")
    ))  # fmt: skip
    assert len(report) == 2 and report[0].by == "c.bunnik"
