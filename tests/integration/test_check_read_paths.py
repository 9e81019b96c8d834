"""The indication check reads the same on its fast path as through SQLAlchemy's Core.

The hot reads run as SQL text on the DBAPI connection (:class:`storage.hot.Prepared`, on
PostgreSQL :class:`storage.hot.ServerSQL`, with the freshness fingerprints read ahead in
one request); the old path executes the same statements through a SQLAlchemy Connection,
one fingerprint at a time. Both must give identical check results, also right
after another connection (another workstation) wrote an indication or a contract while
this process kept its pools and commitments.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, update

from jeugdtoegang.domain.indication_rules import CheckResult
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services import indication_inputs
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import commitments, eligibility_queries, hot
from jeugdtoegang.storage.database import open_database
from jeugdtoegang.storage.models.providers import Contract, Provider
from tests.conftest import CONSULENT, TEAMLEIDER, TODAY
from tests.indication_helpers import PROVIDER_AGB, add_plan, add_provider, draft, make_family

pytestmark = pytest.mark.postgres

OTHER_AGB = "23456789"
UNKNOWN_AGB = "87654321"


@contextmanager
def _core_path(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every hot read through SQLAlchemy's Core execution (the path before the fast one)."""
    original = hot.Prepared.all

    def core_all(self: hot.Prepared, session: Any, params: Any) -> list[tuple[Any, ...]]:
        if isinstance(session, hot.RawReads):
            return original(self, session, params)
        rows = hot.connection(session).execute(self.statement, dict(params)).all()
        return [tuple(row) for row in rows]

    with monkeypatch.context() as patch:
        patch.setattr(hot.Prepared, "all", core_all)
        patch.setattr(commitments, "_server_sum", lambda _dialect: None)
        patch.setattr(eligibility_queries, "server_fingerprints", lambda *_args: None)
        patch.setattr(indication_inputs, "pipelines", lambda _session: False)
        yield


def _both(
    monkeypatch: pytest.MonkeyPatch, check: Callable[[], CheckResult]
) -> tuple[CheckResult, CheckResult]:
    fast = check()
    with _core_path(monkeypatch):
        old = check()
    return fast, old


def _issued(ctx: AppContext, person_id: Any, **changes: Any) -> None:
    view = svc.save_concept(ctx, draft(person_id, **changes))
    view = svc.submit_indication(ctx, view.id)
    if view.status is IndicationStatus.INGEDIEND:
        view = svc.approve_indication(ctx.with_actor(TEAMLEIDER), view.id)
    svc.issue_indication(ctx, view.id)


def test_fast_and_core_reads_give_the_same_check_results(ctx, monkeypatch):
    add_provider(ctx, budget_year="4000.00")
    add_provider(ctx, agb=OTHER_AGB, name="Elders BV", product_code="45A08", segment="ambulant")
    add_provider(ctx, agb="11223344", name="Groep BV", group_offer=True)
    with ctx.uow() as uow:
        uow.session.add(Provider(agb="11112222", name="Zonder Contract", search_name="zonder"))
        uow.commit()
    household_id, person_id = make_family(ctx)
    goals = add_plan(ctx, household_id, person_id)
    cases = [
        draft(person_id, goals),
        draft(person_id, provider_agb=OTHER_AGB),  # a provider without a fitting contract
        draft(person_id, provider_agb=UNKNOWN_AGB),  # not in the catalogue
        draft(person_id, provider_agb="11112222"),  # no contract in the region
        draft(person_id, provider_agb=None),
        draft(person_id, end=date(2027, 12, 31), volume=Decimal("30")),
    ]
    for case in cases:
        for _ in range(2):  # the second time from kept pools and commitments
            fast, old = _both(monkeypatch, lambda case=case: svc.check_proposal(ctx, case))
            assert fast == old


