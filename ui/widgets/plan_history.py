"""Version history of a plan with a readable diff between any two versions."""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.plan_diff import ChangeKind, PlanChange
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import plans as plan_service
from jeugdtoegang.services.context import AppContext
from ui.models.plans import VersionTableModel

_COLOURS = {
    ChangeKind.ADDED: "#1b6e20",
    ChangeKind.REMOVED: "#a4161a",
    ChangeKind.CHANGED: "#7a5400",
}


def changes_html(changes: list[PlanChange]) -> str:
    """The changes grouped by area, coloured by kind."""
    if not changes:
        return "<p>Geen verschillen tussen deze versies.</p>"
    parts: list[str] = []
    area = None
    for change in changes:
        if change.area != area:
            if area is not None:
                parts.append("</ul>")
            area = change.area
            parts.append(f"<h3>{escape(area)}</h3><ul>")
        colour = _COLOURS[change.kind]
        label = f"<b style='color:{colour}'>{escape(change.kind.value)}</b> {escape(change.label)}"
        if change.kind is ChangeKind.ADDED:
            body = f": {escape(change.after)}"
        elif change.kind is ChangeKind.REMOVED:
            body = f": <s>{escape(change.before)}</s>"
        else:
            body = (
                f"<br/>was: <s>{escape(change.before) or '(leeg)'}</s>"
                f"<br/>nu: {escape(change.after) or '(leeg)'}"
            )
        parts.append(f"<li>{label}{body}</li>")
    parts.append("</ul>")
    return "".join(parts)


class PlanHistoryDialog(QDialog):
    """All saved versions (newest first); choose two to see what changed."""

    def __init__(self, ctx: AppContext, household_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("plan_history_dialog")
        self.setWindowTitle("Versiegeschiedenis van het perspectiefplan")
        self.resize(980, 620)
        self.ctx = ctx
        self.household_id = household_id
        self.rows = plan_service.plan_history(ctx, household_id)
        self.model = VersionTableModel(self.rows, self)
        self.table = QTableView()
        self.table.setObjectName("plan_versions_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.from_combo = QComboBox()
        self.from_combo.setObjectName("diff_from_combo")
        self.to_combo = QComboBox()
        self.to_combo.setObjectName("diff_to_combo")
        for row in self.rows:
            text = f"versie {row.version_no} ({row.status.label.lower()})"
            self.from_combo.addItem(text, row.version_no)
            self.to_combo.addItem(text, row.version_no)
        self.diff_view = QTextBrowser()
        self.diff_view.setObjectName("plan_diff_view")

        chooser = QHBoxLayout()
        chooser.addWidget(QLabel("Vergelijk"))
        chooser.addWidget(self.from_combo)
        chooser.addWidget(QLabel("met"))
        chooser.addWidget(self.to_combo)
        chooser.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addLayout(chooser)
        right_layout.addWidget(self.diff_view, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.table)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 2)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sluiten")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        if not self.rows:
            layout.addWidget(
                QLabel("Dit plan is nog niet opgeslagen; er is nog geen geschiedenis.")
            )
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.from_combo.currentIndexChanged.connect(self.show_diff)
        self.to_combo.currentIndexChanged.connect(self.show_diff)
        if self.rows:
            self.table.selectRow(0)

    def _on_row(self, current: object, _previous: object = None) -> None:
        row = current.row()  # type: ignore[attr-defined]
        if row < 0:
            return
        self.to_combo.blockSignals(True)
        self.to_combo.setCurrentIndex(row)
        self.to_combo.blockSignals(False)
        self.from_combo.setCurrentIndex(min(row + 1, len(self.rows) - 1))
        self.show_diff()

    def show_diff(self) -> None:
        a, b = self.from_combo.currentData(), self.to_combo.currentData()
        if a is None or b is None:
            return
        try:
            changes = plan_service.diff_versions(self.ctx, self.household_id, a, b)
        except JeugdtoegangError as error:
            self.diff_view.setPlainText(error.message)
            return
        title = f"<h2>Van versie {a} naar versie {b}</h2>"
        self.diff_view.setHtml(title + changes_html(changes))
