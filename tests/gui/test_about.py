"""The About dialog and the application icon, as IT and a beheerder see them."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from jeugdtoegang import __version__
from jeugdtoegang.applog import log_folder
from tests.gui.conftest import save_shot
from ui.about import AboutDialog, app_icon, bundled_components, database_location


def test_about_shows_version_database_log_folder_and_licences(qtbot: QtBot, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'team.sqlite'}"
    dialog = AboutDialog(url)
    qtbot.addWidget(dialog)
    assert dialog.fields["version"].text() == __version__
    assert dialog.fields["database"].text() == str(tmp_path / "team.sqlite")
    assert dialog.fields["log_folder"].text() == str(log_folder())
    names = [dialog.licence_table.item(r, 0).text() for r in range(dialog.licence_table.rowCount())]
    licences = " ".join(
        dialog.licence_table.item(r, 2).text() for r in range(dialog.licence_table.rowCount())
    )
    assert any("Qt" in name for name in names) and any("DejaVu" in name for name in names)
    assert "LGPL-3.0" in licences
    dialog.show()
    qtbot.waitExposed(dialog)
    save_shot(dialog, "about.png")  # what a person would see


def test_a_server_url_is_shown_without_its_password() -> None:
    text = database_location("postgresql+psycopg://jeugd:geheim@server.gemeente.nl:5432/toegang")
    assert "geheim" not in text and "server.gemeente.nl:5432" in text and "toegang" in text


def test_every_licence_entry_names_a_licence_and_the_icon_has_every_size(qtbot: QtBot) -> None:
    assert all(c.licence and c.url.startswith("https://") for c in bundled_components())
    sizes = {size.width() for size in app_icon().availableSizes()}
    assert {16, 32, 48, 256} <= sizes
