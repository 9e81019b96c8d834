"""Table model of the Signalen list (rows are ``Signal``)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.services.signals import Signal, SignalSeverity
from ui.models.rows import RowListModel

COLUMNS = ("Ernst", "Soort", "Datum", "Dossier", "Signaal", "Toelichting")
COL_SEVERITY, COL_KIND, COL_DUE, COL_DOSSIER, COL_TITLE, COL_DETAIL = range(len(COLUMNS))
SIGNAL_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
SEVERITY_COLOURS = {
    SignalSeverity.URGENT: "#c62828",
    SignalSeverity.AANDACHT: "#b26a00",
    SignalSeverity.INFO: "#37474f",
}

_Index = QModelIndex | QPersistentModelIndex


class SignalTableModel(RowListModel[Signal]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        signal = self.row_at(index.row())
        if signal is None:
            return None
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return {
                COL_SEVERITY: signal.severity.label,
                COL_KIND: signal.kind.label,
                COL_DUE: short_date(signal.due_date) if signal.due_date else "",
                COL_DOSSIER: signal.dossier_number,
                COL_TITLE: signal.title,
                COL_DETAIL: signal.detail,
            }[column]
        if role == SIGNAL_ROLE:
            return signal
        if role == SORT_ROLE:
            if column == COL_SEVERITY:
                return signal.severity.rank
            if column == COL_DUE:
                return signal.due_date.isoformat() if signal.due_date else "9999"
            return self.data(index)
        if role == Qt.ItemDataRole.ForegroundRole and column == COL_SEVERITY:
            return QColor(SEVERITY_COLOURS[signal.severity])
        if role == Qt.ItemDataRole.ToolTipRole and column in (COL_TITLE, COL_DETAIL):
            return signal.detail
        return None
