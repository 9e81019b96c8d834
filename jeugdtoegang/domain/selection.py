"""Ranking the providers for a need, with the reasons, fast enough for thousands of contracts.

Order (seed 003 §2.2/§5.2, 001, 004): group offers first where the region says
"groepsaanbod tenzij"; then providers preferent in the family's wijk; the strategic
partner of the area (hoofdaannemer before onderaannemer); a match with the identity the
family asks for; the theme; the shortest waiting time; the most budget headroom (budget
minus the max costs already committed); then name. A provider with several fitting
contracts for the product appears once, with its best contract.

A :class:`CandidatePool` holds the contracts of one (segment, product) and splits them
per municipality once, so repeated selections only compare dates, status and ranks.
"""

from __future__ import annotations

import bisect
import heapq
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.providers import (
    ALL,
    LIST_SEPARATOR,
    ContractFacts,
    EligibilityResult,
    ExcludedProvider,
    Exclusion,
    FreeAccessFacts,
    Need,
    RankedProvider,
    RankingPolicy,
    exclusion_text,
    exclusions,
    free_access_offers,
)

ACTIVE = "actief"
_ROLE_RANK = {"hoofdaannemer": 0, "onderaannemer": 1}
_NO_WAIT = 10_000
_NO_BUDGET = Decimal("Infinity")
_ZERO = Decimal(0)


class CandidatePool:
    """The contracts of one (segment, product), split per municipality on demand."""

    def __init__(self, contracts: Iterable[ContractFacts]) -> None:
        self.contracts = tuple(contracts)
        self._split: dict[str, tuple[tuple[ContractFacts, ...], tuple[ContractFacts, ...]]] = {}
        self.with_budget = frozenset(
            c.provider_id for c in self.contracts if c.budget_year is not None
        )
        self._prepared: dict[tuple[object, ...], _Prepared] = {}
        #: every contract's row in the static order, per ranking policy (shared by all
        #: municipalities: a municipality's prepared rows are a filter of it, no sort)
        self._ordered: dict[tuple[object, ...], list[_Row]] = {}

    def split(self, gemeente: str) -> tuple[tuple[ContractFacts, ...], tuple[ContractFacts, ...]]:
        """(contracts serving the municipality, contracts that do not)."""
        found = self._split.get(gemeente)
        if found is None:
            serving, others = [], []
            for c in self.contracts:
                if c.municipalities == ALL or gemeente in c.municipalities.split(LIST_SEPARATOR):
                    serving.append(c)
                else:
                    others.append(c)
            found = (tuple(serving), tuple(others))
            self._split[gemeente] = found
        return found

    def prepared(self, gemeente: str, group_first: bool, partners: Mapping[str, int]) -> _Prepared:
        """The serving contracts with the parts of their ranking key that do not depend on
        the need folded once (per municipality and ranking policy), for :func:`select_providers`."""
        policy = (group_first, tuple(sorted(partners.items())))
        key = (gemeente, *policy)
        found = self._prepared.get(key)
        if found is None:
            if len(self._prepared) > 64:
                self._prepared.clear()
            ordered = self._ordered.get(policy)
            if ordered is None:
                if len(self._ordered) > 16:
                    self._ordered.clear()
                ordered = self._ordered[policy] = _ordered_rows(
                    self.contracts, group_first, partners
                )
            serving = {id(c) for c in self.split(gemeente)[0]}
            found = self._prepared[key] = _Prepared([r for r in ordered if id(r[11]) in serving])
        return found

    def warm(self, gemeente: str, policy: RankingPolicy, need: Need) -> None:
        """Prepare the municipality's rows for the policy and the need's validity window
        ahead of its first selection (what :func:`select_providers` would build)."""
        partners = {agb: _ROLE_RANK.get(role, 2) for agb, role in policy.strategic_partners.items()}
        prepared = self.prepared(gemeente, policy.group_offer_first, partners)
        prepared.window(need.start, need.segment, need.product_code)


#: a contract's preferred wijken: None (none), True (all) or the set of wijk names
_Wijken = frozenset[str] | bool | None
#: (valid from, valid to, active, segment, product, group rank, preferred wijken, partner
#: rank, identity, themes, waiting rank, contract)
_Row = tuple[
    date, date, bool, str, str, int, _Wijken, int, str | None, frozenset[str] | None, int, Any
]
_FOREVER = date.max


