"""BSN: the 11-check via python-stdnum, normalising and masking."""

from __future__ import annotations

import pytest

from jeugdtoegang.domain.bsn import bsn_error, is_valid_bsn, mask_bsn, normalise_bsn


@pytest.mark.parametrize(
    "number", ["111222333", "123456782", "1112.22.333", " 111 222 333 ", "10000008"]
)
def test_valid_bsns_pass_the_eleven_check(number: str) -> None:
    assert is_valid_bsn(number)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("123456789", "elfproef"),
        ("111222334", "elfproef"),
        ("12345", "9 cijfers"),
        ("1234567890", "9 cijfers"),
        ("12345678a", "alleen uit cijfers"),
        ("000000000", "elfproef"),
    ],
)
def test_invalid_bsns_get_a_precise_dutch_message(number: str, message: str) -> None:
    error = bsn_error(number)
    assert error is not None and message in error


def test_an_eight_digit_bsn_gets_its_leading_zero() -> None:
    assert normalise_bsn("10000008") == "010000008"


def test_masking_shows_only_the_last_three_digits() -> None:
    assert mask_bsn("111222333") == "******333"
    assert mask_bsn(None) == ""
