"""The provider picker shows the first page of the ranking and all on request (issue 11)."""

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
from tests.gui.conftest import save_shot
from tests.gui.test_providers_area import ROWS, write
from ui.widgets import provider_picker
from ui.widgets.provider_picker import ProviderPicker

SHOTS = "s3-rules"  # their folder under the screenshot root (save_shot)


def test_the_picker_shows_a_page_then_all_eligible_providers(
    qtbot: Any, ctx: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = AppContext(
        ctx.database, Actor("beheer", "Beheer", frozenset({Role.BEHEERDER})), today=ctx.today
    )
    import_catalogue(admin, write(tmp_path / "c.csv", ROWS))
    monkeypatch.setattr(provider_picker, "PAGE", 1)
    picker = ProviderPicker(ctx)
    qtbot.addWidget(picker)
    picker.load(Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4), wijk="Centrum"))
    assert [p.agb for p in picker.eligible.rows] == ["98000001"]
    assert picker.tabs.tabText(0) == "Passend (1 van 2)"
    assert picker.tabs.tabText(2) == "Niet passend (1)"
    assert not picker.all_button.isHidden()
    picker.resize(900, 420)
    save_shot(picker, f"{SHOTS}/picker-page.png")
    qtbot.mouseClick(picker.all_button, Qt.MouseButton.LeftButton)
    assert [p.agb for p in picker.eligible.rows] == ["98000001", "98000002"]
    assert picker.tabs.tabText(0) == "Passend (2)"
    assert picker.all_button.isHidden()
    save_shot(picker, f"{SHOTS}/picker-all.png")
