"""Burgerservicenummer: the 11-check, via python-stdnum."""

from __future__ import annotations

import re

from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.nl import bsn as stdnum_bsn


def normalise_bsn(value: str) -> str:
    """Strip spaces, dots and dashes; pad 8-digit numbers with a leading zero."""
    digits = re.sub(r"[\s.\-]", "", value)
    return digits.zfill(9) if len(digits) == 8 and digits.isdigit() else digits


def bsn_error(value: str) -> str | None:
    """A Dutch message when ``value`` is not a valid BSN, else None."""
    # nine ASCII digits are compact already (python-stdnum's cleaning is the most of its
    # cost): its own checks on them
    plain = len(value) == 9 and value.isascii() and value.isdigit()
    if plain and int(value) > 0 and stdnum_bsn.checksum(value) == 0:
        return None
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


def is_valid_bsn(value: str) -> bool:
    return bsn_error(value) is None


def mask_bsn(value: str | None) -> str:
    """Show only the last three digits: ``******123``."""
    if not value:
        return ""
    return "*" * (len(value) - 3) + value[-3:]
