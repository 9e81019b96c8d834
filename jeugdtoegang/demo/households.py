"""Deterministic fictional households across the region's municipalities."""

from __future__ import annotations

import random
import uuid
from datetime import date, timedelta
from functools import cache
from typing import Any

from sqlalchemy import select

from jeugdtoegang.demo.names import (
    ADULT_MEN,
    ADULT_WOMEN,
    CHILD_BOYS,
    CHILD_GIRLS,
    NETWORK,
    OLDER_MEN,
    OLDER_WOMEN,
    STREETS,
    SURNAMES,
    of_origin,
    origin,
)
from jeugdtoegang.demo.postcodes import Address, address_book
from jeugdtoegang.domain.text import fold
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.changelog import next_sequence
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.storage.numbering import database_code

#: Demo BSNs start with 999, the range the RvIG keeps for test numbers: valid for the
#: 11-check, never a real person's number, and recognisable as fictional.
FICTIONAL_BSN_PREFIX = "999"


#: draws in a row that found no new number before a range counts as used up
_BSN_TRIES = 10_000


class BsnGenerator:
    """Unique, valid (11-check) fictional BSNs (prefix 999), deterministic for a seed.

    The 999 range holds only about 91,000 valid numbers (five free digits and the check
    digit), enough for some 30,000 demo households; a larger benchmark set passes a
    shorter ``prefix`` (``"99"``: about 909,000). A range that is used up raises
    ``ValueError`` instead of drawing for ever.
    """

    def __init__(self, rng: random.Random, prefix: str = FICTIONAL_BSN_PREFIX) -> None:
        self.rng = rng
        self.used: set[str] = set()
        self.prefix = [int(d) for d in prefix]
        self.free = 8 - len(prefix)

    def next(self) -> str:
        for _ in range(_BSN_TRIES):
            digits = self.prefix + [self.rng.randint(0, 9) for _ in range(self.free)]
            total = sum(d * w for d, w in zip(digits, range(9, 1, -1), strict=True))
            last = total % 11
            if last == 10:
                continue
            bsn = "".join(map(str, digits)) + str(last)
            if bsn not in self.used:
                self.used.add(bsn)
                return bsn
        prefix = "".join(map(str, self.prefix))
        raise ValueError(f"no unused fictional BSN left with prefix {prefix}")


def _birth(rng: random.Random, today: date, min_age: int, max_age: int) -> date:
    days = rng.randint(min_age * 365 + 1, max_age * 365 - 1)
    return today - timedelta(days=days)


def _years_before(day: date, rng: random.Random, low: float, high: float) -> date:
    return day - timedelta(days=int(rng.uniform(low, high) * 365.25))


@cache
def _surnames_of(family: str) -> tuple[tuple[str, str], ...]:
    return tuple(n for n in SURNAMES if origin(n[1]) == family)


def _pick(rng: random.Random, names: tuple[str, ...], used: set[str]) -> str:
    """A first name not yet used in this household (unique first names per family)."""
    name = rng.choice([n for n in names if n not in used] or [n for n in names])
    used.add(name)
    return name


