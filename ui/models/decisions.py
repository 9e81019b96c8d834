"""Table model of decisions (rows are ``DecisionRow``)."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.letters.dates import short_date
from jeugdtoegang.services.decision_views import DecisionRow

COLUMNS = ("Kenmerk", "Soort", "Status", "Datum", "Jeugdige", "Correctie van")
COL_KENMERK, COL_TYPE, COL_STATUS, COL_DATE, COL_JEUGDIGE, COL_CORRECTS = range(len(COLUMNS))
DECISION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
STATUS_COLOURS = {
    DecisionStatus.CONCEPT: "#9e9e9e",
    DecisionStatus.GOEDGEKEURD: "#2e8b57",
    DecisionStatus.VERZONDEN: "#5b9bd5",
}

_Index = QModelIndex | QPersistentModelIndex


class DecisionTableModel(QAbstractTableModel):
    def __init__(self) -> None:
        super().__init__()
        self._rows: list[DecisionRow] = []

    def set_rows(self, rows: list[DecisionRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> DecisionRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, decision_id: uuid.UUID) -> int:
        return next((i for i, r in enumerate(self._rows) if r.id == decision_id), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_KENMERK: row.kenmerk,
                COL_TYPE: row.type_label,
                COL_STATUS: row.status_label,
                COL_DATE: short_date(row.date),
                COL_JEUGDIGE: row.jeugdige,
                COL_CORRECTS: row.corrects_kenmerk or "",
            }[column]
        if role == SORT_ROLE:
            return row.date.isoformat() if column == COL_DATE else self.data(index)
        if role == DECISION_ID_ROLE:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_STATUS:
            return QColor(STATUS_COLOURS[row.status])
        return None
