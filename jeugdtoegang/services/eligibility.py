"""Which providers may deliver a need, in which order, and what a choice requires.

The hot path is one indexed query for the candidate contracts of (region, segment,
product) with plain columns (no ORM objects), then ranking in memory
(:func:`jeugdtoegang.domain.providers.select_providers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy import String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from jeugdtoegang.domain.budget import BudgetFigure, half_year
from jeugdtoegang.domain.findings import Finding
from jeugdtoegang.domain.indication_policies import NO_GROUP_FIRST_SEGMENTS
from jeugdtoegang.domain.providers import (
    FREE_ACCESS_SEGMENT,
    ChoiceFacts,
    ContractFacts,
    EligibilityResult,
    Exclusion,
    FreeAccessFacts,
    MaatwerkProvider,
    Need,
    RankingPolicy,
    choice_findings,
    exclusion_text,
    exclusions,
    split_list,
    validate_agb,
)
from jeugdtoegang.domain.selection import CandidatePool, select_providers
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.regions import Municipality, RegionProfile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.providers import committed_in_session
from jeugdtoegang.storage.hot import Prepared, connection, snapshot_memo, unchanged_since
from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider

_P = Provider.__table__.c
_C = Contract.__table__.c
_F = FreeAccessProvision.__table__.c

_COLUMNS = (
    _C.id,
    _C.provider_id,
    _P.agb,
    _P.name,
    _P.identity,
    _C.segment,
    _C.product_code,
    _C.unit,
    # money and dates come back as the driver gives them and are converted once, below
    type_coerce(_C.tariff, String),
    type_coerce(_C.valid_from, String),
    type_coerce(_C.valid_to, String),
    _C.municipalities,
    _C.preferred_wijken,
    _C.themes,
    _C.group_offer,
    _C.waiting_weeks,
    type_coerce(_C.budget_year, String),
    _C.status,
)
_CANDIDATES = (
    select(*_COLUMNS)
    .join(Provider.__table__, _P.id == _C.provider_id)
    .where(
        _C.region_slug == bindparam("region"),
        _C.segment == bindparam("segment"),
        _C.product_code == bindparam("product"),
    )
)
_CANDIDATES_PREPARED = Prepared(_CANDIDATES)
_BY_PROVIDER = select(*_COLUMNS).join(Provider.__table__, _P.id == _C.provider_id)
#: One small query per selection: a fingerprint of the product's contracts (read from the
#: covering index). Commitments are not cached: they come from the maintained aggregate
#: (at most 12 month rows per provider), so no write elsewhere invalidates anything.
_FINGERPRINT = Prepared(
    select(
        func.count(),
        func.coalesce(func.sum(_C.version), 0),
    ).where(
        _C.region_slug == bindparam("region"),
        _C.segment == bindparam("segment"),
        _C.product_code == bindparam("product"),
    )
)


def core(session: Session) -> Any:
    """The session's connection for plain Core reads of the hot paths (the ORM execution
    layer costs more than these small indexed queries); pending changes are flushed first,
    as ``session.execute`` would."""
    return connection(session)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def _money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _facts(row: Any) -> ContractFacts:
    return ContractFacts(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        row[7],
        Decimal(row[8]),
        _day(row[9]),  # type: ignore[arg-type]
        _day(row[10]),
        row[11],
        row[12],
        row[13],
        bool(row[14]),
        row[15],
        _money(row[16]),
        row[17],
    )


def resolve_need(profile: RegionProfile, need: Need) -> tuple[Need, Municipality]:
    """Check the need against the region and normalise product code and municipality."""
    errors = []
    if not profile.has_segment(need.segment):
        errors.append(
            FieldError("segment", f"Segment '{need.segment}' bestaat niet in regio {profile.name}.")
        )
    product = profile.product(need.product_code)
    if product is None:
        errors.append(
            FieldError("product", f"Product {need.product_code} staat niet in het regioprofiel.")
        )
    elif product.segment != need.segment:
        errors.append(
            FieldError("product", f"Product {product.code} hoort bij segment '{product.segment}'.")
        )
    municipality = profile.municipality(need.gemeente)
    if municipality is None:
        errors.append(
            FieldError("gemeente", f"Gemeente '{need.gemeente}' hoort niet bij de regio.")
        )
    elif need.wijk and need.wijk not in municipality.wijken:
        errors.append(
            FieldError("wijk", f"Wijk '{need.wijk}' hoort niet bij gemeente {municipality.name}.")
        )
    if errors:
        raise ValidationError(errors)
    assert product is not None and municipality is not None
    code = product.code
    if code != need.product_code or municipality.name != need.gemeente:
        need = replace(need, product_code=code, gemeente=municipality.name)
    return need, municipality


def _policy(profile: RegionProfile, need: Need, municipality: Municipality) -> RankingPolicy:
    partners = {
        p.agb: p.role
        for p in profile.strategic_partners_for(municipality)
        if need.segment in p.segments
    }
    product = profile.product(need.product_code)
    return RankingPolicy(
        group_offer_first=profile.policies.group_offer_first,
        strategic_partners=partners,
        area=municipality.area,
        product_name=product.name if product else "",
        preferred_per_wijk=profile.policies.preferred_providers_per_wijk,
    )


def _provisions(session: Session, gemeente: str) -> list[FreeAccessFacts]:
    rows = session.execute(
        select(
            _F.id,
            _F.municipality,
            _F.name,
            _F.themes,
            _F.group_offer,
            _F.contact,
            _F.valid_from,
            _F.valid_to,
        ).where(_F.municipality == gemeente)
    ).all()
    return [
        FreeAccessFacts(r[0], r[1], r[2], split_list(r[3]), bool(r[4]), r[5], r[6], r[7])
        for r in rows
    ]


def shows_free_access(profile: RegionProfile, need: Need) -> bool:
    """Free-access provisions answer light needs: the sociale basis and the lightest
    segment with a beschikking (ambulant), or any need with a theme they cover."""
    if need.theme:
        return True
    segment = profile.segment(need.segment)
    if segment.beside:
        return False
    first = next((s for s in profile.segments if s.needs_beschikking and not s.beside), None)
    return first is None or profile.segment_rank(need.segment) <= profile.segment_rank(first.id)


class _Cache:
    """Per-database cache of candidate pools, commitments and provisions.

    A pool is reused while the fingerprint (count and summed versions of the product's
    contracts) is unchanged, so any insert, update or delete (import, sync) rebuilds it;
    the same holds for a municipality's free-access provisions.
    """

    def __init__(self) -> None:
        self.pools: dict[tuple[str, str, str], tuple[tuple[int, int], CandidatePool]] = {}
        self.provisions: dict[str, tuple[tuple[int, int], list[FreeAccessFacts]]] = {}


def _cache(session: Session) -> _Cache:
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    cache = getattr(engine, "_jt_eligibility_cache", None)
    if cache is None:
        cache = _Cache()
        engine._jt_eligibility_cache = cache  # type: ignore[union-attr]
    return cache


def _any_start(session: Session) -> bool:
    from jeugdtoegang.storage.models.ijw import IjwCareEvent

    global _ANY_START
    if _ANY_START is None:
        events = IjwCareEvent.__table__.c
        _ANY_START = Prepared(select(events.id).where(events.kind == "start").limit(1))
    return bool(_ANY_START.all(session, {}))


_ANY_START: Prepared | None = None


def real_waiting(session: Session, facts: list[ContractFacts]) -> list[ContractFacts]:
    """Replace the catalogue's waiting estimate by the measured one where starts are known
    (asked only when any start was reported: the per-provider read of a pool's ~700 AGBs
    is most of a cold pool's cost)."""
    from jeugdtoegang.services.ijw_inbound import measured_waiting_weeks

    if not facts or not _any_start(session):
        return facts
    measured = measured_waiting_weeks(session, {f.agb for f in facts})
    return [f._replace(waiting_weeks=measured[f.agb]) if f.agb in measured else f for f in facts]


def forget_pools(ctx: AppContext) -> None:
    """Drop the cached candidates of both engines (after new waiting times arrived)."""
    engines = ctx.database.engines
    for engine in (engines.write, engines.read):
        cache = getattr(engine, "_jt_eligibility_cache", None)
        if cache is not None:
            cache.pools.clear()


def _pool(
    session: Session,
    cache: _Cache,
    region: str,
    need: Need,
    profile: RegionProfile | None = None,
) -> CandidatePool:
    key = (region, need.segment, need.product_code)
    cached = cache.pools.get(key)
    # nothing committed since this connection last checked this very pool: no query at all
    remember = unchanged_since(session, "pool", (key, id(cached[1]) if cached else None))
    if remember is None and cached is not None:
        return cached[1]
    params = {"region": region, "segment": need.segment, "product": need.product_code}
    count, versions = _FINGERPRINT.all(session, params)[0]
    fingerprint = (int(count), int(versions))
    if cached is None or cached[0] != fingerprint:
        rows = _CANDIDATES_PREPARED.all(session, params)
        facts = real_waiting(session, [_facts(row) for row in rows])  # iJw JW305 (issue 17)
        cached = (fingerprint, CandidatePool(facts))
        cache.pools[key] = cached
        if profile is not None:
            # every municipality's rows and the need's validity window at once (a few ms
            # on top of reading the pool), so no later need of this product in the region
            # pays a first-use cost (issue 11: eligibility ≤ 2 ms p95)
            for municipality in profile.municipalities:
                cached[1].warm(
                    municipality.name,
                    _policy(profile, need, municipality),
                    need,
                )
        remember = unchanged_since(session, "pool", (key, id(cached[1])))
    if remember is not None:
        remember()
    return cached[1]


def _committed(session: Session, day: date) -> Any:
    """Commitments of budgeted providers in the need's half year (the one budget figure of
    :mod:`jeugdtoegang.domain.budget`), read from the maintained aggregate only for the
    providers the ranking asks about (those that can reach the requested page)."""
    period = half_year(day)

    def read(provider_ids: frozenset[uuid.UUID]) -> Mapping[uuid.UUID, Decimal]:
        return _committed_kept(session, provider_ids, period)

    return read


def _committed_kept(
    session: Session, provider_ids: Iterable[uuid.UUID], period: tuple[date, date]
) -> Mapping[uuid.UUID, Decimal]:
    """:func:`committed_in_session`, kept per connection while no commit reached the
    database (SQLite's data version): a page or a check reads only providers not seen.
    The result covers at least ``provider_ids`` (a read-only view of what is kept)."""
    memo = snapshot_memo(session, ("committed", period))
    if memo is None:
        return committed_in_session(session, provider_ids, *period)
    missing = [i for i in provider_ids if i not in memo]
    if missing:
        memo.update(committed_in_session(session, missing, *period))
    return MappingProxyType(memo)


_PROVISIONS_FINGERPRINT = Prepared(
    select(func.count(), func.coalesce(func.sum(_F.version), 0)).where(
        _F.municipality == bindparam("gemeente")
    )
)


def _cached_provisions(
    session: Session, cache: _Cache, gemeente: str, day: date
) -> list[FreeAccessFacts]:
    cached = cache.provisions.get(gemeente)
    remember = unchanged_since(session, "provisions", (gemeente, id(cached[1]) if cached else None))
    if remember is not None or cached is None:
        count, versions = _PROVISIONS_FINGERPRINT.all(session, {"gemeente": gemeente})[0]
        fingerprint = (int(count), int(versions))
        if cached is None or cached[0] != fingerprint:
            if len(cache.provisions) > 64:
                cache.provisions.clear()
            cached = cache.provisions[gemeente] = (fingerprint, _provisions(session, gemeente))
            remember = unchanged_since(session, "provisions", (gemeente, id(cached[1])))
        if remember is not None:
            remember()
    return [p for p in cached[1] if p.valid_on(day)]


def eligibility_in_session(
    session: Session,
    profile: RegionProfile,
    region: str,
    need: Need,
    limit: int | None = None,
    pool: CandidatePool | None = None,
) -> EligibilityResult:
    """:func:`eligible_providers` inside an open session (for other services); ``pool``:
    the need's candidates when the caller already read them in this session."""
    need, municipality = resolve_need(profile, need)
    policy = _policy(profile, need, municipality)
    cache = _cache(session)
    if need.segment == FREE_ACCESS_SEGMENT:
        pool = CandidatePool(())
        committed: Any = {}
    else:
        pool = pool if pool is not None else _pool(session, cache, region, need, profile)
        committed = _committed(session, need.start)
    provisions = (
        _cached_provisions(session, cache, municipality.name, need.start)
        if shows_free_access(profile, need)
        else []
    )
    return select_providers(
        pool, need, municipality.name, policy, committed, provisions, limit=limit
    )


def eligible_providers(ctx: AppContext, need: Need, limit: int | None = None) -> EligibilityResult:
    """Eligible providers for a need in rank order with reasons, the excluded ones with
    their reasons, and the free-access provisions (voorliggend) that may answer it.

    ``limit``: only the first page of the ranking (the picker); ``result.total`` counts
    all eligible providers. Without it every eligible provider is ranked (the CLI)."""
    with ctx.uow(readonly=True) as uow:
        return eligibility_in_session(uow.session, ctx.profile, ctx.profile.slug, need, limit)


# -- checking a choice ----------------------------------------------------------------------


_PROVIDER_NAME = select(_P.name).where(_P.agb == bindparam("agb"))
_BY_AGB = _BY_PROVIDER.where(_P.agb == bindparam("agb"), _C.region_slug == bindparam("region"))


def _provider_contracts(
    session: Session, region: str, agb: str
) -> tuple[str | None, list[ContractFacts]]:
    rows = core(session).execute(_BY_AGB, {"agb": agb, "region": region}).all()
    if rows:
        return rows[0][3], [_facts(r) for r in rows]
    name = core(session).execute(_PROVIDER_NAME, {"agb": agb}).scalar_one_or_none()
    return name, []


def choice_facts_in_session(
    session: Session,
    profile: RegionProfile,
    region: str,
    need: Need,
    provider_agb: str | None,
) -> ChoiceFacts:
    """Look up what :func:`choice_findings` needs to judge a choice."""
    need, municipality = resolve_need(profile, need)
    product = profile.product(need.product_code)
    pool = (
        CandidatePool(())
        if need.segment == FREE_ACCESS_SEGMENT
        else _pool(session, _cache(session), region, need)
    )
    group_offers = _group_alternatives(session, profile, region, need, municipality, pool)
    facts = ChoiceFacts(
        group_first_policy=profile.policies.group_offer_first,
        group_offers=group_offers,
        vorm=product.vorm if product else None,
        wonen_order=tuple(profile.policies.wonen_order),
        maatwerk_nee_tenzij=profile.policies.maatwerk_nee_tenzij,
    )
    if provider_agb is None:
        return facts
    # the usual case: the chosen provider has a fitting contract among the need's
    # candidates (read above); its other contracts are only needed to explain a misfit
    fitting = [
        c
        for c in pool.split(municipality.name)[0]
        if c.agb == provider_agb and not exclusions(c, need, municipality.name)
    ]
    if fitting:
        return _chosen(session, region, need, facts, fitting, fitting[0].naam)
    name, contracts = _provider_contracts(session, region, provider_agb)
    if name is None:
        return _replace(
            facts,
            chosen_name=provider_agb,
            chosen_exclusions=(
                exclusion_text(Exclusion.NOT_IN_CATALOGUE, None, need, municipality.name),
            ),
        )
    fitting = [c for c in contracts if not exclusions(c, need, municipality.name)]
    if fitting:
        return _chosen(session, region, need, facts, fitting, name)
    relevant = [c for c in contracts if c.product_code == need.product_code] or contracts
    for contract in relevant:
        found = exclusions(contract, need, municipality.name)
        sanctions = [e for e in found if e in (Exclusion.CLIENTENSTOP, Exclusion.GESCHORST)]
        if sanctions and len(found) == len(sanctions):
            status = "geschorst" if Exclusion.GESCHORST in sanctions else "clientenstop"
            return _replace(facts, chosen_name=name, chosen_sanction=status)
    texts: list[str] = []
    for contract in relevant:
        for code in exclusions(contract, need, municipality.name):
            text = exclusion_text(code, contract, need, municipality.name)
            if text not in texts:
                texts.append(text)
    if not contracts:
        texts.append(
            exclusion_text(Exclusion.NOT_CONTRACTED_SEGMENT, None, need, municipality.name)
        )
    return _replace(facts, chosen_name=name, chosen_exclusions=tuple(texts))


#: how many group offers a GROUP_OFFER_FIRST finding names
GROUP_OFFERS_NAMED = 3


def _chosen(
    session: Session,
    region: str,
    need: Need,
    facts: ChoiceFacts,
    fitting: list[ContractFacts],
    name: str,
) -> ChoiceFacts:
    chosen = min(fitting, key=lambda c: (c.waiting_weeks or 0, c.valid_from))
    figure = budget_figures(session, region, [chosen.provider_id], need.start).get(
        chosen.provider_id
    )
    return _replace(
        facts,
        chosen=chosen,
        chosen_name=name,
        budget=figure.year_budget if figure is not None else None,
        committed=figure.committed if figure is not None else Decimal(0),
    )


def _group_alternatives(
    session: Session,
    profile: RegionProfile,
    region: str,
    need: Need,
    municipality: Municipality,
    pool: CandidatePool,
) -> tuple[str, ...]:
    """Group help that could answer the need instead of individual help (003 §2.2, 002
    bijlage D): group contracts for this product, contracted group *products* of the same
    segment in the municipality, and free-access group offers on the goal's themes.
    Never for crisis, verblijf, wonen or consultatie (acute or out-of-home help)."""
    product = profile.product(need.product_code)
    if (
        not profile.policies.group_offer_first
        or need.segment in NO_GROUP_FIRST_SEGMENTS
        or product is None
        or product.group
    ):
        return ()
    # group offers rank first under this policy, so the first few of the ranking are the
    # first few group offers (a finding names at most three); without any group contract
    # in the pool and without themes to match free-access offers, the ranking has no answer
    found: list[str] = []
    result = None
    if need.wished_themes() or any(c.group_offer for c in pool.contracts):
        result = eligibility_in_session(
            session, profile, region, need, limit=GROUP_OFFERS_NAMED, pool=pool
        )
        found = [p.naam for p in result.eligible if p.group_offer]
    cache = _cache(session)
    for group in profile.products_in(need.segment):
        if not group.group or group.code == product.code:
            continue
        pool = _pool(session, cache, region, replace(need, product_code=group.code))
        serving, _ = pool.split(municipality.name)
        for c in serving:
            if not exclusions(c, replace(need, product_code=group.code), municipality.name):
                found.append(f"{group.name} ({group.code}) bij {c.naam}")
                break
    if need.wished_themes() and result is not None:
        found += [v.naam for v in result.voorliggend if v.group_offer]
    return tuple(dict.fromkeys(found))


_BUDGETS = (
    select(_C.provider_id, type_coerce(_C.budget_year, String), _P.name)
    .join(Provider.__table__, _P.id == _C.provider_id)
    .where(
        _C.provider_id.in_(bindparam("ids", expanding=True)),
        _C.region_slug == bindparam("region"),
        _C.budget_year.is_not(None),
        _C.valid_from <= bindparam("last"),
        (_C.valid_to.is_(None)) | (_C.valid_to >= bindparam("first")),
    )
)

_BUDGET_ONE = Prepared(
    select(_C.provider_id, type_coerce(_C.budget_year, String), _P.name)
    .join(Provider.__table__, _P.id == _C.provider_id)
    .where(
        _C.provider_id == bindparam("id"),
        _C.region_slug == bindparam("region"),
        _C.budget_year.is_not(None),
        _C.valid_from <= bindparam("last"),
        (_C.valid_to.is_(None)) | (_C.valid_to >= bindparam("first")),
    )
)


def budget_figures(
    session: Session, region: str, provider_ids: Iterable[uuid.UUID], day: date
) -> dict[uuid.UUID, BudgetFigure]:
    """The one budget figure per provider for the half year holding ``day``: the sum of
    its contracts' year budgets (valid in that half year) and its commitments there."""
    ids = list(dict.fromkeys(provider_ids))
    if not ids:
        return {}
    period = half_year(day)
    if len(ids) == 1:  # the chosen provider of a check: a prepared hot read
        rows = _BUDGET_ONE.all(
            session, {"id": ids[0], "region": region, "first": period[0], "last": period[1]}
        )
    else:
        rows = (
            core(session)
            .execute(
                _BUDGETS, {"ids": ids, "region": region, "first": period[0], "last": period[1]}
            )
            .all()
        )
    budgets: dict[uuid.UUID, Decimal] = {}
    names: dict[uuid.UUID, str] = {}
    for provider_id, amount, name in rows:
        budgets[provider_id] = budgets.get(provider_id, Decimal(0)) + Decimal(str(amount))
        names[provider_id] = name
    committed = _committed_kept(session, list(budgets), period)
    return {
        provider_id: BudgetFigure(
            provider_id, names[provider_id], period, budget, committed.get(provider_id, Decimal(0))
        )
        for provider_id, budget in budgets.items()
    }


def _replace(facts: ChoiceFacts, **changes: Any) -> ChoiceFacts:
    return replace(facts, **changes)


def check_provider_choice(
    ctx: AppContext,
    need: Need,
    provider_agb: str | None,
    maatwerk: MaatwerkProvider | None = None,
    motivation: str | None = None,
    wonen_motivation: str | None = None,
    *,
    session: Session | None = None,
) -> list[Finding]:
    """Findings about choosing ``provider_agb`` (or a maatwerk provider) for a need.

    Codes: PROVIDER_REQUIRED, PROVIDER_NOT_ELIGIBLE (approval; maatwerk "nee, tenzij"),
    PROVIDER_SUSPENDED (error: cliëntenstop/geschorst), GROUP_OFFER_FIRST (approval),
    WONEN_ORDER (approval, with ``wonen_motivation``), BUDGET_SIGNAL (warning only),
    MAATWERK_NAME_MISSING / MAATWERK_AGB_INVALID (errors). Approval findings without a
    motivation come back as errors. Pass ``session`` to run inside an open unit of work.
    """
    agb = validate_agb(provider_agb) if provider_agb else None
    if session is not None:
        facts = choice_facts_in_session(session, ctx.profile, ctx.profile.slug, need, agb)
    else:
        with ctx.uow(readonly=True) as uow:
            facts = choice_facts_in_session(uow.session, ctx.profile, ctx.profile.slug, need, agb)
    return choice_findings(
        facts,
        need,
        provider_chosen=agb is not None,
        maatwerk=maatwerk,
        motivation=motivation,
        wonen_motivation=wonen_motivation,
    )
