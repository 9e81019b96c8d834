"""Budget commitments per provider and month are kept on every write path.

The aggregate must always equal the direct computation over all indications (the rule in
:mod:`jeugdtoegang.domain.commitments`), so a budget figure reads a few month rows instead
of every indication, warm or cold, right after any write.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import delete, select

from jeugdtoegang.demo import fill_demo
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_inputs import committed_by_provider
from jeugdtoegang.storage.commitments import committed_by_month, rebuild
from jeugdtoegang.storage.models.commitments import ProviderCommitment
from jeugdtoegang.storage.models.indications import Indication
from jeugdtoegang.storage.models.providers import Provider

PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2026, 1, 1), date(2026, 6, 30)),
    (date(2026, 7, 1), date(2026, 12, 31)),
    (date(2027, 1, 1), date(2027, 12, 31)),
]


def _assert_aggregate_matches(ctx: AppContext) -> None:
    with ctx.uow(readonly=True) as uow:
        ids = list(uow.session.execute(select(Provider.id)).scalars())
        for start, end in PERIODS:
            direct = committed_by_provider(uow.session, ids, start, end)
            stored = committed_by_month(uow.session, ids, start, end)
            assert stored is not None
            for provider in ids:
                assert stored.get(provider, Decimal(0)) == direct.get(provider, Decimal(0)), (
                    provider,
                    start,
                )


def _stored(ctx: AppContext) -> set[tuple[object, date, int]]:
    with ctx.uow(readonly=True) as uow:
        return {
            (r.provider_id, r.month, r.amount_micro)
            for r in uow.session.execute(select(ProviderCommitment)).scalars()
            if r.amount_micro
        }


def test_demo_data_fills_the_aggregate_like_the_direct_computation(ctx: AppContext) -> None:
    fill_demo(ctx, households=40)
    assert _stored(ctx)  # the demo has approved and issued indications
    _assert_aggregate_matches(ctx)


def test_edits_status_changes_and_deletes_keep_the_aggregate_exact(ctx: AppContext) -> None:
    fill_demo(ctx, households=40)
    with ctx.uow() as uow:
        rows = list(
            uow.session.execute(
                select(Indication).where(Indication.status.in_(["goedgekeurd", "afgegeven"]))
            ).scalars()
        )
        assert len(rows) >= 4
        rows[0].end_date = rows[0].end_date - timedelta(days=40)  # ended earlier
        rows[1].status = "beeindigd"  # no longer counts
        rows[2].max_cost = (rows[2].max_cost or Decimal(0)) + Decimal("1234.56")
        uow.session.flush()
        rows[2].start_date = rows[2].start_date + timedelta(days=3)  # second flush, same tx
        uow.commit()
    with ctx.uow() as uow:
        concept = (
            uow.session.execute(select(Indication).where(Indication.status == "concept"))
            .scalars()
            .first()
        )
        if concept is not None:
            concept.status = "goedgekeurd"  # now counts
        uow.commit()
    _assert_aggregate_matches(ctx)


def test_a_rolled_back_write_leaves_the_aggregate_as_it_was(ctx: AppContext) -> None:
    fill_demo(ctx, households=30)
    before = _stored(ctx)
    with ctx.uow() as uow:
        row = (
            uow.session.execute(select(Indication).where(Indication.status == "afgegeven"))
            .scalars()
            .first()
        )
        assert row is not None
        row.status = "beeindigd"
        uow.session.flush()
        # no commit: the unit of work rolls back
    assert _stored(ctx) == before


def test_rebuild_gives_the_maintained_figures(ctx: AppContext) -> None:
    fill_demo(ctx, households=30)
    maintained = _stored(ctx)
    with ctx.uow() as uow:
        uow.session.execute(delete(ProviderCommitment))
        rebuild(uow.session)
        uow.commit()
    assert _stored(ctx) == maintained


def test_a_period_of_whole_months_reads_the_aggregate_otherwise_the_direct_query(
    ctx: AppContext,
) -> None:
    with ctx.uow(readonly=True) as uow:
        assert committed_by_month(uow.session, [], date(2026, 1, 1), date(2026, 12, 31)) == {}
        assert committed_by_month(uow.session, [], date(2026, 1, 5), date(2026, 12, 31)) is None
