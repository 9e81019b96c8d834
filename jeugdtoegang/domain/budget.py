"""One budget figure per provider: commitments in a half year against its half-year budget.

Seed 003 §5.6: each indication records its expected maximum cost; when a provider's
commitments pass its budget a signal goes to the team lead. It is a steering signal, never
a reason to refuse needed help. The consultant (finding on the indication), the team lead
(Signalen) and the ranking all read this one figure:

- the period is the half year (January–June or July–December) holding the day;
- the budget is half the provider's year budget (the sum over its contracts in the region);
- commitments are the maximum costs of approved and issued indications, each counted pro
  rata for the days its term falls in the half year (rounded to the cent).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.findings import Finding, Severity

if TYPE_CHECKING:  # the choice's facts; providers imports this module
    from jeugdtoegang.domain.providers import ChoiceFacts, Need

CENT = Decimal("0.01")


def half_year(day: date) -> tuple[date, date]:
    """The half year (January–June or July–December) that holds ``day``."""
    if day.month <= 6:
        return date(day.year, 1, 1), date(day.year, 6, 30)
    return date(day.year, 7, 1), date(day.year, 12, 31)


def pro_rata(amount: Decimal, start: date, end: date, period: tuple[date, date]) -> Decimal:
    """The part of ``amount`` (spread evenly over start..end) that falls in ``period``."""
    days = (end - start).days + 1
    overlap = (min(end, period[1]) - max(start, period[0])).days + 1
    if days <= 0 or overlap <= 0:
        return Decimal(0)
    if overlap >= days:
        return amount
    return amount * overlap / days


@dataclass(frozen=True)
class BudgetFigure:
    """A provider's commitments in one half year against its half-year budget."""

    provider_id: uuid.UUID
    provider_name: str
    period: tuple[date, date]
    year_budget: Decimal
    committed: Decimal
    #: the part of the proposed help that falls in this half year (0 for a signal)
    expected: Decimal = Decimal(0)

    @property
    def budget(self) -> Decimal:
        return (self.year_budget / 2).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return (self.committed + self.expected).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def over(self) -> bool:
        return self.total > self.budget

    @property
    def room(self) -> Decimal:
        return self.budget - self.total

    def text(self) -> str:
        """The same Dutch sentence for the consultant and the team lead."""
        return (
            f"De verplichtingen bij {self.provider_name} in het halfjaar "
            f"{short_date(self.period[0])} t/m {short_date(self.period[1])} komen op "
            f"{money(self.total)}, boven het halfjaarbudget van {money(self.budget)}. Dit is "
            "een sturingssignaal voor de teamleider; nodige hulp gaat gewoon door."
        )


def budget_finding(figure: BudgetFigure | None) -> list[Finding]:
    """A warning (never blocking) when the commitments pass the half-year budget."""
    if figure is None or not figure.over:
        return []
    return [Finding("BUDGET_SIGNAL", Severity.WARNING, figure.text(), "provider")]


def budget_findings(facts: ChoiceFacts, need: Need) -> list[Finding]:
    """A steering signal when the provider's commitments pass its budget (003 §5.6).

    The one budget figure of this module: ``facts.committed`` are the
    commitments in the half year of the start, against half of ``facts.budget`` (the year
    budget); the expected cost counts for the part of the term in that half year. Never
    blocking: a budget is no reason to refuse needed help.
    """
    if facts.budget is None or facts.chosen is None:
        return []
    period = half_year(need.start)
    expected = pro_rata(
        need.expected_cost or Decimal(0), need.start, need.end or need.start, period
    )
    figure = BudgetFigure(
        facts.chosen.provider_id, facts.chosen.naam, period, facts.budget, facts.committed, expected
    )
    return budget_finding(figure)
