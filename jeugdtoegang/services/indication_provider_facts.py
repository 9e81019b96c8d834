"""The provider side of an indication check: the providers area's choice check and the
money a provider has already committed (for the budget signal).

Split from :mod:`jeugdtoegang.services.indication_inputs`, which gathers the rest of the
rule context and re-exports these names for its callers.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from jeugdtoegang.domain.costs import max_cost, to_cents
from jeugdtoegang.domain.findings import Finding, Severity
from jeugdtoegang.domain.indication_policies import ChosenContract
from jeugdtoegang.domain.indication_rules import IndicationProposal, suggested_end
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.eligibility_queries import contract_reads
from jeugdtoegang.storage.indication_queries import committed_rows
from jeugdtoegang.storage.read_ahead import Reads

if TYPE_CHECKING:
    from jeugdtoegang.services.indication_inputs import IndicationDraft, Subject

#: a non-empty placeholder so the provider check keeps approval findings as approvals;
#: the per-code motivations are applied afterwards by the indication rules
_DEFER = "(motivering per bevinding)"


def committed_by_provider(
    session: Session, provider_ids: Iterable[uuid.UUID], start: date, end: date
) -> dict[uuid.UUID, Decimal]:
    """Money committed at each provider within start..end (approved or issued indications).

    Each indication's maximum cost counts pro rata for the days its term overlaps the
    period, rounded to the cent. Dates and amounts are read as plain text (no per-row type
    processing): this runs for every candidate provider of every check.
    """
    ids = list(set(provider_ids))
    if not ids:
        return {}
    rows = committed_rows(session, ids, start, end)
    period_start, period_end = start.toordinal(), end.toordinal()
    totals: dict[uuid.UUID, Decimal] = defaultdict(Decimal)
    for provider_id, term_start, term_end, cost in rows:
        if cost is None:
            continue
        first = _ordinal(term_start)
        last = _ordinal(term_end)
        days = last - first + 1
        overlap = min(last, period_end) - max(first, period_start) + 1
        if days <= 0 or overlap <= 0:
            continue
        amount = Decimal(cost)
        totals[provider_id] += amount if overlap >= days else amount * overlap / days
    return {k: to_cents(v) for k, v in totals.items()}


def _ordinal(value: object) -> int:
    if isinstance(value, date):
        return value.toordinal()
    return date.fromisoformat(str(value)[:10]).toordinal()


@dataclass(frozen=True)
class ProviderFacts:
    provider_id: uuid.UUID | None
    name: str
    tariff: Decimal | None
    findings: tuple[Finding, ...]
    chosen: ChosenContract | None = None


def provider_facts(
    ctx: AppContext,
    session: Session,
    draft: IndicationDraft,
    subject: Subject,
    expected_cost: Decimal | None,
) -> ProviderFacts:
    """Run the providers area's choice check; falls back gracefully when it is absent."""
    proposal = draft.proposal
    try:
        from jeugdtoegang.services import eligibility
    except ImportError:  # providers area not installed yet
        return ProviderFacts(draft.provider_id, "", proposal.tariff, ())
    return eligibility_adapter(ctx, session, eligibility, draft, subject, expected_cost)


def provider_reads(ctx: AppContext, session: Session, draft: IndicationDraft) -> Reads:
    """The provider check's reads that need no answer of the jeugdige's reads first: the
    fingerprints of the candidate pools (and of the free-access provisions of every
    municipality of the region, the jeugdige's among them), the chosen AGB's contracts
    (read in case the choice does not fit; a cheap indexed read) and the money it will
    ask about (:func:`~jeugdtoegang.services.eligibility_pools.budget_reads_ahead`). For
    :func:`~jeugdtoegang.storage.read_ahead.reads_ahead`: nothing else decides here."""
    from jeugdtoegang.domain.providers import Need
    from jeugdtoegang.errors import ValidationError
    from jeugdtoegang.services import eligibility
    from jeugdtoegang.services.eligibility_pools import budget_reads_ahead

    proposal = draft.proposal
    product = ctx.profile.product(proposal.product_code)
    if (
        product is None
        or product.segment != proposal.segment
        or proposal.segment == eligibility.FREE_ACCESS_SEGMENT
    ):
        return {}
    need = Need(
        segment=proposal.segment, product_code=product.code, gemeente="", start=proposal.start
    )
    try:
        agb = _asked_agb(proposal)
    except ValidationError:
        agb = None  # the check itself reports it
    region = ctx.profile.slug
    reads = dict(
        contract_reads(
            region,
            proposal.segment,
            eligibility.pool_products(ctx.profile, need),
            ctx.profile.municipality_names,
            agb,
        )
    )
    reads.update(
        budget_reads_ahead(session, region, proposal.segment, product.code, agb, proposal.start)
    )
    return reads


