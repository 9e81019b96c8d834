"""The Dutch texts of a provider selection: why a provider ranks where it does, and why an
excluded provider does not fit (:func:`jeugdtoegang.domain.selection.select_providers`).

The reasons of a ranked provider are written out only when read: the picker shows a page
of providers and the reasons of one of them at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from datetime import date
from decimal import Decimal

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.providers import (
    ContractFacts,
    ExcludedProvider,
    Exclusion,
    Need,
    RankingPolicy,
    exclusion_text,
    exclusions,
)

#: a strategic partner's role and its place in the ranking (other providers rank 2)
ROLE_RANK = {"hoofdaannemer": 0, "onderaannemer": 1}


class ReasonTexts:
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
            role: f"Strategische partner ({role}) voor gebied {policy.area}." for role in ROLE_RANK
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


class Matches:
    """Which need-dependent ranking parts a contract met: the family's wijk, a strategic
    partnership, the asked identity, the asked theme."""

    __slots__ = ("identity", "partner", "theme", "wijk")

    def __init__(self, wijk: bool, partner: bool, identity: bool, theme: bool) -> None:
        self.wijk = wijk
        self.partner = partner
        self.identity = identity
        self.theme = theme


class Reasons(Sequence[str]):
    """The Dutch reasons of one ranked provider, written out when first read."""

    __slots__ = ("_args", "_texts")

    def __init__(
        self,
        matches: Matches,
        c: ContractFacts,
        room: Decimal | None,
        texts: ReasonTexts,
        policy: RankingPolicy,
    ) -> None:
        self._args = (matches, c, room, texts, policy)
        self._texts: tuple[str, ...] | None = None

    def _all(self) -> tuple[str, ...]:
        if self._texts is None:
            self._texts = _reasons(*self._args)
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
    matches: Matches,
    c: ContractFacts,
    room: Decimal | None,
    texts: ReasonTexts,
    policy: RankingPolicy,
) -> tuple[str, ...]:
    reasons = [texts.base]
    if c.group_offer:
        reasons.append(texts.group)
    if matches.wijk:
        reasons.append(texts.wijk)
    if matches.partner:
        reasons.append(texts.partner[policy.strategic_partners[c.agb]])
    if matches.identity:
        reasons.append(f"Identiteit past bij de wens: {c.identity}.")
    if matches.theme:
        reasons.append(texts.theme)
    reasons.append(texts.waiting(c.waiting_weeks))
    if room is not None:
        reasons.append(f"Budgetruimte {money(room)}.")
    return tuple(reasons)


def excluded_providers(
    blocked: list[ContractFacts],
    fitting: Collection[str],
    need: Need,
    gemeente: str,
) -> list[ExcludedProvider]:
    """The providers with a contract for the product of which none fits, each once with
    the reasons of all its contracts, by name."""
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