def _wijken(preferred: str) -> _Wijken:
    if not preferred:
        return None
    if preferred == ALL:
        return True
    return frozenset(preferred.split(LIST_SEPARATOR))


class _Window:
    """The contracts that fit on every day between two contract boundaries (validity,
    status, segment and product), with indexes on the need-dependent ranking parts."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows  # in the prepared (static) order
        self.agbs = frozenset(r[11].agb for r in rows)
        self.ids = frozenset(id(r[11]) for r in rows)
        self.any_wijk = [r for r in rows if r[6] is True]
        self.wijk: dict[str, list[_Row]] = {}
        self.identity: dict[str, list[_Row]] = {}
        self.theme: dict[str, list[_Row]] = {}
        for r in rows:
            if isinstance(r[6], frozenset):
                for name in r[6]:
                    self.wijk.setdefault(name, []).append(r)
            if r[8]:
                self.identity.setdefault(r[8], []).append(r)
            for theme in r[9] or ():
                self.theme.setdefault(theme, []).append(r)


def _ordered_rows(
    contracts: Iterable[ContractFacts], group_first: bool, partners: Mapping[str, int]
) -> list[_Row]:
    """The contracts with the parts of their ranking key that do not depend on the need
    folded, in the order of those parts (group, partner, waiting time, name)."""
    rows: list[_Row] = [
        (
            c.valid_from,
            _FOREVER if c.valid_to is None else c.valid_to,
            c.status == ACTIVE,
            c.segment,
            c.product_code,
            0 if group_first and c.group_offer else 1,
            _wijken(c.preferred_wijken),
            partners.get(c.agb, 2),
            c.identity.casefold() if c.identity else None,
            frozenset(c.themes.casefold().split(LIST_SEPARATOR)) if c.themes else None,
            _NO_WAIT if c.waiting_weeks is None else c.waiting_weeks,
            c,
        )
        for c in contracts
    ]
    rows.sort(key=lambda r: (r[5], r[7], r[10], r[11].naam.casefold(), r[11].agb))
    return rows


class _Prepared:
    """The serving contracts of a pool for one municipality and ranking policy, in the
    order of the key parts that do not depend on the need (group, partner, waiting time,
    name), split into validity windows on first use."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows
        #: days on which the set of valid contracts changes
        points = {r[0].toordinal() for r in rows}
        points |= {r[1].toordinal() + 1 for r in rows if r[1] is not _FOREVER}
        self.points = sorted(points)
        self._windows: dict[tuple[int, str, str], _Window] = {}

    def window(self, start: date, segment: str, product: str) -> _Window:
        key = (bisect.bisect_right(self.points, start.toordinal()), segment, product)
        found = self._windows.get(key)
        if found is None:
            if len(self._windows) > 256:
                self._windows.clear()
            found = self._windows[key] = _Window(
                [
                    r
                    for r in self.rows
                    if r[0] <= start <= r[1] and r[2] and r[3] == segment and r[4] == product
                ]
            )
        return found


def _wijk_match(preferred: str, wijk: str | None) -> bool:
    return bool(wijk and preferred) and (
        preferred == ALL or wijk in preferred.split(LIST_SEPARATOR)
    )


class _Texts:
    """The Dutch reason texts of one selection, built once and shared between providers."""

    def __init__(self, need: Need, gemeente: str, policy: RankingPolicy) -> None:
        product = policy.product_name or need.product_code
        self.base = (
            f"Gecontracteerd voor {product} ({need.product_code}), geldig op "
            f"{short_date(need.start)}, werkt in {gemeente}, status actief."
        )
        self.group = (
            "Groepsaanbod (groepsaanbod gaat voor)."
            if policy.group_offer_first
            else "Groepsaanbod."
        )
        self.wijk = f"Preferente aanbieder in wijk {need.wijk}."
        self.partner = {
            role: f"Strategische partner ({role}) voor gebied {policy.area}." for role in _ROLE_RANK
        }
        self.theme = f"Werkt met thema '{need.theme}'."
        self._waiting: dict[int | None, str] = {}

    def waiting(self, weeks: int | None) -> str:
        text = self._waiting.get(weeks)
        if text is None:
            if weeks is None:
                text = "Wachttijd onbekend."
            else:
                text = f"Wachttijd {weeks} {'week' if weeks == 1 else 'weken'}."
            self._waiting[weeks] = text
        return text