def _asked_agb(proposal: IndicationProposal) -> str | None:
    """The AGB whose contracts the choice check reads: none without a chosen provider or
    for maatwerk; a malformed one raises :class:`~jeugdtoegang.errors.ValidationError`."""
    from jeugdtoegang.domain.providers import validate_agb

    agb = (proposal.provider_agb or "").strip() or None
    if agb is None or proposal.maatwerk_name is not None:
        return None
    return validate_agb(agb)


def eligibility_adapter(
    ctx: AppContext,
    session: Session,
    eligibility: Any,
    draft: IndicationDraft,
    subject: Subject,
    expected_cost: Decimal | None,
) -> ProviderFacts:
    """The providers area's choice check, inside this session.

    Uses ``choice_facts_in_session`` + ``choice_findings`` (rather than
    ``check_provider_choice``) so the chosen contract's tariff and provider id are known
    and the expected cost can be computed with that tariff for the budget signal. A
    placeholder motivation keeps approval findings as approvals; the per-code motivations
    are applied by the indication rules.
    """
    from jeugdtoegang.domain.providers import MaatwerkProvider, Need, choice_findings
    from jeugdtoegang.errors import ValidationError

    proposal = draft.proposal
    product = ctx.profile.product(proposal.product_code)
    if product is None or product.segment != proposal.segment:
        return ProviderFacts(draft.provider_id, "", proposal.tariff, ())
    maatwerk = (
        MaatwerkProvider(naam=proposal.maatwerk_name, agb=draft.extra.get("maatwerk_agb"))
        if proposal.maatwerk_name is not None
        else None
    )
    need = Need(
        segment=proposal.segment,
        product_code=product.code,
        gemeente=subject.gemeente,
        start=proposal.start,
        wijk=subject.wijk or None,
        theme=draft.extra.get("theme") or (proposal.themes[0] if proposal.themes else None),
        identity=proposal.identity_wish or draft.extra.get("identity"),
        themes=tuple(proposal.themes),
    )
    try:
        agb = _asked_agb(proposal)
        facts = eligibility.choice_facts_in_session(
            session, ctx.profile, ctx.profile.slug, need, agb
        )
    except ValidationError as error:
        findings = tuple(
            Finding("INPUT_INVALID", Severity.ERROR, e.message, e.field) for e in error.errors
        )
        return ProviderFacts(draft.provider_id, "", proposal.tariff, findings)
    chosen = facts.chosen
    tariff = proposal.tariff
    if chosen is not None and maatwerk is None:
        tariff = chosen.tariff
    end = proposal.end or suggested_end(
        ctx.profile, proposal.perspective, proposal.start, proposal.product_code
    )
    expected = expected_cost
    if end is not None and end >= proposal.start:
        expected = max_cost(
            proposal.volume, tariff, proposal.unit, proposal.frequency, proposal.start, end
        )
    need = replace(need, expected_cost=expected, end=end)
    findings = choice_findings(
        facts,
        need,
        provider_chosen=agb is not None,
        maatwerk=maatwerk,
        motivation=_DEFER,
        wonen_motivation=_DEFER,
    )
    return ProviderFacts(
        chosen.provider_id if chosen is not None and maatwerk is None else draft.provider_id,
        (chosen.naam if chosen is not None else facts.chosen_name or "") if not maatwerk else "",
        tariff,
        tuple(findings),
        ChosenContract(chosen.agb, chosen.naam, chosen.identity, chosen.waiting_weeks)
        if chosen is not None and maatwerk is None
        else None,
    )
