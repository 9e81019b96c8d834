"""Side-by-side resolver for a sync conflict: fields in two columns, differences marked.

The user keeps their own version, takes the other one, or merges: per differing field a
choice "mijn" / "hun". The dialog only collects the choice (``choice``,
``merged_fields``); the Sync area saves it through the service.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.field_labels import field_label
from jeugdtoegang.services.sync import ConflictView

DIFFERENT = QColor("#fff1c2")
TABLE_LABELS = {"household": "Dossier", "person": "Persoon"}
HIDDEN = frozenset({"id", "created_at", "created_by", "search_surname", "search_first", "sort_key"})
MINE, THEIRS = "mijn", "hun"


def show_value(value: Any) -> str:
    """A snapshot value as a Dutch reader expects it (dates as dd-mm-jjjj)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, str) and len(value) >= 10 and value[4] == "-" and value[7] == "-":
        try:
            if len(value) == 10:
                return date.fromisoformat(value).strftime("%d-%m-%Y")
            moment = datetime.fromisoformat(value).astimezone()
            return moment.strftime("%d-%m-%Y %H:%M:%S")
        except ValueError:
            return value
    return str(value)


class ConflictResolverDialog(QDialog):
    """Shows one conflict; ``choice`` is 'mine', 'theirs' or 'merge' after accept."""

    def __init__(self, conflict: ConflictView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("conflict_resolver")
        self.setWindowTitle("Conflict oplossen")
        self.conflict = conflict
        self.choice: str | None = None
        self.merged_fields: list[str] = []
        self._pickers: dict[str, QComboBox] = {}
        self.resize(820, 520)

        layout = QVBoxLayout(self)
        kind = TABLE_LABELS.get(conflict.table_name, conflict.table_name)
        heading = QLabel(f"<b>{kind}: {conflict.title}</b>")
        heading.setObjectName("conflict_heading")
        layout.addWidget(heading)
        who = conflict.remote_updated_by or "onbekend"
        when = (
            conflict.remote_updated_at.strftime("%d-%m-%Y %H:%M")
            if conflict.remote_updated_at
            else "onbekend"
        )
        explanation = QLabel(
            f"{conflict.reason}\nDe andere versie komt van '{conflict.source_name}' "
            f"(gewijzigd door {who} op {when}). Er is niets overschreven: kies welke "
            "versie blijft, of kies per veld bij 'Samenvoegen'. Gele regels verschillen."
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)

        self.table = QTableWidget(0, 4, self)
        self.table.setObjectName("conflict_fields")
        self.table.setHorizontalHeaderLabels(["Veld", "Mijn versie", "Hun versie", "Keuze"])
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.table, 1)
        self._fill()

        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.keep_mine_button = QPushButton("Mijn versie houden")
        self.keep_mine_button.setObjectName("keep_mine_button")
        self.take_theirs_button = QPushButton("Hun versie overnemen")
        self.take_theirs_button.setObjectName("take_theirs_button")
        self.merge_button = QPushButton("Samenvoegen (keuze per veld)")
        self.merge_button.setObjectName("merge_button")
        self.merge_button.setEnabled(bool(self._pickers))
        cancel = QPushButton("Later beslissen")
        cancel.setObjectName("cancel_button")
        for button in (self.keep_mine_button, self.take_theirs_button, self.merge_button, cancel):
            buttons.addWidget(button)
        layout.addLayout(buttons)
        self.keep_mine_button.clicked.connect(lambda: self._decide("mine"))
        self.take_theirs_button.clicked.connect(lambda: self._decide("theirs"))
        self.merge_button.clicked.connect(lambda: self._decide("merge"))
        cancel.clicked.connect(self.reject)

    def _fill(self) -> None:
        mine = self.conflict.local_data
        theirs = self.conflict.remote_data
        names = [n for n in dict.fromkeys([*(mine or {}), *(theirs or {})]) if n not in HIDDEN]
        differing = set(self.conflict.differing_fields)
        if mine is None or theirs is None:
            names = names or ["id"]
        self.table.setRowCount(len(names))
        bold = QFont()
        bold.setBold(True)
        for row, name in enumerate(names):
            cells = [
                field_label(name),
                "(verwijderd)" if mine is None else show_value(mine.get(name)),
                "(verwijderd)" if theirs is None else show_value(theirs.get(name)),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if name in differing or mine is None or theirs is None:
                    item.setBackground(QBrush(DIFFERENT))
                    if column == 0:
                        item.setFont(bold)
                self.table.setItem(row, column, item)
            if name in differing:
                picker = QComboBox()
                picker.setObjectName(f"pick_{name}")
                picker.addItems([MINE, THEIRS])
                self._pickers[name] = picker
                self.table.setCellWidget(row, 3, picker)
        self.table.resizeRowsToContents()

    def pick(self, field: str, side: str) -> None:
        """Choose 'mijn' or 'hun' for one differing field (used by tests too)."""
        self._pickers[field].setCurrentText(side)

    def _decide(self, choice: str) -> None:
        self.choice = choice
        self.merged_fields = (
            [name for name, picker in self._pickers.items() if picker.currentText() == THEIRS]
            if choice == "merge"
            else []
        )
        self.accept()
