"""Area 'Signalen': evaluations due, terms ending, 18+, budgets, requests, Awb terms."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.signals import Signal, SignalKind, SignalSeverity, compute_signals
from ui.models.signals import COL_DETAIL, COL_SEVERITY, SORT_ROLE, SignalTableModel
from ui.widgets.place_help import pydate, qdate

ALL = ""


def _task(ctx: AppContext, day: Any, token: CancelToken):  # type: ignore[no-untyped-def]
    yield Progress(0, 1, "Signalen berekenen")
    signals = compute_signals(ctx, day)
    yield Progress(1, 1, "Klaar")
    return signals


class SignalsArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.setObjectName("signals_area")
        self.ctx = ctx
        self.shell = shell
        self._signals: list[Signal] = []
        layout = QVBoxLayout(self)
        title = QLabel("<h2>Signalen</h2>")
        layout.addWidget(title)
        filters = QHBoxLayout()
        self.date_edit = QDateEdit(qdate(ctx.today()), objectName="date_edit")
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("dd-MM-yyyy")
        self.kind_combo = QComboBox(objectName="kind_combo")
        self.kind_combo.addItem("Alle soorten", ALL)
        for kind in SignalKind:
            self.kind_combo.addItem(kind.label, kind.value)
        self.severity_combo = QComboBox(objectName="severity_combo")
        self.severity_combo.addItem("Alle", ALL)
        for severity in SignalSeverity:
            self.severity_combo.addItem(severity.label, severity.value)
        self.search_edit = QLineEdit(objectName="search_edit")
        self.search_edit.setPlaceholderText("Zoek op naam, dossier of product")
        refresh = QPushButton("Vernieuwen", objectName="refresh_button")
        refresh.clicked.connect(self.refresh)
        for label, widget in (
            ("Peildatum", self.date_edit),
            ("Soort", self.kind_combo),
            ("Ernst", self.severity_combo),
        ):
            filters.addWidget(QLabel(label))
            filters.addWidget(widget)
        filters.addWidget(self.search_edit, 1)
        filters.addWidget(refresh)
        layout.addLayout(filters)
        self.count_label = QLabel(objectName="count_label")
        layout.addWidget(self.count_label)
        self.model = SignalTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="signals_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_SEVERITY, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_DETAIL, QHeaderView.ResizeMode.Stretch)
        self.table.setWordWrap(False)
        self.table.doubleClicked.connect(self._open)
        layout.addWidget(self.table, 1)
        hint = QLabel("Dubbelklik op een signaal om het dossier te openen.")
        hint.setStyleSheet("color: #666")
        layout.addWidget(hint)
        self.kind_combo.currentIndexChanged.connect(self._apply_filters)
        self.severity_combo.currentIndexChanged.connect(self._apply_filters)
        self.search_edit.textChanged.connect(self._apply_filters)
        self.date_edit.dateChanged.connect(lambda *_: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        day = pydate(self.date_edit.date())
        self.count_label.setText("Signalen worden berekend…")
        self.shell.run_task(
            "Signalen berekenen", lambda token: _task(self.ctx, day, token), self._loaded
        )

    def _loaded(self, signals: list[Signal]) -> None:
        self._signals = list(signals or [])
        self._apply_filters()

    def _apply_filters(self, *_: Any) -> None:
        kind = self.kind_combo.currentData()
        severity = self.severity_combo.currentData()
        text = self.search_edit.text().strip().casefold()
        rows = [
            s
            for s in self._signals
            if (not kind or s.kind.value == kind)
            and (not severity or s.severity.value == severity)
            and (not text or text in f"{s.title} {s.detail} {s.dossier_number}".casefold())
        ]
        self.model.set_rows(rows)
        urgent = sum(1 for s in rows if s.severity is SignalSeverity.URGENT)
        self.count_label.setText(f"{len(rows)} signalen, waarvan {urgent} urgent.")

    def _open(self, index: Any) -> None:
        signal = self.model.row_at(self.proxy.mapToSource(index).row())
        if signal is None:
            return
        if signal.household_id is None:
            self.shell.show_area("providers")
            return
        tab = "plan" if signal.kind is SignalKind.WORDT_18 else "indications"
        self.shell.open_dossier(signal.household_id, tab)


def create(ctx: AppContext, shell: Any) -> QWidget:
    return SignalsArea(ctx, shell)
