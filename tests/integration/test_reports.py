"""Team reports from known data: the service, its filter, and ``jeugdtoegang report``."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from jeugdtoegang.errors import PermissionDeniedError, ValidationError
from jeugdtoegang.services import indications as svc
from jeugdtoegang.services import reports
from jeugdtoegang.services.reports import ReportFilter
from jeugdtoegang.storage.models.households import Household
from tests.indication_helpers import add_plan, add_provider, draft, make_family
from tests.integration.test_households import run_cli


def _team_data(ctx, lead_ctx):  # type: ignore[no-untyped-def]
    add_provider(ctx, budget_year="10000")  # half-year budget € 5.000
    first, child = make_family(ctx)
    goals = add_plan(ctx, first, child)
    nine = svc.save_concept(ctx, draft(child, goals))  # 9 months: no team lead needed
    svc.submit_indication(ctx, nine.id)
    second, other_child = make_family(ctx, name="Familie Twee", gemeente="Bunnik", wijk=None)
    longer = svc.save_concept(
        ctx,
        draft(
            other_child,
            end=date(2027, 12, 31),
            motivations={"TERM_DEVELOPMENT_EXCEEDED": "Behandeling duurt langer."},
        ),
    )
    svc.submit_indication(ctx, longer.id)  # waits for the team lead
    with ctx.uow() as uow:
        uow.session.get(Household, second).responsible_consultant = "m.elamrani"
        uow.commit()
    return nine, longer


def test_the_dashboard_reports_count_the_known_data(ctx, lead_ctx) -> None:
    _nine, longer = _team_data(ctx, lead_ctx)
    result = {r.key: r for r in reports.dashboard(lead_ctx)}
    assert set(result) >= {
        "caseload",
        "queue-age",
        "tenzij",
        "evaluations",
        "outcomes",
        "reindications",
        "waiting-times",
        "budget",
    }
    caseload = result["caseload"]
    assert caseload.value("c.jansen") == 1 and caseload.value("m.elamrani") == 1
    assert result["queue-age"].value("0–2 dagen") == 1  # the tenzij indication, submitted today

    svc.approve_indication(lead_ctx, longer.id, "Akkoord")
    tenzij = reports.run_report(lead_ctx, "tenzij", ReportFilter(end=date(2026, 12, 31)))
    assert tenzij.value("2026-12") == Decimal("50.0")  # one of the two December starts
    assert "1 van 2" in tenzij.note

    budget = reports.run_report(lead_ctx, "budget")
    used = budget.value("Zorg Zeist BV", "Verplichtingen")
    assert budget.value("Zorg Zeist BV", "Halfjaarbudget") == Decimal("5000.00")
    assert used > 0  # December of the two terms, pro rata, as the budget signal counts
    assert "1 aanbieder boven" in budget.note or used <= 5000


def test_the_filter_narrows_to_a_municipality_and_refuses_unknown_values(ctx, lead_ctx) -> None:
    _team_data(ctx, lead_ctx)
    bunnik = reports.run_report(lead_ctx, "caseload", ReportFilter(gemeente="Bunnik"))
    assert bunnik.categories == ("m.elamrani",)
    assert "gemeente Bunnik" in bunnik.filter_text
    with pytest.raises(ValidationError, match="hoort niet bij deze regio"):
        reports.run_report(lead_ctx, "caseload", ReportFilter(gemeente="Atlantis"))
    with pytest.raises(ValidationError, match="Onbekende rapportage"):
        reports.run_report(lead_ctx, "geheim")
    with pytest.raises(ValidationError, match="eindigt vóór"):
        reports.run_report(
            lead_ctx, "tenzij", ReportFilter(start=date(2027, 1, 1), end=date(2026, 1, 1))
        )


def test_consultants_do_not_read_team_reports(ctx) -> None:
    with pytest.raises(PermissionDeniedError):
        reports.dashboard(ctx)


def test_reports_export_as_csv_and_json(ctx, lead_ctx) -> None:
    _team_data(ctx, lead_ctx)
    caseload = reports.run_report(lead_ctx, "caseload")
    assert caseload.to_csv().splitlines()[0] == "categorie;Dossiers"
    assert json.loads(json.dumps(caseload.to_json()))["series"][0]["values"] == [1, 1]


def test_the_report_command_prints_json_csv_and_refuses_unknown_names(tmp_path: Path) -> None:
    db = tmp_path / "demo.sqlite"
    assert run_cli(db, "init", "--region", "zuidoost-utrecht", "--demo", "--households", "40")
    import os

    os.environ["JEUGDTOEGANG_USER"] = "t.bakker"
    try:
        listed = run_cli(db, "report", "list", "--json")
        assert listed.returncode == 0, listed.stderr
        assert "caseload" in {r["naam"] for r in json.loads(listed.stdout)}
        shown = run_cli(db, "report", "caseload", "--json")
        assert shown.returncode == 0, shown.stderr
        data = json.loads(shown.stdout)
        assert data["report"] == "caseload" and sum(data["series"][0]["values"]) > 0
        as_csv = run_cli(db, "report", "evaluations", "--csv", "--gemeente", "Zeist")
        assert as_csv.returncode == 0 and as_csv.stdout.startswith("categorie;")
        unknown = run_cli(db, "report", "geheim", "--json")
        assert unknown.returncode == 1 and "Onbekende rapportage" in unknown.stderr
        bad_date = run_cli(db, "report", "tenzij", "--van", "gisteren")
        assert bad_date.returncode == 1 and "geen datum" in bad_date.stderr
    finally:
        del os.environ["JEUGDTOEGANG_USER"]
