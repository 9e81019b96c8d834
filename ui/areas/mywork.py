"""Area "Mijn werk": the consultant's start screen with what to do, soonest first.

Evaluations due or overdue, approved help without a decision letter, items the team lead
sent back, provider requests to answer. Enter or double-click opens the dossier on the
right tab. "Dossier overdragen…" hands the chosen dossier to a colleague (with an optional
stand-in).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.wording import plural
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import caseload
from jeugdtoegang.services.caseload import WorkItem
from jeugdtoegang.services.context import AppContext
from ui import dialogs
from ui.models.rows import RowsModel


class _WorkModel(RowsModel[WorkItem]):
    def data(self, index, role=Qt.ItemDataRole.DisplayRole):  # type: ignore[no-untyped-def]
        if role == Qt.ItemDataRole.ForegroundRole:
            row = self.row_at(index.row())
            if row is not None and row.overdue:
                return QBrush(QColor("#a40000"))
        return super().data(index, role)


class _WorkTable(QTableView):
    """Enter opens the chosen item's dossier (as double-click does)."""

    def __init__(self, area: MyWorkArea) -> None:
        super().__init__()
        self.area = area

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.area.open_current()
            return
        super().keyPressEvent(event)


class MyWorkArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.setObjectName("mywork_area")
        self.ctx = ctx
        self.shell = shell
        title = QLabel(f"<h2>Mijn werk</h2>{ctx.actor.display_name}")
        self.count_label = QLabel(objectName="mywork_count")
        self.model = _WorkModel(
            [
                ("Wat", lambda i: i.kind_label + (" (als vervanger)" if i.as_stand_in else "")),
                ("Dossier", lambda i: i.dossier_number),
                ("Onderwerp", lambda i: i.subject),
                ("Uiterlijk", lambda i: i.due_text),
            ],
            self,
        )
        self.table = _WorkTable(self)
        self.table.setObjectName("mywork_table")
        self.table.setAccessibleName("Mijn werk: wat u moet doen")
        self.table.setModel(self.model)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _i: self.open_current())
        self.open_button = QPushButton("Dossier &openen", objectName="mywork_open")
        self.open_button.setAccessibleName("Dossier openen")
        self.handover_button = QPushButton("Dossier over&dragen…", objectName="mywork_handover")
        self.handover_button.setAccessibleName("Dossier overdragen aan een collega")
        self.refresh_button = QPushButton("&Vernieuwen", objectName="mywork_refresh")
        self.refresh_button.setAccessibleName("Lijst vernieuwen")
        for button in (self.open_button, self.handover_button, self.refresh_button):
            button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_current)
        self.handover_button.clicked.connect(self.hand_over)
        self.refresh_button.clicked.connect(self.refresh)
        bar = QHBoxLayout()
        bar.addWidget(self.count_label)
        bar.addStretch(1)
        bar.addWidget(self.open_button)
        bar.addWidget(self.handover_button)
        bar.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        self.refresh()

    def focus_first(self) -> None:
        """The keyboard starts in the list (Enter opens the dossier)."""
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)
        if not self.table.currentIndex().isValid() and self.model.rowCount() > 0:
            self.table.selectRow(0)

    def refresh(self) -> None:
        try:
            items = caseload.my_work(self.ctx)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
            items = []
        self.model.set_rows(items)
        overdue = sum(1 for i in items if i.overdue)
        text = plural(len(items), "taak", "taken") if items else "Niets te doen. Goed bezig!"
        if overdue:
            text += f", waarvan {overdue} te laat"
        self.count_label.setText(text)

    def current(self) -> WorkItem | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def open_current(self) -> None:
        item = self.current()
        if item is not None:
            self.shell.open_dossier(item.household_id, item.tab)

    def hand_over(self) -> None:
        item = self.current()
        if item is None:
            self.shell.status("Kies eerst een regel; het dossier daarvan wordt overgedragen.")
            return
        name = dialogs.ask_text(
            self,
            "Dossier overdragen",
            f"Gebruikersnaam van de consulent die dossier {item.dossier_number} overneemt:",
        )
        if not name:
            return
        try:
            caseload.assign(self.ctx, item.household_id, name)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
            return
        self.shell.status(f"Dossier {item.dossier_number} overgedragen aan {name.strip()}.")
        self.refresh()


def create(ctx: AppContext, shell: Any) -> QWidget:
    return MyWorkArea(ctx, shell)
