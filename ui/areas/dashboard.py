"""Area "Teamoverzicht": the team lead's dashboard of charts, filterable and exportable.

The figures come from ``jeugdtoegang.services.reports`` (the same as ``jeugdtoegang report``),
computed in a worker; every registered report becomes one chart. Filters: municipality,
segment and period. "CSV opslaan…" writes every chart's figures as one table, "PDF
afdrukken…" prints the charts on A4 (landscape).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMarginsF, QRectF
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPainter, QPdfWriter
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.atomic import write_atomically
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services import reports
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.reports import Report, ReportFilter
from ui import dialogs
from ui.widgets.charts import ChartWidget

PERIODS = (
    ("Laatste 12 maanden", "12m"),
    ("Dit jaar", "year"),
    ("Vorig jaar", "last-year"),
    ("Alles", "all"),
)


def period_bounds(choice: str, today: date) -> tuple[date | None, date | None]:
    if choice == "year":
        return date(today.year, 1, 1), date(today.year, 12, 31)
    if choice == "last-year":
        return date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)
    if choice == "all":
        return None, None
    start = date(today.year - 1, today.month, 1)
    return start, today


def compute(ctx: AppContext, flt: ReportFilter, token: CancelToken) -> ProgressTask[list[Report]]:
    """Worker task: every report with the filter, in one read transaction."""
    yield Progress(0, 1, "Cijfers berekenen")
    token.raise_if_cancelled()
    result = reports.dashboard(ctx, flt)
    yield Progress(1, 1, "Klaar")
    return result


class DashboardArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.setObjectName("dashboard_area")
        self.ctx = ctx
        self.shell = shell
        self.results: list[Report] = []
        self.charts: dict[str, ChartWidget] = {}

        title = QLabel("<h2>Teamoverzicht</h2>")
        self.gemeente = QComboBox(objectName="dashboard_gemeente")
        self.gemeente.setAccessibleName("Gemeente")
        self.gemeente.addItem("Alle gemeenten", None)
        for municipality in ctx.profile.municipalities:
            self.gemeente.addItem(municipality.name, municipality.name)
        self.segment = QComboBox(objectName="dashboard_segment")
        self.segment.setAccessibleName("Segment")
        self.segment.addItem("Alle segmenten", None)
        for segment in ctx.profile.segments:
            self.segment.addItem(segment.name, segment.id)
        self.period = QComboBox(objectName="dashboard_period")
        self.period.setAccessibleName("Periode")
        for label, key in PERIODS:
            self.period.addItem(label, key)
        self.refresh_button = QPushButton("&Vernieuwen", objectName="dashboard_refresh")
        self.refresh_button.setAccessibleName("Cijfers vernieuwen")
        self.csv_button = QPushButton("CSV &opslaan…", objectName="dashboard_csv")
        self.csv_button.setAccessibleName("Cijfers opslaan als CSV")
        self.pdf_button = QPushButton("&PDF afdrukken…", objectName="dashboard_pdf")
        self.pdf_button.setAccessibleName("Grafieken afdrukken als PDF")
        for button in (self.refresh_button, self.csv_button, self.pdf_button):
            button.setAutoDefault(False)
        # long segment names must not make the window wider than 1280 px (issue 16):
        # the combos show about 18 characters and elide the rest; the list shows all
        for combo in (self.gemeente, self.segment, self.period):
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
            combo.setMinimumContentsLength(18)
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        bar = QHBoxLayout()
        for text, widget in (
            ("Gemeente", self.gemeente),
            ("Segment", self.segment),
            ("Periode", self.period),
        ):
            label = QLabel(text)
            label.setBuddy(widget)
            bar.addWidget(label)
            bar.addWidget(widget)
        bar.addStretch(1)
        # the actions sit beside the title, the filters on their own row: the area fits
        # beside the navigation at 1280 px (issue 16)
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addStretch(1)
        heading.addWidget(self.refresh_button)
        heading.addWidget(self.csv_button)
        heading.addWidget(self.pdf_button)
        self.status_label = QLabel("", objectName="dashboard_status")
        self.status_label.setWordWrap(True)

        self.grid_holder = QWidget()
        self.grid = QGridLayout(self.grid_holder)
        self.grid.setSpacing(10)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.grid_holder)

        layout = QVBoxLayout(self)
        layout.addLayout(heading)
        layout.addLayout(bar)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, 1)

        for combo in (self.gemeente, self.segment, self.period):
            combo.currentIndexChanged.connect(lambda _i: self.refresh())
        self.refresh_button.clicked.connect(self.refresh)
        self.csv_button.clicked.connect(self.save_csv)
        self.pdf_button.clicked.connect(self.save_pdf)
        self.refresh()

    # -- data -------------------------------------------------------------------------------

    def current_filter(self) -> ReportFilter:
        start, end = period_bounds(self.period.currentData(), self.ctx.today())
        return ReportFilter(
            gemeente=self.gemeente.currentData(),
            segment=self.segment.currentData(),
            start=start,
            end=end,
        )

    def refresh(self) -> None:
        flt = self.current_filter()
        self.status_label.setText("De cijfers worden berekend…")
        self.shell.run_task(
            "Teamoverzicht berekenen",
            lambda token: compute(self.ctx, flt, token),
            self.show_results,
        )

    def show_results(self, results: list[Report]) -> None:
        self.results = results
        for index, result in enumerate(results):
            chart = self.charts.get(result.key)
            if chart is None:
                chart = ChartWidget(result)
                chart.setMinimumHeight(250)
                self.charts[result.key] = chart
                self.grid.addWidget(chart, index // 2, index % 2)
            else:
                chart.set_report(result)
        text = results[0].filter_text if results else ""
        self.status_label.setText(f"Cijfers voor {text}. Stand van {short_date(self.ctx.today())}.")

    # -- export -----------------------------------------------------------------------------

    def save_csv(self) -> Path | None:
        path = dialogs.choose_save_file(
            self, "Cijfers opslaan", "teamoverzicht.csv", "CSV-bestand (*.csv)"
        )
        if path is None:
            return None
        try:
            write_atomically(path, reports.dashboard_csv(self.results).encode("utf-8-sig"))
        except OSError as error:
            self.shell.show_error(f"Het bestand kon niet worden opgeslagen: {error.strerror}")
            return None
        self.shell.status(f"Opgeslagen: {path.name}")
        return path

    def save_pdf(self) -> Path | None:
        path = dialogs.choose_save_file(
            self, "Grafieken afdrukken", "teamoverzicht.pdf", "PDF-bestand (*.pdf)"
        )
        if path is None:
            return None
        try:
            print_pdf(path, self.results, self.ctx)
        except (OSError, JeugdtoegangError) as error:
            self.shell.show_error(f"De PDF kon niet worden gemaakt: {error}")
            return None
        self.shell.status(f"Opgeslagen: {path.name}")
        return path


def print_pdf(path: Path, results: list[Report], ctx: AppContext) -> None:
    """The charts on A4 landscape, four per page, with the filter and date in the header."""
    writer = QPdfWriter(str(path))
    writer.setResolution(96)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.A4),
            QPageLayout.Orientation.Landscape,
            QMarginsF(12, 12, 12, 12),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle("Teamoverzicht")
    writer.setCreator("Jeugdtoegang")
    painter = QPainter(writer)
    try:
        page = QRectF(painter.viewport())
        chart_host = ChartWidget(results[0]) if results else None
        for start in range(0, len(results), 4):
            if start:
                writer.newPage()
            header = QFont(painter.font())
            header.setPointSize(12)
            header.setBold(True)
            painter.setFont(header)
            painter.drawText(
                QRectF(0, 0, page.width(), 24),
                f"Teamoverzicht {ctx.profile.name} — {results[start].filter_text} — "
                f"{short_date(ctx.today())}",
            )
            painter.setFont(QFont(chart_host.font()))  # type: ignore[union-attr]
            cell_w, cell_h = page.width() / 2, (page.height() - 30) / 2
            for offset, result in enumerate(results[start : start + 4]):
                assert chart_host is not None
                chart_host.set_report(result)
                cell = QRectF(
                    (offset % 2) * cell_w, 30 + (offset // 2) * cell_h, cell_w - 10, cell_h - 10
                )
                chart_host.paint(painter, cell)
    finally:
        painter.end()


def create(ctx: AppContext, shell: Any) -> QWidget:
    return DashboardArea(ctx, shell)