def test_a_write_by_another_connection_is_seen_the_same_on_both_paths(
    ctx, database_url, monkeypatch
):
    add_provider(ctx, budget_year="4000.00")
    _, person_id = make_family(ctx)
    _, other_person = make_family(ctx, name="Familie B")
    december = {"start": date(2026, 12, 1), "end": date(2026, 12, 31)}
    check = lambda: svc.check_proposal(ctx, draft(person_id, **december))  # noqa: E731
    before, old = _both(monkeypatch, check)
    assert before == old
    assert "BUDGET_SIGNAL" not in {f.code for f in before.findings}
    elsewhere = open_database(database_url)
    try:
        other = AppContext(elsewhere, CONSULENT, today=lambda: TODAY)
        # another workstation issues help at the provider: its commitments pass the budget
        _issued(other, other_person, volume=Decimal("10"), **december)
        after, old = _both(monkeypatch, check)
        assert after == old
        assert "BUDGET_SIGNAL" in {f.code for f in after.findings}
        # ... and the provider's contract is suspended there: the kept pool is stale
        with other.uow() as uow:
            uow.session.execute(
                update(Contract).values(status="clientenstop", version=Contract.version + 1)
            )
            uow.commit()
        suspended, old = _both(monkeypatch, check)
        assert suspended == old
        assert suspended != after
    finally:
        elsewhere.close()


def test_fingerprints_read_ahead_equal_the_ones_read_one_by_one(ctx):
    add_provider(ctx)
    add_provider(ctx, agb=OTHER_AGB, name="Groep BV", product_code="45A08", group_offer=True)
    region = ctx.database.region_slug
    products = ["45Z01", "45A08", "45ZZZ"]  # the last has no contracts
    with ctx.uow(readonly=True) as uow:
        ahead = eligibility_queries.server_fingerprints(
            uow.session, region, "ambulant", products, "Zeist"
        )
        if uow.session.get_bind().dialect.name != "postgresql":
            assert ahead is None  # SQLite's data version tells freshness for free
            return
        one_by_one = {
            ("pool", code): eligibility_queries.candidate_fingerprint(
                uow.session, region, "ambulant", code
            )
            for code in products
        }
        one_by_one[("provisions", "Zeist")] = eligibility_queries.provisions_fingerprint(
            uow.session, "Zeist"
        )
    assert ahead == one_by_one
    assert ahead[("pool", "45ZZZ")] == (0, 0)


def test_a_provider_and_its_contracts_in_one_request_as_in_two(ctx):
    """provider_contracts reads provider and contracts together; before, a provider
    without contracts in the region took a second query for its name."""
    add_provider(ctx, budget_year="4000.00")
    add_provider(ctx, product_code="45A08")  # a second contract of the same provider
    add_provider(ctx, agb=OTHER_AGB, name="Elders BV", product_code="45A08")
    with ctx.uow() as uow:
        uow.session.add(Provider(agb="11112222", name="Zonder Contract", search_name="zonder"))
        uow.commit()
    region = ctx.database.region_slug
    joined = eligibility_queries._JOINED
    provider = Provider.__table__.c
    with ctx.uow(readonly=True) as uow:
        for agb in (PROVIDER_AGB, OTHER_AGB, "11112222", UNKNOWN_AGB):
            rows = uow.session.execute(
                joined.where(provider.agb == agb, Contract.__table__.c.region_slug == region)
            ).all()
            if rows:
                before = (rows[0][3], [eligibility_queries._facts(r) for r in rows])
            else:
                name = uow.session.execute(
                    select(provider.name).where(provider.agb == agb)
                ).scalar_one_or_none()
                before = (name, [])
            assert eligibility_queries.provider_contracts(uow.session, region, agb) == before


def test_a_failing_hot_read_raises_as_sqlalchemy_raises_it(ctx):
    from sqlalchemy import Integer, String, bindparam, cast
    from sqlalchemy.exc import DBAPIError

    bad = hot.Prepared(select(cast(bindparam("text", type_=String), Integer)))
    with ctx.database.single_reads() as session:
        if session.get_bind().dialect.name != "postgresql":
            pytest.skip("SQLite casts any text to a number")
        with pytest.raises(DBAPIError) as core:
            session.execute(bad.statement, {"text": "geen getal"})
        with pytest.raises(DBAPIError) as fast:
            bad.all(session, {"text": "geen getal"})
        assert type(fast.value) is type(core.value)
        assert bad.all(session, {"text": "12"}) == [(12,)]  # the connection still serves
