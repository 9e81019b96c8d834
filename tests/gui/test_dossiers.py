"""The dossier list, the dossier view and the household form, driven as a user would."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from sqlalchemy import select

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.households import HouseholdInput, PersonInput, PersonRole
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.audit import AuditEntry
from tests.gui.conftest import DialogLog, FakeShell
from ui.areas.dossiers import DossiersArea
from ui.widgets.household_form import HouseholdForm

VALID_BSN_CHILD = "111222333"
VALID_BSN_PARENT = "123456782"
INVALID_BSN = "123456789"
COLLEAGUE = Actor("b.devries", "Bas de Vries", frozenset({Role.CONSULENT}), team="Team Zeist")


def _visible_texts(model: Any, column: int) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def _register(ctx: AppContext, surname: str = "Verhoeven") -> Any:
    return household_service.register_household(
        ctx,
        HouseholdInput(
            name=f"Gezin {surname}",
            gemeente="Zeist",
            postcode="3701 AB",
            members=(
                PersonInput(PersonRole.OUDER, "Ans", surname, bsn=VALID_BSN_PARENT, has_gezag=True),
                PersonInput(
                    PersonRole.JEUGDIGE,
                    "Noor",
                    surname,
                    birth_date=date(2014, 5, 2),
                    bsn=VALID_BSN_CHILD,
                ),
            ),
        ),
    )


def test_registering_a_family_through_the_form_makes_it_findable_by_search(
    qtbot: Any, main_window: Any, shown: DialogLog
) -> None:
    area = main_window.area("dossiers")
    qtbot.mouseClick(area.list_page.new_button, Qt.MouseButton.LeftButton)
    form = area.tabs.currentWidget()
    assert isinstance(form, HouseholdForm)

    qtbot.keyClicks(form.name_field, "Gezin Oudenaarde")
    form.gemeente_combo.setCurrentText("Zeist")
    form.wijk_combo.setCurrentIndex(1)
    qtbot.keyClicks(form.postcode_field, "3701 xk")
    qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.first_name_field, "Sem")
    qtbot.keyClicks(form.surname_field, "Oudenaarde")
    qtbot.keyClicks(form.birth_date_field, "03-09-2015")
    qtbot.keyClicks(form.bsn_field, VALID_BSN_CHILD)
    qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
    assert form.role_combo.currentData() == "ouder"
    qtbot.keyClicks(form.first_name_field, "Iris")
    qtbot.keyClicks(form.bsn_field, VALID_BSN_PARENT)
    form.has_gezag_field.setChecked(True)
    assert form.visible_errors() == {}

    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert shown.errors == []
    view = area.tabs.currentWidget()
    assert view.objectName() == "dossier_view"
    assert "Gezin Oudenaarde" in view.title_label.text()
    assert "Sem Oudenaarde (11 jaar, BSN ******333)" in view.jeugdigen_label.text()

    area.tabs.setCurrentIndex(0)
    search = area.list_page.search_field
    qtbot.keyClicks(search, "oudena")
    qtbot.waitUntil(lambda: area.list_page.model.searching, timeout=2000)
    table = area.list_page.table
    assert table.model().rowCount() == 1
    assert table.model().index(0, 1).data() == "Gezin Oudenaarde"
    assert "Iris Oudenaarde" in table.model().index(0, 6).data()
    assert area.list_page.count_label.text() == "1 gevonden"


def test_search_by_bsn_and_clearing_the_search_shows_the_whole_list_again(
    qtbot: Any, filled_ctx: AppContext, fake_shell: FakeShell
) -> None:
    _register(filled_ctx)
    area = DossiersArea(filled_ctx, fake_shell)
    qtbot.addWidget(area)
    page = area.list_page
    assert page.count_label.text() == "31 dossiers"

    page.search_field.setText(VALID_BSN_CHILD)
    page.run_search()
    assert _visible_texts(page.model, 1) == ["Gezin Verhoeven"]

    page.search_field.clear()
    page.run_search()
    assert page.model.rowCount() == 31
    assert page.count_label.text() == "31 dossiers"


def test_list_loads_rows_only_when_scrolled_to_them(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    generate_households(ctx, 450, seed=3)
    area = DossiersArea(ctx, fake_shell)
    qtbot.addWidget(area)
    area.resize(900, 500)
    area.show()
    qtbot.waitExposed(area)
    model = area.list_page.model
    assert model.rowCount() == 450  # the whole list's length at once
    assert area.list_page.count_label.text() == "450 dossiers"
    qtbot.waitUntil(lambda: model.loaded_pages == [0], timeout=2000)  # the rows on screen

    table = area.list_page.table
    table.scrollToBottom()
    qtbot.waitUntil(lambda: 2 in model.loaded_pages, timeout=2000)
    assert 1 not in model.loaded_pages  # the end is read from the end
    names = _visible_texts(model, 1)
    assert names == sorted(names, key=fold)  # by name as read (Çelik among the C's), seamless
    assert model.loaded_pages == [0, 1, 2]


def test_enter_in_the_list_opens_the_dossier_view_on_the_household_tab(
    qtbot: Any, main_window: Any
) -> None:
    area = main_window.area("dossiers")
    page = area.list_page
    qtbot.keyClicks(page.search_field, page.model.index(0, 0).data())  # a dossier number
    qtbot.keyClick(page.search_field, Qt.Key.Key_Return)
    assert page.model.rowCount() == 1
    qtbot.keyClick(page.table, Qt.Key.Key_Return)

    view = area.tabs.currentWidget()
    assert view.objectName() == "dossier_view"
    assert view.current_tab_key() == "household"
    assert area.tabs.tabText(area.tabs.currentIndex()) == page.model.index(0, 1).data()


def test_typing_an_invalid_bsn_shows_the_message_next_to_the_field(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    form = HouseholdForm(ctx, fake_shell)
    qtbot.addWidget(form)
    form.show()
    qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
    error = form.error_labels["bsn"]
    assert error.isHidden()  # untouched fields show no complaints yet

    qtbot.keyClicks(form.bsn_field, INVALID_BSN)
    assert error.isVisible()
    assert "elfproef" in error.text()
    assert form.members_table.item(0, 6).text() == "nog niet compleet"

    form.bsn_field.clear()
    qtbot.keyClicks(form.bsn_field, VALID_BSN_CHILD)
    assert error.isHidden()
    assert form.members_table.item(0, 4).text() == "******333"


def test_saving_an_incomplete_form_points_at_every_missing_field(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    form = HouseholdForm(ctx, fake_shell)
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.birth_date_field, "x")  # editor disabled: nothing selected yet
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert form.error_labels["name"].text().startswith("Vul een naam")
    assert form.error_labels["members"].text() == "Een dossier heeft minstens één jeugdige."
    assert "verbeter de rood gemarkeerde velden" in form.summary_label.text()
    assert household_service.count_households(ctx) == 0

    qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.birth_date_field, "31-02-2015")
    assert form.error_labels["birth_date"].text().startswith("Schrijf de datum als dd-mm-jjjj")
    assert form.error_labels["first_name"].text() == "Vul een voornaam in."


def test_a_bsn_of_another_dossier_is_refused_inline_on_save(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    _register(ctx)
    form = HouseholdForm(ctx, fake_shell)
    qtbot.addWidget(form)
    qtbot.keyClicks(form.name_field, "Gezin Smit")
    qtbot.mouseClick(form.add_member_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.first_name_field, "Lot")
    qtbot.keyClicks(form.surname_field, "Smit")
    qtbot.keyClicks(form.birth_date_field, "01-01-2016")
    qtbot.keyClicks(form.bsn_field, VALID_BSN_CHILD)

    assert form.save() is False
    assert form.error_labels["bsn"].text() == "Dit BSN is al geregistreerd in een ander dossier."
    assert form.name_field.text() == "Gezin Smit"


def test_a_stale_edit_shows_the_dutch_message_and_keeps_what_was_typed(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    detail = _register(ctx)
    form = HouseholdForm(ctx, fake_shell, detail)
    qtbot.addWidget(form)
    # Meanwhile a colleague changes the same dossier.
    colleague = ctx.with_actor(COLLEAGUE)
    changed = replace(household_service.household_input_from(detail), street="Laan")
    household_service.update_household(colleague, detail.id, detail.version, changed)

    form.name_field.clear()
    qtbot.keyClicks(form.name_field, "Gezin Verhoeven-Smit")
    assert form.save() is False

    assert len(fake_shell.errors) == 1
    assert "intussen gewijzigd door b.devries" in fake_shell.errors[0]
    assert form.name_field.text() == "Gezin Verhoeven-Smit"
    assert form.has_unsaved_changes()
    assert "Uw invoer staat nog in dit formulier" in form.summary_label.text()
    stored = household_service.get_household(ctx, detail.id, purpose=None)
    assert stored.name == "Gezin Verhoeven"


def test_bsn_is_masked_until_revealed_and_the_reveal_is_logged(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    detail = _register(ctx)
    form = HouseholdForm(ctx, fake_shell, detail)
    qtbot.addWidget(form)
    form.show()
    assert form.members_table.item(0, 4).text() == "******782"
    assert form.bsn_field.text() == "******782"
    assert form.bsn_field.isReadOnly()

    qtbot.mouseClick(form.reveal_bsn_button, Qt.MouseButton.LeftButton)

    assert form.bsn_field.text() == VALID_BSN_PARENT
    assert not form.bsn_field.isReadOnly()
    assert form.reveal_bsn_button.isHidden()
    with ctx.uow(readonly=True) as uow:
        entries = uow.session.execute(
            select(AuditEntry).where(AuditEntry.action == "bsn_tonen")
        ).scalars()
        logged = [(e.object_id, e.purpose) for e in entries]
    assert logged == [(detail.members[0].id, "BSN controleren bij bewerken gezinsgegevens")]


def test_wijk_choices_follow_the_chosen_gemeente(
    qtbot: Any, ctx: AppContext, fake_shell: FakeShell
) -> None:
    form = HouseholdForm(ctx, fake_shell)
    qtbot.addWidget(form)
    form.gemeente_combo.setCurrentText("Zeist")
    wijken = [form.wijk_combo.itemText(i) for i in range(form.wijk_combo.count())]
    expected = list(ctx.profile.municipality("Zeist").wijken)
    assert wijken == ["— geen wijk —", *expected]


def test_editing_a_dossier_updates_the_header_of_the_dossier_view(
    qtbot: Any, main_window: Any, shown: DialogLog
) -> None:
    detail = _register(main_window.ctx)
    main_window.open_dossier(detail.id)
    view = main_window.area("dossiers").dossier_view(detail.id)
    form = view.tab_widget("household").form
    form.name_field.clear()
    qtbot.keyClicks(form.name_field, "Gezin Verhoeven-de Wit")
    assert view.has_unsaved_changes()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)

    assert shown.errors == []
    assert "Gezin Verhoeven-de Wit" in view.title_label.text()
    assert not view.has_unsaved_changes()
    assert "******333" in view.jeugdigen_label.text()
    assert VALID_BSN_CHILD not in view.jeugdigen_label.text()
