"""Which indications commit a provider's budget, and how their cost spreads over months.

One rule, used by the direct query and by the maintained aggregate alike: an indication
with a provider, a maximum cost and a committing status (:data:`COMMITTED_STATUSES`)
counts pro rata for the days of its term. Spread over calendar months, the sum of the
months of a period equals the pro-rata amount for that period, so a year or half-year
figure is the sum of 6 or 12 stored month amounts (no matter how many indications).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from jeugdtoegang.domain.indications import COMMITTED_STATUSES

#: month amounts are stored in millionths of a euro (integers add up exactly)
MICRO = Decimal(1_000_000)
_COMMITTED = frozenset(s.value for s in COMMITTED_STATUSES)


@dataclass(frozen=True)
class Commitment:
    """The budget-relevant facts of one indication that counts."""

    provider_id: uuid.UUID
    start: date
    end: date
    cost: Decimal


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def commitment_of(state: dict[str, Any] | None) -> Commitment | None:
    """The commitment of an indication state (column values), or None if it does not count."""
    if not state or state.get("status") not in _COMMITTED:
        return None
    provider, cost = state.get("provider_id"), state.get("max_cost")
    if provider is None or cost is None or state.get("start_date") is None:
        return None
    start, end = _as_date(state["start_date"]), _as_date(state["end_date"])
    if end < start:
        return None
    provider_id = provider if isinstance(provider, uuid.UUID) else uuid.UUID(str(provider))
    return Commitment(provider_id, start, end, Decimal(str(cost)))


def month_shares(commitment: Commitment) -> dict[date, int]:
    """Micro-euro per calendar month (keyed by its first day) of the term's pro-rata cost."""
    days = (commitment.end - commitment.start).days + 1
    shares: dict[date, int] = {}
    month = commitment.start.replace(day=1)
    while month <= commitment.end:
        following = (month + timedelta(days=32)).replace(day=1)
        first = max(month, commitment.start)
        last = min(following - timedelta(days=1), commitment.end)
        overlap = (last - first).days + 1
        amount = commitment.cost * overlap * MICRO / days
        shares[month] = int(amount.to_integral_value(rounding=ROUND_HALF_EVEN))
        month = following
    return shares


def whole_months(start: date, end: date) -> bool:
    """True when start..end is a run of whole calendar months (year, half year, quarter)."""
    return start.day == 1 and (end + timedelta(days=1)).day == 1 and end >= start
