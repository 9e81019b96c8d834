"""The Sync area: peers, export and import through the shell, the conflict resolver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.households import Household
from jeugdtoegang.sync.keys import ENV_KEY
from tests.gui.conftest import DialogLog, FakeShell, save_shot
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    edit,
    join,
    office_with_accounts,
    register,
)
from ui import dialogs
from ui.areas import sync as sync_area

SHOTS = "issue-14"  # their folder under the screenshot root (save_shot)


@pytest.fixture(autouse=True)
def _team_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from jeugdtoegang.services import auth

    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


@pytest.fixture
def conflict_pair(tmp_path: Path, ctx: AppContext) -> tuple[AppContext, AppContext, Any]:
    """Our database (``ctx``) with one open conflict over a dossier edited on a laptop."""
    factory = DatabaseFactory(tmp_path, None)
    admin = office_with_accounts(ctx.database)  # our database is the office
    laptop_db = factory.create("laptop Carla", dossier_start=10_000)
    join(admin, laptop_db, tmp_path, "laptop Carla")
    laptop = AppContext(laptop_db, ctx.actor, ctx.today)
    household_id = register(laptop, 1, "Gezin Jansen")
    first = tmp_path / "first.jtsync"
    sync_service.export_bundle(laptop, "kantoor", first)
    sync_service.import_bundle(ctx, first)
    edit(laptop, household_id, notes="Afspraak met school op maandag", street="Schoolstraat")
    edit(ctx, household_id, notes="Moeder belde: afspraak verzet")
    second = tmp_path / "second.jtsync"
    sync_service.export_bundle(laptop, "kantoor", second)
    sync_service.import_bundle(ctx, second)
    yield laptop, ctx, household_id
    factory.close()


def test_the_area_lists_peers_and_open_conflicts(qtbot: Any, conflict_pair, shown) -> None:
    _, ctx, _ = conflict_pair
    widget = sync_area.create(ctx, FakeShell(ctx))
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()

    assert widget.peers.rowCount() == 1
    assert widget.peers.data(widget.peers.index(0, 0)) == "laptop Carla"
    assert widget.conflicts.rowCount() == 1
    assert "Conflicten (1 open)" in widget.conflict_heading.text()
    assert "Notities" in widget.conflicts.data(widget.conflicts.index(0, 3))
    save_shot(widget, f"{SHOTS}/sync_area.png")


def test_the_resolver_shows_both_versions_and_merging_saves_the_chosen_fields(
    qtbot: Any, conflict_pair, shown: DialogLog
) -> None:
    _, ctx, household_id = conflict_pair
    widget = sync_area.create(ctx, FakeShell(ctx))
    qtbot.addWidget(widget)
    widget.conflict_view.selectRow(0)

    resolver = widget.open_resolver()
    assert resolver is not None
    resolver.show()
    table = resolver.table
    rows = {table.item(r, 0).text(): r for r in range(table.rowCount())}
    notes = rows["Notities"]
    assert table.item(notes, 1).text() == "Moeder belde: afspraak verzet"
    assert table.item(notes, 2).text() == "Afspraak met school op maandag"
    assert table.item(notes, 1).background().color().name() == "#fff1c2"
    assert table.item(rows["Naam"], 1).background().color().name() != "#fff1c2"
    save_shot(resolver, f"{SHOTS}/conflict_resolver.png")

    resolver.pick("street", "hun")
    qtbot.mouseClick(resolver.merge_button, Qt.MouseButton.LeftButton)

    assert widget.conflicts.rowCount() == 0
    with ctx.uow(readonly=True) as uow:
        household = uow.get(Household, household_id)
        assert (household.notes, household.street) == (
            "Moeder belde: afspraak verzet",
            "Schoolstraat",
        )


def test_export_and_import_run_through_the_shell_and_report_in_dutch(
    qtbot: Any, conflict_pair, shown: DialogLog, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    laptop, ctx, _ = conflict_pair
    target = tmp_path / "naar-laptop.jtsync"
    monkeypatch.setattr(dialogs, "choose_save_file", lambda *_a: target)
    widget = sync_area.create(ctx, FakeShell(ctx))
    qtbot.addWidget(widget)
    widget.peer_view.selectRow(0)

    qtbot.mouseClick(widget.export_button, Qt.MouseButton.LeftButton)

    assert target.exists()
    assert "voor 'laptop Carla' opgeslagen" in shown.infos[-1]
    laptop_area = sync_area.create(laptop, FakeShell(laptop))
    qtbot.addWidget(laptop_area)
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *_a: target)
    qtbot.mouseClick(laptop_area.import_button, Qt.MouseButton.LeftButton)
    assert "ingelezen" in shown.infos[-1]
    assert laptop_area.conflicts.rowCount() == 1  # the office's edit meets the laptop's


def test_a_refused_bundle_is_shown_as_a_dutch_message(
    qtbot: Any, ctx: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    broken = tmp_path / "kapot.jtsync"
    broken.write_bytes(b"geen bundel")
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *_a: broken)

    class Shell(FakeShell):
        def run_task(self, title, task_factory, on_done=None):  # type: ignore[no-untyped-def]
            try:
                super().run_task(title, task_factory, on_done)
            except Exception as error:
                self.show_error(error.message)  # type: ignore[attr-defined]

    shell = Shell(ctx)
    widget = sync_area.create(ctx, shell)
    qtbot.addWidget(widget)
    qtbot.mouseClick(widget.import_button, Qt.MouseButton.LeftButton)
    assert "geen leesbare synchronisatiebundel" in shell.errors[-1]
    assert "niet gewijzigd" in shell.errors[-1]


def test_the_security_panel_shows_what_is_missing_and_enrols_with_the_fingerprint(
    qtbot: Any,
    ctx: AppContext,
    shown: DialogLog,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from jeugdtoegang.services import workstations
    from ui.areas import sync_trust

    monkeypatch.delenv(ENV_KEY)
    admin = office_with_accounts(ctx.database)
    widget = sync_area.create(admin, FakeShell(admin))
    qtbot.addWidget(widget)
    widget.resize(1100, 760)
    widget.show()
    panel = widget.trust_panel
    assert "ontbreekt" in panel.key_label.text()
    assert "teamsleutel" in panel.missing_label.text()
    me = workstations.own_identity(admin)
    assert panel.fingerprint_label.text() == me.fingerprint
    save_shot(widget, f"{SHOTS}/sync_trust_missing.png")

    monkeypatch.setattr(sync_trust, "ask_secret", lambda *_a: TEAM_KEY)
    qtbot.mouseClick(panel.enter_key_button, Qt.MouseButton.LeftButton)
    assert "ingesteld" in panel.key_label.text()

    factory = DatabaseFactory(tmp_path, None)
    laptop = AppContext(factory.create("laptop Piet"), ctx.actor, ctx.today)
    request = tmp_path / "laptop.jtwerkplek"
    laptop_identity = workstations.write_request(laptop, request)
    asked: list[str] = []
    monkeypatch.setattr(dialogs, "choose_open_file", lambda *_a: request)
    monkeypatch.setattr(dialogs, "confirm", lambda _p, _t, text: asked.append(text) or True)
    qtbot.mouseClick(panel.enrol_button, Qt.MouseButton.LeftButton)

    assert laptop_identity.fingerprint in asked[-1]
    names = {w.name: w for w in workstations.list_workstations(admin)}
    assert names["laptop Piet"].status == "actief"
    assert "ja, als kantoor" in panel.enrolled_label.text()
    assert "Alles is ingesteld" in panel.missing_label.text()
    save_shot(widget, f"{SHOTS}/sync_trust_ready.png")
    factory.close()
