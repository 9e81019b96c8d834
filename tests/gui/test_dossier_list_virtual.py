"""The dossier list as a virtual list: its length at once, rows read only where shown.

Driven through the real Dossiers area (offscreen): End and scrolling read only the pages
the view shows, from the nearer end; the rows match a straight query; only shown pages
are logged; the team scope holds at the end too; a list that shrank meanwhile is shown
as it is and counted again. Names with accents and capitals stand among their letters
(the list orders by the folded name, ``household.sort_key``), on every page. Run on
PostgreSQL too (``-m postgres``).
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import delete, select

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.models.audit import AuditEntry
from jeugdtoegang.storage.models.households import Household, Person
from tests.gui.conftest import FakeShell, save_shot
from ui.areas.dossiers import DossiersArea
from ui.models.households import PAGE_SIZE

pytestmark = pytest.mark.postgres

COUNT = 1_000
#: names a Dutch list must put among their letters, in mixed case
ACCENTED = [
    "Gezin Çelik", "gezin Öztürk", "Gezin Ümit", "Gezin Élise", "Gezin de Vries", "GEZIN DE VRIES",
    "Gezin Yılmaz", "Gezin Østergaard", "gezin van Dam", "Gezin Van Dam", "Gezin Çakır",
]  # fmt: skip
LAST_PAGE = (COUNT - 1) // PAGE_SIZE
BUNNIK = Actor("b.bunnik", "B Bunnik", frozenset({Role.CONSULENT}), team="Team Bunnik")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every ``list_households`` call the model makes, with its arguments."""
    made: list[dict[str, Any]] = []
    real = household_service.list_households

    def counted(ctx: AppContext, offset: int, limit: int, **kwargs: Any) -> Any:
        made.append({"offset": offset, "limit": limit, **kwargs})
        return real(ctx, offset, limit, **kwargs)

    monkeypatch.setattr(household_service, "list_households", counted)
    return made


def _area(qtbot: Any, ctx: AppContext, fake_shell: FakeShell) -> DossiersArea:
    area = DossiersArea(ctx, fake_shell)
    qtbot.addWidget(area)
    area.resize(1000, 600)
    area.show()
    qtbot.waitExposed(area)
    qtbot.waitUntil(lambda: area.list_page.model.loaded_pages != [], timeout=2000)  # painted
    return area


def _straight(ctx: AppContext, team: str | None = None) -> list[tuple[str, str]]:
    """(name, dossier number) of the whole list, in one query (by the stored sort key)."""
    query = select(Household.name, Household.dossier_number).order_by(
        Household.sort_key, Household.dossier_number
    )
    if team is not None:
        query = query.where(Household.team == team)
    with ctx.database.read_sessions() as session:
        return [(r[0], r[1]) for r in session.execute(query)]


def _shown(model: Any, rows: range) -> list[tuple[str, str]]:
    return [(model.index(r, 1).data(), model.index(r, 0).data()) for r in rows]


def _visible_rows(table: Any) -> range:
    top = table.rowAt(0)
    bottom = table.rowAt(table.viewport().height() - 1)
    bottom = table.model().rowCount() - 1 if bottom < 0 else bottom
    return range(top, bottom + 1)


def _remove(ctx: AppContext, numbers: list[str]) -> None:
    """Delete these dossiers behind the list's back (as another user's work would)."""
    with ctx.uow() as uow:
        ids = select(Household.id).where(Household.dossier_number.in_(numbers))
        uow.session.execute(delete(Person).where(Person.household_id.in_(ids)))
        uow.session.execute(delete(Household).where(Household.dossier_number.in_(numbers)))
        uow.commit()
    assert len(_straight(ctx)) == len(set(_straight(ctx)))


def _list_log(ctx: AppContext) -> list[AuditEntry]:
    flush_pending(ctx.database)
    with ctx.database.read_sessions() as session:
        entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars()
        return [e for e in entries if (e.purpose or "").startswith("dossierlijst")]


def test_end_shows_the_last_dossiers_reading_only_the_last_page(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell, calls: list[dict[str, Any]]
) -> None:
    generate_households(ctx, COUNT, seed=5, with_network=False)
    area = _area(qtbot, ctx, fake_shell)
    page, model, table = area.list_page, area.list_page.model, area.list_page.table
    assert model.rowCount() == COUNT  # the whole length at once
    assert page.count_label.text() == "1.000 dossiers"
    assert model.loaded_pages == [0]
    assert len(calls) == 1

    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_End)
    qtbot.waitUntil(lambda: table.currentIndex().row() == COUNT - 1, timeout=2000)
    qtbot.wait(10)  # painted
    assert model.loaded_pages == [0, LAST_PAGE]  # nothing in between was read
    assert calls[1:] == [{"offset": 0, "limit": COUNT - LAST_PAGE * PAGE_SIZE, "from_end": True}]
    straight = _straight(ctx)
    visible = _visible_rows(table)
    assert visible.stop == COUNT
    assert _shown(model, visible) == straight[visible.start : visible.stop]
    assert model.household_id(COUNT - 1) is not None

    qtbot.keyClick(table, Qt.Key.Key_Return)  # opens the last dossier
    assert area.tabs.currentWidget().objectName() == "dossier_view"
    assert area.tabs.tabText(area.tabs.currentIndex()) == straight[-1][0]

    area.tabs.setCurrentIndex(0)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: table.currentIndex().row() == 0, timeout=2000)
    qtbot.keyClick(table, Qt.Key.Key_PageDown)
    assert table.currentIndex().row() > 0


