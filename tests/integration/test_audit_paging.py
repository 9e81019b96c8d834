"""Paging the log by key: a dossier's Logboek and the administrator's search, CLI and
service, newest first, each next page strictly older than the last entry shown."""

from __future__ import annotations

import json

import pytest

from jeugdtoegang.cli.main import main
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import audit, households
from jeugdtoegang.services.context import AppContext
from tests.integration.sync_helpers import register

BEHEER = Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER}))


def test_pages_of_a_dossier_follow_each_other_without_gaps_or_repeats(ctx: AppContext) -> None:
    household_id = register(ctx, 7)
    for number in range(23):
        households.get_household(ctx, household_id, purpose=f"lezen {number}")
    everything = [e.seq for e in audit.dossier_log(ctx, household_id)]
    pages, before = [], None
    while True:
        page = audit.dossier_log_page(ctx, household_id, limit=5, before=before)
        pages.append([e.seq for e in page.entries])
        if not page.more:
            assert page.next_before is None
            break
        before = page.next_before
        assert before == page.entries[-1].seq
    seqs = [seq for page in pages for seq in page]
    assert all(len(page) == 5 for page in pages[:-1])
    assert seqs == sorted(set(seqs), reverse=True)
    # newer entries are the pages' own reads; every older one is there exactly once
    assert [s for s in seqs if s <= everything[0]] == everything
    reads = audit.search_audit(ctx.with_actor(BEHEER), audit.AuditQuery(action="logboek_inzien"))
    assert any("voor regel" in (r.purpose or "") for r in reads)


def test_the_cli_lists_a_dossier_page_and_the_next(
    ctx: AppContext, database_url: str, cli_login: AppContext, capsys: pytest.CaptureFixture[str]
) -> None:
    household_id = register(ctx, 7)
    for number in range(8):
        households.get_household(ctx, household_id, purpose=f"lezen {number}")
    args = ["--db", database_url, "audit", "logboek", "--household", str(household_id)]
    assert main([*args, "--limit", "3", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert len(first["entries"]) == 3 and first["more"] is True
    assert first["next_before"] == first["entries"][-1]["seq"]
    assert main([*args, "--limit", "3", "--before", str(first["next_before"])]) == 0
    text = capsys.readouterr().out
    assert "Oudere regels: --before" in text
    older = [int(line.split()[0]) for line in text.splitlines() if line[:8].strip().isdigit()]
    assert len(older) == 3 and max(older) < first["next_before"]
    with pytest.raises(SystemExit) as refused:  # (argparse exits itself, with code 1)
        main([*args, "--limit", "0"])
    assert refused.value.code == 1
    assert "positief" in capsys.readouterr().err


def test_the_search_pages_by_key(ctx: AppContext) -> None:
    admin = ctx.with_actor(BEHEER)
    for number in range(6):
        audit.log_use(ctx, "zoeken", purpose=f"ronde {number}")
    first = audit.search_audit(admin, audit.AuditQuery(action="zoeken", limit=4))
    second = audit.search_audit(
        admin, audit.AuditQuery(action="zoeken", limit=4, before=first[-1].seq)
    )
    assert [e.purpose for e in first + second] == [f"ronde {n}" for n in range(5, -1, -1)]
