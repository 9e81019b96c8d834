"""The dossier list: a lazy table model over ``HouseholdRow`` pages.

In list mode the model knows the total count and fetches pages of :data:`PAGE_SIZE` rows
through ``list_households`` when the view scrolls (``canFetchMore``/``fetchMore``); it never
loads everything. In search mode it shows the (limited) result of ``search_households``.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdRow

PAGE_SIZE = 200
SEARCH_RESULT_LIMIT = 200

COLUMNS: tuple[str, ...] = (
    "Dossiernummer",
    "Naam",
    "Adres",
    "Postcode",
    "Gemeente",
    "Wijk",
    "Gezinsleden",
)
COL_DOSSIER, COL_NAME, COL_ADDRESS, COL_POSTCODE, COL_GEMEENTE, COL_WIJK, COL_MEMBERS = range(7)

#: Role that returns the household id (a ``uuid.UUID``) of a row.
HOUSEHOLD_ID_ROLE = Qt.ItemDataRole.UserRole + 1

_Index = QModelIndex | QPersistentModelIndex


def _cell(row: HouseholdRow, column: int) -> str:
    if column == COL_DOSSIER:
        return row.dossier_number
    if column == COL_NAME:
        return row.name
    if column == COL_ADDRESS:
        return row.address
    if column == COL_POSTCODE:
        return row.postcode
    if column == COL_GEMEENTE:
        return row.gemeente
    if column == COL_WIJK:
        return row.wijk or ""
    return ", ".join(row.members)


class HouseholdTableModel(QAbstractTableModel):
    """All dossiers page by page, or the result of a search."""

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._rows: list[HouseholdRow] = []
        self._total = 0
        self._search_text = ""

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Start over: count the dossiers and show the first page (or redo the search)."""
        if self._search_text:
            self.search(self._search_text)
            return
        self.beginResetModel()
        self._total = household_service.count_households(self._ctx)
        self._rows = household_service.list_households(self._ctx, 0, PAGE_SIZE)
        self.endResetModel()

    def search(self, text: str) -> None:
        """Show the households matching ``text``; an empty text returns to the full list."""
        text = text.strip()
        if not text:
            self._search_text = ""
            self.reload()
            return
        self.beginResetModel()
        self._search_text = text
        self._rows = household_service.search_households(self._ctx, text, limit=SEARCH_RESULT_LIMIT)
        self.endResetModel()

    @property
    def searching(self) -> bool:
        return bool(self._search_text)

    @property
    def total(self) -> int:
        """Number of dossiers in the database (as counted at the last reload)."""
        return self._total

    @property
    def loaded_count(self) -> int:
        return len(self._rows)

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or self._search_text:
            return False
        return len(self._rows) < self._total

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008, N802
        if not self.canFetchMore(parent):
            return
        last = self._rows[-1] if self._rows else None
        after = (last.name, last.dossier_number) if last is not None else None
        page = household_service.list_households(self._ctx, 0, PAGE_SIZE, after=after)
        if not page:
            self._total = len(self._rows)  # dossiers were removed meanwhile
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()

    # -- access -----------------------------------------------------------------------------

    def row_at(self, row: int) -> HouseholdRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def household_id(self, row: int) -> uuid.UUID | None:
        found = self.row_at(row)
        return found.id if found else None

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _cell(row, index.column())
        if role == HOUSEHOLD_ID_ROLE:
            return row.id
        return None

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None
