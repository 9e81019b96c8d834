"""Catalogue import, selection and the provider choice against a real database."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jeugdtoegang.cli import common
from jeugdtoegang.cli.main import main
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.providers import MaatwerkProvider, Need
from jeugdtoegang.errors import PermissionDeniedError
from jeugdtoegang.services import providers
from jeugdtoegang.services.catalogue_import import (
    CatalogueImportError,
    import_catalogue,
    preview_catalogue,
)
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.eligibility import check_provider_choice, eligible_providers
from jeugdtoegang.storage.models.changelog import ChangeLogEntry
from jeugdtoegang.storage.models.providers import Contract, FreeAccessProvision, Provider

pytestmark = pytest.mark.postgres

TODAY = date(2026, 11, 23)
ADMIN = Actor("f.beheer", "Fenna Beheer", frozenset({Role.BEHEERDER}))
HEADER = (
    "agb;naam;segment;productcode;productnaam;vorm;thema;eenheid;tarief;gemeenten;"
    "preferent_wijken;groepsaanbod;identiteit;geldig_van;geldig_tot;status;budget_jaar;"
    "wachttijd_weken"
)
ROWS = [
    "98000001;Jeugdhulp De Kromme Rijn;ambulant;45Z01;;;pubers;uur;82,50;*;Centrum;nee;;01-01-2026;31-12-2029;actief;250.000,00;3",
    "98000001;Jeugdhulp De Kromme Rijn;ambulant;45Z03;;;;dagdeel;145,00;Zeist|De Bilt;;ja;;01-01-2026;;actief;40000;1",
    "98000002;Stichting Het Baken;ambulant;45Z01;;;;uur;79,95;Bunnik;;nee;christelijk;2026-01-01;;actief;120000;6",
    "98000003;Zorggroep Heuvelrug;ambulant;45Z01;;;;uur;85;*;;nee;;2026-01-01;;clientenstop;;2",
    "98000004;Praktijk Wissel;ambulant;45Z01;;;;uur;81;Zeist;;nee;;2026-01-01;;actief;;0",
    "98000005;Pleegzorg Utrecht;wonen;44Z02;;;;etmaal;38,40;*;;nee;;2026-01-01;;actief;;1",
    "98000006;Gezinshuis De Linde;wonen;44Z03;;;;etmaal;160;*;;nee;;2026-01-01;;actief;;4",
    ";Pubergroep CJG Zeist;sociale-basis;;;;pubers;;;Zeist;;ja;;;;;;",
]


def write(path: Path, rows: list[str], *, bom: bool = False) -> Path:
    text = "\n".join([HEADER, *rows]) + "\n"
    path.write_text(("\ufeff" if bom else "") + text, encoding="utf-8")
    return path


@pytest.fixture
def admin(ctx: AppContext) -> AppContext:
    return ctx.with_actor(ADMIN)


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return write(tmp_path / "catalogus.csv", ROWS, bom=True)


def counts(ctx: AppContext) -> tuple[int, int, int, int]:
    with ctx.uow(readonly=True) as uow:
        return tuple(  # type: ignore[return-value]
            uow.session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (Provider, Contract, FreeAccessProvision, ChangeLogEntry)
        )


def test_a_valid_file_is_imported_and_reimporting_it_changes_nothing(
    admin: AppContext, catalogue: Path
) -> None:
    report = import_catalogue(admin, catalogue)
    assert (report.providers_created, report.contracts_created, report.provisions_created) == (
        6,
        7,
        1,
    )
    before = counts(admin)
    again = import_catalogue(admin, catalogue)
    assert not again.changed and again.contracts_unchanged == 7
    assert counts(admin) == before  # change_log unchanged too


def test_a_newer_file_writes_changed_contracts_as_new_versions(
    admin: AppContext, catalogue: Path, tmp_path: Path
) -> None:
    import_catalogue(admin, catalogue)
    newer = [ROWS[0].replace("82,50", "84,00").removesuffix(";3") + ";5", *ROWS[1:]]
    report = import_catalogue(admin, write(tmp_path / "nieuw.csv", newer))
    assert (report.contracts_updated, report.contracts_unchanged) == (1, 6)
    with admin.uow(readonly=True) as uow:
        contract = uow.session.execute(
            select(Contract).where(Contract.product_code == "45Z01", Contract.waiting_weeks == 5)
        ).scalar_one()
        assert contract.tariff == Decimal("84.00") and contract.version == 2
        history = uow.session.execute(
            select(ChangeLogEntry.version, ChangeLogEntry.data)
            .where(ChangeLogEntry.record_id == contract.id)
            .order_by(ChangeLogEntry.version)
        ).all()
    assert [(v, d["tariff"]) for v, d in history] == [(1, "82.50"), (2, "84.00")]


def test_one_bad_row_imports_nothing_and_reports_every_error(
    admin: AppContext, tmp_path: Path
) -> None:
    rows = [
        *ROWS,
        "1234;Fout;ambulant;45Z01;;;;uur;abc;Utrecht;;nee;;2027-01-01;;actief;;",
        "98000009;Later;ambulant;45Z01;;;;uur;10;*;;nee;;2027-06-01;2027-01-01;actief;;",
    ]
    before = counts(admin)
    with pytest.raises(CatalogueImportError) as caught:
        import_catalogue(admin, write(tmp_path / "fout.csv", rows))
    found = [(e.row, e.field) for e in caught.value.errors]
    assert found == [(10, "agb"), (10, "tarief"), (10, "gemeenten"), (11, "geldig_tot")]
    assert "Er is niets gewijzigd" in caught.value.message
    assert counts(admin) == before


def test_skip_invalid_imports_the_valid_rows_and_lists_the_skipped_ones(
    admin: AppContext, tmp_path: Path
) -> None:
    rows = [*ROWS, "1234;Fout;ambulant;45Z01;;;;uur;abc;Utrecht;;nee;;2027-01-01;;actief;;"]
    report = import_catalogue(admin, write(tmp_path / "fout.csv", rows), skip_invalid=True)
    assert report.rows_skipped == 1 and report.contracts_created == 7
    assert {e.row for e in report.errors} == {10}


def test_the_preview_shows_errors_without_writing(admin: AppContext, tmp_path: Path) -> None:
    preview = preview_catalogue(admin, write(tmp_path / "p.csv", [*ROWS, "x;;;;;;;;;;;;;;;;;"]))
    assert preview.contracts == 7 and preview.invalid_rows == 1
    assert counts(admin)[0] == 0


def test_only_a_beheerder_may_import_the_catalogue(ctx: AppContext, catalogue: Path) -> None:
    with pytest.raises(PermissionDeniedError):
        import_catalogue(ctx, catalogue)


def test_eligible_providers_are_ranked_with_reasons_and_excluded_ones_explained(
    admin: AppContext, catalogue: Path, ctx: AppContext
) -> None:
    import_catalogue(admin, catalogue)
    need = Need("ambulant", "45Z01", "zeist", date(2027, 1, 4), wijk="Centrum", theme="pubers")
    result = eligible_providers(ctx, need)
    assert [p.agb for p in result.eligible] == ["98000001", "98000004"]
    assert "Preferente aanbieder in wijk Centrum." in result.eligible[0].reasons
    assert {p.agb: p.codes for p in result.excluded} == {
        "98000002": ("MUNICIPALITY_NOT_SERVED",),
        "98000003": ("CLIENTENSTOP",),
    }
    assert [v.naam for v in result.voorliggend] == ["Pubergroep CJG Zeist"]


def test_the_selection_sees_a_new_import_at_once(
    admin: AppContext, catalogue: Path, tmp_path: Path, ctx: AppContext
) -> None:
    import_catalogue(admin, catalogue)
    need = Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4))
    assert len(eligible_providers(ctx, need).eligible) == 2
    stopped = [ROWS[0].replace(";actief;", ";geschorst;"), *ROWS[1:]]
    import_catalogue(admin, write(tmp_path / "stop.csv", stopped))
    assert [p.agb for p in eligible_providers(ctx, need).eligible] == ["98000004"]


def test_choosing_providers_gives_the_expected_findings(
    admin: AppContext, catalogue: Path, ctx: AppContext
) -> None:
    import_catalogue(admin, catalogue)
    need = Need("ambulant", "45Z01", "Zeist", date(2027, 1, 4))
    # issue 11: the group product 45Z03 is contracted in Zeist, so individual help asks
    # why ("groepsaanbod gaat voor"); with a motivation it is an approval
    group_first = [(f.code, f.severity) for f in check_provider_choice(ctx, need, "98000004")]
    assert group_first == [("GROUP_OFFER_FIRST", Severity.ERROR)]
    motivated = check_provider_choice(ctx, need, "98000004", motivation="Groep past niet.")
    assert [(f.code, f.severity) for f in motivated] == [("GROUP_OFFER_FIRST", Severity.APPROVAL)]
    suspended = check_provider_choice(ctx, need, "98000003")
    assert ("PROVIDER_SUSPENDED", Severity.ERROR) in [(f.code, f.severity) for f in suspended]
    elsewhere = check_provider_choice(ctx, need, "98000002", motivation="Vertrouwde hulp.")
    assert [(f.code, f.severity) for f in elsewhere] == [
        ("PROVIDER_NOT_ELIGIBLE", Severity.APPROVAL),
        ("GROUP_OFFER_FIRST", Severity.APPROVAL),
    ]
    maatwerk = check_provider_choice(ctx, need, None, MaatwerkProvider("Praktijk Elders"))
    assert ("PROVIDER_NOT_ELIGIBLE", Severity.ERROR) in [(f.code, f.severity) for f in maatwerk]
    wonen = Need("wonen", "44Z03", "Zeist", date(2027, 1, 4))
    assert [f.code for f in check_provider_choice(ctx, wonen, "98000006")] == ["WONEN_ORDER"]


def test_the_provider_detail_shows_contracts_and_budget_use(
    admin: AppContext, catalogue: Path
) -> None:
    import_catalogue(admin, catalogue)
    rows = providers.list_providers(admin, "kromme")
    assert [r.agb for r in rows] == ["98000001"]
    detail = providers.get_provider(admin, rows[0].id)
    assert len(detail.contracts) == 2
    assert detail.budget.budget == Decimal("290000") and detail.budget.committed == 0
    assert [r.agb for r in providers.list_providers(admin, status="clientenstop")] == ["98000003"]
    assert len(providers.list_providers(admin, segment="wonen")) == 2


# -- CLI --------------------------------------------------------------------------------------


@pytest.fixture
def cli(admin: AppContext, monkeypatch: pytest.MonkeyPatch, database_url: str) -> object:
    monkeypatch.setattr(common, "cli_actor", lambda args, database: ADMIN)

    def run(*args: str) -> int:
        return main(["--db", database_url, *args])

    return run


def test_cli_import_and_eligible_print_the_documented_json(
    cli: object, catalogue: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("providers", "import", str(catalogue), "--json") == 0  # type: ignore[operator]
    imported = json.loads(capsys.readouterr().out)
    assert imported["imported"] and imported["contracts"]["created"] == 7
    code = cli(  # type: ignore[operator]
        "providers",
        "eligible",
        "--segment",
        "ambulant",
        "--product",
        "45Z01",
        "--gemeente",
        "Zeist",
        "--wijk",
        "Centrum",
        "--date",
        "2027-01-04",
        "--json",
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(p["agb"], p["rank"]) for p in data["eligible"]] == [("98000001", 1), ("98000004", 2)]
    assert all(set(p) == {"agb", "naam", "rank", "reasons"} for p in data["eligible"])
    assert all(set(p) == {"agb", "naam", "reasons"} for p in data["excluded"])
    assert isinstance(data["voorliggend"], list)
    assert cli("providers", "list", "--json") == 0  # type: ignore[operator]
    assert len(json.loads(capsys.readouterr().out)) == 6


def test_cli_import_of_a_bad_file_exits_1_with_the_full_error_list(
    cli: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = write(tmp_path / "fout.csv", ["1234;;ambulant;45Z01;;;;uur;abc;*;;nee;;x;;actief;;"])
    assert cli("providers", "import", str(bad), "--json") == 1  # type: ignore[operator]
    data = json.loads(capsys.readouterr().out)
    assert not data["imported"]
    assert {(e["row"], e["column"]) for e in data["errors"]} == {
        (2, "agb"),
        (2, "naam"),
        (2, "tarief"),
        (2, "geldig_van"),
    }
    assert cli("providers", "import", str(bad)) == 1  # type: ignore[operator]
    assert "rij 2, tarief" in capsys.readouterr().err
