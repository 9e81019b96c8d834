"""The demo's fictional BSNs: valid, unique, and a used-up range is refused (never a hang)."""

from __future__ import annotations

import random

import pytest

from jeugdtoegang.demo.households import BsnGenerator
from jeugdtoegang.domain.bsn import is_valid_bsn


def test_numbers_are_valid_unique_and_carry_the_prefix() -> None:
    generator = BsnGenerator(random.Random(1))
    numbers = [generator.next() for _ in range(500)]
    assert len(set(numbers)) == 500
    assert all(n.startswith("999") and is_valid_bsn(n) for n in numbers)
    wider = BsnGenerator(random.Random(1), "99")
    assert all(wider.next().startswith("99") for _ in range(50))


def test_a_used_up_range_raises_instead_of_drawing_for_ever() -> None:
    generator = BsnGenerator(random.Random(1), "9999999")  # one free digit: at most 10
    drawn = set()
    with pytest.raises(ValueError, match="9999999"):
        for _ in range(11):
            drawn.add(generator.next())
    assert 1 <= len(drawn) <= 10
