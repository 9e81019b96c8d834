"""One source per rule: the fast eligibility predicate and ``exclusions()`` always agree.

``select_providers`` decides eligibility with an inlined predicate (speed); the excluded
list explains with :func:`exclusions`. On random catalogues a provider is eligible exactly
when at least one of its contracts has no exclusion, and every excluded provider has a
reason (issue 11, item 8).
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jeugdtoegang.domain.providers import ContractFacts, Need, RankingPolicy, exclusions
from jeugdtoegang.domain.selection import select_providers

GEMEENTEN = ("Zeist", "Bunnik", "De Bilt")
DAY0 = date(2026, 1, 1)

days = st.integers(min_value=0, max_value=1500).map(lambda n: DAY0 + timedelta(days=n))


@st.composite
def contracts(draw: st.DrawFn) -> ContractFacts:
    agb = draw(st.sampled_from(["10000001", "10000002", "10000003", "10000004", "10000005"]))
    valid_from = draw(days)
    valid_to = draw(st.one_of(st.none(), days))
    served = draw(st.one_of(st.just("*"), st.sets(st.sampled_from(GEMEENTEN), min_size=1)))
    return ContractFacts(
        contract_id=uuid.uuid4(),
        provider_id=uuid.UUID(int=int(agb)),
        agb=agb,
        naam=f"Aanbieder {agb}",
        identity=draw(st.sampled_from([None, "christelijk"])),
        segment=draw(st.sampled_from(["ambulant", "verblijf"])),
        product_code=draw(st.sampled_from(["45Z01", "45Z02", "43Z01"])),
        unit="uur",
        tariff=Decimal("80.00"),
        valid_from=valid_from,
        valid_to=valid_to,
        municipalities=served if served == "*" else "|".join(sorted(served)),
        preferred_wijken=draw(st.sampled_from(["", "*", "Centrum"])),
        themes=draw(st.sampled_from(["", "pubers", "pubers|scheiding"])),
        group_offer=draw(st.booleans()),
        waiting_weeks=draw(st.one_of(st.none(), st.integers(0, 30))),
        budget_year=draw(st.one_of(st.none(), st.just(Decimal("100000")))),
        status=draw(st.sampled_from(["actief", "clientenstop", "geschorst"])),
    )


@settings(max_examples=120, deadline=None)
@given(
    catalogue=st.lists(contracts(), max_size=12),
    gemeente=st.sampled_from(GEMEENTEN),
    start=days,
    product=st.sampled_from(["45Z01", "45Z02"]),
    preferred=st.booleans(),
)
def test_the_fast_predicate_and_the_explaining_exclusions_agree(
    catalogue, gemeente, start, product, preferred
):
    need = Need("ambulant", product, gemeente, start, wijk="Centrum", theme="pubers")
    policy = RankingPolicy(group_offer_first=True, preferred_per_wijk=preferred)
    result = select_providers(catalogue, need, gemeente, policy, {})
    fitting = {c.agb for c in catalogue if not exclusions(c, need, gemeente)}
    assert {p.agb for p in result.eligible} == fitting
    excluded = {p.agb: p for p in result.excluded}
    assert set(excluded) == {c.agb for c in catalogue} - fitting
    assert all(p.reasons and p.codes for p in excluded.values())
    assert [p.rank for p in result.eligible] == list(range(1, len(result.eligible) + 1))


@settings(max_examples=120, deadline=None)
@given(
    catalogue=st.lists(contracts(), max_size=16),
    gemeente=st.sampled_from(GEMEENTEN),
    start=days,
    limit=st.integers(min_value=0, max_value=6),
    identity=st.sampled_from([None, "christelijk"]),
    spent=st.dictionaries(
        st.sampled_from([uuid.UUID(int=int(f"1000000{n}")) for n in range(1, 6)]),
        st.integers(0, 90000).map(Decimal),
    ),
)
def test_a_page_of_the_ranking_is_the_front_of_the_whole_ranking(
    catalogue, gemeente, start, limit, identity, spent
):
    """The picker asks for a page; it must be exactly the first providers of the full
    ranking (budget headroom read only for the providers that can reach the page)."""
    need = Need("ambulant", "45Z01", gemeente, start, wijk="Centrum", identity=identity)
    policy = RankingPolicy(group_offer_first=True)
    whole = select_providers(catalogue, need, gemeente, policy, spent)
    asked: list[frozenset[uuid.UUID]] = []

    def read(ids: frozenset[uuid.UUID]) -> dict[uuid.UUID, Decimal]:
        asked.append(ids)
        return {k: v for k, v in spent.items() if k in ids}

    page = select_providers(catalogue, need, gemeente, policy, read, limit=limit)
    assert [(p.agb, p.contract_id) for p in page.eligible] == [
        (p.agb, p.contract_id) for p in whole.eligible[:limit]
    ]
    assert [list(p.reasons) for p in page.eligible] == [
        list(p.reasons) for p in whole.eligible[:limit]
    ]
    assert page.total == len(whole.eligible)
    assert page.excluded_count == len(whole.excluded)
