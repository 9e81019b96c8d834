"""The Aanbieders area (import preview, detail) and the provider picker."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.providers import Need
from jeugdtoegang.services.catalogue_import import import_catalogue
from jeugdtoegang.services.context import AppContext
from tests.gui.conftest import DialogLog, FakeShell
from ui import dialogs
from ui.areas.providers import ProvidersArea
from ui.widgets.provider_picker import ProviderPicker

ADMIN = Actor("f.beheer", "Fenna Beheer", frozenset({Role.BEHEERDER, Role.CONSULENT}))
HEADER = (
    "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
    "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
    "wachttijd_weken"
)
ROWS = [
    "98000001;Jeugdhulp De Kromme Rijn;ambulant;45Z01;;;;uur;82,50;*;Centrum;nee;;01-01-2026;;actief;250000;3",
    "98000002;Praktijk Wissel;ambulant;45Z01;;;;uur;81;Zeist;;nee;;2026-01-01;;actief;;0",
    "98000003;Zorggroep Heuvelrug;ambulant;45Z01;;;;uur;85;*;;nee;;2026-01-01;;geschorst;;2",
]


def write(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8-sig")
    return path


@pytest.fixture
def admin(ctx: AppContext) -> AppContext:
    return ctx.with_actor(ADMIN)


def test_the_import_preview_lists_every_error_and_blocks_import_until_skipping(
    qtbot: Any, admin: AppContext, tmp_path: Path, shown: DialogLog, monkeypatch: pytest.MonkeyPatch
) -> None:
    shell = FakeShell(admin)
    area = ProvidersArea(admin, shell)
    qtbot.addWidget(area)
    bad = [*ROWS, "1234;Fout;ambulant;45Z01;;;;uur;abc;Utrecht;;nee;;2027-01-01;;actief;;"]
    file = write(tmp_path / "catalogus.csv", bad)
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *_args: file)
    qtbot.mouseClick(area.import_button, Qt.MouseButton.LeftButton)
    dialog = area.preview_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    errors = dialog.errors.rows
    assert [(e.row, e.field) for e in errors] == [(5, "agb"), (5, "tarief"), (5, "gemeenten")]
    index = dialog.errors.index(0, 2)
    assert "AGB-code" in dialog.errors.data(index)
    assert "3 fouten in 1 rij" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    dialog.skip_invalid.setChecked(True)
    assert dialog.import_button.isEnabled()
    dialog.grab().save(str(tmp_path / "preview.png"))
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert area.last_report is not None and area.last_report.rows_skipped == 1
    assert [r.agb for r in area.model.rows] == ["98000001", "98000002", "98000003"]
    assert "3 aanbieders" in area.count.text()
    assert shown.infos and "Catalogus ingelezen" in shown.infos[0]


def test_the_detail_shows_contracts_and_budget_use(
    qtbot: Any, admin: AppContext, tmp_path: Path
) -> None:
    import_catalogue(admin, write(tmp_path / "c.csv", ROWS))
    area = ProvidersArea(admin, FakeShell(admin))
    qtbot.addWidget(area)
    area.search.setText("kromme")
    assert [r.agb for r in area.model.rows] == ["98000001"]
    assert area.title.text() == "Jeugdhulp De Kromme Rijn (AGB 98000001)"
    assert area.budget.text().startswith("Budget 2026: € 250.000,00")
    assert area.contracts.rowCount() == 1
    area.search.setText("")
    area.status.setCurrentIndex(area.status.findData("geschorst"))
    assert [r.agb for r in area.model.rows] == ["98000003"]
    area.resize(1000, 600)
    area.grab().save(str(tmp_path / "area.png"))


def test_a_consultant_cannot_start_an_import(qtbot: Any, ctx: AppContext) -> None:
    area = ProvidersArea(ctx, FakeShell(ctx))
    qtbot.addWidget(area)
    assert not area.import_button.isEnabled()


def test_picking_a_provider_emits_it_and_maatwerk_requires_a_motivation(
    qtbot: Any, admin: AppContext, ctx: AppContext, tmp_path: Path
) -> None:
    import_catalogue(admin, write(tmp_path / "c.csv", ROWS))
    picker = ProviderPicker(ctx)
    qtbot.addWidget(picker)
    picker.load(Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4), wijk="Centrum"))
    assert [p.agb for p in picker.eligible.rows] == ["98000001", "98000002"]
    assert picker.tabs.tabText(2) == "Niet passend (1)"
    picker.tabs.setCurrentIndex(2)  # the reasons of the excluded are written out when shown
    assert [p.agb for p in picker.excluded.rows] == ["98000003"]
    picker.tabs.setCurrentIndex(0)
    assert "Preferente aanbieder in wijk Centrum." in picker.reasons.text()
    picker.eligible_view.selectRow(1)
    with qtbot.waitSignal(picker.chosen) as blocker:
        qtbot.mouseClick(picker.choose_button, Qt.MouseButton.LeftButton)
    assert blocker.args[0].agb == "98000002" and blocker.args[0].maatwerk is None

    qtbot.mouseClick(picker.maatwerk_button, Qt.MouseButton.LeftButton)
    dialog = picker.maatwerk_dialog
    assert dialog is not None
    qtbot.addWidget(dialog)
    dialog.name.setText("Praktijk Buiten de Lijn")
    assert not dialog.ok_button.isEnabled()
    assert dialog.problem.text() == "Een motivering is verplicht."
    dialog.agb.setText("123")
    assert not dialog.ok_button.isEnabled()
    dialog.agb.setText("87654321")
    dialog.motivation.setPlainText("Alleen deze praktijk spreekt de taal van het gezin.")
    assert dialog.ok_button.isEnabled()
    with qtbot.waitSignal(picker.chosen) as blocker:
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    choice = blocker.args[0]
    assert choice.agb is None and choice.maatwerk.naam == "Praktijk Buiten de Lijn"
    assert choice.motivation.startswith("Alleen deze praktijk")
    picker.resize(900, 450)
    picker.grab().save(str(tmp_path / "picker.png"))
