"""Dossier tab "Logboek": every logged read, change, export and print of this dossier.

The log of a busy dossier grows without end, so the tab pages by key: it shows the newest
page first, and scrolling to the end of the table (Qt's ``canFetchMore``/``fetchMore``)
or "Meer tonen" loads the next older page, the entries before the oldest one shown. No
entry is shown twice and none is skipped, even while new entries are written (they are
newer than every page). Opening the Logboek, and each older page, is itself logged (the
log is personal data too).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import (
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
from jeugdtoegang.services import audit
from jeugdtoegang.services.audit import AuditEntryView, LogPage
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
_Index = QModelIndex | QPersistentModelIndex


class LogPagesModel(RowsModel[AuditEntryView]):
    """The Logboek's rows, newest first, growing by one older page per ``fetchMore``.

    ``load(before)`` returns the page older than entry ``before`` (None: it could not be
    read; the view keeps what it has).
    """

    def __init__(
        self,
        columns: Sequence[tuple[str, Callable[[AuditEntryView], Any]]],
        load: Callable[[int], LogPage | None],
        parent: Any = None,
    ) -> None:
        super().__init__(columns, parent)
        self._load = load
        self._before: int | None = None

    def show_first(self, page: LogPage) -> None:
        """Start over with the newest page."""
        self.set_rows(page.entries)
        self._before = page.next_before

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: N802, B008
        return not parent.isValid() and self._before is not None

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: N802, B008
        if not self.canFetchMore(parent):
            return
        before = self._before
        assert before is not None
        page = self._load(before)
        if page is None:
            return
        self._before = page.next_before
        if page.entries:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(page.entries) - 1)
            self._rows.extend(page.entries)
            self.endInsertRows()


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
        self.more_button = QPushButton("Meer tonen")
        self.more_button.setObjectName("more_log_button")
        self.more_button.setToolTip(
            "Toon de volgende, oudere logregels (naar beneden scrollen doet hetzelfde)"
        )
        self.model = LogPagesModel(COLUMNS, self._older, self)
        self.table = QTableView()
        self.table.setObjectName("log_table")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.setSortingEnabled(False)
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.count_label, 1)  # the label takes the free width: no early wrap
        top.addWidget(self.more_button)
        top.addWidget(self.refresh_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self.refresh_button.clicked.connect(self.refresh)
        self.more_button.clicked.connect(self.show_more)
        self.model.rowsInserted.connect(lambda *_: self._show_count())
        self.refresh()

    def _page(self, before: int | None) -> LogPage | None:
        try:
            return audit.dossier_log_page(self.ctx, self.household_id, before=before)
        except JeugdtoegangError as error:
            self.count_label.setText(error.message)
            return None

    def _older(self, before: int) -> LogPage | None:
        return self._page(before)

    def refresh(self) -> None:
        page = self._page(None)
        if page is None:
            self.model.set_rows([])
            self.more_button.setEnabled(False)
            return
        self.model.show_first(page)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self._show_count()

    def show_more(self) -> None:
        """The next older page ("Meer tonen"; scrolling to the end does the same)."""
        self.model.fetchMore(QModelIndex())

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        more = self.model.canFetchMore(QModelIndex())
        self.more_button.setEnabled(more)
        # (short: a word-wrapped label sets the window's minimum height at its narrowest)
        lines = plural(shown, "logregel", "logregels")
        self.count_label.setText(f"{lines}, er zijn oudere" if more else lines)


def create(ctx: AppContext, shell: object, household_id: uuid.UUID) -> QWidget:
    return LogTab(ctx, shell, household_id)
