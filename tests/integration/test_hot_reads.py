"""Hot-path reads on the session's DBAPI connection (issue 11): the same rows as Core, and
a kept candidate pool is never served after another connection committed a change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import update

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.providers import Need
from jeugdtoegang.services import eligibility, eligibility_pools
from jeugdtoegang.services.catalogue_import import import_catalogue
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage import eligibility_queries
from jeugdtoegang.storage.database import open_database
from jeugdtoegang.storage.models.providers import Contract

HEADER = (
    "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
    "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
    "wachttijd_weken"
)
ROWS = [
    "98000001;Jeugdhulp De Kromme Rijn;ambulant;45Z01;;;;uur;82,50;*;Centrum;nee;;01-01-2026;;actief;250000;3",
    "98000002;Praktijk Wissel;ambulant;45Z01;;;;uur;81;Zeist;;nee;;2026-01-01;;actief;;0",
]
NEED = Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4), wijk="Centrum")


def _import(ctx: AppContext, tmp_path: Path) -> None:
    file = tmp_path / "c.csv"
    file.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8-sig")
    admin = ctx.with_actor(Actor("beheer", "Beheer", frozenset({Role.BEHEERDER})))
    import_catalogue(admin, file)


def test_prepared_reads_return_what_core_returns(ctx: AppContext, tmp_path: Path) -> None:
    _import(ctx, tmp_path)
    params = {"region": ctx.profile.slug, "segment": "ambulant", "product": "45Z01"}
    with ctx.uow(readonly=True) as uow:
        prepared = eligibility_queries.FINGERPRINT.all(uow.session, params)
        core = uow.session.execute(eligibility_queries.FINGERPRINT.statement, params).all()
    assert prepared == [tuple(row) for row in core]
    assert prepared[0][0] == 2


def test_a_commit_by_another_connection_refreshes_the_kept_pool(
    ctx: AppContext, tmp_path: Path
) -> None:
    _import(ctx, tmp_path)
    first = eligibility.eligible_providers(ctx, NEED)
    assert [p.agb for p in first.eligible] == ["98000001", "98000002"]
    assert [p.agb for p in eligibility.eligible_providers(ctx, NEED).eligible] == [
        "98000001",
        "98000002",
    ]
    # another program on the same database suspends one provider's contract
    other = open_database(ctx.database.url)
    try:
        with other.write_sessions() as session:
            session.execute(
                update(Contract)
                .where(Contract.valid_from <= date(2027, 1, 4))
                .where(Contract.provider_id == first.eligible[1].provider_id)
                .values(status="geschorst", version=Contract.version + 1)
            )
            session.commit()
    finally:
        other.close()
    after = eligibility.eligible_providers(ctx, NEED)
    assert [p.agb for p in after.eligible] == ["98000001"]


def test_a_new_pool_prepares_every_municipality_with_the_same_ranking(
    ctx: AppContext, tmp_path: Path
) -> None:
    """The first need of a product prepares all municipalities of the region at once; a
    later need elsewhere ranks exactly as it would on a pool built for it."""
    _import(ctx, tmp_path)
    bilt = Need("ambulant", "45Z01", "De Bilt", date(2027, 1, 4))
    first = eligibility.eligible_providers(ctx, NEED)  # builds the pool for Zeist
    with ctx.uow(readonly=True) as uow:
        pool = eligibility_pools.kept_for(uow.session).pools[
            (ctx.profile.slug, "ambulant", "45Z01")
        ][1]
    assert len(pool._prepared) == len(ctx.profile.municipalities)
    warmed = eligibility.eligible_providers(ctx, bilt)
    assert len(pool._prepared) == len(ctx.profile.municipalities)  # nothing new was built
    eligibility.forget_pools(ctx)
    fresh = eligibility.eligible_providers(ctx, bilt)
    assert [p.agb for p in first.eligible] == ["98000001", "98000002"]
    assert [(p.agb, p.rank, list(p.reasons)) for p in warmed.eligible] == [
        (p.agb, p.rank, list(p.reasons)) for p in fresh.eligible
    ]
    assert [p.agb for p in warmed.eligible] == ["98000001"]
