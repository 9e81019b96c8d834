"""Opening a dossier whose plan has 10 versions of 30 goals, vs a bare Qt window.

Run: pytest tests/benchmarks/bench_plans.py -s   (or python3 packaging/bootstrap.py bench -k plans)
Target: the plan tab renders in ≤ 300 ms (median). Baseline: a bare window with a
QTableView of 30 rows and a few QTextEdits, shown and painted the same way.
"""

from __future__ import annotations

import os
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QTableView,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.demo.households import generate_households
from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.domain.plans import (
    Action,
    Agreement,
    Goal,
    Network,
    NetworkMember,
    OwnerKind,
)
from jeugdtoegang.services import plans
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import initialise, open_database
from tests.benchmarks._report import median, percentile, report

VERSIONS = 10
GOALS = 30
RUNS = 15
TODAY = date(2026, 11, 23)
ACTOR = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}))


class _Shell:
    def __init__(self, ctx: AppContext) -> None:
        self.ctx = ctx

    def status(self, message: str) -> None:
        pass

    def show_error(self, message: str) -> None:
        pass

    def open_dossier(self, *args: object) -> None:
        pass

    def show_area(self, key: str) -> None:
        pass

    def run_task(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def plan_ctx(tmp_path_factory: pytest.TempPathFactory) -> tuple[AppContext, object]:
    path: Path = tmp_path_factory.mktemp("bench") / "plans.sqlite"
    database = open_database(str(path))
    initialise(database, "zuidoost-utrecht")
    ctx = AppContext(database, ACTOR, today=lambda: TODAY)
    household_id = generate_households(ctx, 1, seed=3)[0]
    view = plans.get_plan(ctx, household_id)
    document = view.document.model_copy(
        update={
            "network": Network(members=(NetworkMember(name="Oma Ria", role="oppas"),)),
            "agreement": Agreement(parents_agreed_on=TODAY),
        }
    )
    for version in range(VERSIONS):
        goals = tuple(
            Goal(
                id=f"goal-{n}",
                domain=document.domains[n % len(document.domains)].domain,
                description=f"Doel {n} (versie {version}): het gezin oefent elke dag met rust.",
                target_date=TODAY + timedelta(days=200 + n),
                evaluation_date=TODAY + timedelta(days=60 + n),
                actions=(
                    Action(owner_kind=OwnerKind.OUDERS, description="Samen terugkijken."),
                    Action(owner_kind=OwnerKind.SCHOOL, description="Mentor belt wekelijks."),
                ),
            )
            for n in range(GOALS)
        )
        view = plans.save_draft(
            ctx, household_id, document.model_copy(update={"goals": goals}), view.version_no
        )
    assert view.version_no == VERSIONS
    return ctx, household_id


def _time(open_once) -> list[float]:  # type: ignore[no-untyped-def]
    app = QApplication.instance() or QApplication([])
    samples = []
    for run in range(RUNS + 2):
        start = time.perf_counter()
        widget = open_once()
        widget.resize(1200, 800)
        widget.show()
        widget.repaint()
        app.processEvents()
        elapsed = (time.perf_counter() - start) * 1000
        widget.close()
        widget.deleteLater()
        app.processEvents()
        if run >= 2:  # two warm-up runs
            samples.append(elapsed)
    return samples


def _bare_window() -> QWidget:
    window = QWidget()
    model = QStandardItemModel(30, 7, window)
    for row in range(30):
        for column in range(7):
            model.setItem(row, column, QStandardItem(f"Doel {row} kolom {column}"))
    table = QTableView()
    table.setModel(model)
    layout = QVBoxLayout(window)
    layout.addWidget(table)
    for _ in range(4):
        edit = QTextEdit()
        edit.setPlainText("Het gezin oefent elke dag met rust.")
        layout.addWidget(edit)
    return window


def test_open_plan_tab_with_10_versions_of_30_goals(plan_ctx) -> None:  # type: ignore[no-untyped-def]
    ctx, household_id = plan_ctx
    QApplication.instance() or QApplication([])
    from ui.dossier.view import DossierView
    from ui.widgets.plan_editor import PlanEditor

    baseline = _time(_bare_window)
    editor = _time(lambda: PlanEditor(ctx, _Shell(ctx), household_id))

    def dossier() -> QWidget:
        view = DossierView(ctx, _Shell(ctx), household_id)
        view.select_tab("plan")
        return view

    full = _time(dossier)
    base = median(baseline)
    report("plan tab (10 versions x 30 goals), median", median(editor), base, "ms", "<= 300 ms")
    report("plan tab, p95", percentile(editor, 0.95), percentile(baseline, 0.95), "ms", "-")
    report("dossier view opened on plan tab, median", median(full), base, "ms", "<= 300 ms")