def test_scrolling_back_up_reads_each_earlier_page_by_key_and_matches_a_straight_query(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell, calls: list[dict[str, Any]]
) -> None:
    generate_households(ctx, COUNT, seed=6, with_network=False)
    area = _area(qtbot, ctx, fake_shell)
    model, table = area.list_page.model, area.list_page.table
    table.scrollToBottom()
    qtbot.wait(10)
    step = max(1, len(_visible_rows(table)) - 1)
    while table.rowAt(0) > 0:  # up a screen at a time, as the scroll bar's page step does
        bar = table.verticalScrollBar()
        bar.setValue(bar.value() - step)
        qtbot.wait(1)
    later = calls[2:]  # after the first page and the last page
    assert [page for page in model.loaded_pages] == list(range(LAST_PAGE + 1))
    assert len(later) == LAST_PAGE - 1  # each page read once
    assert all("before" in call or "after" in call for call in later)  # from a neighbour
    assert "before" in later[0]  # above the last page: by key backwards
    assert _shown(model, range(COUNT)) == _straight(ctx)  # every row in its place


def test_a_jump_into_the_middle_skips_from_the_nearer_end(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell, calls: list[dict[str, Any]]
) -> None:
    generate_households(ctx, 1_600, seed=7, with_network=False)  # pages 0 to 7
    area = _area(qtbot, ctx, fake_shell)
    model = area.list_page.model
    straight = _straight(ctx)
    assert _shown(model, range(500, 501)) == straight[500:501]  # page 2: 400 from the top
    assert calls[-1] == {"offset": 400, "limit": PAGE_SIZE}
    assert _shown(model, range(1100, 1101)) == straight[1100:1101]  # page 5: 400 from the end
    assert calls[-1] == {"offset": 400, "limit": PAGE_SIZE, "from_end": True}
    assert _shown(model, range(600, 800)) == straight[600:800]  # page 3: after page 2
    assert calls[-1]["after"] == straight[599]
    assert _shown(model, range(800, 1000)) == straight[800:1000]  # page 4: beside both
    assert len(calls) == 5 and ("after" in calls[-1] or "before" in calls[-1])


def test_only_the_pages_shown_are_logged_with_their_persons(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, COUNT, seed=8, with_network=False)
    before = len(_list_log(ctx))
    area = _area(qtbot, ctx, fake_shell)
    model, table = area.list_page.model, area.list_page.table
    table.scrollToBottom()
    qtbot.wait(10)
    assert model.loaded_pages == [0, LAST_PAGE]
    logged = _list_log(ctx)[before:]
    shown_people = {
        str(person)
        for row in (*range(PAGE_SIZE), *range(LAST_PAGE * PAGE_SIZE, COUNT))
        for person in model.row_at(row).person_ids
    }
    assert len(logged) == 2  # one entry per page read, none for the pages in between
    assert {p.replace("-", "") for e in logged for p in e.person_ids} == {
        p.replace("-", "") for p in shown_people
    }


def test_a_consultant_never_gets_another_teams_row_even_at_the_end(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, 600, seed=9, with_network=False)
    generate_households(ctx.with_actor(BUNNIK), 500, seed=10, with_network=False)
    area = _area(qtbot, ctx, fake_shell)  # a consultant of Team Zeist
    model, table = area.list_page.model, area.list_page.table
    assert model.rowCount() == 600
    table.scrollToBottom()
    qtbot.wait(10)
    assert {model.row_at(r).team for r in _visible_rows(table)} == {"Team Zeist"}
    assert _shown(model, range(600)) == _straight(ctx, "Team Zeist")
    assert {model.row_at(r).team for r in range(600)} == {"Team Zeist"}


