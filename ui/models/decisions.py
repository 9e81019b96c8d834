"""Table model of decisions (rows are ``DecisionRow``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.services.decision_views import DecisionRow
from ui.models.rows import RowListModel

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


class DecisionTableModel(RowListModel[DecisionRow]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

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
