"""Read-only table models over lists of frozen rows (never ORM objects).

:class:`RowListModel` holds the rows and the headers; a subclass only says what a cell
shows (``data``). :class:`RowsModel` goes one step further for simple tables: it is
described by (header, getter) pairs and needs no subclass at all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

T = TypeVar("T")
_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
_ROOT = QModelIndex()


class RowListModel(QAbstractTableModel, Generic[T]):
    """Rows and headers; ``set_rows`` replaces the data inside reset brackets."""

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[T] = []

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> T | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: object) -> int:
        """Position of the row whose ``id`` is ``row_id`` (-1 when absent)."""
        return next((i for i, r in enumerate(self._rows) if getattr(r, "id", None) == row_id), -1)

    @property
    def rows(self) -> list[T]:
        return list(self._rows)

    def rowCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._headers)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


class RowsModel(RowListModel[T]):
    """``RowsModel([("Naam", lambda r: r.name), ...])``; ``set_rows`` replaces the data."""

    def __init__(
        self, columns: Sequence[tuple[str, Callable[[T], Any]]], parent: Any = None
    ) -> None:
        super().__init__([header for header, _ in columns], parent)
        self._getters = [getter for _, getter in columns]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row()) if index.isValid() else None
        if row is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            value = self._getters[index.column()](row)
            return "" if value is None else str(value)
        if role == ROW_ROLE:
            return row
        return None