def _children_births(rng: random.Random, today: date) -> list[date]:
    """Birth dates of the children, eldest first: 1 to 4 children, 1.5 to 6 years apart.

    The eldest is 0-17 (mostly of school age, as in a youth team's caseload); younger
    siblings are never born in the future.
    """
    eldest_age = rng.choices(
        (rng.uniform(0.5, 4), rng.uniform(4, 12), rng.uniform(12, 17.9)), (12, 45, 43)
    )[0]
    births = [today - timedelta(days=int(eldest_age * 365.25))]
    for _ in range(rng.choice((0, 0, 1, 1, 1, 2, 2, 3))):
        nxt = births[-1] + timedelta(days=int(rng.uniform(1.5, 6) * 365.25))
        if nxt > today - timedelta(days=60):
            break
        births.append(nxt)
    return births


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
    ctx: AppContext,
    count: int,
    seed: int = 2026,
    *,
    with_network: bool = True,
    bsn_prefix: str = FICTIONAL_BSN_PREFIX,
) -> list[Any]:
    """Insert ``count`` fictional households (in one transaction); returns their ids.

    ``bsn_prefix``: see :class:`BsnGenerator` (benchmark sets beyond ~30,000 households).
    """
    rng = random.Random(seed)
    bsns = BsnGenerator(rng, bsn_prefix)
    today = ctx.today()
    household_rows: list[dict[str, Any]] = []
    person_rows: list[dict[str, Any]] = []
    with ctx.uow() as uow:
        bsns.used.update(
            uow.session.execute(select(Person.bsn).where(Person.bsn.is_not(None))).scalars()
        )
        first_seq = next_sequence(uow.session, "dossier_number", count)
        code = database_code(uow.session)
        info = ctx.database.info()
        book = address_book(ctx.profile, ctx.actor.team or info.team_name, info.municipality)
        for index in range(count):
            household_id = uuid.uuid4()
            address: Address = rng.choice(book)
            municipality = address.municipality
            used: set[str] = set()
            tussen, surname = rng.choice(SURNAMES)
            family = origin(surname)
            surnames = _surnames_of(family)

            def pool(names: tuple[str, ...], family: str = family) -> tuple[str, ...]:
                return of_origin(names, family)

            births = _children_births(rng, today)
            # the mother is 20-37 at the eldest's birth; the father 0-6 years older
            mother_birth = _years_before(births[0], rng, 20, 37)
            # no child born when the mother (or a single father) is over 43
            births = [b for b in births if (b - mother_birth).days < 43 * 365]
            parents: list[tuple[str, tuple[str, str], date]] = []
            if rng.random() < 0.3:  # one parent: mostly the mother, sometimes the father
                if rng.random() < 0.85:
                    parents.append(
                        (_pick(rng, pool(ADULT_WOMEN), used), (tussen, surname), mother_birth)
                    )
                else:
                    father_birth = mother_birth - timedelta(days=rng.randint(0, 3 * 365))
                    parents.append(
                        (_pick(rng, pool(ADULT_MEN), used), (tussen, surname), father_birth)
                    )
            else:  # the children carry the father's surname; the mother often her own
                father_birth = _years_before(mother_birth, rng, 0, 6)
                parents.append((_pick(rng, pool(ADULT_MEN), used), (tussen, surname), father_birth))
                mother_name = (tussen, surname) if rng.random() < 0.3 else rng.choice(surnames)
                parents.append((_pick(rng, pool(ADULT_WOMEN), used), mother_name, mother_birth))
            household_rows.append(
                {
                    "id": household_id,
                    "dossier_number": f"{today.year}-{code}-{first_seq + index:05d}",
                    "name": f"Gezin {' '.join(p for p in (tussen.capitalize(), surname) if p)}",
                    "street": rng.choice(STREETS),
                    "house_number": str(rng.randint(1, 180)),
                    "postcode": address.postcode(rng),
                    "city": address.woonplaats,
                    "gemeente_code": municipality.cbs_code,
                    "gemeente": municipality.name,
                    "wijk": address.wijk,
                    "team": ctx.actor.team,
                    "notes": None,
                    "closed_on": None,
                }
            )
            for first, (p_tussen, p_surname), birth in parents:
                person_rows.append(
                    _person(
                        household_id,
                        "ouder",
                        first,
                        p_tussen,
                        p_surname,
                        birth,
                        bsns.next(),
                        gezag=True,
                        relation="ouder",
                    )
                )
            for birth in births:
                names = pool(CHILD_GIRLS if rng.random() < 0.5 else CHILD_BOYS)
                person_rows.append(
                    _person(
                        household_id,
                        "jeugdige",
                        _pick(rng, names, used),
                        tussen,
                        surname,
                        birth,
                        bsns.next(),
                    )
                )
            if with_network and rng.random() < 0.7:
                relation, female, older = rng.choice(NETWORK)
                names = (
                    (OLDER_WOMEN if female else OLDER_MEN)
                    if older
                    else (ADULT_WOMEN if female else ADULT_MEN)
                )
                # a grandparent has a parent's surname; an aunt or uncle may; others their own
                n_tussen, n_surname = (
                    rng.choice(parents)[1]
                    if older or (relation in ("tante", "oom") and rng.random() < 0.5)
                    else rng.choice(SURNAMES)
                )
                person_rows.append(
                    _person(
                        household_id,
                        "netwerk",
                        _pick(rng, of_origin(names, origin(n_surname)), used),
                        n_tussen,
                        n_surname,
                        None,
                        None,
                        relation=relation,
                    )
                )
        ids = bulk_insert(uow.session, Household, household_rows, ctx.actor.username)
        bulk_insert(uow.session, Person, person_rows, ctx.actor.username)
        uow.commit()
    return ids
