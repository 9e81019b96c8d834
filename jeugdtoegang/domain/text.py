"""Normalising names and postcodes for storage and search."""

from __future__ import annotations

import re
import unicodedata

_POSTCODE = re.compile(r"^\s*([1-9]\d{3})\s*([A-Za-z]{2})\s*$")
#: what separates the words of a name: spaces, commas and dashes ("Jansen-de Vries")
_WORD_BREAK = re.compile(r"[\s,\-\u2010-\u2015/]+")


#: letters that carry no combining mark to strip but are written without it on a Dutch
#: keyboard: Turkish dotless ı and İ, Scandinavian ø/æ, Polish ł, Croatian đ, German ß
_BASE_LETTERS = str.maketrans(
    {
        "ı": "i",
        "İ": "I",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "ð": "d",
        "þ": "th",
    }
)


def fold(text: str) -> str:
    """Lower case without accents: 'Çelik-Öztürk' → 'celik-ozturk', 'Yılmaz' → 'yilmaz'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_BASE_LETTERS))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def name_words(text: str) -> list[str]:
    """The folded words of a name or a search, each once, in order: a hyphenated surname
    is found by each of its parts ("Jansen-de Vries" → jansen, de, vries)."""
    return list(dict.fromkeys(w for w in _WORD_BREAK.split(fold(text)) if w))


def normalise_postcode(value: str) -> str | None:
    """'1234ab' → '1234 AB'; None when it is not a Dutch postcode."""
    match = _POSTCODE.match(value)
    if not match:
        return None
    return f"{match.group(1)} {match.group(2).upper()}"


def full_name(first_name: str, tussenvoegsel: str, surname: str) -> str:
    return " ".join(part for part in (first_name, tussenvoegsel, surname) if part)


def person_shown(name: str | None, login: str | None) -> str:
    """How a user appears on screens and in lists: their name; the login only when this
    database has no account for it (e.g. a colleague's work that came in by sync)."""
    return name or login or "onbekend"


def prefix_upper_bound(prefix: str) -> str:
    """The smallest string greater than every string starting with ``prefix``.

    ``col >= prefix AND col < bound`` is an index range scan on every database, unlike
    ``LIKE 'prefix%'`` whose index use depends on collation settings.
    """
    return prefix + "\uffff"
