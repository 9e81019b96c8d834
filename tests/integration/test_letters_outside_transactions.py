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


def test_the_first_final_print_renders_without_holding_the_write_lock(
    ctx: AppContext, lead_ctx: AppContext, watch_render: list[bool]
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)  # composes, renders nothing (Awb 6:8)
    assert watch_render == []
    first = decisions.letter_pdf(ctx, decision_id)  # the first final print: verzenddatum
    assert watch_render == [True]
    with ctx.uow(readonly=True) as uow:
        stored = uow.session.query(FinalLetter).filter_by(decision_id=decision_id).one()
    assert first == stored.pdf
    assert decisions.letter_pdf(ctx, decision_id) == stored.pdf  # stored once, never re-rendered
    assert watch_render == [True]


def test_a_concept_letter_renders_without_holding_the_write_lock(
    ctx: AppContext, watch_render: list[bool]
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    pdf = decisions.letter_pdf(ctx, decision_id)
    assert pdf.startswith(b"%PDF") and watch_render == [True]


def test_two_first_prints_at_once_store_one_letter_and_both_get_those_bytes(
    ctx: AppContext, lead_ctx: AppContext, monkeypatch: pytest.MonkeyPatch
) -> None:
    _household, decision_id = make_decision(ctx, DecisionType.TOEKENNING)
    decisions.approve_decision(lead_ctx, decision_id)
    real = decision_letter.render_letter
    other_print: list[bytes] = []

    def render_while_another_workstation_prints(model: Any) -> bytes:
        if not other_print:  # the other workstation prints (and stores) first
            other_print.append(b"")
            other_print[0] = decisions.letter_pdf(lead_ctx, decision_id)
        return real(model)

    monkeypatch.setattr(decisions, "render_letter", render_while_another_workstation_prints)
    monkeypatch.setattr(decision_letter, "render_letter", render_while_another_workstation_prints)
    mine = decisions.letter_pdf(ctx, decision_id)
    with ctx.uow(readonly=True) as uow:
        stored = uow.session.query(FinalLetter).filter_by(decision_id=decision_id).all()
    assert len(stored) == 1
    assert mine == stored[0].pdf == other_print[0]
