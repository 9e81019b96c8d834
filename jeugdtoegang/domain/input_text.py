"""Clean input text: no control or direction-override characters, and a length limit.

Names and free texts are shown on screens, in letters and in PDFs. A NUL, an escape
sequence or a right-to-left override (U+202E, "Trojan Source") can make a name display
as something else or break a file; a 100,000-character name makes a PDF impossible. Such
input is refused with a precise Dutch message (nothing is stored), never silently changed.
"""

from __future__ import annotations

import unicodedata

from jeugdtoegang.errors import FieldError

#: limits per kind of text (characters)
NAME_MAX = 100
SHORT_MAX = 200
FREE_TEXT_MAX = 10_000

#: direction controls and invisible characters that change how a text is displayed
_INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_ALLOWED_IN_FREE_TEXT = frozenset("\n\t\r")
#: the allowed characters of a free text removed (for ``str.translate``)
_LINE_BREAKS = dict.fromkeys(map(ord, _ALLOWED_IN_FREE_TEXT))


def bad_characters(value: str, *, multiline: bool = False) -> list[str]:
    """The forbidden characters in ``value`` (as U+XXXX codes), in order of appearance."""
    # every forbidden character is unprintable (categories C*; each of _INVISIBLE is Cf):
    # a printable text, as nearly every one is, has none (checked at C speed)
    if value.isprintable() or (multiline and value.translate(_LINE_BREAKS).isprintable()):
        return []
    found: list[str] = []
    for char in value:
        if multiline and char in _ALLOWED_IN_FREE_TEXT:
            continue
        if char in _INVISIBLE or unicodedata.category(char) in ("Cc", "Cs", "Co", "Cn"):
            code = f"U+{ord(char):04X}"
            if code not in found:
                found.append(code)
    return found


def text_errors(
    field: str, value: str | None, *, max_length: int = SHORT_MAX, multiline: bool = False
) -> list[FieldError]:
    """Dutch errors for one text field (empty when the text is fine)."""
    if not value:
        return []
    errors = []
    bad = bad_characters(value, multiline=multiline)
    if bad:
        errors.append(
            FieldError(
                field,
                "Bevat onzichtbare tekens of stuurtekens ("
                + ", ".join(bad[:3])
                + "), bijvoorbeeld "
                "uit een gekopieerde tekst. Typ de tekst opnieuw.",
            )
        )
    if len(value) > max_length:
        errors.append(
            FieldError(field, f"Is te lang: {len(value)} tekens, het maximum is {max_length}.")
        )
    return errors
