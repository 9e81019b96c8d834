"""Ranking the providers for a need, with the reasons, fast enough for thousands of contracts.

Order (seed 003 §2.2/§5.2, 001, 004): group offers first where the region says
"groepsaanbod tenzij"; then providers preferent in the family's wijk; the strategic
partner of the area (hoofdaannemer before onderaannemer); a match with the identity the
family asks for; the theme; the shortest waiting time; the most budget headroom (budget
minus the max costs already committed); then name. A provider with several fitting
contracts for the product appears once, with its best contract.

The reason texts live in :mod:`jeugdtoegang.domain.selection_texts`.
A :class:`CandidatePool` holds the contracts of one (segment, product) and splits them
per municipality once, so repeated selections only compare dates, status and ranks.
"""

from __future__ import annotations

import bisect
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from jeugdtoegang.domain.free_access import free_access_offers
from jeugdtoegang.domain.providers import (
    ALL,
    LIST_SEPARATOR,
    ContractFacts,
    EligibilityResult,
    FreeAccessFacts,
    Need,
    RankedProvider,
    RankingPolicy,
)
from jeugdtoegang.domain.selection_texts import (
    ROLE_RANK,
    Matches,
    Reasons,
    ReasonTexts,
    excluded_providers,
)

ACTIVE = "actief"
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
        partners = {agb: ROLE_RANK.get(role, 2) for agb, role in policy.strategic_partners.items()}
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


class _Front:
    """The front of a window's static order that can reach a page of ``limit`` providers
    without any need-dependent match: the first ``limit`` providers and every row tied
    with the last of them (``cut`` rows), grouped per provider once."""

    __slots__ = ("best", "cut", "members")

    def __init__(self, entries: list[_Entry], limit: int | None) -> None:
        cut = len(entries)
        if limit is not None:
            seen: set[str] = set()
            last = None
            for index, entry in enumerate(entries):
                if len(seen) >= limit and entry[0] != last:
                    cut = index
                    break
                seen.add(entry[1])
                last = entry[0]
        self.cut = cut
        #: per AGB: the smallest key of its rows in the front (the rows are in key order)
        self.best: dict[str, int] = {}
        #: per AGB: its rows in the front, by position
        self.members: dict[str, list[int]] = {}
        for index in range(cut):
            agb = entries[index][1]
            if agb in self.members:
                self.members[agb].append(index)
            else:
                self.best[agb] = entries[index][0]
                self.members[agb] = [index]


#: a row of a window: (key without the need-dependent matches, AGB, contract, half the
#: year budget or None, provider id, partner rank)
_Entry = tuple[int, str, ContractFacts, Decimal | None, uuid.UUID, int]


class _Window:
    """The contracts that fit on every day between two contract boundaries (validity,
    status, segment and product), in the static order, with indexes on the need-dependent
    ranking parts.

    The ranking key (group, wijk, partner, identity, theme, waiting time) is folded into
    one integer in mixed radix, so a row's key is its static key minus the weights of the
    matches a need brings (each match ranks a row before every row without it)."""

    def __init__(self, rows: list[_Row]) -> None:
        self.rows = rows  # in the prepared (static) order
        self.agbs = frozenset(r[11].agb for r in rows)
        self.ids = frozenset(id(r[11]) for r in rows)
        waits = [r[10] for r in rows]
        low = min(waits, default=0)
        radix = max(waits, default=0) - low + 1
        #: the weights of a theme, identity and wijk match (t < i < w in the key's order)
        self.theme_weight = radix
        self.identity_weight = 2 * radix
        self.wijk_weight = 12 * radix
        self.entries: list[_Entry] = [
            (
                ((((r[5] * 2 + 1) * 3 + r[7]) * 2 + 1) * 2 + 1) * radix + r[10] - low,
                r[11].agb,
                r[11],
                None if r[11].budget_year is None else r[11].budget_year / 2,
                r[11].provider_id,
                r[7],
            )
            for r in rows
        ]
        self.any_wijk: list[int] = []
        self.wijk: dict[str, list[int]] = {}
        self.identity: dict[str, list[int]] = {}
        self.theme: dict[str, list[int]] = {}
        for index, r in enumerate(rows):
            if r[6] is True:
                self.any_wijk.append(index)
            elif r[6]:
                for name in r[6]:
                    self.wijk.setdefault(name, []).append(index)
            if r[8]:
                self.identity.setdefault(r[8], []).append(index)
            for theme in r[9] or ():
                self.theme.setdefault(theme, []).append(index)
        self._fronts: dict[int | None, _Front] = {}

    def front(self, limit: int | None) -> _Front:
        found = self._fronts.get(limit)
        if found is None:
            if len(self._fronts) > 8:
                self._fronts.clear()
            found = self._fronts[limit] = _Front(self.entries, limit)
        return found

    def matches(self, wijk: str | None, identity: str | None, theme: str | None) -> dict[int, int]:
        """Per row with a match for the need: the weight it moves forward by."""
        found: dict[int, int] = {}
        if wijk:
            weight = self.wijk_weight
            for index in self.any_wijk:
                found[index] = weight
            for index in self.wijk.get(wijk, ()):
                found[index] = weight
        if identity:
            weight = self.identity_weight
            for index in self.identity.get(identity, ()):
                found[index] = found.get(index, 0) + weight
        if theme:
            weight = self.theme_weight
            for index in self.theme.get(theme, ()):
                found[index] = found.get(index, 0) + weight
        return found

    def matched(self, weight: int, partner: int) -> Matches:
        """What a row's match weight (and partner rank) says, for its reasons."""
        if not weight:
            return _MATCHES[4 if partner != 2 else 0]
        return _MATCHES[
            (weight >= self.wijk_weight) * 8
            + (partner != 2) * 4
            + (weight % self.wijk_weight >= self.identity_weight) * 2
            + (weight % self.identity_weight >= self.theme_weight)
        ]


