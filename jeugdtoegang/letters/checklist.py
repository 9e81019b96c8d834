"""The legal checklist of decision letters, as data (``resources/letters/_checklist.toml``).

Each element names its legal ground (Awb, Jeugdwet, verordening) and the text a letter of
the listed decision types must contain, with placeholders for the case (kenmerk, dates,
the family's facts, the named alternative ...). :func:`missing_elements` checks the
extracted text of a letter; the tests run it over every letter the demo produces.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache

from pydantic import BaseModel, ConfigDict, Field

from jeugdtoegang.domain.decisions import DecisionType
from jeugdtoegang.paths import resource_path


class Element(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    grondslag: str
    types: tuple[str, ...] = Field(min_length=1)
    contains: tuple[str, ...] = Field(min_length=1)

    def applies_to(self, decision_type: DecisionType) -> bool:
        return "*" in self.types or decision_type.value in self.types


class Checklist(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    element: tuple[Element, ...]


@cache
def load_checklist() -> Checklist:
    with resource_path("letters", "_checklist.toml").open("rb") as handle:
        return Checklist.model_validate(tomllib.load(handle))


def _flat(text: str) -> str:
    return " ".join(text.split())


def missing_elements(
    letter_text: str, decision_type: DecisionType, values: Mapping[str, str]
) -> list[str]:
    """``id: expected text`` of every element this letter lacks (empty: complete).

    An element whose placeholders are empty for this case (no retroactive period, say)
    does not apply.
    """
    text = _flat(letter_text)
    missing: list[str] = []
    for element in load_checklist().element:
        if not element.applies_to(decision_type):
            continue
        for template in element.contains:
            try:
                expected = template.format_map(dict(values))
            except KeyError as error:
                missing.append(f"{element.id}: onbekend invulveld {error}")
                continue
            names = [n for n in values if "{" + n + "}" in template]
            if any(not str(values[n]).strip() for n in names):
                continue
            if _flat(expected) not in text:
                missing.append(f"{element.id} ({element.grondslag}): '{_flat(expected)}'")
    return missing
