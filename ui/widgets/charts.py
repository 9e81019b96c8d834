"""Chart widgets drawn with QPainter: bars, stacked bars and commitments against a budget.

No chart library: QtCharts lives in PySide6-Addons (hundreds of MB in the installer) and
matplotlib would add ~40 MB plus numpy for a handful of bar charts. These widgets draw a
:class:`~jeugdtoegang.services.reports.Report` as it is, keep the geometry of every bar
(``bars``) so tests can check what was drawn, and describe themselves in text for screen
readers (``accessibleDescription``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from jeugdtoegang.domain.dutch import money, number
from jeugdtoegang.services.reports import Report

PALETTE = ("#2f6f9f", "#e08a2c", "#5a9e4b", "#a4508b", "#7f7f7f")
OVER_BUDGET = "#b3261e"
LIMIT = "#222222"


@dataclass(frozen=True)
class DrawnBar:
    """One painted bar: which category and series, its value and its rectangle."""

    category: str
    series: str
    value: Decimal
    rect: QRectF


def value_text(report: Report, value: Decimal) -> str:
    if report.unit == "euro":
        return money(value).replace(",00", "")
    if report.unit == "procent":
        return f"{number(value)}%"
    return number(value)


def describe(report: Report) -> str:
    """The chart in words, for screen readers and the tooltip."""
    if report.is_empty:
        return f"{report.title}: {report.empty_text}"
    parts = []
    for index, category in enumerate(report.categories):
        values = ", ".join(
            f"{s.label} {value_text(report, s.values[index])}" for s in report.series
        )
        parts.append(f"{category}: {values}")
    return f"{report.title}. " + "; ".join(parts)


class ChartWidget(QWidget):
    """A vertical bar chart (grouped or stacked) or a horizontal budget chart of a Report."""

    def __init__(self, report: Report, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"chart_{report.key}")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # reachable by keyboard for screen readers
        self.bars: list[DrawnBar] = []
        self.report = report
        self.set_report(report)

    def set_report(self, report: Report) -> None:
        self.report = report
        self.setAccessibleName(f"Grafiek: {report.title}")
        self.setAccessibleDescription(describe(report))
        self.setToolTip(report.note or report.title)
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(520, 280)

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        return QSize(320, 220)

    # -- painting ---------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        self.paint(painter, QRectF(self.rect()))
        painter.end()

    def paint(self, painter: QPainter, area: QRectF) -> None:
        """Draw the chart into ``area`` (also used for the PDF print)."""
        self.bars = []
        report = self.report
        title_font = QFont(painter.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(QColor("#111111"))
        metrics = QFontMetrics(title_font)
        painter.drawText(area.adjusted(8, 4, -8, 0), Qt.AlignmentFlag.AlignLeft, report.title)
        painter.setFont(QFont(self.font()))
        body = area.adjusted(8, metrics.height() + 10, -8, -6)
        if len(report.series) > 1:
            body = self._legend(painter, body)
        if report.is_empty:
            painter.setPen(QColor("#666666"))
            painter.drawText(body, Qt.AlignmentFlag.AlignCenter, report.empty_text)
            return
        if report.kind == "budget":
            self._paint_budget(painter, body)
        else:
            self._paint_columns(painter, body, stacked=report.kind == "stacked")

    def _legend(self, painter: QPainter, body: QRectF) -> QRectF:
        metrics = QFontMetrics(painter.font())
        x = body.left()
        for index, series in enumerate(self.report.series):
            colour = self._colour(index)
            painter.fillRect(QRectF(x, body.top() + 3, 10, 10), colour)
            painter.setPen(QColor("#333333"))
            painter.drawText(QRectF(x + 14, body.top(), 400, 16), series.label)
            x += 14 + metrics.horizontalAdvance(series.label) + 16
        return body.adjusted(0, 20, 0, 0)

    def _colour(self, index: int) -> QColor:
        if self.report.kind == "budget" and index == 1:
            return QColor(LIMIT)
        return QColor(PALETTE[index % len(PALETTE)])

    def _paint_columns(self, painter: QPainter, body: QRectF, *, stacked: bool) -> None:
        report = self.report
        metrics = QFontMetrics(painter.font())
        label_height = metrics.height() * 2 + 4
        plot = body.adjusted(44, 14, 0, -label_height)
        count = len(report.categories)
        totals = [
            sum((s.values[i] for s in report.series), Decimal(0))
            if stacked
            else max(s.values[i] for s in report.series)
            for i in range(count)
        ]
        top = max(totals) or Decimal(1)
        if report.unit in ("aantal", "weken", "dagen"):  # whole numbers on the axis
            top = Decimal(max(4, -(-int(top.to_integral_value(rounding="ROUND_CEILING")) // 4) * 4))
        self._axis(painter, plot, top)
        slot = plot.width() / count
        # a label every few bars when they would not fit side by side (e.g. 13 months)
        widest = max(metrics.horizontalAdvance(c) for c in report.categories) + 8
        every = 1 if widest <= slot else max(1, -(-int(widest) // max(1, int(slot))))
        groups = 1 if stacked else len(report.series)
        width = max(3.0, min(60.0, slot * 0.7 / groups))
        for i, category in enumerate(report.categories):
            x0 = plot.left() + slot * i + (slot - width * groups) / 2
            base = plot.bottom()
            for j, series in enumerate(report.series):
                value = series.values[i]
                height = float(value / top) * plot.height() if value > 0 else 0.0
                x = x0 if stacked else x0 + j * width
                y = base - height
                rect = QRectF(x, y, width, height)
                painter.fillRect(rect, self._colour(j))
                self.bars.append(DrawnBar(category, series.label, value, rect))
                if not stacked and value > 0 and width >= 18:
                    painter.setPen(QColor("#222222"))
                    painter.drawText(
                        QRectF(x - 10, y - metrics.height(), width + 20, metrics.height()),
                        Qt.AlignmentFlag.AlignCenter,
                        value_text(report, value),
                    )
                if stacked:
                    base = y
            if i % every:
                continue
            painter.setPen(QColor("#333333"))
            span = slot * every
            label = metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(span) - 4)
            painter.drawText(
                QRectF(plot.left() + slot * (i + 0.5) - span / 2 + 2, plot.bottom() + 3,
                       span - 4, label_height),
                Qt.AlignmentFlag.AlignHCenter
                | Qt.AlignmentFlag.AlignTop
                | Qt.TextFlag.TextWordWrap,
                label,
            )  # fmt: skip

    def _axis(self, painter: QPainter, plot: QRectF, top: Decimal) -> None:
        painter.setPen(QPen(QColor("#dddddd"), 1))
        metrics = QFontMetrics(painter.font())
        for step in range(5):
            y = plot.bottom() - plot.height() * step / 4
            painter.drawLine(int(plot.left()), int(y), int(plot.right()), int(y))
            painter.setPen(QColor("#666666"))
            painter.drawText(
                QRectF(plot.left() - 44, y - metrics.height() / 2, 40, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                value_text(self.report, (top * step / 4).quantize(Decimal("0.1")).normalize()),
            )
            painter.setPen(QPen(QColor("#dddddd"), 1))

    def _paint_budget(self, painter: QPainter, body: QRectF) -> None:
        """Horizontal bars of commitments with a black mark at the half-year budget."""
        report = self.report
        used, limit = report.series[0], report.series[1]
        metrics = QFontMetrics(painter.font())
        label_width = min(body.width() * 0.35, 200.0)
        plot = body.adjusted(label_width + 6, 0, -70, 0)
        count = len(report.categories)
        top = max(max(used.values), max(limit.values)) or Decimal(1)
        row = min(28.0, plot.height() / count)
        for i, category in enumerate(report.categories):
            y = plot.top() + row * i
            painter.setPen(QColor("#333333"))
            painter.drawText(
                QRectF(body.left(), y, label_width, row),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(label_width)),
            )
            value, cap = used.values[i], limit.values[i]
            rect = QRectF(plot.left(), y + row * 0.2, float(value / top) * plot.width(), row * 0.6)
            painter.fillRect(rect, QColor(OVER_BUDGET if value > cap else PALETTE[0]))
            self.bars.append(DrawnBar(category, used.label, value, rect))
            x = plot.left() + float(cap / top) * plot.width()
            mark = QRectF(x - 1, y + row * 0.05, 2, row * 0.9)
            painter.fillRect(mark, QColor(LIMIT))
            self.bars.append(DrawnBar(category, limit.label, cap, mark))
            painter.setPen(QColor("#222222"))
            painter.drawText(
                QRectF(rect.right() + 4, y, 90, row),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                value_text(report, value),
            )
