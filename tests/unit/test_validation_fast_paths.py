"""The fast paths of a dossier's checks (issue 19) answer exactly as the general way:
ages as ``relativedelta`` counts them, BSNs as python-stdnum checks them, forbidden
characters as the category scan finds them."""

from __future__ import annotations

import random
import sys
import unicodedata
from datetime import date, datetime, timedelta

import pytest
from dateutil.relativedelta import relativedelta
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.nl import bsn as stdnum_bsn

from jeugdtoegang.domain import input_text
from jeugdtoegang.domain.bsn import bsn_error, normalise_bsn
from jeugdtoegang.domain.terms import age_on


def _days(first: date, last: date, step: int = 1) -> list[date]:
    return [first + timedelta(days=n) for n in range(0, (last - first).days + 1, step)]


def test_ages_are_counted_as_relativedelta_counts_them() -> None:
    edges = [date(y, m, d) for y in range(2003, 2010) for m, d in ((2, 28), (3, 1), (12, 31))]
    edges += [date(2004, 2, 29), date(2008, 2, 29)]
    births = _days(date(2003, 12, 25), date(2004, 3, 5)) + edges
    days = _days(date(2003, 1, 1), date(2010, 12, 31), 11) + edges
    for birth in births:
        for day in days:
            assert age_on(birth, day) == relativedelta(day, birth).years, (birth, day)


def test_a_29_february_birthday_counts_on_28_february() -> None:
    assert age_on(date(2008, 2, 29), date(2026, 2, 27)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 18
    assert age_on(date(2008, 2, 29), date(2028, 2, 28)) == 19
    assert age_on(date(2008, 2, 29), date(2028, 2, 29)) == 20


def test_ages_before_birth_and_of_datetimes_take_the_general_way() -> None:
    assert (
        age_on(date(2020, 5, 1), date(2018, 6, 1))
        == relativedelta(date(2018, 6, 1), date(2020, 5, 1)).years
    )
    moment = datetime(2026, 5, 1, 9, 0)
    assert age_on(datetime(2008, 5, 1, 10, 0), moment) == 17  # an hour short of 18


def _stdnum_error(value: str) -> str | None:
    """``bsn_error`` as it was: every value through python-stdnum."""
    try:
        stdnum_bsn.validate(normalise_bsn(value))
    except StdnumValidationError:
        digits = normalise_bsn(value)
        if not digits.isdigit():
            return "Een BSN bestaat alleen uit cijfers."
        if len(digits) != 9:
            return "Een BSN heeft 9 cijfers."
        return "Dit BSN klopt niet (de elfproef faalt). Controleer het nummer."
    return None


@pytest.mark.parametrize(
    "value",
    [
        "111222333", "000000000", "999999990", "123456782", "123456789", "12345678",
        "1112.22.333", "٠١٢٣٤٥٦٧٨", "１２３４５６７８２", "11122233a",
    ],
)  # fmt: skip
def test_bsns_are_checked_as_stdnum_checks_them(value: str) -> None:
    assert bsn_error(value) == _stdnum_error(value)


def test_random_bsns_are_checked_as_stdnum_checks_them() -> None:
    rng = random.Random(19)
    for _ in range(20_000):
        value = f"{rng.randrange(10**9):09d}"
        assert bsn_error(value) == _stdnum_error(value), value


def _scanned(value: str, multiline: bool) -> list[str]:
    """``bad_characters`` as it was: every character's category looked up."""
    found: list[str] = []
    for char in value:
        if multiline and char in input_text._ALLOWED_IN_FREE_TEXT:
            continue
        if char in input_text._INVISIBLE or unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def test_forbidden_characters_are_found_as_the_scan_finds_them() -> None:
    # the control, format and direction blocks in full; the rest of Unicode sampled
    codes = [*range(0x2100), *range(0xD7F0, 0xE010), *range(0xFDD0, 0x10000)]
    codes += [*range(0x10000, sys.maxunicode + 1, 251), *map(ord, input_text._INVISIBLE)]
    for code in codes:
        char = chr(code)
        for text in (f"Gezin {char}", f"regel\n{char}\tverder"):
            for multiline in (False, True):
                expected = _scanned(text, multiline)
                assert input_text.bad_characters(text, multiline=multiline) == expected, hex(code)
    for char in input_text._INVISIBLE:
        assert not char.isprintable()
