"""What eligibility keeps between calls, and how it knows that it is still current.

Per database engine: the candidate pool of each (region, segment, product) and the
free-access provisions of each municipality, each with a fingerprint of the rows it was
read from (count and summed versions), so any insert, update or delete (import, sync,
another program) rebuilds it. On SQLite ``PRAGMA data_version`` tells for free that no
commit reached the database since this connection last checked (see
:func:`jeugdtoegang.storage.hot.unchanged_since`); the fingerprint is then not read
either. Budget commitments are kept per connection and half year while no commit came.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.budget import half_year
from jeugdtoegang.domain.providers import ContractFacts, FreeAccessFacts, Need, RankingPolicy
from jeugdtoegang.domain.selection import CandidatePool
from jeugdtoegang.regions import Municipality, RegionProfile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.providers import committed_in_session
from jeugdtoegang.storage import eligibility_queries as q
from jeugdtoegang.storage.commitments import commitment_reads, committed_by_hex_id
from jeugdtoegang.storage.hot import snapshot_memo, unchanged_since
from jeugdtoegang.storage.quick_reads import QuickReads
from jeugdtoegang.storage.read_ahead import Reads

#: (profile, segment, product, municipality) → policy; a profile is immutable, and kept
#: in the value so that a new profile object never meets the policy of an old one
_ZERO = Decimal(0)
_POLICIES: dict[tuple[int, str, str, str], tuple[RegionProfile, RankingPolicy]] = {}


def ranking_policy(profile: RegionProfile, need: Need, municipality: Municipality) -> RankingPolicy:
    """The region's ranking rules for the need in the municipality (kept per profile)."""
    key = (id(profile), need.segment, need.product_code, municipality.name)
    kept = _POLICIES.get(key)
    if kept is not None and kept[0] is profile:
        return kept[1]
    partners = {
        p.agb: p.role
        for p in profile.strategic_partners_for(municipality)
        if need.segment in p.segments
    }
    product = profile.product(need.product_code)
    policy = RankingPolicy(
        group_offer_first=profile.policies.group_offer_first,
        strategic_partners=partners,
        area=municipality.area,
        product_name=product.name if product else "",
        preferred_per_wijk=profile.policies.preferred_providers_per_wijk,
    )
    if len(_POLICIES) > 1024:
        _POLICIES.clear()
    _POLICIES[key] = (profile, policy)
    return policy


class Kept:
    """Per-database kept candidate pools and free-access provisions (see the module).

    A lock guards building and replacing entries: the GUI's workers and the main thread
    may ask at the same time (reading a kept value needs no lock)."""

    def __init__(self) -> None:
        self.pools: dict[tuple[str, str, str], tuple[tuple[int, int], CandidatePool]] = {}
        self.provisions: dict[
            str, tuple[tuple[int, int], list[FreeAccessFacts], dict[date, list[FreeAccessFacts]]]
        ] = {}
        #: PostgreSQL: the providers whose commitments were asked per period (what a
        #: check reads ahead next time; :func:`budget_reads_ahead`)
        self.asked: dict[tuple[date, date], set[uuid.UUID]] = {}
        self.lock = threading.RLock()


def kept_for(session: Session) -> Kept:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    kept = getattr(engine, "_jt_eligibility_cache", None)
    if kept is None:
        kept = Kept()
        engine._jt_eligibility_cache = kept  # type: ignore[union-attr]
    return kept


def forget_pools(ctx: AppContext) -> None:
    """Drop the kept candidates of both engines (after new waiting times arrived)."""
    engines = ctx.database.engines
    for engine in (engines.write, engines.read):
        kept = getattr(engine, "_jt_eligibility_cache", None)
        if kept is not None:
            with kept.lock:
                kept.pools.clear()


def real_waiting(session: Session, facts: list[ContractFacts]) -> list[ContractFacts]:
    """Replace the catalogue's waiting estimate by the measured one where starts are known
    (asked only when any start was reported: the per-provider read of a pool's ~700 AGBs
    is most of a cold pool's cost)."""
    from jeugdtoegang.services.ijw_inbound import measured_waiting_weeks

    if not facts or not q.any_care_start(session):
        return facts
    measured = measured_waiting_weeks(session, {f.agb for f in facts})
    return [f._replace(waiting_weeks=measured[f.agb]) if f.agb in measured else f for f in facts]


#: session.info key of fingerprints read ahead in one request (PostgreSQL)
_AHEAD = "jt_fingerprints_ahead"


