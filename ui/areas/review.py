"""Area "Te beoordelen": the team lead's queue; consultants see what was sent back to them.

Left the queue (type, title, submitter, date); right the selected item with its findings
and motivations, its review history, a comment field and the buttons "Goedkeuren",
"Terugsturen" and "Dossier openen". One's own submissions are shown but cannot be
approved (the core refuses too, and logs the attempt).
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelection
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import review
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.review import ReviewItem, ReviewStepView
from ui.models.rows import RowsModel


def _when(value) -> str:  # type: ignore[no-untyped-def]
    return value.astimezone().strftime("%d-%m-%Y %H:%M") if value else ""


_TAB_FOR = {"plan": "plan", "indication": "indications", "decision": "decisions"}


class ReviewArea(QWidget):
    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("review_area")
        self.ctx = ctx
        self.shell = shell
        self.may_approve = can(ctx.actor, Permission.APPROVE)
        self.may_submit = can(ctx.actor, Permission.PLAN_SUBMIT)

        title = QLabel("<h2>Te beoordelen</h2>")
        self.count_label = QLabel("")
        self.count_label.setObjectName("queue_count")
        self.model: RowsModel[ReviewItem] = RowsModel(
            [
                ("Soort", lambda i: i.type_label),
                ("Onderwerp", lambda i: i.title),
                ("Ingediend door", lambda i: i.submitted_by + (" (uzelf)" if i.own else "")),
                ("Ingediend op", lambda i: _when(i.submitted_at)),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("review_queue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        self.table.doubleClicked.connect(lambda _i: self.open_dossier())

        self.item_title = QLabel("Kies links een item.")
        self.item_title.setObjectName("item_title")
        self.item_title.setWordWrap(True)
        self.findings = QPlainTextEdit()
        self.findings.setObjectName("findings_text")
        self.findings.setReadOnly(True)
        self.motivations = QPlainTextEdit()
        self.motivations.setObjectName("motivations_text")
        self.motivations.setReadOnly(True)
        self.history = QPlainTextEdit()
        self.history.setObjectName("history_text")
        self.history.setReadOnly(True)
        self.history.setMaximumHeight(110)
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment_field")
        self.comment.setPlaceholderText(
            "Opmerking (verplicht bij terugsturen; de consulent ziet deze)"
        )
        self.comment.setMaximumHeight(80)
        self.own_note = QLabel("U heeft dit zelf ingediend; een andere teamleider beoordeelt het.")
        self.own_note.setObjectName("own_note")
        self.own_note.setStyleSheet("color: #8a5300;")
        self.own_note.hide()
        self.approve_button = QPushButton("Goedkeuren")
        self.approve_button.setObjectName("approve_button")
        self.return_button = QPushButton("Terugsturen")
        self.return_button.setObjectName("return_button")
        self.open_button = QPushButton("Dossier openen")
        self.open_button.setObjectName("open_button")
        self.refresh_button = QPushButton("Vernieuwen")
        self.refresh_button.setObjectName("refresh_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.approve_button)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.item_title)
        detail_layout.addWidget(QLabel("Bevindingen (controles)"))
        detail_layout.addWidget(self.findings, 2)
        detail_layout.addWidget(QLabel("Motivering"))
        detail_layout.addWidget(self.motivations, 2)
        detail_layout.addWidget(QLabel("Geschiedenis van de beoordeling"))
        detail_layout.addWidget(self.history, 1)
        detail_layout.addWidget(self.comment)
        detail_layout.addWidget(self.own_note)
        detail_layout.addLayout(buttons)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(self.count_label)
        header.addStretch(1)
        header.addWidget(self.refresh_button)
        left_layout.addLayout(header)
        left_layout.addWidget(self.table, 3)

        self.returned_box = QGroupBox("Teruggestuurd naar u")
        self.returned_box.setObjectName("returned_box")
        self.returned_model: RowsModel[ReviewStepView] = RowsModel(
            [
                ("Onderwerp", lambda s: s.title or ""),
                ("Door", lambda s: s.by),
                ("Op", lambda s: _when(s.at)),
                ("Opmerking van de teamleider", lambda s: s.comment or ""),
            ],
            self,
        )
        self.returned_table = QTableView()
        self.returned_table.setObjectName("returned_table")
        self.returned_table.setModel(self.returned_model)
        self.returned_table.verticalHeader().hide()
        returned_header = self.returned_table.horizontalHeader()
        returned_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        returned_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.returned_table.setWordWrap(True)
        self.returned_table.doubleClicked.connect(self._open_returned)
        box_layout = QVBoxLayout(self.returned_box)
        box_layout.addWidget(self.returned_table)
        left_layout.addWidget(self.returned_box, 2)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.give_back)
        self.open_button.clicked.connect(self.open_dossier)
        self.refresh_button.clicked.connect(self.refresh)
        if not self.may_approve:
            self.table.hide()
            detail.hide()
            self.count_label.setText(
                "Alleen teamleiders beoordelen. Hieronder ziet u wat naar u is teruggestuurd."
            )
        self.returned_box.setVisible(self.may_submit)
        self._set_item(None)
        self.refresh()

    # -- data -------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            if self.may_approve:
                items = review.list_queue(self.ctx)
                self.model.set_rows(items)
                self.count_label.setText(
                    "Niets te beoordelen." if not items else f"{len(items)} te beoordelen"
                )
            if self.may_submit:
                self.returned_model.set_rows(review.returned_to_me(self.ctx))
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
        self._set_item(None)

    def current(self) -> ReviewItem | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _selected(self, _new: QItemSelection, _old: QItemSelection) -> None:
        self._set_item(self.current())

    def _set_item(self, item: ReviewItem | None) -> None:
        has = item is not None
        for widget in (self.approve_button, self.return_button, self.comment):
            widget.setEnabled(has and not item.own)  # type: ignore[union-attr]
        self.open_button.setEnabled(has)
        self.own_note.setVisible(has and item.own)  # type: ignore[union-attr]
        if item is None:
            self.item_title.setText("Kies links een item.")
            self.findings.setPlainText("")
            self.motivations.setPlainText("")
            self.history.setPlainText("")
            return
        self.item_title.setText(f"<b>{item.type_label}</b>: {item.title}")
        self.findings.setPlainText(item.findings or "Geen bevindingen.")
        self.motivations.setPlainText(item.motivations or "Geen motivering nodig.")
        try:
            steps = review.history(self.ctx, item.object_type, item.id)
        except JeugdtoegangError:
            steps = []
        lines = [
            f"{_when(s.at)}  {s.action_text} door {s.by}" + (f": {s.comment}" if s.comment else "")
            for s in steps
        ]
        lines.append(f"{_when(item.submitted_at)}  Ingediend door {item.submitted_by} (nu)")
        self.history.setPlainText("\n".join(lines))
        self.comment.clear()

    # -- actions ----------------------------------------------------------------------------

    def approve(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            review.approve_item(self.ctx, item.object_type, item.id, self.comment.toPlainText())
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        self.shell.status(f"Goedgekeurd: {item.type_label.lower()}")  # type: ignore[attr-defined]
        self.refresh()

    def give_back(self) -> None:
        item = self.current()
        if item is None:
            return
        try:
            review.return_item(self.ctx, item.object_type, item.id, self.comment.toPlainText())
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        self.shell.status(f"Teruggestuurd: {item.type_label.lower()}")  # type: ignore[attr-defined]
        self.refresh()

    def open_dossier(self) -> None:
        item = self.current()
        if item is not None:
            self.shell.open_dossier(item.household_id, _TAB_FOR.get(item.object_type))  # type: ignore[attr-defined]

    def _open_returned(self, index) -> None:  # type: ignore[no-untyped-def]
        step = self.returned_model.row_at(index.row())
        if step is not None and step.household_id is not None:
            self.shell.open_dossier(step.household_id, _TAB_FOR.get(step.object_type))  # type: ignore[attr-defined]


def create(ctx: AppContext, shell: object) -> QWidget:
    return ReviewArea(ctx, shell)