def test_dossiers_removed_meanwhile_show_what_is_there_and_are_counted_again(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, COUNT, seed=11, with_network=False)
    area = _area(qtbot, ctx, fake_shell)
    page, model, table = area.list_page, area.list_page.model, area.list_page.table
    assert model.rowCount() == COUNT
    gone = _straight(ctx)[-50:]
    numbers = [number for _, number in gone]
    _remove(ctx, numbers)

    bar = table.verticalScrollBar()
    while bar.value() < bar.maximum():  # down a screen at a time: the last page comes short
        bar.setValue(bar.value() + max(1, len(_visible_rows(table)) - 1))
        qtbot.wait(1)
        for row in _visible_rows(table):  # never a wrong row: a gap at worst
            found = model.row_at(row)
            assert found is None or found.dossier_number not in numbers
    qtbot.waitUntil(lambda: model.rowCount() == COUNT - 50, timeout=2000)
    assert page.count_label.text() == "950 dossiers"
    assert _shown(model, range(COUNT - 50)) == _straight(ctx)


def test_dossiers_removed_before_a_jump_to_the_end_are_found_on_the_way_back(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, COUNT, seed=14, with_network=False)
    area = _area(qtbot, ctx, fake_shell)
    model, table = area.list_page.model, area.list_page.table
    gone = _straight(ctx)[300:350]
    numbers = [number for _, number in gone]
    _remove(ctx, numbers)
    table.scrollToBottom()
    qtbot.wait(10)
    straight = _straight(ctx)
    visible = _visible_rows(table)
    assert _shown(model, visible) == straight[visible.start - 50 : visible.stop - 50]  # the end
    for row in range(COUNT - 1, -1, -PAGE_SIZE // 2):  # back up: page 1 overlaps page 0
        model.row_at(row)
    qtbot.waitUntil(lambda: model.rowCount() == COUNT - 50, timeout=2000)
    assert _shown(model, range(COUNT - 50)) == straight


def test_the_refresh_of_the_area_counts_again(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, 300, seed=12, with_network=False)
    area = _area(qtbot, ctx, fake_shell)
    generate_households(ctx, 20, seed=13, with_network=False)
    assert area.list_page.model.rowCount() == 300
    area.refresh()
    assert area.list_page.model.rowCount() == 320
    assert area.list_page.count_label.text() == "320 dossiers"
    assert _shown(area.list_page.model, range(320)) == _straight(ctx)


def _rename_every_third(ctx: AppContext) -> None:
    """A third of the dossiers get an accented or capitalised name (through the ORM)."""
    with ctx.uow() as uow:
        found = uow.session.execute(select(Household).order_by(Household.dossier_number))
        for index, household in enumerate(found.scalars()):
            if index % 3 == 0:
                household.name = ACCENTED[index % len(ACCENTED)]
        uow.commit()


def test_accented_and_capitalised_names_stand_among_their_letters_on_every_page(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell, calls: list[dict[str, Any]]
) -> None:
    generate_households(ctx, COUNT, seed=15, with_network=False)
    _rename_every_third(ctx)
    before = len(_list_log(ctx))
    area = _area(qtbot, ctx, fake_shell)
    page, model, table = area.list_page, area.list_page.model, area.list_page.table
    assert page.count_label.text() == "1.000 dossiers"
    straight = _straight(ctx)
    assert straight == sorted(straight, key=lambda row: (fold(row[0]), row[1]))
    names = [name for name, _ in straight]
    assert names.index("Gezin Çelik") < next(i for i, n in enumerate(names) if fold(n) > "gezin d")
    assert all(fold(n) < "gezin p" for n in names[: names.index("gezin Öztürk")])

    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_End)  # the last page, read backwards from the end
    qtbot.waitUntil(lambda: table.currentIndex().row() == COUNT - 1, timeout=2000)
    qtbot.wait(10)
    assert model.loaded_pages == [0, LAST_PAGE]
    visible = _visible_rows(table)
    assert _shown(model, visible) == straight[visible.start : visible.stop]
    step = max(1, len(visible) - 1)
    while table.rowAt(0) > 0:  # back up a screen at a time: each page by key
        bar = table.verticalScrollBar()
        bar.setValue(bar.value() - step)
        qtbot.wait(1)
    assert all("before" in call or "after" in call for call in calls[2:])
    assert _shown(model, range(COUNT)) == straight  # every row in its place
    assert len(_list_log(ctx)) - before == LAST_PAGE + 1  # one entry per page read


def test_a_short_list_with_accents_as_the_user_sees_it(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, 33, seed=16, with_network=False)
    _rename_every_third(ctx)  # beside the demo's own names (Bakker, Çelik, Jansen, …)
    area = _area(qtbot, ctx, fake_shell)
    model = area.list_page.model
    shown = _shown(model, range(model.rowCount()))
    assert shown == _straight(ctx)
    names = [name for name, _ in shown]
    assert names == sorted(names, key=fold)  # ties by dossier number: a stable sort keeps them
    assert "Gezin Zwart" not in names or names[-1] == "Gezin Zwart"
    save_shot(area, "dossierlist.png")  # Çakır and Çelik among the C's, de Vries together