@contextmanager
def fingerprints_ahead(
    session: Session, region: str, segment: str, products: Sequence[str], gemeente: str | None
) -> Iterator[None]:
    """Within the block, :func:`candidate_pool` (for ``products``) and
    :func:`current_provisions` (for ``gemeente``) use fingerprints read here in one
    request, where no free freshness check exists (PostgreSQL: at READ COMMITTED each
    statement sees the latest commits, so reading them together first is as current as
    one by one). Each is used once, by the first ask; elsewhere nothing is read ahead."""
    found = q.server_fingerprints(session, region, segment, products, gemeente)
    if found is None:
        yield
        return
    session.info[_AHEAD] = {
        (kind, region, segment, key) if kind == "pool" else (kind, key): value
        for (kind, key), value in found.items()
    }
    try:
        yield
    finally:
        session.info.pop(_AHEAD, None)


def _fingerprint(session: Session, slot: tuple[str, ...]) -> tuple[int, int] | None:
    """A fingerprint read ahead in this session (once), or None."""
    ahead = session.info.get(_AHEAD)
    return ahead.pop(slot, None) if ahead else None


def candidate_pool(
    session: Session,
    kept: Kept,
    region: str,
    need: Need,
    profile: RegionProfile | None = None,
) -> CandidatePool:
    """The need's candidate contracts, kept while their fingerprint stands. A new pool
    prepares every municipality of ``profile`` at once, so no later need of the product
    in the region pays a first-use cost (issue 11: eligibility ≤ 2 ms p95)."""
    key = (region, need.segment, need.product_code)
    cached = kept.pools.get(key)
    # nothing committed since this connection last checked this very pool: no query at all
    remember = unchanged_since(session, "pool", (key, id(cached[1]) if cached else None))
    if remember is None and cached is not None:
        return cached[1]
    fingerprint = _fingerprint(session, ("pool", *key))
    if fingerprint is None:
        fingerprint = q.candidate_fingerprint(session, region, need.segment, need.product_code)
    if cached is None or cached[0] != fingerprint:
        with kept.lock:
            cached = kept.pools.get(key)
            if cached is None or cached[0] != fingerprint:
                rows = q.candidate_contracts(session, region, need.segment, need.product_code)
                pool = CandidatePool(real_waiting(session, rows))  # iJw JW305 (issue 17)
                if profile is not None:
                    for municipality in profile.municipalities:
                        policy = ranking_policy(profile, need, municipality)
                        pool.warm(municipality.name, policy, need)
                cached = kept.pools[key] = (fingerprint, pool)
        remember = unchanged_since(session, "pool", (key, id(cached[1])))
    if remember is not None:
        remember()
    return cached[1]


def committed_reader(session: Session, day: date) -> Callable[[Sequence[uuid.UUID]], list[Decimal]]:
    """Commitments of budgeted providers in the need's half year (the one budget figure of
    :mod:`jeugdtoegang.domain.budget`), read from the maintained aggregate only for the
    providers the ranking asks about (those that can reach the requested page)."""
    period = half_year(day)

    def read(provider_ids: Sequence[uuid.UUID]) -> list[Decimal]:
        return committed_kept(session, provider_ids, period)

    return read


def committed_kept(
    session: Session, provider_ids: Sequence[uuid.UUID], period: tuple[date, date]
) -> list[Decimal]:
    """:func:`committed_in_session` in the order asked, kept per connection while no
    commit reached the database (SQLite's data version): a page or a check reads only
    providers not seen. Kept by the ids' integers (a UUID's own hash is Python code)."""
    memo = snapshot_memo(session, ("committed", period))
    if memo is None:
        _remember_asked(kept_for(session), period, provider_ids)
        found = committed_in_session(session, provider_ids, *period)
        return [found[i] for i in provider_ids]
    return _kept_amounts(
        memo, provider_ids, lambda missing: committed_in_session(session, missing, *period)
    )


#: at most this many providers' commitments are read ahead per period (a wider spread of
#: asks starts the set again: a read ahead stays a few index ranges)
_ASKED_MAX = 32


def _remember_asked(
    kept: Kept, period: tuple[date, date], provider_ids: Sequence[uuid.UUID]
) -> None:
    with kept.lock:
        if period not in kept.asked and len(kept.asked) >= 4:
            kept.asked.clear()
        asked = kept.asked.setdefault(period, set())
        if len(asked) + len(provider_ids) > _ASKED_MAX:
            asked.clear()
        asked.update(provider_ids)