#: commitments per provider: a mapping, or a function that reads them for the given
#: provider ids (so a page of the ranking reads only the providers it may show)
Commitments = (
    Mapping[uuid.UUID, Decimal] | Callable[[frozenset[uuid.UUID]], Mapping[uuid.UUID, Decimal]]
)


def select_providers(
    candidates: Iterable[ContractFacts] | CandidatePool,
    need: Need,
    gemeente: str,
    policy: RankingPolicy,
    committed: Commitments,
    voorliggend: Sequence[FreeAccessFacts] = (),
    *,
    limit: int | None = None,
) -> EligibilityResult:
    """Split candidate contracts into ranked eligible providers and excluded ones.

    ``candidates`` are the contracts for the need's product (other contracts are
    reported with NOT_CONTRACTED_* reasons). A provider is excluded only when none of its
    contracts fits; it is then listed once with the reasons of all its contracts.

    With ``limit`` only the first ``limit`` providers of the ranking are returned (a page:
    what a picker shows); ``EligibilityResult.total`` still counts every eligible one.
    The ranking keys before the budget need no data, so the budget headroom is read (when
    ``committed`` is a function) only for providers that can still reach the page.
    """
    pool = candidates if isinstance(candidates, CandidatePool) else CandidatePool(candidates)
    others = pool.split(gemeente)[1]
    start: date = need.start
    wijk = need.wijk
    identity = need.identity.casefold() if need.identity else None
    theme = need.theme.casefold() if need.theme else None
    group_first = policy.group_offer_first
    by_wijk = wijk if policy.preferred_per_wijk else None
    partners = {agb: _ROLE_RANK.get(role, 2) for agb, role in policy.strategic_partners.items()}
    segment, product = need.segment, need.product_code
    window = pool.prepared(gemeente, group_first, partners).window(start, segment, product)
    valid = window.rows
    total = len(window.agbs)
    considered = valid
    if limit is not None and total > limit:
        # Rows without a wijk/identity/theme match rank in their prepared (static) order, so
        # only the rows with such a match and the front of that order can reach the page:
        # the first ``limit`` providers, plus every row tied with the last of them.
        considered = []
        if by_wijk:
            considered += window.any_wijk
            considered += window.wijk.get(by_wijk, ())
        if identity:
            considered += window.identity.get(identity, ())
        if theme:
            considered += window.theme.get(theme, ())
        seen: set[str] = set()
        last: tuple[int, int, int] | None = None
        for r in valid:
            static = (r[5], r[7], r[10])
            if len(seen) >= limit and static != last:
                break
            considered.append(r)
            seen.add(r[11].agb)
            last = static
    #: per AGB: the best key without the budget, and its fitting contracts with their keys
    fitting: dict[str, list[Any]] = {}
    for _, _, _, _, _, g, wijken, p, ident, themes, wait, c in considered:
        key = (
            g,
            0 if by_wijk and wijken and (wijken is True or by_wijk in wijken) else 1,
            p,
            0 if identity and ident == identity else 1,
            0 if theme and themes and theme in themes else 1,
            wait,
        )
        entry = fitting.get(c.agb)
        if entry is None:
            fitting[c.agb] = [key, (key, c)]
        else:
            if key < entry[0]:
                entry[0] = key
            entry.append((key, c))
    shown: Iterable[list[Any]] = fitting.values()
    if limit is not None and len(fitting) > limit:
        if limit <= 0:
            shown = ()
        else:  # only providers whose key without the budget can still reach the page
            threshold = heapq.nsmallest(limit, (entry[0] for entry in fitting.values()))[-1]
            shown = [entry for entry in fitting.values() if entry[0] <= threshold]
    shown = list(shown)
    if callable(committed):
        budgeted = frozenset(
            c.provider_id for entry in shown for _, c in entry[1:] if c.budget_year is not None
        )
        committed = committed(budgeted) if budgeted else {}
    best: dict[str, tuple[tuple[object, ...], ContractFacts, Decimal | None]] = {}
    for entry in shown:
        for key, c in entry[1:]:
            room = (
                None
                if c.budget_year is None
                else c.budget_year / 2 - committed.get(c.provider_id, _ZERO)
            )
            full = (*key, _NO_BUDGET if room is None else -room, c.naam.casefold(), c.agb)
            current = best.get(c.agb)
            if current is None or full < current[0]:
                best[c.agb] = (full, c, room)
    texts = _Texts(need, gemeente, policy)
    ranked = sorted(best.values(), key=lambda item: item[0])
    if limit is not None:
        ranked = ranked[: max(limit, 0)]
    eligible = [
        RankedProvider(
            c.agb,
            c.naam,
            c.provider_id,
            c.contract_id,
            position,
            Reasons(key, c, room, texts, policy),
            c.waiting_weeks,
            c.tariff,
            c.unit,
            c.group_offer,
        )
        for position, (key, c, room) in enumerate(ranked, start=1)
    ]
    fits = window.agbs

    def blocked() -> list[ContractFacts]:
        return [*others, *(c for c in pool.split(gemeente)[0] if id(c) not in window.ids)]

    return EligibilityResult(
        eligible,
        lambda: _excluded(blocked(), fits, need, gemeente),
        free_access_offers(voorliggend, need, gemeente),
        total=total,
        excluded_count=lambda: len({c.agb for c in blocked()} - fits),
    )


