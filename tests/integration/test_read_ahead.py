"""Reads sent together (``storage.read_ahead``): one request to PostgreSQL, the same rows.

A check on a server sends the jeugdige, her terms, the provider check's fingerprints and
the chosen provider's contracts in one pipeline (issue 19: under a team's load each
request costs a wake-up of client and backend). What is kept must be exactly what the
storage functions would read one by one, inside the session's transaction (its pending
writes included); a failing read raises as SQLAlchemy raises it; nothing kept outlives
the block. SQLite reads nothing ahead.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
from sqlalchemy import Integer, String, bindparam, cast, select
from sqlalchemy.exc import DBAPIError

from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services import indication_inputs
from jeugdtoegang.services import indications as svc
from jeugdtoegang.storage import (
    commitments,
    eligibility_queries,
    hot,
    indication_queries,
    read_ahead,
)
from jeugdtoegang.storage.models.indications import Indication
from tests.conftest import TEAMLEIDER
from tests.indication_helpers import PROVIDER_AGB, add_provider, draft, make_family

pytestmark = pytest.mark.postgres

OTHER_AGB = "23456789"


def _on_server(session: Any) -> bool:
    return read_ahead.pipelines(session)


@contextmanager
def _requests() -> Iterator[list[str]]:
    """The requests sent to the server in this block: a statement outside a pipeline, a
    whole pipeline, or one exchange through libpq (``wire``) is one."""
    import psycopg
    from psycopg import _cursor_base

    from jeugdtoegang.storage import wire

    sent: list[str] = []
    execute_send = _cursor_base.BaseCursor._execute_send
    pipeline_exit = psycopg.Pipeline.__exit__

    def counted_send(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if self._conn._pipeline is None:
            sent.append("statement")
        return execute_send(self, query, *args, **kwargs)

    def counted_exit(self: Any, *args: Any) -> Any:
        sent.append("pipeline")
        return pipeline_exit(self, *args)

    exchange = wire.exchange

    def counted_exchange(raw: Any, kept: Any, batch: Any) -> Any:
        sent.append("pipeline" if len(batch) > 1 else "statement")
        return exchange(raw, kept, batch)

    _cursor_base.BaseCursor._execute_send = counted_send  # type: ignore[method-assign]
    psycopg.Pipeline.__exit__ = counted_exit  # type: ignore[method-assign]
    wire.exchange = counted_exchange  # type: ignore[assignment]
    try:
        yield sent
    finally:
        _cursor_base.BaseCursor._execute_send = execute_send  # type: ignore[method-assign]
        psycopg.Pipeline.__exit__ = pipeline_exit  # type: ignore[method-assign]
        wire.exchange = exchange  # type: ignore[assignment]


def _checked_both_ways(
    ctx: Any, monkeypatch: pytest.MonkeyPatch, proposal: Any
) -> tuple[bool, Any, list[str], list[str]]:
    """Check once to keep pools, provisions and the providers asked; then check with the
    reads sent together and one by one: (on a server?, the result, both request logs).
    The two results must be equal."""
    svc.check_proposal(ctx, proposal)
    with ctx.database.single_reads() as session:
        on_server = _on_server(session)
    with _requests() as sent:
        fast = svc.check_proposal(ctx, proposal)
    with monkeypatch.context() as patch:
        patch.setattr(indication_inputs, "pipelines", lambda _session: False)
        with _requests() as sent_one_by_one:
            one_by_one = svc.check_proposal(ctx, proposal)
    assert fast == one_by_one
    return on_server, fast, sent, sent_one_by_one


def _check_reads(ctx: Any, session: Any, person_id: Any, agb: str) -> dict[Any, Any]:
    """What a check of an ambulant draft with ``agb`` reads ahead."""
    reads = dict(indication_inputs.provider_reads(ctx, session, draft(person_id, provider_agb=agb)))
    reads.update(indication_queries.subject_reads(person_id))
    return reads


def test_kept_rows_equal_the_reads_one_by_one(ctx):
    add_provider(ctx)
    add_provider(ctx, agb=OTHER_AGB, name="Groep BV", product_code="45A08", group_offer=True)
    household_id, person_id = make_family(ctx)
    svc.save_concept(ctx, draft(person_id))
    region = ctx.database.region_slug
    with ctx.database.single_reads() as session:
        reads = _check_reads(ctx, session, person_id, OTHER_AGB)
        products = next(key[3] for key in reads if key[0] == "fingerprints")
        if not _on_server(session):
            with read_ahead.reads_ahead(session, reads):
                assert all(read_ahead.take(session, key) is None for key in reads)
            return
        subject = indication_queries.subject_row(session, person_id)
        terms = indication_queries.person_term_rows(session, person_id)
        contracts = eligibility_queries.provider_contracts(session, region, OTHER_AGB)
        fingerprints = {
            gemeente: eligibility_queries.server_fingerprints(
                session, region, "ambulant", list(products), gemeente
            )
            for gemeente in ctx.profile.municipality_names
        }
        with read_ahead.reads_ahead(session, reads):
            assert indication_queries.subject_row(session, person_id) == subject
            assert indication_queries.person_term_rows(session, person_id) == terms
            assert eligibility_queries.provider_contracts(session, region, OTHER_AGB) == contracts
            # the kept fingerprints name every municipality: each one's answer is the same
            ahead = eligibility_queries.server_fingerprints(
                session, region, "ambulant", list(products), "Zeist"
            )
            for gemeente, one in fingerprints.items():
                assert one is not None
                for key, value in one.items():
                    assert ahead.get(key, (0, 0)) == value, (gemeente, key)
            # each kept result is handed out once; then the storage function reads again
            assert read_ahead.take(session, ("subject", person_id)) is None
        assert session.info["jt_read_ahead"] == {}
    assert len(terms) == 1 and subject[0] == household_id


def test_a_check_of_an_unfitting_choice_is_at_most_two_requests(ctx, monkeypatch):
    add_provider(ctx)
    add_provider(ctx, agb=OTHER_AGB, name="Elders BV", product_code="45A08")
    _household_id, person_id = make_family(ctx)
    proposal = draft(person_id, provider_agb=OTHER_AGB)  # no fitting contract: explained
    on_server, fast, sent, sent_one_by_one = _checked_both_ways(ctx, monkeypatch, proposal)
    # the chosen provider's contracts were read (ahead) to explain why it does not fit
    assert [f.code for f in fast.findings if "Elders BV" in f.message] == ["PROVIDER_NOT_ELIGIBLE"]
    if not on_server:
        return
    # the jeugdige, her terms, the fingerprints and the chosen AGB's contracts together;
    # then the commitments of the candidates the group-offer ranking asks about
    assert sent.count("pipeline") == 1
    assert len(sent) <= 2, sent
    assert len(sent_one_by_one) >= len(sent) + 2, (sent, sent_one_by_one)


def test_reads_ahead_see_the_transactions_own_pending_writes(ctx):
    add_provider(ctx)
    _household_id, person_id = make_family(ctx)
    saved = svc.save_concept(ctx, draft(person_id))
    with ctx.uow() as uow:
        row = uow.session.get(Indication, saved.id)
        row.status = IndicationStatus.GOEDGEKEURD.value  # pending, not flushed yet
        row.start_date = date(2026, 12, 7)
        reads = indication_queries.subject_reads(person_id)
        with read_ahead.reads_ahead(uow.session, reads):
            terms = indication_queries.person_term_rows(uow.session, person_id)
        uow.rollback()
    assert [(t[0], t[4], t[7]) for t in terms] == [
        (saved.id, date(2026, 12, 7), IndicationStatus.GOEDGEKEURD.value)
    ]


def test_a_failing_read_ahead_raises_as_sqlalchemy_raises_it(ctx):
    bad = hot.Prepared(select(cast(bindparam("text", type_=String), Integer)))
    good = hot.Prepared(select(cast(bindparam("text", type_=String), Integer)))
    with ctx.database.single_reads() as session:
        if not _on_server(session):
            pytest.skip("SQLite reads nothing ahead (and casts any text to a number)")
        with pytest.raises(DBAPIError) as core:
            session.execute(bad.statement, {"text": "geen getal"})
        with (
            pytest.raises(DBAPIError) as ahead,
            read_ahead.reads_ahead(
                session, {"good": (good, {"text": "7"}), "bad": (bad, {"text": "geen getal"})}
            ),
        ):
            pass
        assert type(ahead.value) is type(core.value)
        assert session.info["jt_read_ahead"] == {}  # nothing half-kept
        assert bad.all(session, {"text": "12"}) == [(12,)]  # the connection still serves


def test_unasked_results_are_dropped_when_the_block_ends(ctx):
    add_provider(ctx)
    _household_id, person_id = make_family(ctx)
    with ctx.database.single_reads() as session:
        reads = _check_reads(ctx, session, person_id, PROVIDER_AGB)
        with read_ahead.reads_ahead(session, reads):
            kept = dict(session.info["jt_read_ahead"])
        assert session.info["jt_read_ahead"] == {}
    if read_ahead.pipelines(session):
        assert set(kept) == set(reads)
    else:
        assert kept == {}


def test_a_check_of_a_fitting_budgeted_choice_is_one_request(ctx, monkeypatch):
    """The usual case: the consultant picked a contracted provider from the picker. Its
    budget rows and the commitments (its own and those the group offers' ranking asks
    about) come with the rest: one request, and the same result as one by one."""
    add_provider(ctx, budget_year="4000.00")
    add_provider(ctx, agb=OTHER_AGB, name="Groep BV", budget_year="9000.00", group_offer=True)
    _household_id, person_id = make_family(ctx)
    proposal = draft(person_id, end=date(2027, 5, 31))
    on_server, fast, sent, sent_one_by_one = _checked_both_ways(ctx, monkeypatch, proposal)
    assert "GROUP_OFFER_FIRST" in {f.code for f in fast.findings}
    if on_server:
        assert sent == ["pipeline"]
        assert len(sent_one_by_one) >= 5, sent_one_by_one


def test_commitments_asked_beyond_the_read_ahead_are_read_as_always(ctx):
    first = add_provider(ctx, budget_year="4000.00")
    second = add_provider(ctx, agb=OTHER_AGB, name="Elders BV", budget_year="9000.00")
    for n, agb in enumerate((PROVIDER_AGB, OTHER_AGB)):
        _, person_id = make_family(ctx, name=f"Familie {n}")
        view = svc.save_concept(ctx, draft(person_id, provider_agb=agb, end=date(2027, 5, 31)))
        view = svc.submit_indication(ctx, view.id)
        if view.status is IndicationStatus.INGEDIEND:
            view = svc.approve_indication(ctx.with_actor(TEAMLEIDER), view.id)
    period = (date(2026, 7, 1), date(2026, 12, 31))
    with ctx.database.single_reads() as session:
        direct = commitments.committed_by_month(session, [first, second], *period)
        assert set(direct) == {first, second} and all(direct.values())
        with read_ahead.reads_ahead(session, commitments.commitment_reads([first], *period)):
            # covered: from the read ahead (and again: it is kept for the block)
            assert commitments.committed_by_month(session, [first], *period) == {
                first: direct[first]
            }
            assert commitments.committed_by_month(session, [first], *period) == {
                first: direct[first]
            }
            # not covered: read now, the same answer as without a read ahead
            assert commitments.committed_by_month(session, [first, second], *period) == direct
