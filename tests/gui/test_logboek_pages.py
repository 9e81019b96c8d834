"""The dossier's Logboek pages by key: the newest page first, then scrolling to the end
and "Meer tonen" load the older entries in order, none twice and none skipped."""

from __future__ import annotations

from typing import Any

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from tests.gui.conftest import FakeShell, save_shot
from ui.dossier.log_tab import LogTab

SHOTS = "s6-audit"  # their folder under the screenshot root (save_shot)


def test_scrolling_and_more_load_the_older_entries_in_order(qtbot: Any, ctx: AppContext) -> None:
    household_id = generate_households(ctx, 1, seed=11)[0]
    for number in range(130):  # 130 reads of the dossier, beside those the demo wrote
        households.get_household(ctx, household_id, purpose=f"lezen {number}")
    audit.flush_pending(ctx.database)
    before = [entry.seq for entry in audit.dossier_log(ctx, household_id)]
    assert len(before) > 2 * audit.PAGE_SIZE

    tab = LogTab(ctx, FakeShell(ctx), household_id)
    qtbot.addWidget(tab)
    tab.resize(1000, 600)
    tab.show()
    qtbot.waitExposed(tab)

    def shown() -> list[int]:
        return [row.seq for row in tab.model.rows]

    first = shown()
    assert len(first) == audit.PAGE_SIZE
    assert tab.more_button.isEnabled()
    assert tab.count_label.text() == "50 logregels, er zijn oudere"

    bar = tab.table.verticalScrollBar()
    bar.setValue(bar.maximum())  # scrolling to the end asks the model for more
    qtbot.waitUntil(lambda: len(shown()) > audit.PAGE_SIZE)
    assert len(shown()) == 2 * audit.PAGE_SIZE
    assert shown()[: audit.PAGE_SIZE] == first
    qtbot.wait(100)
    save_shot(tab, f"{SHOTS}/logboek.png")  # the second page under the first

    while tab.more_button.isEnabled():
        tab.more_button.click()
    seqs = shown()
    assert seqs == sorted(seqs, reverse=True)
    assert len(seqs) == len(set(seqs))  # no entry twice
    assert set(before) <= set(seqs)  # none skipped (newer ones: the tab's own reads)
    assert seqs[-1] == before[-1]
    assert tab.count_label.text() == f"{len(seqs)} logregels"
    assert not tab.model.canFetchMore()

    bar.setValue(bar.maximum())
    qtbot.wait(50)
    assert shown() == seqs  # the end is the end
    tab.refresh()  # starts over with the newest page
    assert len(shown()) == audit.PAGE_SIZE and shown()[0] >= seqs[0]


def test_the_beheer_search_pages_with_more(qtbot: Any, ctx: AppContext) -> None:
    from jeugdtoegang.domain.actor import Actor, Role
    from ui.areas.admin import SEARCH_PAGE, AuditTab

    admin = AppContext(ctx.database, Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER})))
    with ctx.uow() as uow:  # one transaction: SEARCH_PAGE * 2 + 10 searches of a consultant
        for number in range(SEARCH_PAGE * 2 + 10):
            uow.log_access("zoeken", None, None, [], f"zoekopdracht {number}")
        uow.commit()
    tab = AuditTab(admin, FakeShell(admin))
    qtbot.addWidget(tab)
    tab.resize(1100, 600)
    tab.show()
    tab.action_field.setCurrentIndex(tab.action_field.findData("zoeken"))
    tab.search_button.click()
    assert tab.model.rowCount() == SEARCH_PAGE and tab.more_button.isEnabled()
    while tab.more_button.isEnabled():
        tab.more_button.click()
    purposes = [row.purpose for row in tab.model.rows]
    assert purposes == [f"zoekopdracht {n}" for n in range(SEARCH_PAGE * 2 + 9, -1, -1)]
    assert tab.count_label.text() == f"{SEARCH_PAGE * 2 + 10} logregels gevonden (nieuwste eerst)"
