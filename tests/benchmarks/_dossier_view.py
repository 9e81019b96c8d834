"""What the user does with the dossier list: show it and press End (``bench_scale``).

Ours: the Dossiers area's ``HouseholdTableModel`` in a ``QTableView`` (offscreen, the
list's row height and hidden row header), ``reload()``, then ``scrollToBottom()`` and the
event loop until the last row has been painted. Bare: a ``QAbstractTableModel`` over raw
sqlite3 in the same view doing the same reads for the rows shown: one count, the first
page by key forwards, the last page by key backwards, each page's households and current
members; no read log, no team scope (the benchmark's user sees every team).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QApplication, QHeaderView, QTableView

PAGE = 200
_Index = QModelIndex | QPersistentModelIndex


class BareHouseholdModel(QAbstractTableModel):
    """The dossier list over sqlite3: a count, and a page read when the view asks."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self._connection = sqlite3.connect(path)
        self._total = 0
        self._pages: dict[int, list[tuple[Any, ...]]] = {}

    def reload(self) -> None:
        self.beginResetModel()
        self._total = self._connection.execute("SELECT count(*) FROM household").fetchone()[0]
        self._pages.clear()
        self.endResetModel()

    @property
    def loaded_pages(self) -> list[int]:
        return sorted(self._pages)

    def close(self) -> None:
        self._connection.close()

    def _load(self, number: int) -> list[tuple[Any, ...]]:
        first = number * PAGE
        size = min(PAGE, self._total - first)
        backward = first + size == self._total and number > 0
        # the list's own order and index (ix_household_sort_dossier): the folded name
        order = "sort_key DESC, dossier_number DESC" if backward else "sort_key, dossier_number"
        skip = 0 if backward or number == 0 else first
        ids = [
            r[0]
            for r in self._connection.execute(
                f"SELECT id FROM household ORDER BY {order} LIMIT ? OFFSET ?", (size, skip)
            )
        ]
        if backward:
            ids.reverse()
        marks = ",".join("?" * len(ids))
        heads = {
            r[0]: r
            for r in self._connection.execute(
                "SELECT id, dossier_number, name, street, house_number, postcode, city, "
                f"gemeente, wijk FROM household WHERE id IN ({marks})",
                ids,
            )
        }
        members: dict[Any, list[str]] = {}
        for household_id, first_name, tussen, surname in self._connection.execute(
            "SELECT household_id, first_name, tussenvoegsel, surname FROM person "
            f"WHERE household_id IN ({marks}) AND ended_on IS NULL ORDER BY household_id, sort_key",
            ids,
        ):
            name = f"{first_name} {tussen} {surname}" if tussen else f"{first_name} {surname}"
            members.setdefault(household_id, []).append(name)
        return [
            (
                heads[i][1],
                heads[i][2],
                f"{heads[i][3]} {heads[i][4]}, {heads[i][6]}",
                heads[i][5],
                heads[i][7],
                heads[i][8] or "",
                ", ".join(members.get(i, [])),
            )
            for i in ids
        ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 7

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        number = index.row() // PAGE
        page = self._pages.get(number)
        if page is None:
            page = self._pages[number] = self._load(number)
        return page[index.row() % PAGE][index.column()]


def _application() -> QApplication:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance()
    return app if isinstance(app, QApplication) else QApplication([])


def _view(model: QAbstractTableModel) -> QTableView:
    view = QTableView()
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    view.resize(1280, 700)
    view.setModel(model)
    view.show()
    return view


def show_and_press_end(model: Any) -> Callable[[], int]:
    """A function that reloads ``model`` in a shown view and scrolls it to its end
    (painting both screens); it returns the number of pages read."""
    app = _application()
    view = _view(model)
    app.processEvents()

    def run() -> int:
        view.scrollToTop()  # as the list opens (a reset keeps the scroll position)
        model.reload()
        app.processEvents()
        view.viewport().repaint()  # the first screen painted (at once, not when exposed)
        view.scrollToBottom()
        app.processEvents()
        view.viewport().repaint()  # the last screen painted
        assert (model.rowCount() - 1) // PAGE in model.loaded_pages
        return len(model.loaded_pages)

    run.view = view  # type: ignore[attr-defined]  # kept alive with the function
    return run
