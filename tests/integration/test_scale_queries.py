"""Lists page by key and read through indexes, so their cost does not grow with the data.

SQLite's query plan is the observable: a page of the dossier list and the Logboek of one
dossier must never scan a whole table or sort it in a temporary B-tree.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models import Household
from tests.conftest import TEAMLEIDER

#: a SCAN (even in index order) reads rows until the LIMIT is met: grows with the table
FULL_SCAN = re.compile(r"\bSCAN (household|audit_log|audit_subject)\b")


@contextmanager
def plans_of(database: Database, table: str) -> Iterator[list[str]]:
    """The SQLite query plans of every statement on ``table`` run inside the block."""
    found: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if re.search(rf"\bFROM {table}\b", statement) and statement.lstrip().upper().startswith(
            "SELECT"
        ):
            found.append((statement, params))

    engines = [database.engines.read, database.engines.write]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", remember)
    plans: list[str] = []
    try:
        yield plans
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", remember)
    with database.engines.read.connect() as connection:
        for statement, params in found:
            rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params).all()
            plans.append(" | ".join(str(r[-1]) for r in rows))


def _seed(ctx: AppContext, names: list[str]) -> None:
    with ctx.uow() as uow:
        for i, name in enumerate(names):
            uow.session.add(Household(dossier_number=f"D-{i:05d}", name=name, gemeente="Zeist",
                                      gemeente_code="0355"))  # fmt: skip
        uow.commit()


@pytest.fixture
def sqlite_only(database: Database) -> None:
    if database.dialect != "sqlite":
        pytest.skip("query plans are checked on SQLite")


def test_keyset_pages_visit_every_dossier_once_in_list_order(ctx: AppContext) -> None:
    names = [f"Gezin {chr(65 + i % 7)}" for i in range(53)]  # many equal names
    _seed(ctx, names)
    seen = []
    after = None
    while True:
        page = households.list_households(ctx, 0, 10, after=after)
        if not page:
            break
        seen.extend(page)
        after = (page[-1].name, page[-1].dossier_number)
    assert [(r.name, r.dossier_number) for r in seen] == sorted(
        (r.name, r.dossier_number) for r in households.list_households(ctx, 0, 1000)
    )
    assert len({r.id for r in seen}) == 53


def test_a_dossier_page_reads_the_index_without_sorting(
    ctx: AppContext, database: Database, sqlite_only: None
) -> None:
    _seed(ctx, [f"Gezin {i % 11}" for i in range(40)])
    with plans_of(database, "household") as plans:
        households.list_households(ctx, 0, 10, after=("Gezin 3", "D-00003"))
    page_plans = [p for p in plans if "ORDER BY" in p or "ix_household" in p or "SCAN" in p]
    assert page_plans, plans
    for plan in plans:
        assert not FULL_SCAN.search(plan), plan
        assert "TEMP B-TREE" not in plan, plan


def test_pages_read_backwards_by_key_or_from_the_end_give_the_same_list(
    ctx: AppContext,
) -> None:
    _seed(ctx, [f"Gezin {chr(65 + i % 7)}" for i in range(53)])  # many equal names
    whole = [(r.name, r.dossier_number) for r in households.list_households(ctx, 0, 1000)]
    seen: list[tuple[str, str]] = []
    page = households.list_households(ctx, 0, 10, from_end=True)
    while page:
        seen[:0] = [(r.name, r.dossier_number) for r in page]
        page = households.list_households(ctx, 0, 10, before=seen[0])
    assert seen == whole
    middle = households.list_households(ctx, 20, 10, from_end=True)  # rows 23 to 32
    assert [(r.name, r.dossier_number) for r in middle] == whole[23:33]
    with pytest.raises(ValueError):
        households.list_households(ctx, 0, 10, after=whole[0], before=whole[5])


def test_a_page_before_a_key_reads_the_index_backwards_without_sorting(
    ctx: AppContext, database: Database, sqlite_only: None
) -> None:
    _seed(ctx, [f"Gezin {i % 11}" for i in range(40)])
    with plans_of(database, "household") as plans:
        households.list_households(ctx, 0, 10, before=("Gezin 3", "D-00003"))
    assert plans
    for plan in plans:
        assert not FULL_SCAN.search(plan), plan
        assert "TEMP B-TREE" not in plan, plan


def test_the_logboek_of_a_dossier_reads_indexes_only(
    ctx: AppContext, database: Database, sqlite_only: None, make_household: Callable[..., Any]
) -> None:
    household_id = make_household(ctx)
    lead = ctx.with_actor(TEAMLEIDER)
    households.get_household(ctx, household_id)  # an entry on the dossier
    with plans_of(database, "audit_log") as plans:
        entries = audit.dossier_log(lead, household_id)
    assert entries
    assert plans
    for plan in plans:
        assert not FULL_SCAN.search(plan), plan
    # keyset pages: the object index ends in seq, so each source is one range read backwards
    assert any("ix_audit_log_object_seq" in plan for plan in plans), plans
    with plans_of(database, "audit_log") as plans:
        audit.dossier_log_page(lead, household_id, before=entries[0].seq)
    for plan in plans:
        assert not FULL_SCAN.search(plan), plan


@pytest.fixture
def make_household() -> Callable[..., uuid.UUID]:
    from tests.integration.sync_helpers import register

    return lambda ctx: register(ctx, 7)


def test_signals_read_indexed_date_windows_not_every_household(
    ctx: AppContext, database: Database, sqlite_only: None
) -> None:
    from jeugdtoegang.demo import fill_demo
    from jeugdtoegang.services.signals import compute_signals

    fill_demo(ctx, households=30)
    lead = ctx.with_actor(TEAMLEIDER)
    plans: list[str] = []
    for table in ("person", "indication", "household", "provider_request"):
        with plans_of(database, table) as found:
            compute_signals(lead)
        plans += found
    assert plans
    scans = [p for p in plans if re.search(r"\bSCAN (person|indication|household)\b", p)]
    assert not scans, scans


def test_provider_pages_by_key_match_the_full_filtered_list(ctx: AppContext) -> None:
    from jeugdtoegang.demo import providers as demo_providers
    from jeugdtoegang.services import providers

    admin = ctx.with_actor(TEAMLEIDER)
    demo_providers.fill(admin, {"seed": 1})
    for filters in ({}, {"segment": "ambulant"}, {"status": "actief"}, {"text": "zorg"}):
        text = str(filters.get("text", ""))
        rest = {k: v for k, v in filters.items() if k != "text"}
        full = providers.list_providers(admin, text, **rest)  # type: ignore[arg-type]
        paged, after = [], None
        while True:
            page = providers.list_providers(admin, text, after=after, limit=7, **rest)  # type: ignore[arg-type]
            paged += page
            if len(page) < 7:
                break
            after = providers.page_key(page[-1])
        assert [r.agb for r in paged] == [r.agb for r in full], filters
