"""Letters are rendered outside write transactions: the transaction only stores.

While a PDF renders (hundreds of milliseconds), another workstation on the same SQLite
file must still be able to write; the old code held the write lock during rendering.
"""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.services import decision_letter, decisions
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.engine import sqlite_path
from jeugdtoegang.storage.models.decisions import FinalLetter
from tests.integration.test_letters import make_decision


@pytest.fixture
def watch_render(ctx: AppContext, monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Patch rendering to try a write from another connection; records whether it could."""
    if ctx.database.dialect != "sqlite":
        pytest.skip("the write lock is observable on a SQLite file")
    path = sqlite_path(ctx.database.url)
    could_write: list[bool] = []
    real = decision_letter.render_letter

    def render(model: Any) -> bytes:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
            could_write.append(True)
        except sqlite3.OperationalError:
            could_write.append(False)
        finally:
            other.close()
        return real(model)

    monkeypatch.setattr(decision_letter, "render_letter", render)
    monkeypatch.setattr(decisions, "render_letter", render)
    return could_write


def test_approving_renders_the_final_letter_without_holding_the_write_lock(
    ctx: AppContext, lead_ctx: AppContext, watch_render: list[bool]
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)
    assert watch_render == [True]
    with ctx.uow(readonly=True) as uow:
        stored = uow.session.query(FinalLetter).filter_by(decision_id=decision_id).one()
    assert decisions.letter_pdf(ctx, decision_id) == stored.pdf  # stored once, never re-rendered
    assert watch_render == [True]


def test_a_concept_letter_renders_without_holding_the_write_lock(
    ctx: AppContext, watch_render: list[bool]
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    pdf = decisions.letter_pdf(ctx, decision_id)
    assert pdf.startswith(b"%PDF") and watch_render == [True]


def test_an_approval_refuses_a_decision_changed_while_its_letter_rendered(
    ctx: AppContext, lead_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    real = decision_letter.render_letter

    def render_while_someone_edits(model: Any) -> bytes:
        decisions.return_decision(ctx.with_actor(lead_ctx.actor), decision_id, "Graag aanvullen")
        return real(model)

    monkeypatch.setattr(decisions, "render_letter", render_while_someone_edits)
    monkeypatch.setattr(decision_letter, "render_letter", render_while_someone_edits)
    with pytest.raises(Exception, match="intussen gewijzigd"):
        decisions.approve_decision(lead_ctx, decision_id)
    with ctx.uow(readonly=True) as uow:
        assert uow.session.query(FinalLetter).filter_by(decision_id=decision_id).count() == 0
