"""Addresses of the demo households: real postcode areas (PC4) and woonplaatsen per wijk.

The table is resources/demo/postcodes.toml (per CBS municipality code); streets and house
numbers are fictional. Households go to the municipalities the team serves.
"""

from __future__ import annotations

import random
import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from jeugdtoegang.paths import resource_path

#: postcode letters: never F, I, O, Q, U, Y, and never SA, SD or SS (PostNL)
LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
UNUSED_PAIRS = frozenset({"SA", "SD", "SS"})


@dataclass(frozen=True)
class Address:
    municipality: Any  # jeugdtoegang.regions.schema.Municipality
    wijk: str | None
    woonplaats: str
    pc4: tuple[int, ...]

    def postcode(self, rng: random.Random) -> str:
        while True:
            pair = rng.choice(LETTERS) + rng.choice(LETTERS)
            if pair not in UNUSED_PAIRS:
                pc4 = rng.choice(self.pc4) if self.pc4 else rng.randint(1000, 9999)
                return f"{pc4} {pair}"


@cache
def _table() -> dict[str, Any]:
    data = tomllib.loads(resource_path("demo", "postcodes.toml").read_text(encoding="utf-8"))
    return data["gemeente"]


def municipality_postcodes(cbs_code: str) -> tuple[int, ...]:
    """All PC4 areas the demo uses for a municipality (empty when it is not in the table)."""
    entry = _table().get(cbs_code)
    return tuple(entry["postcodes"]) if entry else ()


def woonplaatsen(cbs_code: str) -> set[str]:
    entry = _table().get(cbs_code) or {}
    return {w["woonplaats"] for w in entry.get("wijken", {}).values()}


def team_municipalities(
    profile: Any, team: str | None, municipality: str | None = None
) -> list[Any]:
    """The municipalities a team serves.

    The database's own municipality when it has one; else those whose team name is the
    team's (Sliedrecht has its own team); else those served by the region's default team.
    """
    own_municipality = profile.municipality(municipality) if municipality else None
    if own_municipality is not None:
        return [own_municipality]
    municipalities = list(profile.municipalities)
    if team:
        own = [m for m in municipalities if profile.team_name_for(m) == team]
        if own:
            return own
    default = [m for m in municipalities if not m.team_name]
    return default or municipalities


def address_book(profile: Any, team: str | None, municipality: str | None = None) -> list[Address]:
    """One entry per (municipality, wijk) the team serves, with its woonplaats and PC4s."""
    book = []
    for served in team_municipalities(profile, team, municipality):
        entry = _table().get(served.cbs_code)
        if entry is None:  # a region not in the table: the municipality's name, no PC4 rule
            book.append(Address(served, None, served.name, ()))
            continue
        wijken = entry.get("wijken", {})
        for wijk in served.wijken or list(wijken):
            info = wijken.get(wijk)
            if info is None:
                book.append(Address(served, wijk, served.name, tuple(entry["postcodes"])))
            else:
                book.append(Address(served, wijk, info["woonplaats"], tuple(info["pc4"])))
    return book