#: every combination of matches, by (wijk, partner, identity, theme) as bits 8-4-2-1
_MATCHES = tuple(
    Matches(bool(code & 8), bool(code & 4), bool(code & 2), bool(code & 1)) for code in range(16)
)


#: commitments per provider: a mapping, or a function that reads them for the given
#: provider ids (so a page of the ranking reads only the providers it may show) and
#: returns a mapping or their amounts in the order asked
Commitments = (
    Mapping[uuid.UUID, Decimal]
    | Callable[[Sequence[uuid.UUID]], Mapping[uuid.UUID, Decimal] | Sequence[Decimal]]
)
_new = tuple.__new__


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
    partners = {agb: ROLE_RANK.get(role, 2) for agb, role in policy.strategic_partners.items()}
    window = pool.prepared(gemeente, policy.group_offer_first, partners).window(
        need.start, need.segment, need.product_code
    )
    total = len(window.agbs)
    eligible: list[RankedProvider] = []
    if limit is None or limit > 0:
        eligible = _ranked(window, need, policy, committed, gemeente, limit)
    fits = window.agbs

    def blocked() -> list[ContractFacts]:
        return [*others, *(c for c in pool.split(gemeente)[0] if id(c) not in window.ids)]

    return EligibilityResult(
        eligible,
        lambda: excluded_providers(blocked(), fits, need, gemeente),
        free_access_offers(voorliggend, need, gemeente),
        total=total,
        excluded_count=lambda: len({c.agb for c in blocked()} - fits),
    )


def _ranked(
    window: _Window,
    need: Need,
    policy: RankingPolicy,
    committed: Commitments,
    gemeente: str,
    limit: int | None,
) -> list[RankedProvider]:
    """The first ``limit`` (all: None) eligible providers in rank order.

    Rows without a match for the need rank in their static order, so only the rows with a
    match and the window's front (:class:`_Front`) can reach the page. A provider ranks by
    its best row: (key, most budget headroom, static position: name, then AGB)."""
    entries = window.entries
    front = window.front(limit if limit is not None and len(window.agbs) > limit else None)
    matched = window.matches(
        need.wijk if policy.preferred_per_wijk else None,
        need.identity.casefold() if need.identity else None,
        need.theme.casefold() if need.theme else None,
    )
    best = front.best
    members = front.members
    extra: dict[str, list[int]] = {}
    if matched:
        best = best.copy()
        cut = front.cut
        for index, weight in matched.items():
            entry = entries[index]
            key = entry[0] - weight
            agb = entry[1]
            current = best.get(agb)
            if current is None or key < current:
                best[agb] = key
            if index >= cut:
                extra.setdefault(agb, []).append(index)
    shown: Iterable[str] = best
    if limit is not None and len(best) > limit:
        # only providers whose key without the budget can still reach the page
        threshold = sorted(best.values())[limit - 1]
        shown = [agb for agb, key in best.items() if key <= threshold]
    groups = [members.get(agb, []) + extra[agb] if agb in extra else members[agb] for agb in shown]
    spent = _spent(entries, groups, committed)
    weight_of = matched.get
    ranked = []
    for group in groups:
        found = None
        for index in group:
            key, _, _, half, _, _ = entries[index]
            if index in matched:
                key -= matched[index]
            if half is None:
                full = (key, _NO_BUDGET, index, None)
            else:
                room = half - spent[index]
                full = (key, -room, index, room)
            if found is None or full < found:
                found = full
        ranked.append(found)
    ranked.sort()
    if limit is not None:
        ranked = ranked[:limit]
    texts = ReasonTexts(need, gemeente, policy)
    result = []
    for position, (_, _, index, room) in enumerate(ranked, start=1):
        entry = entries[index]
        c = entry[2]
        matches = window.matched(weight_of(index, 0), entry[5])
        result.append(
            _new(
                RankedProvider,
                (
                    c.agb,
                    c.naam,
                    c.provider_id,
                    c.contract_id,
                    position,
                    Reasons(matches, c, room, texts, policy),
                    c.waiting_weeks,
                    c.tariff,
                    c.unit,
                    c.group_offer,
                ),
            )
        )
    return result


def _spent(
    entries: list[_Entry], groups: list[list[int]], committed: Commitments
) -> dict[int, Decimal]:
    """The commitments of the budgeted rows in ``groups``, by row position (read once)."""
    budgeted = [index for group in groups for index in group if entries[index][3] is not None]
    if not budgeted:
        return {}
    if callable(committed):
        found = committed([entries[index][4] for index in budgeted])
        if not isinstance(found, Mapping):
            return dict(zip(budgeted, found, strict=True))
        committed = found
    return {index: committed.get(entries[index][4], _ZERO) for index in budgeted}