class Reasons(Sequence[str]):
    """The Dutch reasons of one ranked provider, written out when first read."""

    __slots__ = ("_args", "_texts")

    def __init__(
        self,
        key: tuple[object, ...],
        c: ContractFacts,
        room: Decimal | None,
        texts: _Texts,
        policy: RankingPolicy,
    ) -> None:
        self._args = (key, c, room, texts, policy)
        self._texts: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._texts is None:
            self._texts = _reasons(*self._args)  # type: ignore[arg-type]
        return self._texts

    def __getitem__(self, index: int) -> str:  # type: ignore[override]
        return self._all()[index]

    def __len__(self) -> int:
        return len(self._all())

    def __iter__(self) -> Iterator[str]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return self._all() == tuple(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._all())


def _reasons(
    key: tuple[object, ...],
    c: ContractFacts,
    room: Decimal | None,
    texts: _Texts,
    policy: RankingPolicy,
) -> tuple[str, ...]:
    reasons = [texts.base]
    if c.group_offer:
        reasons.append(texts.group)
    if key[1] == 0:
        reasons.append(texts.wijk)
    if key[2] != 2:
        reasons.append(texts.partner[policy.strategic_partners[c.agb]])
    if key[3] == 0:
        reasons.append(f"Identiteit past bij de wens: {c.identity}.")
    if key[4] == 0:
        reasons.append(texts.theme)
    reasons.append(texts.waiting(c.waiting_weeks))
    if room is not None:
        reasons.append(f"Budgetruimte {money(room)}.")
    return tuple(reasons)


def _excluded(
    blocked: list[ContractFacts],
    fitting: Collection[str],
    need: Need,
    gemeente: str,
) -> list[ExcludedProvider]:
    per_provider: dict[str, list[ContractFacts]] = {}
    for c in blocked:
        if c.agb not in fitting:
            per_provider.setdefault(c.agb, []).append(c)
    shared: dict[tuple[Exclusion, date | None], str] = {}
    result = []
    for contracts in per_provider.values():
        codes: list[str] = []
        reasons: list[str] = []
        for c in contracts:
            for code in exclusions(c, need, gemeente):
                day = (
                    c.valid_from
                    if code is Exclusion.NOT_YET_VALID
                    else c.valid_to
                    if code is Exclusion.EXPIRED
                    else None
                )
                text = shared.get((code, day))
                if text is None:
                    text = shared[(code, day)] = exclusion_text(code, c, need, gemeente)
                if text not in reasons:
                    codes.append(code.value)
                    reasons.append(text)
        first = contracts[0]
        result.append(ExcludedProvider(first.agb, first.naam, tuple(reasons), tuple(codes)))
    result.sort(key=lambda p: (p.naam.casefold(), p.agb))
    return result
