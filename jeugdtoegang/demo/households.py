"""Deterministic fictional households across the region's municipalities."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from jeugdtoegang.demo.names import (
    FIRST_NAMES_ADULT,
    FIRST_NAMES_CHILD,
    NETWORK_RELATIONS,
    STREETS,
    SURNAMES,
)
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.numbering import database_code


class BsnGenerator:
    """Unique, valid (11-check) fictional BSNs, deterministic for a seed."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def next(self) -> str:
        while True:
            digits = [self.rng.randint(0, 9) for _ in range(8)]
            digits[0] = self.rng.randint(1, 6)
            total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
            last = total % 11
            if last == 10:
                continue
            bsn = "".join(map(str, digits)) + str(last)
            if bsn not in self.used:
                self.used.add(bsn)
                return bsn


def _birth(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    days = rng.randint(min_age * 365 + 1, max_age * 365 - 1)
    return today - timedelta(days=days)


def _person(
    household_id: Any,
    role: str,
    first: str,
    tussen: str,
    surname: str,
    birth: date | None,
    bsn: str | None,
    *,
    gezag: bool = False,
    relation: str = "",
) -> dict[str, Any]:
    rank = {"ouder": "1", "jeugdige": "2", "netwerk": "3"}[role]
    return {
        "household_id": household_id,
        "role": role,
        "first_name": first,
        "tussenvoegsel": tussen,
        "surname": surname,
        "birth_date": birth,
        "bsn": bsn,
        "has_gezag": gezag,
        "relation": relation,
        "phone": "",
        "email": "",
        "search_surname": fold(surname),
        "search_first": fold(first),
        "sort_key": f"{rank}{birth.isoformat() if birth else '9999'}",
        "ended_on": None,
    }


def generate_households(
    ctx: AppContext, count: int, seed: int = 2026, *, with_network: bool = True
) -> list[Any]:
    """Insert ``count`` fictional households (in one transaction); returns their ids."""
    rng = random.Random(seed)
    bsns = BsnGenerator(rng)
    today = ctx.today()
    municipalities = ctx.profile.municipalities
    household_rows: list[dict[str, Any]] = []
    person_rows: list[dict[str, Any]] = []
    with ctx.uow() as uow:
        bsns.used.update(
            uow.session.execute(select(Person.bsn).where(Person.bsn.is_not(None))).scalars()
        )
        first_seq = next_sequence(uow.session, "dossier_number", count)
        code = database_code(uow.session)
        for index in range(count):
            household_id = uuid.uuid4()
            tussen, surname = rng.choice(SURNAMES)
            municipality = rng.choice(municipalities)
            wijk = rng.choice(municipality.wijken) if municipality.wijken else None
            postcode = f"{rng.randint(1000, 9999)} {rng.choice('ABCDEGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEGHJKLMNPRSTVWXZ')}"
            household_rows.append(
                {
                    "id": household_id,
                    "dossier_number": f"{today.year}-{code}-{first_seq + index:05d}",
                    "name": f"Gezin {' '.join(p for p in (tussen.capitalize(), surname) if p)}",
                    "street": rng.choice(STREETS),
                    "house_number": str(rng.randint(1, 180)),
                    "postcode": postcode,
                    "city": municipality.name,
                    "gemeente_code": municipality.cbs_code,
                    "gemeente": municipality.name,
                    "wijk": wijk,
                    "team": ctx.actor.team,
                    "notes": None,
                    "closed_on": None,
                }
            )
            parents = 1 if rng.random() < 0.3 else 2
            for p in range(parents):
                first = rng.choice(FIRST_NAMES_ADULT)
                parent_surname = (tussen, surname) if p == 0 else rng.choice(SURNAMES)
                person_rows.append(
                    _person(
                        household_id,
                        "ouder",
                        first,
                        parent_surname[0],
                        parent_surname[1],
                        _birth(rng, today, 26, 55),
                        bsns.next(),
                        gezag=True,
                        relation="ouder",
                    )
                )
            for _ in range(rng.choice((1, 1, 2, 2, 3))):
                person_rows.append(
                    _person(
                        household_id,
                        "jeugdige",
                        rng.choice(FIRST_NAMES_CHILD),
                        tussen,
                        surname,
                        _birth(rng, today, 1, 18),
                        bsns.next(),
                    )
                )
            if with_network and rng.random() < 0.7:
                n_tussen, n_surname = rng.choice(SURNAMES)
                person_rows.append(
                    _person(
                        household_id,
                        "netwerk",
                        rng.choice(FIRST_NAMES_ADULT),
                        n_tussen,
                        n_surname,
                        None,
                        None,
                        relation=rng.choice(NETWORK_RELATIONS),
                    )
                )
        ids = bulk_insert(uow.session, Household, household_rows, ctx.actor.username)
        bulk_insert(uow.session, Person, person_rows, ctx.actor.username)
        uow.commit()
    return ids
