"""Layouts hold at 1280×800 and 1920×1080 (issue 16): every area and every dossier tab,
with each role that sees it, on the demo data.

The window's minimum size must fit the screen (with room for the window frame), and no
visible widget may lie outside its parent or be narrower than its text needs
(``tests.gui.layout_check``). Screenshots of every screen are saved for the release note.
"""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from tests.gui.conftest import save_shot
from tests.gui.layout_check import layout_problems
from tests.gui.test_role_walk import ROLES
from tests.gui.test_screens_scan import _busy_household
from tests.gui.test_screens_scan import demo_like_ctx as demo_like_ctx  # the fixture
from ui.areas import AREAS
from ui.dossier import TABS

SIZES = ((1280, 800), (1920, 1080))
#: room the desktop takes on a 1280×800 screen: the window frame and a task bar
FRAME = (16, 80)
SHOTS = "s3-gui"  # their folder under the screenshot root (save_shot)


def _settle(window: Any) -> None:
    for _ in range(2):
        window.runner.wait_for_idle(5000)
        QApplication.processEvents()


def _check(window: Any, size: tuple[int, int], where: str, role: str) -> list[str]:
    _settle(window)
    found = []
    hint = window.minimumSizeHint()
    if hint.width() > 1280 - FRAME[0] or hint.height() > 800 - FRAME[1]:
        found.append(f"{where}: venster minimaal {hint.width()}×{hint.height()}")
    if window.width() > size[0] or window.height() > size[1]:
        found.append(f"{where}: venster {window.width()}×{window.height()} past niet in {size}")
    found += layout_problems(window, f"{where}: ")
    folder = f"{SHOTS}/{size[0]}x{size[1]}"
    save_shot(window, f"{folder}/{where.replace('/', '-')}-{role}.png")
    return found


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_area_and_dossier_tab_fits_at_1280x800_and_1920x1080(
    qtbot: Any, demo_like_ctx: Any, shown: Any, role: str
) -> None:
    from ui.main_window import MainWindow

    ctx = demo_like_ctx.with_actor(ROLES[role])
    problems: list[str] = []
    for size in SIZES:
        window = MainWindow(ctx)
        qtbot.addWidget(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        for spec in AREAS:
            if not spec.allowed(ctx.actor):
                continue
            window.show_area(spec.key)
            problems += _check(window, size, f"area-{spec.key}", role)
        if next(s for s in AREAS if s.key == "dossiers").allowed(ctx.actor):
            household_id = _busy_household(ctx)
            for tab in TABS:
                window.open_dossier(household_id, tab.key)
                problems += _check(window, size, f"dossier-{tab.key}", role)
        window.close()
    assert shown.errors == []
    assert not problems, "\n".join(problems)


def test_the_layout_check_finds_a_cut_off_label_and_a_widget_outside_its_parent(
    qtbot: Any,
) -> None:
    from PySide6.QtWidgets import QLabel, QPushButton, QWidget

    window = QWidget()
    qtbot.addWidget(window)
    window.resize(300, 200)
    cut = QLabel("Een lange tekst die niet past in dit smalle vak", window)
    cut.setGeometry(10, 10, 60, 20)
    outside = QPushButton("Opslaan", window)
    outside.setGeometry(260, 180, 100, 30)
    window.show()
    qtbot.waitExposed(window)
    found = layout_problems(window)
    assert any("QLabel" in p and "afgesneden" in p for p in found), found
    assert any("QPushButton" in p and "buiten" in p for p in found), found
    cut.setWordWrap(True)
    cut.setGeometry(10, 10, 200, 60)
    outside.setGeometry(100, 100, 100, 30)
    assert layout_problems(window) == []


def test_at_1280x800_the_whole_letter_page_and_wie_doet_wat_are_in_view(
    qtbot: Any, demo_like_ctx: Any, shown: Any
) -> None:
    from PySide6.QtWidgets import QGroupBox, QLabel

    from ui.main_window import MainWindow

    window = MainWindow(demo_like_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    household_id = _busy_household(demo_like_ctx)
    window.open_dossier(household_id, "decisions")
    view = window.area("dossiers").dossier_view(household_id)
    tab = view.tab_widget("decisions")
    qtbot.waitUntil(lambda: tab.page_count() > 0, timeout=20000)
    _settle(window)
    page = tab.findChild(QLabel, "letter_page_1")
    # the full width of the page is shown (it used to be cut off at half the page)
    assert page.width() <= tab.scroll.viewport().width()
    assert page.height() > page.width()  # a whole A4 page, not a squeezed strip

    window.open_dossier(household_id, "plan")
    editor = view.tab_widget("plan")
    editor.section_tabs.setCurrentWidget(editor.goals)
    _settle(window)
    box = next(b for b in editor.goals.findChildren(QGroupBox) if b.title() == "Wie doet wat?")
    scroll_viewport = box.parentWidget()
    while scroll_viewport.objectName() != "qt_scrollarea_viewport":
        scroll_viewport = scroll_viewport.parentWidget()
    top = box.mapTo(scroll_viewport, box.rect().topLeft()).y()
    assert 0 <= top < scroll_viewport.height() - 20, (top, scroll_viewport.height())


def test_the_family_with_most_teenagers_fits_at_1280x800_on_every_dossier_tab(
    qtbot: Any, demo_like_ctx: Any, shown: Any
) -> None:
    """The dossier the test above opens depends on the order of random ids; a family
    with several teenagers (one turning 18: the Na 18 section too) made the plan tab ask
    for 813 px, because the Akkoord section grew a box per teenager. Always checked."""
    from collections import Counter

    from sqlalchemy import select

    from jeugdtoegang.domain.plan_rules import YOUTH_AGREEMENT_AGE
    from jeugdtoegang.domain.terms import ADULT_AGE, age_on
    from jeugdtoegang.storage.models.households import Person
    from ui.main_window import MainWindow

    today = demo_like_ctx.today()
    with demo_like_ctx.database.read_sessions() as session:
        people = session.execute(select(Person.household_id, Person.birth_date)).all()
    teenagers = Counter(  # each jeugdige from 12 has an Akkoord box of their own
        household
        for household, born in people
        if born and YOUTH_AGREEMENT_AGE <= age_on(born, today) < ADULT_AGE
    )
    household_id, count = max(teenagers.items(), key=lambda item: (item[1], str(item[0])))
    assert count >= 3, "the demo set has a family with three or more teenagers"
    window = MainWindow(demo_like_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    problems: list[str] = []
    for tab in TABS:
        window.open_dossier(household_id, tab.key)
        problems += _check(window, (1280, 800), f"grootste-gezin-{tab.key}", "consulent")
    window.open_dossier(household_id, "plan")
    editor = window.area("dossiers").dossier_view(household_id).tab_widget("plan")
    sections = editor.section_tabs
    for index in range(sections.count()):  # every section of the plan, Akkoord included
        sections.setCurrentIndex(index)
        qtbot.wait(50)  # the page just shown gets its geometry in the next layout pass
        problems += _check(window, (1280, 800), f"grootste-gezin-plan-{index}", "consulent")
    window.close()
    assert shown.errors == []
    assert not problems, "\n".join(problems)
