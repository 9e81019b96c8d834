"""The dossier list: a virtual table model over ``HouseholdRow`` pages.

In list mode the model counts the dossiers once and ``rowCount()`` is that count: the
scroll bar is the whole list from the start. Rows are read a page of :data:`PAGE_SIZE` at
a time only when the view asks for them (``data()`` of a row whose page is not loaded),
and at most :data:`MAX_CACHED_PAGES` pages are kept. A page is read from the nearer end
of the index: the first pages forwards, the last pages backwards, a page beside a loaded
one by key from that neighbour; only a jump into the middle skips rows (``offset``). So
pressing End reads one page, not every page before it, and only rows shown are logged.
In search mode it shows the (limited) result of ``search_households``.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, QTimer

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdRow

PAGE_SIZE = 200
#: pages held at once (4,000 rows): scrolling back a little reads nothing again
MAX_CACHED_PAGES = 20
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
_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, HOUSEHOLD_ID_ROLE)


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
    """All dossiers, read page by page as the view shows them, or the result of a search."""

    def __init__(self, ctx: AppContext, parent: Any = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        #: list mode: page number -> its rows (None where a changed list left a gap)
        self._pages: dict[int, list[HouseholdRow | None]] = {}
        #: search mode: the result
        self._results: list[HouseholdRow] = []
        self._total = 0
        self._search_text = ""
        self._recount_pending = False

    # -- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        """Start over: count the dossiers (or redo the search); pages load when shown."""
        if self._search_text:
            self.search(self._search_text)
            return
        total = household_service.count_households(self._ctx)
        self.beginResetModel()
        self._total = total
        self._pages.clear()
        self._results = []
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
        self._pages.clear()
        self._results = household_service.search_households(
            self._ctx, text, limit=SEARCH_RESULT_LIMIT
        )
        self.endResetModel()

    @property
    def searching(self) -> bool:
        return bool(self._search_text)

    @property
    def total(self) -> int:
        """Number of dossiers in the database (as counted at the last reload)."""
        return self._total

    @property
    def loaded_pages(self) -> list[int]:
        """The numbers of the pages held now (list mode), in order."""
        return sorted(self._pages)

    def _page(self, number: int) -> list[HouseholdRow | None]:
        page = self._pages.get(number)
        if page is None:
            page = self._load(number)
            self._pages[number] = page
            while len(self._pages) > MAX_CACHED_PAGES:  # drop the page farthest away
                del self._pages[max(self._pages, key=lambda n: abs(n - number))]
        return page

    def _load(self, number: int) -> list[HouseholdRow | None]:
        """Read page ``number`` from the nearest place the index can be entered."""
        first = number * PAGE_SIZE
        size = min(PAGE_SIZE, self._total - first)
        rest = self._total - first - size  # rows after this page
        before, after = self._pages.get(number - 1), self._pages.get(number + 1)
        previous_row = before[-1] if before else None
        next_row = after[0] if after else None
        backward = False
        if previous_row is not None:
            key = (previous_row.name, previous_row.dossier_number)
            rows = household_service.list_households(self._ctx, 0, size, after=key)
        elif next_row is not None:
            key = (next_row.name, next_row.dossier_number)
            rows = household_service.list_households(self._ctx, 0, size, before=key)
            backward = True
        elif number == 0:
            rows = household_service.list_households(self._ctx, 0, size)
        elif rest == 0:
            rows = household_service.list_households(self._ctx, 0, size, from_end=True)
            backward = True
        elif first <= rest:
            rows = household_service.list_households(self._ctx, first, size)
        else:
            rows = household_service.list_households(self._ctx, rest, size, from_end=True)
            backward = True
        # A row already on a neighbouring page means dossiers were removed since the count
        # (compared by id, not by name: the database's collation may not be Python's).
        beside = {row.id for page in (before, after) if page for row in page if row}
        fresh = [row for row in rows if row.id not in beside]
        if len(fresh) != size:
            # The list changed since it was counted: show what is there (in place, from
            # the end it was read from) and count again once the view is done painting.
            # Rows added in between are not seen here: the area's refresh counts again.
            self._schedule_recount()
        rows = fresh
        gap: list[HouseholdRow | None] = [None] * max(0, size - len(rows))
        return gap + list(rows) if backward else list(rows)[:size] + gap

    def _schedule_recount(self) -> None:
        if not self._recount_pending:
            self._recount_pending = True
            QTimer.singleShot(0, self._recount)

    def _recount(self) -> None:
        self._recount_pending = False
        if not self._search_text:
            self.reload()

    # -- access -----------------------------------------------------------------------------

    def row_at(self, row: int) -> HouseholdRow | None:
        """The row shown at ``row`` (reading its page if it is not loaded)."""
        if self._search_text:
            return self._results[row] if 0 <= row < len(self._results) else None
        if not 0 <= row < self._total:
            return None
        page = self._page(row // PAGE_SIZE)
        offset = row % PAGE_SIZE
        return page[offset] if offset < len(page) else None

    def household_id(self, row: int) -> uuid.UUID | None:
        found = self.row_at(row)
        return found.id if found else None

    # -- QAbstractTableModel ----------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid():
            return 0
        return len(self._results) if self._search_text else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in _ROLES:
            return None
        try:
            row = self.row_at(index.row())
        except JeugdtoegangError:  # e.g. the rights were taken away meanwhile: an empty row
            return None
        if row is None:
            return None
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
