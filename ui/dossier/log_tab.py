"""Dossier tab "Logboek": every logged read, change, export and print of this dossier.

Opening the Logboek is itself logged (the log is personal data too).
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import audit
from jeugdtoegang.services.audit import AuditEntryView
from jeugdtoegang.services.context import AppContext
from ui.models.rows import RowsModel

COLUMNS = (
    ("Nr.", lambda e: e.seq),
    ("Datum en tijd", lambda e: e.at.astimezone().strftime("%d-%m-%Y %H:%M:%S")),
    ("Gebruiker", lambda e: e.by),
    ("Rol", lambda e: e.role or ""),
    ("Handeling", lambda e: e.action_text),
    ("Doel", lambda e: e.purpose or ""),
    ("Resultaat", lambda e: e.outcome_text),
)


class LogTab(QWidget):
    def __init__(self, ctx: AppContext, shell: object, household_id: uuid.UUID) -> None:
        super().__init__()
        self.setObjectName("log_tab")
        self.ctx, self.shell, self.household_id = ctx, shell, household_id
        intro = QLabel(
            "Wie heeft dit dossier of de gezinsleden ingezien, gewijzigd, geëxporteerd of "
            f"afgedrukt (nieuwste eerst). Bewaartermijn: {audit.retention_years(ctx)} jaar."
        )
        intro.setWordWrap(True)
        self.count_label = QLabel("")
        self.count_label.setObjectName("log_count")
        self.count_label.setWordWrap(True)  # a long message never widens the window
        self.refresh_button = QPushButton("Vernieuwen")
        self.refresh_button.setObjectName("refresh_log_button")
        self.model: RowsModel[AuditEntryView] = RowsModel(COLUMNS, self)
        self.table = QTableView()
        self.table.setObjectName("log_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.count_label)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        try:
            entries = audit.dossier_log(self.ctx, self.household_id)
        except JeugdtoegangError as error:
            self.count_label.setText(error.message)
            self.model.set_rows([])
            return
        self.model.set_rows(entries)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self.count_label.setText(f"{len(entries)} logregels")


def create(ctx: AppContext, shell: object, household_id: uuid.UUID) -> QWidget:
    return LogTab(ctx, shell, household_id)
