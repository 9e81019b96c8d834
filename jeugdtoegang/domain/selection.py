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

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from decimal import Decimal

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
        #: commitment snapshots that already hold every provider of this pool
        self.covered_by: list[object] = []
        self._rooms: list[tuple[Mapping[uuid.UUID, Decimal], dict[int, Decimal | None]]] = []

    def rooms(self, committed: Mapping[uuid.UUID, Decimal]) -> dict[int, Decimal | None]:
        """Budget headroom per contract in the half year (half the year budget minus the
        half year's commitments, as :mod:`jeugdtoegang.domain.budget` counts them) (keyed by ``id()`` of the pool's own facts), for one
        snapshot of the commitments (snapshots are kept and compared by identity)."""
        for snapshot, rooms in self._rooms:
            if snapshot is committed:
                return rooms
        rooms = {
            id(c): None
            if c.budget_year is None
            else c.budget_year / 2 - committed.get(c.provider_id, _ZERO)
            for c in self.contracts
        }
        self._rooms = [*self._rooms[-3:], (committed, rooms)]
        return rooms

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


def select_providers(
    candidates: Iterable[ContractFacts] | CandidatePool,
    need: Need,
    gemeente: str,
    policy: RankingPolicy,
    committed: Mapping[uuid.UUID, Decimal],
    voorliggend: Sequence[FreeAccessFacts] = (),
) -> EligibilityResult:
    """Split candidate contracts into ranked eligible providers and excluded ones.

    ``candidates`` are the contracts for the need's product (other contracts are
    reported with NOT_CONTRACTED_* reasons). A provider is excluded only when none of its
    contracts fits; it is then listed once with the reasons of all its contracts.
    """
    pool = candidates if isinstance(candidates, CandidatePool) else CandidatePool(candidates)
    serving, others = pool.split(gemeente)
    start: date = need.start
    wijk = need.wijk
    identity = need.identity.casefold() if need.identity else None
    theme = need.theme.casefold() if need.theme else None
    group_first = policy.group_offer_first
    by_wijk = wijk if policy.preferred_per_wijk else None
    partners = {agb: _ROLE_RANK.get(role, 2) for agb, role in policy.strategic_partners.items()}
    best: dict[str, tuple[tuple[object, ...], ContractFacts, Decimal | None]] = {}
    blocked: list[ContractFacts] = list(others)
    rooms = pool.rooms(committed)
    for c in serving:
        if (
            c.valid_from > start
            or (c.valid_to is not None and c.valid_to < start)
            or c.status != ACTIVE
            or c.segment != need.segment
            or c.product_code != need.product_code
        ):
            blocked.append(c)
            continue
        room = rooms[id(c)]
        key = (
            0 if group_first and c.group_offer else 1,
            0 if _wijk_match(c.preferred_wijken, by_wijk) else 1,
            partners.get(c.agb, 2),
            0 if identity and c.identity and c.identity.casefold() == identity else 1,
            0 if theme and c.themes and theme in c.themes.casefold().split(LIST_SEPARATOR) else 1,
            _NO_WAIT if c.waiting_weeks is None else c.waiting_weeks,
            _NO_BUDGET if room is None else -room,
            c.naam.casefold(),
            c.agb,
        )
        current = best.get(c.agb)
        if current is None or key < current[0]:
            best[c.agb] = (key, c, room)
    texts = _Texts(need, gemeente, policy)
    ranked = sorted(best.values(), key=lambda item: item[0])
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
    return EligibilityResult(
        eligible,
        lambda: _excluded(blocked, best, need, gemeente),
        free_access_offers(voorliggend, need, gemeente),
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
    fitting: Mapping[str, object],
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
