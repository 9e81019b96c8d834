"""The builder of demo indication rows: dates, terms, costs and evaluations that agree.

:mod:`jeugdtoegang.demo.indications` tells the stories (which household gets what); this
builder turns each into rows the rules would accept (terms from ``domain.terms``, costs from
``domain.costs``), collected for one bulk insert.
"""

from __future__ import annotations

import random
import uuid
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import cache, cached_property
from typing import Any

from jeugdtoegang.demo.ages import product_fits
from jeugdtoegang.demo.users import CONSULTANTS
from jeugdtoegang.domain.costs import budget_cents, max_cost
from jeugdtoegang.domain.indications import (
    Frequency,
    IndicationStatus,
    Initiator,
    Perspective,
    Unit,
)
from jeugdtoegang.domain.terms import term_end
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.households import Household, Person


def stamp(day: date) -> datetime:
    return datetime.combine(day, time(10, 30), tzinfo=UTC)


@cache
def _folded(product_name: str) -> str:
    return fold(product_name)


class IndicationBuilder:
    def __init__(self, ctx: AppContext, rng: random.Random, contracts: dict[str, list[Any]]):
        self.ctx = ctx
        self.today = ctx.today()
        self.rng = rng
        self.contracts = contracts
        self.rows: list[dict[str, Any]] = []
        self.evaluations: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []

    def products(self) -> list[str]:
        return list(self._products)

    @cached_property
    def _products(self) -> tuple[str, ...]:
        """The contracted products that need a beschikking (asked for every indication)."""
        profile = self.ctx.profile
        return tuple(
            p.code
            for p in profile.products
            if p.code in self.contracts and profile.product_needs_beschikking(p)
        )

    def product_for(
        self, goals: list[tuple[str, tuple[str, ...]]], age: int
    ) -> tuple[str, list[str]] | None:
        """A contracted product for the need of the plan's goals that fits the age.

        Returns (product code, the goal ids it serves); None when no goal needs jeugdhulp
        with a beschikking this region offers.
        """
        profile = self.ctx.profile
        offered = [
            p for p in profile.products if p.code in self._products and product_fits(p.name, age)
        ]
        options: list[tuple[str, list[str]]] = []
        for goal_id, words in goals:
            for word in words:
                match = next((p for p in offered if word in _folded(p.name)), None)
                if match is not None:
                    options.append((match.code, [goal_id]))
                    break
        if not options:
            return None
        code, served = self.rng.choice(options)
        served = [g for c, ids in options if c == code for g in ids]
        return code, served

    def add(
        self,
        person: Person,
        household: Household,
        goals: list[str],
        status: IndicationStatus,
        start: date,
        months: int,
        *,
        product_code: str | None = None,
        volume: Decimal | None = None,
        perspective: Perspective | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        profile = self.ctx.profile
        code = product_code or self.rng.choice(self.products())
        product = profile.product(code)
        assert product is not None
        contract = self.rng.choice(self.contracts[code])
        unit = Unit(product.unit)
        frequency = Frequency(product.default_frequency)
        if perspective is None:
            perspective = (
                Perspective.STABILISATIE
                if product.perspective == "stabilisatie"
                else Perspective.ONTWIKKELING
            )
        if volume is None:
            volume = Decimal(self._volume(unit, frequency))
        end = extra.pop("end", None) or term_end(start, months)
        tariff = contract.tariff
        submitter = self.rng.choice(CONSULTANTS)
        row: dict[str, Any] = {
            "id": uuid.uuid4(),
            "household_id": household.id,
            "person_id": person.id,
            "gemeente_code": household.gemeente_code,
            "goal_ids": goals[:2],
            "segment": product.segment,
            "product_code": product.code,
            "product_name": product.name,
            "product_category": product.category,
            "provider_id": contract.provider_id,
            "provider_agb": contract.agb,
            "provider_name": contract.name,
            "perspective": perspective.value,
            "start_date": start,
            "end_date": end,
            "volume": volume,
            "unit": unit.value,
            "unit_code": unit.code,
            "frequency": frequency.value,
            "frequency_code": frequency.code,
            "tariff": tariff,
            "max_cost": max_cost(volume, tariff, unit, frequency, start, end),
            "budget_cents": budget_cents(volume, unit, frequency, start, end)
            if unit is Unit.EURO
            else None,
            "initiator": Initiator.CONSULENT.value,
            "referrer_code": Initiator.CONSULENT.referrer_code,
            "status": status.value,
            "requested_on": start - timedelta(days=self.rng.randint(14, 40)),
            "motivations": {},
            "findings": [],
            "submitted_by": None if status is IndicationStatus.CONCEPT else submitter,
            "submitted_at": None
            if status is IndicationStatus.CONCEPT
            # submitted before the start, never after today
            else stamp(
                min(
                    start - timedelta(days=10), self.today - timedelta(days=1 + len(self.rows) % 12)
                )
            ),
            "evaluation_due": end if perspective is Perspective.ONTWIKKELING else None,
        }
        row.update(extra)
        self.rows.append(row)
        return row

    def _volume(self, unit: Unit, frequency: Frequency) -> str:
        if unit is Unit.MINUUT:
            return str(self.rng.choice((300, 450, 600)))
        if frequency is Frequency.TOTAAL:
            return str(self.rng.choice((10, 12, 16)))
        if unit is Unit.ETMAAL:
            return str(self.rng.choice((2, 4, 7)))
        return self.rng.choice(("1", "1.5", "2", "3"))

    def evaluate(self, row: dict[str, Any], progress: str, decision: str, notes: str) -> None:
        day = row["end_date"] - timedelta(days=14)
        evaluation_id = uuid.uuid4()
        per_goal = {g: progress for g in row["goal_ids"]} or {"*": progress}
        self.evaluations.append(
            {
                "id": evaluation_id,
                "indication_id": row["id"],
                "goal_progress": per_goal,
                "progress": progress,
                "decision": decision,
                "notes": notes,
                "evaluated_by": row["submitted_by"] or CONSULTANTS[0],
                "evaluated_on": day,
            }
        )
        row["evaluated_on"] = day
        row["evaluation_id"] = evaluation_id
