"""A painted timeline of indication terms: one lane per indication, grouped per jeugdige.

The term follows the child (issue 11): an indication that continues earlier help shows a
dashed line back to where its term started, and its label says so.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services.indication_views import IndicationView
from ui.models.indications import STATUS_COLOURS

MONTHS_NL = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
LABEL_WIDTH = 150
LANE_HEIGHT = 24
HEADER_HEIGHT = 22
PERSON_GAP = 8


class TermTimeline(QWidget):
    """Bars from start to end per indication; today as a red line. Click selects a bar."""

    indication_clicked = Signal(object)  # uuid.UUID

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("term_timeline")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._rows: list[IndicationView] = []
        self._today = date.today()
        self._selected: uuid.UUID | None = None
        self._bars: list[tuple[QRectF, uuid.UUID]] = []
        self._lanes: list[tuple[str, list[IndicationView]]] = []

    def set_rows(self, rows: list[IndicationView], today: date) -> None:
        self._rows = list(rows)
        self._today = today
        lanes: dict[str, list[IndicationView]] = {}
        for row in sorted(rows, key=lambda r: (r.person_name, r.start)):
            lanes.setdefault(row.person_name or "?", []).append(row)
        self._lanes = list(lanes.items())
        self.setFixedHeight(self._height())
        self.update()

    def select(self, indication_id: uuid.UUID | None) -> None:
        self._selected = indication_id
        self.update()

    def _height(self) -> int:
        lanes = sum(len(rows) for _, rows in self._lanes)
        return HEADER_HEIGHT + max(lanes, 1) * LANE_HEIGHT + PERSON_GAP * len(self._lanes) + 8

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(700, self._height())

    def _range(self) -> tuple[date, date]:
        starts = [r.term_start or r.start for r in self._rows] + [r.start for r in self._rows]
        first = min([*starts, self._today - relativedelta(months=3)])
        last = max([r.end for r in self._rows] + [self._today + relativedelta(months=6)])
        return date(first.year, first.month, 1), date(last.year, last.month, 1) + relativedelta(
            months=1
        )

    @staticmethod
    def bar_text(row: IndicationView) -> str:
        """The label of a bar; a continued term names the start of the chain."""
        text = f"{row.product_code} {row.product_name} · t/m {row.end:%d-%m-%Y}"
        if row.term_start is not None and row.term_start < row.start:
            text += f" · termijn sinds {row.term_start:%d-%m-%Y}"
        return text

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), QColor("#ffffff"))
        start, end = self._range()
        span = max((end - start).days, 1)
        width = max(self.width() - LABEL_WIDTH - 10, 50)

        def x(day: date) -> float:
            return LABEL_WIDTH + (day - start).days / span * width

        small = QFont(self.font())
        small.setPointSizeF(max(small.pointSizeF() - 1, 7))
        painter.setFont(small)
        month = start
        step = 1 if span < 500 else 3
        while month <= end:
            pos = x(month)
            painter.setPen(QPen(QColor("#e3e3e3")))
            painter.drawLine(QPointF(pos, HEADER_HEIGHT - 4), QPointF(pos, self.height()))
            painter.setPen(QColor("#555555"))
            label = f"{MONTHS_NL[month.month - 1]} {month:%y}"
            if pos + 2 + painter.fontMetrics().horizontalAdvance(label) <= self.width():
                painter.drawText(QPointF(pos + 2, 14), label)  # never a half month name
            month += relativedelta(months=step)
        self._bars = []
        y = HEADER_HEIGHT
        for person, rows in self._lanes:
            painter.setPen(QColor("#222222"))
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(
                QRectF(6, y, LABEL_WIDTH - 10, LANE_HEIGHT), Qt.AlignmentFlag.AlignVCenter, person
            )
            painter.setFont(small)
            for row in rows:
                rect = QRectF(
                    x(row.start),
                    y + 4,
                    max(x(row.end + timedelta(days=1)) - x(row.start), 3),
                    LANE_HEIGHT - 8,
                )
                colour = QColor(STATUS_COLOURS[row.status])
                if row.term_start is not None and row.term_start < row.start:
                    painter.setPen(QPen(colour.darker(130), 2, Qt.PenStyle.DashLine))
                    begin = x(row.term_start)
                    line_y = rect.bottom() - 1
                    painter.drawLine(QPointF(begin, line_y), QPointF(rect.left(), line_y))
                    painter.drawLine(QPointF(begin, rect.top()), QPointF(begin, rect.bottom()))
                    painter.setPen(QColor("#444444"))
                    painter.drawText(
                        QRectF(begin + 5, rect.top() - 2, rect.left() - begin - 8, rect.height()),
                        Qt.AlignmentFlag.AlignVCenter,
                        f"zelfde termijn sinds {row.term_start:%d-%m-%Y}",
                    )
                painter.setBrush(colour)
                selected = row.id == self._selected
                painter.setPen(QPen(QColor("#1a1a1a"), 2) if selected else QPen(colour.darker(130)))
                painter.drawRoundedRect(rect, 3, 3)
                text_colour = (
                    "#ffffff" if row.status is not IndicationStatus.BEEINDIGD else "#333333"
                )
                painter.setPen(QColor(text_colour))
                painter.drawText(
                    rect.adjusted(4, 0, -2, 0),
                    Qt.AlignmentFlag.AlignVCenter,
                    f"{row.product_code} {row.product_name} · t/m {row.end:%d-%m-%Y}",
                )
                self._bars.append((rect, row.id))
                y += LANE_HEIGHT
            y += PERSON_GAP
        if not self._rows:
            painter.setPen(QColor("#777777"))
            painter.drawText(
                QRectF(LABEL_WIDTH, HEADER_HEIGHT, width, LANE_HEIGHT),
                Qt.AlignmentFlag.AlignVCenter,
                "Nog geen hulp ingezet.",
            )
        today_x = x(self._today)
        painter.setPen(QPen(QColor("#d32f2f"), 2))
        painter.drawLine(QPointF(today_x, HEADER_HEIGHT - 6), QPointF(today_x, self.height()))
        painter.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        point = event.position()
        for rect, indication_id in self._bars:
            if rect.contains(point):
                self.select(indication_id)
                self.indication_clicked.emit(indication_id)
                return
        super().mousePressEvent(event)
