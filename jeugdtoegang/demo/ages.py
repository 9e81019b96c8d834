"""Which demo problems and help fit which age (the table in resources/demo/leeftijden.toml).

The generator only picks texts and products that fit the jeugdige they are about; the
coherence test checks the whole demo database against the same table.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache, lru_cache

from jeugdtoegang.domain.text import fold
from jeugdtoegang.paths import resource_path


@dataclass(frozen=True)
class AgeRule:
    """A problem (or a kind of help) and the ages [low, high] it fits."""

    name: str
    low: int
    high: int
    words: tuple[str, ...]

    def fits(self, age: int) -> bool:
        return self.low <= age <= self.high


def _rules(section: str) -> tuple[AgeRule, ...]:
    data = tomllib.loads(resource_path("demo", "leeftijden.toml").read_text(encoding="utf-8"))
    return tuple(
        AgeRule(name, int(rule["min"]), int(rule["max"]), tuple(fold(w) for w in rule["woorden"]))
        for name, rule in data[section].items()
    )


@cache
def problem_rules() -> tuple[AgeRule, ...]:
    return _rules("problemen")


@cache
def product_rules() -> tuple[AgeRule, ...]:
    return _rules("producten")


def _matching(rules: tuple[AgeRule, ...], text: str) -> list[AgeRule]:
    folded = fold(text)
    return [rule for rule in rules if any(word in folded for word in rule.words)]


def problems_in(text: str) -> list[AgeRule]:
    """The age-bound problems a text mentions."""
    return list(_problems_of(text))


@lru_cache(maxsize=16384)
def _problems_of(text: str) -> tuple[AgeRule, ...]:
    """problems_in, remembered: a demo set of 100,000 households fits the same template
    texts (most without a name in them) again and again."""
    return tuple(_matching(problem_rules(), text))


def text_fits(text: str, age: int) -> bool:
    """True when every age-bound problem in ``text`` fits a jeugdige of ``age``."""
    return text_fits_ages(text, (age,))


def text_fits_ages(text: str, ages: tuple[int, ...]) -> bool:
    """True when every age-bound problem in ``text`` fits a jeugdige of each of ``ages``."""
    return all(rule.fits(age) for rule in _problems_of(text) for age in ages)


def product_rules_for(product_name: str) -> list[AgeRule]:
    return list(_product_rules_of(product_name))


@cache
def _product_rules_of(product_name: str) -> tuple[AgeRule, ...]:
    """product_rules_for, remembered per name (the catalogue has a few dozen products)."""
    return tuple(_matching(product_rules(), product_name))


def product_fits(product_name: str, age: int) -> bool:
    """True when a product (by its catalogue name) fits a jeugdige of ``age``."""
    return all(rule.fits(age) for rule in _product_rules_of(product_name))
