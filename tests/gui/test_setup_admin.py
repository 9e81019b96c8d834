"""Beheer → Inrichting (issue 13): the setup screens, their status colours and a change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QDialogButtonBox, QPushButton

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import region_setup
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from tests.conftest import TODAY
from tests.gui.conftest import DialogLog, FakeShell, save_shot
from ui.areas.setup_admin import SECTIONS, SetupTab
from ui.widgets.setup_dialogs import CatalogueAdditionsDialog, ProductListDialog

BEHEER = Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER}), team="Team Zeist")
SHOTS = "issue-13"  # their folder under the screenshot root (save_shot)


def _shot(widget: Any, name: str) -> None:
    save_shot(widget, f"{SHOTS}/{name}.png")


def _row(tab: SetupTab, section: str, path: str) -> int:
    model = tab.models[section]
    return next(i for i, r in enumerate(model.rows) if r.path == path)


def test_the_setup_screens_show_every_part_with_status_and_save_a_dated_new_version(
    qtbot: Any, database: Database, shown: DialogLog
) -> None:
    ctx = AppContext(database, BEHEER, lambda: TODAY)
    tab = SetupTab(ctx, FakeShell(ctx))
    qtbot.addWidget(tab)
    tab.resize(1280, 820)
    tab.show()
    for index, (_title, name, _match, _prefix) in enumerate(SECTIONS):
        assert tab.models[name].rows, name
        tab.sections.setCurrentIndex(index)
        _shot(tab, name)
    assert "voorlopig" in tab.version_label.text()

    legal = tab.tables["setup_legal"]
    row = _row(tab, "setup_legal", "profile.municipalities.Bunnik.verordening")
    tab.sections.setCurrentIndex(5)
    legal.selectRow(row)
    assert tab.path_label.text() == "profile.municipalities.Bunnik.verordening"
    tab.value_field.setText("Verordening jeugdhulp Bunnik 2026")
    tab.status_field.setCurrentIndex(0)
    tab.title_field.setText("Verordening jeugdhulp Bunnik 2026")
    tab.article_field.setText("artikel 7")
    tab.source_date_field.setText("2025-12-11")
    tab.reason_field.setText("raadsbesluit 11 december 2025")
    _shot(tab, "setup_legal_editing")
    tab.save_button.click()
    assert not shown.errors, shown.errors
    stored = region_setup.setup_on(database, TODAY)
    assert stored.profile.municipality("Bunnik").verordening == "Verordening jeugdhulp Bunnik 2026"
    entry = stored.document.status("profile.municipalities.Bunnik.verordening")
    assert entry.status == "vastgesteld" and entry.source.article == "artikel 7"
    updated = tab.models["setup_legal"].rows[
        _row(tab, "setup_legal", entry_path := "profile.municipalities.Bunnik.verordening")
    ]
    assert updated.status == "Vastgesteld" and updated.path == entry_path

    tab.status_field.setCurrentIndex(0)
    tab.title_field.clear()
    tab.reason_field.setText("zonder bron")
    tab.save_button.click()
    assert any("bron nodig" in e for e in shown.errors)


def test_the_import_previews_offer_new_products_and_neighbourhoods(
    qtbot: Any, database: Database, tmp_path: Path
) -> None:
    ctx = AppContext(database, BEHEER, lambda: TODAY)
    products = tmp_path / "productcodelijst.csv"
    products.write_text(
        "code;naam;categorie;eenheid;segment;soort\n"
        "45A77;Gezinsbegeleiding intensief;45;uur;ambulant;ontwikkeling\n"
        "45A01;Ambulante jeugdhulp individueel (nieuwe naam);45;uur;ambulant;beide\n"
        "4XA;Fout;45;jaar;ambulant;ontwikkeling\n",
        encoding="utf-8",
    )
    dialog = ProductListDialog(ctx, products)
    qtbot.addWidget(dialog)
    dialog.show()
    _shot(dialog, "product_list_preview")
    assert "fouten" in dialog.summary.text()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()

    catalogue = tmp_path / "catalogus.csv"
    catalogue.write_text(
        "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
        "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
        "wachttijd_weken\n"
        "98000001;Jeugdhulp Kerckebosch;ambulant;45B88;Ouder-kindbegeleiding;;;uur;82,50;Zeist;"
        "Kerckebosch;nee;;01-01-2026;;actief;100000;2\n",
        encoding="utf-8",
    )
    additions = CatalogueAdditionsDialog(ctx, catalogue)
    qtbot.addWidget(additions)
    additions.show()
    _shot(additions, "catalogue_additions_preview")
    assert [r[1] for r in additions.model.rows] == ["45B88 Ouder-kindbegeleiding", "Kerckebosch"]
    additions.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    profile = region_setup.setup_on(database, TODAY).profile
    assert profile.product("45B88") is not None
    assert "Kerckebosch" in profile.municipality("Zeist").wijken


def test_the_catalogue_import_preview_offers_to_add_unknown_products_and_wijken(
    qtbot: Any, database: Database, tmp_path: Path, monkeypatch: Any
) -> None:
    from ui.areas.providers import ProvidersArea

    ctx = AppContext(database, BEHEER, lambda: TODAY)
    catalogue = tmp_path / "catalogus.csv"
    catalogue.write_text(
        "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
        "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
        "wachttijd_weken\n"
        "98000001;Jeugdhulp Kerckebosch;ambulant;45B88;Ouder-kindbegeleiding;;;uur;82,50;Zeist;"
        "Kerckebosch;nee;;01-01-2026;;actief;100000;2\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(CatalogueAdditionsDialog, "exec", lambda self: (self.apply(), 1)[1])
    area = ProvidersArea(ctx, FakeShell(ctx))
    qtbot.addWidget(area)
    area.preview_import(catalogue)
    first = area.preview_dialog
    assert "staat niet in het regioprofiel" in first.summary.text() or first.preview.errors
    button = first.findChild(QPushButton, "add_setup_unknowns_button")
    first.resize(820, 460)
    _shot(first, "catalogue_import_offers_additions")
    button.click()
    second = area.preview_dialog
    assert second is not first and not second.preview.errors
    assert second.findChild(QPushButton, "add_setup_unknowns_button") is None


def test_a_demo_database_is_marked_fictional_in_the_title_bar(
    qtbot: Any, database: Database, shown: DialogLog
) -> None:
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR
    from tests.conftest import TEAMLEIDER
    from ui.main_window import MainWindow

    region_setup.ensure_setup(AppContext(database, SYSTEM_ACTOR, lambda: TODAY), fictional=True)
    window = MainWindow(AppContext(database, TEAMLEIDER, lambda: TODAY))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.windowTitle() == "Zuidoost-Utrecht — FICTIEVE DEMOGEGEVENS"
    window.runner.wait_for_idle(5000)
