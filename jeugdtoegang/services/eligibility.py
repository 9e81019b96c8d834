"""Which providers may deliver a need, in which order, and what a choice requires.

The hot path reads nothing when the kept candidate pool of (region, segment, product) is
still current (:mod:`jeugdtoegang.services.eligibility_pools`); otherwise one indexed
query for the candidate contracts with plain columns (no ORM objects,
:mod:`jeugdtoegang.storage.eligibility_queries`). The ranking happens in memory
(:func:`jeugdtoegang.domain.selection.select_providers`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

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
    choice_findings,
    exclusion_text,
    exclusions,
    validate_agb,
)
from jeugdtoegang.domain.selection import CandidatePool, select_providers
from jeugdtoegang.errors import FieldError, ValidationError
from jeugdtoegang.regions import Municipality, Product, RegionProfile
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.eligibility_pools import (
    Kept,
    candidate_pool,
    committed_kept,
    committed_reader,
    current_provisions,
    fingerprints_ahead,
    forget_pools,
    kept_for,
    kept_for_engine,
    quick_committed,
    quick_pool,
    quick_provisions,
    ranking_policy,
)
from jeugdtoegang.storage import eligibility_queries as q
from jeugdtoegang.storage.hot import connection
from jeugdtoegang.storage.quick_reads import QuickReads, quick_reads

__all__ = [
    "budget_figures",
    "check_provider_choice",
    "choice_facts_in_session",
    "core",
    "eligibility_in_session",
    "eligible_providers",
    "forget_pools",
    "resolve_need",
    "shows_free_access",
]


def core(session: Session) -> Any:
    """The session's connection for plain Core reads of the hot paths (the ORM execution
    layer costs more than these small indexed queries); pending changes are flushed first,
    as ``session.execute`` would."""
    return connection(session)


#: (profile, segment, product, gemeente, wijk) → (product code, municipality) of a need
#: that passed the checks; the profile is kept in the value, so a new profile object never
#: meets the answer for an old one
_RESOLVED: dict[tuple[int, str, str, str, str | None], tuple[RegionProfile, str, Municipality]] = {}


def resolve_need(profile: RegionProfile, need: Need) -> tuple[Need, Municipality]:
    """Check the need against the region and normalise product code and municipality
    (the answer for a need that passed is kept: the picker asks the same needs again)."""
    key = (id(profile), need.segment, need.product_code, need.gemeente, need.wijk)
    kept = _RESOLVED.get(key)
    if kept is None or kept[0] is not profile:
        code, municipality = _resolve(profile, need)
        if len(_RESOLVED) > 1024:
            _RESOLVED.clear()
        _RESOLVED[key] = (profile, code, municipality)
    else:
        code, municipality = kept[1], kept[2]
    if code != need.product_code or municipality.name != need.gemeente:
        need = replace(need, product_code=code, gemeente=municipality.name)
    return need, municipality


def _resolve(profile: RegionProfile, need: Need) -> tuple[str, Municipality]:
    """(the product's code, the municipality) of a need, or the Dutch errors."""
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
    return product.code, municipality


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
    policy = ranking_policy(profile, need, municipality)
    kept = kept_for(session)
    if need.segment == FREE_ACCESS_SEGMENT:
        pool = CandidatePool(())
        committed: Any = {}
    else:
        pool = pool if pool is not None else candidate_pool(session, kept, region, need, profile)
        committed = committed_reader(session, need.start)
    provisions = (
        current_provisions(session, kept, municipality.name, need.start)
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
    all eligible providers. Without it every eligible provider is ranked (the CLI).

    When the kept pool (and provisions) are current, the answer needs no Session: a read
    transaction on a pooled connection checks that (:mod:`jeugdtoegang.storage.quick_reads`);
    otherwise, or on another database than SQLite, a read-only unit of work."""
    profile = ctx.profile
    engine = ctx.database.engines.read
    kept = kept_for_engine(engine)
    if kept is not None:
        resolved, municipality = resolve_need(profile, need)
        with quick_reads(engine) as reads:
            if reads is not None:
                found = _from_kept(reads, kept, profile, resolved, municipality, limit)
                if found is not None:
                    return found
    with ctx.uow(readonly=True) as uow:
        return eligibility_in_session(uow.session, profile, profile.slug, need, limit)


def _from_kept(
    reads: QuickReads,
    kept: Kept,
    profile: RegionProfile,
    need: Need,
    municipality: Municipality,
    limit: int | None,
) -> EligibilityResult | None:
    """:func:`eligibility_in_session` from kept values only; None when something must be
    read or built first (then the Session path does it)."""
    committed: Any = {}
    if need.segment == FREE_ACCESS_SEGMENT:
        pool: CandidatePool | None = CandidatePool(())
    else:
        pool = quick_pool(reads, kept, profile.slug, need)
        if pool is None:
            return None
        committed = quick_committed(reads, need.start)
    provisions: list[FreeAccessFacts] | None = []
    if shows_free_access(profile, need):
        provisions = quick_provisions(reads, kept, municipality.name, need.start)
        if provisions is None:
            return None
    policy = ranking_policy(profile, need, municipality)
    return select_providers(
        pool, need, municipality.name, policy, committed, provisions, limit=limit
    )


# -- checking a choice ----------------------------------------------------------------------


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
    if need.segment == FREE_ACCESS_SEGMENT:
        pool = CandidatePool(())
        group_offers = _group_alternatives(session, profile, region, need, municipality, pool)
    else:
        groups = _group_products(profile, need)
        with fingerprints_ahead(
            session,
            region,
            need.segment,
            pool_products(profile, need),
            municipality.name if groups is not None and shows_free_access(profile, need) else None,
        ):
            pool = candidate_pool(session, kept_for(session), region, need)
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
    name, contracts = q.provider_contracts(session, region, provider_agb)
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


def pool_products(profile: RegionProfile, need: Need) -> list[str]:
    """The products whose candidate pools a choice check of the need reads: its own and
    the group products it may name instead (their fingerprints are read together)."""
    return [need.product_code, *(g.code for g in _group_products(profile, need) or ())]


def _group_products(profile: RegionProfile, need: Need) -> list[Product] | None:
    """The group products whose contracts :func:`_group_alternatives` names; None when it
    looks for no group help at all."""
    product = profile.product(need.product_code)
    if (
        not profile.policies.group_offer_first
        or need.segment in NO_GROUP_FIRST_SEGMENTS
        or product is None
        or product.group
    ):
        return None
    return [g for g in profile.products_in(need.segment) if g.group and g.code != product.code]


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
    groups = _group_products(profile, need)
    if groups is None:
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
    kept = kept_for(session)
    for group in groups:
        group_need = replace(need, product_code=group.code)
        pool = candidate_pool(session, kept, region, group_need)
        serving, _ = pool.split(municipality.name)
        for c in serving:
            if not exclusions(c, group_need, municipality.name):
                found.append(f"{group.name} ({group.code}) bij {c.naam}")
                break
    if need.wished_themes() and result is not None:
        found += [v.naam for v in result.voorliggend if v.group_offer]
    return tuple(dict.fromkeys(found))


def budget_figures(
    session: Session, region: str, provider_ids: Iterable[uuid.UUID], day: date
) -> dict[uuid.UUID, BudgetFigure]:
    """The one budget figure per provider for the half year holding ``day``: the sum of
    its contracts' year budgets (valid in that half year) and its commitments there."""
    ids = list(dict.fromkeys(provider_ids))
    if not ids:
        return {}
    period = half_year(day)
    rows = q.budget_rows(session, region, ids, *period)
    budgets: dict[uuid.UUID, Decimal] = {}
    names: dict[uuid.UUID, str] = {}
    for provider_id, amount, name in rows:
        budgets[provider_id] = budgets.get(provider_id, Decimal(0)) + Decimal(str(amount))
        names[provider_id] = name
    committed = committed_kept(session, list(budgets), period)
    return {
        provider_id: BudgetFigure(provider_id, names[provider_id], period, budget, spent)
        for (provider_id, budget), spent in zip(budgets.items(), committed, strict=True)
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
