"""The team dashboard: real chart widgets drawn from known data, filters, CSV and PDF."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jeugdtoegang.services import reports
from tests.gui.conftest import FakeShell, save_shot
from tests.integration.test_reports import _team_data
from ui import dialogs


def _dashboard(qtbot: Any, lead_ctx: Any, size: tuple[int, int] = (1280, 760)):  # type: ignore[no-untyped-def]
    from ui.areas.dashboard import DashboardArea

    shell = FakeShell(lead_ctx)
    area = DashboardArea(lead_ctx, shell)
    qtbot.addWidget(area)
    area.resize(*size)
    area.show()
    qtbot.waitExposed(area)
    return area, shell


def test_every_chart_is_drawn_from_the_report_figures(qtbot, ctx, lead_ctx, shown) -> None:
    _team_data(ctx, lead_ctx)
    area, shell = _dashboard(qtbot, lead_ctx)
    assert set(area.charts) == set(reports.REPORTS)
    for chart in area.charts.values():
        chart.grab()  # paints the chart (also those scrolled out of view)
    caseload = area.charts["caseload"]
    drawn = {b.category: b for b in caseload.bars}
    assert set(drawn) == {"c.jansen", "m.elamrani"}
    assert drawn["c.jansen"].rect.height() == drawn["m.elamrani"].rect.height() > 0
    assert "c.jansen: Dossiers 1" in caseload.accessibleDescription()
    queue = {b.category: b.value for b in area.charts["queue-age"].bars}
    assert queue["0–2 dagen"] == 1 and queue["langer"] == 0
    budget = area.charts["budget"]
    assert {b.series for b in budget.bars} == {"Verplichtingen", "Halfjaarbudget"}
    assert shell.errors == []
    save_shot(area, "issue-16/dashboard-1280.png")


def test_filtering_on_a_municipality_redraws_the_charts(qtbot, ctx, lead_ctx, shown) -> None:
    _team_data(ctx, lead_ctx)
    area, _ = _dashboard(qtbot, lead_ctx, (1920, 1040))
    area.gemeente.setCurrentIndex(area.gemeente.findData("Bunnik"))
    area.charts["caseload"].grab()
    assert [b.category for b in area.charts["caseload"].bars] == ["m.elamrani"]
    assert "gemeente Bunnik" in area.status_label.text()
    save_shot(area, "issue-16/dashboard-1920.png")


def test_the_dashboard_saves_csv_and_prints_pdf(
    qtbot, ctx, lead_ctx, shown, tmp_path: Path, monkeypatch
) -> None:
    _team_data(ctx, lead_ctx)
    area, shell = _dashboard(qtbot, lead_ctx)
    target = {"csv": tmp_path / "cijfers.csv", "pdf": tmp_path / "grafieken.pdf"}
    monkeypatch.setattr(
        dialogs,
        "choose_save_file",
        lambda _p, _t, name, _f: target["csv" if name.endswith(".csv") else "pdf"],
    )
    assert area.save_csv() == target["csv"]
    text = target["csv"].read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "rapportage;filter;categorie;reeks;waarde"
    assert "Caseload per consulent;" in text and ";m.elamrani;Dossiers;1" in text
    assert area.save_pdf() == target["pdf"]
    assert target["pdf"].read_bytes().startswith(b"%PDF")
    assert shell.errors == []


def test_the_waiting_time_chart_draws_the_measured_figures(qtbot, ctx, lead_ctx, shown) -> None:
    from decimal import Decimal

    from jeugdtoegang.services.ijw_inbound import waiting_times
    from tests.indication_helpers import PROVIDER_AGB
    from tests.integration.test_waiting_time_report import OTHER_AGB, measured_data

    measured_data(ctx, lead_ctx)
    area, shell = _dashboard(qtbot, lead_ctx)
    area.period.setCurrentIndex(area.period.findData("year"))  # the starts are in December
    chart = area.charts["waiting-times"]
    chart.grab()
    drawn = {(b.category, b.series): b.value for b in chart.bars}
    computed = waiting_times(ctx)
    assert drawn[("Zorg Zeist BV (2)", "Mediaan")] == Decimal(
        str(computed[PROVIDER_AGB].median_days)
    )
    assert drawn[("Jeugdhulp Bunnik (1)", "Mediaan")] == Decimal("10.0")
    assert drawn[("Zorg Zeist BV (2)", "Mediaan")] == Decimal("31.5")
    assert computed[OTHER_AGB].starts == 1 and shell.errors == []
    chart.resize(640, 320)
    save_shot(chart, "s3-ijw/dashboard-waiting-chart.png")
    save_shot(area, "s3-ijw/dashboard.png")
