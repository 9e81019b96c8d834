"""Every switch in a region profile is read by some code (issue 11).

A policy in the TOML that no code reads is a promise the program does not keep: this test
fails when a field of the profile schema is not read anywhere outside the schema itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic import BaseModel

from jeugdtoegang.regions import schema

ROOT = Path(__file__).resolve().parents[2]
MODELS = (
    schema.Policies,
    schema.TermRules,
    schema.Settings,
    schema.Product,
    schema.Segment,
    schema.Municipality,
    schema.StrategicPartner,
    schema.RegionProfile,
)
#: fields that only describe the profile for people (shown as text, never a rule)
DESCRIPTIVE = {"description", "source", "name"}
#: fields the schema itself enforces, with the reason (they are rules, kept in one place)
ENFORCED_BY_SCHEMA = {
    # 003 §5.6: a budget is a steering signal and never blocks help; the schema refuses true
    "budget_ceilings_block",
    # segments must be listed light to heavy on ascending order; the list order is used
    "order",
}


def _sources() -> str:
    texts = []
    for folder in ("jeugdtoegang", "ui"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path.name == "schema.py" and path.parent.name == "regions":
                continue
            texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


SOURCES = _sources()


def _fields(model: type[BaseModel]) -> list[str]:
    return [
        name
        for name in model.model_fields
        if name not in DESCRIPTIVE and name not in ENFORCED_BY_SCHEMA
    ]


@pytest.mark.parametrize(
    ("model", "field"),
    [(m, f) for m in MODELS for f in _fields(m)],
    ids=lambda value: value if isinstance(value, str) else value.__name__,
)
def test_every_profile_field_is_read_by_some_code(model, field):
    assert re.search(rf"\.{field}\b", SOURCES), (
        f"{model.__name__}.{field} staat in het regioprofiel maar geen code leest het: "
        "pas de regel toe of haal het veld weg"
    )
