"""Opening the team dashboard ("Teamoverzicht") next to the raw queries' time.

Run from the repository root::

    QT_QPA_PLATFORM=offscreen .venv/bin/pytest tests/benchmarks/bench_dashboard.py -s

World: the indications benchmark's world (10,000 demo households, 100,000 indications).
Measured: building the dashboard area as the team lead (every registered report through
``jeugdtoegang.services.reports``) and painting every chart: median of 5, target ≤ 1 s.
Baseline: the same aggregate queries with bare sqlite3 (group-by counts and the
commitment rows), fetching all rows, no Python logic.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
import time
from pathlib import Path
from typing import Any

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services.context import AppContext
from tests.benchmarks._report import median, report
from tests.benchmarks.bench_indications import TODAY, build_world

LEAD = Actor("t.bakker", "Tom Bakker", frozenset({Role.TEAMLEIDER}))

BASELINE_QUERIES = (
    "select coalesce(responsible_consultant, created_by), count(*) from household "
    "where closed_on is null group by 1",
    "select submitted_at from indication where status = 'ingediend'",
    "select start_date, findings from indication where perspective = 'ontwikkeling' "
    "and coalesce(status, '') in ('goedgekeurd','afgegeven','beeindigd') "
    "and start_date >= '2025-12-01'",
    "select evaluation_due from indication where status = 'afgegeven' "
    "and evaluation_due is not null and evaluated_on is null",
    "select e.decision, e.progress from indication_evaluation e "
    "join indication i on i.id = e.indication_id",
    "select start_date, predecessor_id from indication where coalesce(status, '') in "
    "('goedgekeurd','afgegeven','beeindigd') and start_date >= '2025-12-01'",
    "select p.name, max(c.waiting_weeks) from provider p join contract c "
    "on c.provider_id = p.id where c.waiting_weeks is not null group by p.name",
    "select provider_id, start_date, end_date, max_cost from indication where status in "
    "('goedgekeurd','afgegeven') and end_date >= '2026-07-01' and start_date <= '2026-12-31'",
)


def bench_dashboard(world: dict[str, Any]) -> float:
    from PySide6.QtWidgets import QApplication

    from tests.gui.conftest import FakeShell
    from ui.areas.dashboard import DashboardArea

    app = QApplication.instance() or QApplication([])
    ctx: AppContext = world["ctx"].with_actor(LEAD)

    def open_dashboard() -> None:
        area = DashboardArea(ctx, FakeShell(ctx))
        area.resize(1280, 800)
        for chart in area.charts.values():
            chart.grab()
        area.deleteLater()
        app.processEvents()

    open_dashboard()  # warm-up (imports, caches)
    samples = []
    for _ in range(5):
        start = time.perf_counter()
        open_dashboard()
        samples.append((time.perf_counter() - start) * 1000)
    ours = median(samples)

    def baseline() -> None:
        connection = sqlite3.connect(world["path"])
        try:
            for query in BASELINE_QUERIES:
                connection.execute(query).fetchall()
        finally:
            connection.close()

    baseline()
    base = []
    for _ in range(5):
        start = time.perf_counter()
        baseline()
        base.append((time.perf_counter() - start) * 1000)
    report("dashboard, 10,000 households (open + paint)", ours, median(base), "ms", "≤ 1000 ms")
    return ours


def test_dashboard_benchmark(tmp_path: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    world = build_world(tmp_path)
    world["ctx"] = AppContext(world["ctx"].database, LEAD, today=lambda: TODAY)
    bench_dashboard(world)


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    folder = Path(os.environ.get("BENCH_DIR") or tempfile.mkdtemp(prefix="jt-bench-"))
    found = build_world(folder)
    bench_dashboard(found)