def budget_reads_ahead(
    session: Session, region: str, segment: str, product: str, agb: str | None, day: date
) -> Reads:
    """What a choice check of ``agb`` for the product will read about money, as far as
    this process can tell before it asks: the chosen provider's budget rows (its id from
    the kept candidate pool) and the commitments of that provider and of the providers
    asked in the same half year before (the group offers' ranking asks the same few).
    A guess only decides what is read ahead: an ask it does not cover is read as always."""
    kept = kept_for(session)
    period = half_year(day)
    with kept.lock:
        ids = set(kept.asked.get(period, ()))
    reads: dict[Any, Any] = {}
    pool = kept.pools.get((region, segment, product))
    if agb is not None and pool is not None:
        chosen = {c.provider_id for c in pool[1].contracts if c.agb == agb}
        if len(chosen) == 1:
            provider_id = next(iter(chosen))
            reads.update(q.budget_reads(region, provider_id, *period))
            ids.add(provider_id)
    reads.update(commitment_reads(ids, *period))
    return reads


def _kept_amounts(
    memo: dict[int, Decimal],
    provider_ids: Sequence[uuid.UUID],
    read: Callable[[list[uuid.UUID]], Mapping[uuid.UUID, Decimal]],
) -> list[Decimal]:
    missing = [i for i in provider_ids if i.int not in memo]
    if missing:
        found = read(missing)
        for i in missing:
            memo[i.int] = found.get(i, _ZERO)
    return [memo[i.int] for i in provider_ids]


def current_provisions(
    session: Session, kept: Kept, gemeente: str, day: date
) -> list[FreeAccessFacts]:
    """The municipality's free-access provisions valid on ``day`` (kept like the pools;
    the day's selection is kept with them)."""
    cached = kept.provisions.get(gemeente)
    remember = unchanged_since(session, "provisions", (gemeente, id(cached[1]) if cached else None))
    if remember is not None or cached is None:
        fingerprint = _fingerprint(session, ("provisions", gemeente))
        if fingerprint is None:
            fingerprint = q.provisions_fingerprint(session, gemeente)
        if cached is None or cached[0] != fingerprint:
            with kept.lock:
                if len(kept.provisions) > 64:
                    kept.provisions.clear()
                cached = (fingerprint, q.provisions(session, gemeente), {})
                kept.provisions[gemeente] = cached
            remember = unchanged_since(session, "provisions", (gemeente, id(cached[1])))
        if remember is not None:
            remember()
    return _valid_on(cached, day)


def _valid_on(
    cached: tuple[tuple[int, int], list[FreeAccessFacts], dict[date, list[FreeAccessFacts]]],
    day: date,
) -> list[FreeAccessFacts]:
    """The kept provisions valid on ``day`` (the day's selection is kept with them)."""
    by_day = cached[2]
    found = by_day.get(day)
    if found is None:
        if len(by_day) > 512:
            by_day.clear()
        found = by_day[day] = [p for p in cached[1] if p.valid_on(day)]
    return list(found)


# -- the same answers without a Session (storage.quick_reads) ---------------------------------


def kept_for_engine(engine: Any) -> Kept | None:
    return getattr(engine, "_jt_eligibility_cache", None)


def quick_pool(reads: QuickReads, kept: Kept, region: str, need: Need) -> CandidatePool | None:
    """The kept pool when it is current (as :func:`candidate_pool` would find it); None
    when it must be built first (the Session path does that)."""
    key = (region, need.segment, need.product_code)
    cached = kept.pools.get(key)
    if cached is None:
        return None
    seen = (key, id(cached[1]))
    if not reads.unchanged("pool", seen):
        fingerprint = q.candidate_fingerprint(reads.reads, region, need.segment, need.product_code)
        if fingerprint != cached[0]:
            return None
        reads.remember("pool", seen)
    return cached[1]


def quick_provisions(
    reads: QuickReads, kept: Kept, gemeente: str, day: date
) -> list[FreeAccessFacts] | None:
    """:func:`current_provisions` when the kept ones are current; None otherwise."""
    cached = kept.provisions.get(gemeente)
    if cached is None:
        return None
    seen = (gemeente, id(cached[1]))
    if not reads.unchanged("provisions", seen):
        if q.provisions_fingerprint(reads.reads, gemeente) != cached[0]:
            return None
        reads.remember("provisions", seen)
    return _valid_on(cached, day)


def quick_committed(reads: QuickReads, day: date) -> Callable[[Sequence[uuid.UUID]], list[Decimal]]:
    """:func:`committed_reader` on quick reads (the same per-connection memo; what
    :func:`committed_in_session` reads for a half year, by the ids' texts: no UUID is
    hashed or parsed per provider)."""
    period = half_year(day)

    def read(provider_ids: Sequence[uuid.UUID]) -> list[Decimal]:
        memo = reads.memo(("committed", period))
        missing = {i.hex: i.int for i in provider_ids if i.int not in memo}
        if missing:
            found = committed_by_hex_id(reads.execute, list(missing), period)
            for text, number in missing.items():
                memo[number] = found.get(text, _ZERO)
        return [memo[i.int] for i in provider_ids]

    return read
