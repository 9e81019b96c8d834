"""The Logboek check in the beheer area with several chains: intact, then a chain removed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.audit_writer import flush_pending
from jeugdtoegang.storage.database import Database, open_database
from tests.gui.conftest import FakeShell, save_shot
from ui.areas.admin import AuditTab

BEHEER = Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER}))
SHOTS = "s3-audit"  # their folder under the screenshot root (save_shot)


def _shot(widget: Any, name: str) -> None:
    save_shot(widget, f"{SHOTS}/{name}.png")


def test_the_check_reports_every_chain_and_a_removed_chain(qtbot: Any, database: Database) -> None:
    ctx = AppContext(database, BEHEER)
    others = [open_database(database.url) for _ in range(2)]
    try:
        for round_ in range(2):
            for writer in [ctx, *(AppContext(o, BEHEER) for o in others)]:
                audit.log_use(writer, "zoeken", purpose=f"ronde {round_}")
        tab = AuditTab(ctx, FakeShell(ctx))
        qtbot.addWidget(tab)
        tab.resize(900, 600)
        tab.show()
        tab.verify_button.click()
        assert "intact" in tab.verify_label.text() and "in 3 ketens" in tab.verify_label.text()
        qtbot.wait(100)
        _shot(tab, "audit_verify_three_chains")

        flush_pending(database)
        with database.engines.write.begin() as connection:
            connection.execute(text("DELETE FROM audit_log WHERE chain_id = 2"))
            connection.execute(text("DELETE FROM audit_chain WHERE number = 2"))
        tab.verify_button.click()
        assert "Keten 2 ontbreekt" in tab.verify_label.text()
        qtbot.wait(100)  # let the label's new height settle before the picture
        _shot(tab, "audit_verify_chain_removed")
    finally:
        for other in others:
            other.close()
