"""A fictional provider catalogue for the demo region.

About 40 providers with contracts across the profile's products and municipalities: some
preferent per wijk, group offers, a few with an identity, one in cliëntenstop, one
geschorst, the strategic partners of the region (when it has them), and free-access
provisions per municipality. Deterministic for a seed.
"""

from __future__ import annotations

import random
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from jeugdtoegang.domain.catalogue_rows import ContractRow, ParsedCatalogue, ProvisionRow
from jeugdtoegang.domain.providers import ALL, FREE_ACCESS_SEGMENT, join_list
from jeugdtoegang.progress import run_to_end
from jeugdtoegang.regions import RegionProfile
from jeugdtoegang.services.catalogue_import import ImportReport, write_catalogue
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.models.providers import Provider

PROVIDER_COUNT = 40
FIRST = ("Stichting", "Jeugdhulp", "Zorggroep", "Gezinspraktijk", "Coöperatie", "Praktijk")
CORE = (
    "Kromme Rijn",
    "Heuvelrug",
    "Baken",
    "Lindeboom",
    "Vlinder",
    "Dijk",
    "Brug",
    "Kompas",
    "Horizon",
    "Eik",
    "Zonnehoek",
    "Vuurtoren",
    "Waterlinie",
    "Boomgaard",
    "Molen",
    "Klaproos",
    "Nieuwe Weg",
    "Wissel",
    "Springplank",
    "Ankerplaats",
)
IDENTITIES = ("christelijk", "reformatorisch", "islamitisch", "humanistisch")
THEMES = (
    "druk gedrag",
    "scheiding",
    "prikkelgevoeligheid",
    "pubers",
    "weerbaarheid",
    "opvoeden",
    "angst",
)
PROVISIONS = (
    ("Opvoedspreekuur CJG", ("opvoeden", "druk gedrag"), True),
    ("Ouders van pubers (groep)", ("pubers", "opvoeden"), True),
    ("Kinderen in scheiding (KIES-groep)", ("scheiding",), True),
    ("Weerbaarheidstraining", ("weerbaarheid",), True),
    ("Jongerenwerk inloop", ("pubers",), True),
    ("Maatje of mentor (JIM)", ("weerbaarheid", "opvoeden"), False),
)
BASE_TARIFF = {"minuut": 1.45, "uur": 84.0, "dagdeel": 140.0, "etmaal": 185.0, "stuks": 950.0}


def _names(rng: random.Random, count: int) -> list[str]:
    names: list[str] = []
    while len(names) < count:
        name = f"{rng.choice(FIRST)} {rng.choice(CORE)}"
        if name not in names:
            names.append(name)
    return names


def _contract_rows(profile: RegionProfile, rng: random.Random, today: date) -> list[ContractRow]:
    products = [p for p in profile.products if p.segment != FREE_ACCESS_SEGMENT]
    municipalities = list(profile.municipality_names)
    year_start = date(today.year, 1, 1)
    partners = {p.agb: p for p in profile.strategic_partners}
    providers = [(agb, p.name) for agb, p in partners.items()]
    providers += [
        (f"97{index:06d}", name)
        for index, name in enumerate(_names(rng, PROVIDER_COUNT - len(providers)), start=1)
        if f"97{index:06d}" not in partners
    ]
    rows: list[ContractRow] = []
    for number, (agb, name) in enumerate(providers):
        identity = rng.choice(IDENTITIES) if number % 9 == 4 else None
        status = "actief"
        if number == 7:
            status = "clientenstop"
        elif number == 13:
            status = "geschorst"
        partner = partners.get(agb)
        if partner is not None:
            offered = [p for p in products if p.segment in partner.segments]
        else:
            offered = rng.sample(products, k=min(len(products), rng.randint(1, 4)))
        for product in offered:
            if partner is not None:
                served = [m.name for m in profile.municipalities if m.area == partner.area]
            elif rng.random() < 0.4:
                served = []
            else:
                served = rng.sample(municipalities, k=rng.randint(1, len(municipalities)))
            wijken = [
                w
                for m in profile.municipalities
                if not served or m.name in served
                for w in m.wijken
            ]
            preferred = (
                rng.sample(wijken, k=min(2, len(wijken))) if wijken and rng.random() < 0.25 else []
            )
            base = BASE_TARIFF.get(product.unit, 80.0)
            tariff = Decimal(str(round(base * rng.uniform(0.9, 1.15), 2))).quantize(Decimal("0.01"))
            rows.append(
                ContractRow(
                    row=len(rows) + 2,
                    agb=agb,
                    naam=name,
                    kvk=None,
                    contact=f"info@{name.lower().replace(' ', '').replace('ö', 'o')}.example",
                    identity=identity,
                    segment=product.segment,
                    product_code=product.code,
                    product_name=product.name,
                    vorm=product.vorm,
                    themes=join_list(rng.sample(THEMES, k=rng.randint(0, 2))),
                    unit=product.unit,
                    tariff=tariff,
                    municipalities=join_list(sorted(served)) if served else ALL,
                    preferred_wijken=join_list(preferred),
                    group_offer=product.group or rng.random() < 0.15,
                    valid_from=year_start,
                    valid_to=date(today.year + 3, 12, 31)
                    if number != 21
                    else date(today.year, 6, 30),
                    status=status,
                    budget_year=Decimal(rng.randrange(40, 900) * 1000),
                    waiting_weeks=rng.choice((0, 1, 2, 3, 4, 6, 8, 12)),
                )
            )
    return rows


def _provision_rows(profile: RegionProfile) -> list[ProvisionRow]:
    rows = []
    for municipality in profile.municipalities:
        for number, (name, themes, group) in enumerate(PROVISIONS):
            if (len(municipality.name) + number) % 4 == 0:
                continue  # not every municipality has every provision
            rows.append(
                ProvisionRow(
                    row=len(rows) + 2,
                    naam=f"{name} {municipality.name}",
                    municipalities=(municipality.name,),
                    themes=join_list(themes),
                    group_offer=group,
                    agb=None,
                    contact="",
                    valid_from=None,
                    valid_to=None,
                )
            )
    return rows


def fill(ctx: AppContext, state: dict[str, Any]) -> None:
    """Add the demo catalogue; ``state["provider_ids"]`` lists the provider ids."""
    rng = random.Random(f"{state['seed']}-providers")
    profile = ctx.profile
    contracts = _contract_rows(profile, rng, ctx.today())
    provisions = _provision_rows(profile)
    parsed = ParsedCatalogue(contracts, provisions, [], len(contracts) + len(provisions))
    report = ImportReport("demo")
    with ctx.uow() as uow:
        run_to_end(write_catalogue(uow.session, parsed, profile.slug, ctx.actor.username, report))
        ids = dict(uow.session.execute(select(Provider.agb, Provider.id)).all())
        uow.commit()
    state["provider_ids"] = list(ids.values())
    state["provider_agbs"] = ids
