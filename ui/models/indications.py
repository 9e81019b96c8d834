"""Table model of a household's indications (rows are ``IndicationView``)."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from jeugdtoegang.domain.dutch import money, short_date
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.services.indication_views import IndicationView
from ui.models.rows import RowListModel

COLUMNS = (
    "Jeugdige",
    "Product",
    "Aanbieder",
    "Perspectief",
    "Start",
    "Eind",
    "Omvang",
    "Status",
    "Max. kosten",
    "Toewijzing",
    "Evaluatie",
)
(
    COL_PERSON,
    COL_PRODUCT,
    COL_PROVIDER,
    COL_PERSPECTIVE,
    COL_START,
    COL_END,
    COL_VOLUME,
    COL_STATUS,
    COL_COST,
    COL_ALLOCATION,
    COL_EVALUATION,
) = range(len(COLUMNS))

INDICATION_ID_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_COLOURS = {
    IndicationStatus.CONCEPT: "#9e9e9e",
    IndicationStatus.INGEDIEND: "#f0a202",
    IndicationStatus.GOEDGEKEURD: "#5b9bd5",
    IndicationStatus.AFGEGEVEN: "#2e8b57",
    IndicationStatus.BEEINDIGD: "#c7c7c7",
}

_Index = QModelIndex | QPersistentModelIndex


def evaluation_text(row: IndicationView) -> str:
    if row.evaluation is not None:
        return f"{row.evaluation.progress.label} → {row.evaluation.decision.short_label}"
    if row.evaluation_due and row.status is IndicationStatus.AFGEGEVEN:
        return f"vóór {short_date(row.evaluation_due)}"
    return ""


def _cell(row: IndicationView, column: int) -> str:
    values = {
        COL_PERSON: row.person_name,
        COL_PRODUCT: f"{row.product_code} {row.product_name}",
        COL_PROVIDER: row.provider_label,
        COL_PERSPECTIVE: row.perspective.label,
        COL_START: short_date(row.start),
        COL_END: short_date(row.end),
        COL_VOLUME: row.volume_text,
        COL_STATUS: row.status.label + (" · verzoek" if row.open_requests else ""),
        COL_COST: money(row.max_cost) if row.max_cost is not None else "",
        COL_ALLOCATION: str(row.allocation_number or ""),
        COL_EVALUATION: evaluation_text(row),
    }
    return values[column]


class IndicationTableModel(RowListModel[IndicationView]):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(COLUMNS, parent)

    def find(self, row_id: uuid.UUID) -> int:
        return self.row_of(row_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return _cell(row, index.column())
        if role == INDICATION_ID_ROLE:
            return row.id
        if role == SORT_ROLE:
            if index.column() == COL_START:
                return row.start.isoformat()
            if index.column() == COL_END:
                return row.end.isoformat()
            if index.column() == COL_COST:
                return float(row.max_cost or 0)
            return _cell(row, index.column())
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == COL_STATUS:
            return QColor(STATUS_COLOURS[row.status]).darker(130)
        if role == Qt.ItemDataRole.ToolTipRole:
            return "\n".join(f.message for f in row.findings) or None
        return None
