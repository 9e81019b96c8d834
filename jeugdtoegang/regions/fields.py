"""The strict field types of region profiles and the plumbing of their rule errors.

Every profile field is strict (``"9"`` is not 9) and patterned fields say in Dutch what they
expect. Rules that look at several fields report all their problems at once through one
:data:`RULE_ERROR`, whose context keeps each problem's field path so the loader can name
every field in Dutch.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, Strict, StringConstraints
from pydantic_core import PydanticCustomError

from jeugdtoegang.errors import FieldError, JeugdtoegangError

Loc = tuple[str | int, ...]
Problem = tuple[Loc, str]

RULE_ERROR = "profile_rule"
"""Pydantic error type of our own rules; ``ctx["problems"]`` holds ``(relative loc, Dutch text)``."""


class ProfileError(JeugdtoegangError):
    """A region profile is missing, unreadable or invalid; ``message`` is Dutch and complete."""

    def __init__(
        self, message: str, *, file: str | None = None, problems: Iterable[FieldError] = ()
    ) -> None:
        super().__init__(message)
        self.file = file
        self.problems = tuple(problems)


def describe_value(value: object) -> str:
    """Show a received value the way it looks in TOML, shortened for messages."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def rule_error(problems: Iterable[Problem]) -> PydanticCustomError:
    """Bundle problems (relative field path, Dutch reason) into one pydantic error."""
    items = tuple(problems)
    summary = "; ".join(reason for _, reason in items)
    return PydanticCustomError(RULE_ERROR, "{summary}", {"summary": summary, "problems": items})


def raise_problems(problems: list[Problem]) -> None:
    if problems:
        raise rule_error(problems)


def pattern(regex: str, reason: str) -> AfterValidator:
    compiled = re.compile(regex)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise rule_error([((), f"{reason} (gekregen: {describe_value(value)})")])
        return value

    return AfterValidator(check)


Int = Annotated[int, Strict()]
Bool = Annotated[bool, Strict()]
Text = Annotated[str, Strict(), StringConstraints(strip_whitespace=True, min_length=1)]
Slug = Annotated[
    str,
    Strict(),
    pattern(
        r"[a-z0-9]+(-[a-z0-9]+)*",
        "moet een slug zijn van kleine letters, cijfers en losse streepjes, bijv. 'sociale-basis'",
    ),
]
CbsCode = Annotated[
    str,
    Strict(),
    pattern(
        r"\d{4}",
        "moet een CBS-gemeentecode van 4 cijfers zijn, tussen aanhalingstekens, bijv. '0243'",
    ),
]
AgbCode = Annotated[str, Strict(), pattern(r"\d{8}", "moet een AGB-code van 8 cijfers zijn")]
ProductCode = Annotated[
    str,
    Strict(),
    pattern(r"[0-9A-Z]{5}", "moet een iJw-productcode van 5 tekens zijn, bijv. '45A01'"),
]
ProductCategory = Annotated[
    str,
    Strict(),
    pattern(r"\d{2}", "moet een iJw-productcategorie (JZ020) van 2 cijfers zijn, bijv. '45'"),
]


def repeated_values(values: Iterable[str]) -> list[str]:
    """Values that occur more than once (ignoring case), as first written."""
    seen: set[str] = set()
    repeated: list[str] = []
    for value in values:
        if value.casefold() in seen and value not in repeated:
            repeated.append(value)
        seen.add(value.casefold())
    return repeated


def duplicates(
    items: tuple[Any, ...], field: str, loc: str, label: str, key: Callable[[Any], Hashable]
) -> list[Problem]:
    """One problem for every item whose key an earlier item already used."""
    seen: set[Hashable] = set()
    found: list[Problem] = []
    for index, item in enumerate(items):
        value = key(item)
        if value in seen:
            shown = describe_value(getattr(item, field))
            found.append(((loc, index, field), f"{label} {shown} komt meer dan eens voor"))
        seen.add(value)
    return found
