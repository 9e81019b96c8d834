"""Area "Te beoordelen": the team lead's queue; consultants see what was sent back to them.

Left the queue (type, title, submitter, date); right the selected item with the full
picture (jeugdige and age, plan goal, product, provider, term with the chain of earlier
help, amount, maximum cost, findings each with its motivation), the letter preview and
the review history, a comment field and the buttons "Goedkeuren" (Alt+G), "Terugsturen"
(Alt+T) and "Dossier openen" (Alt+D); no button is a default, so Enter never approves. One's own submissions are shown but cannot be
approved (the core refuses too, and logs the attempt).
"""

from __future__ import annotations

import uuid
from html import escape

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtGui import QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import review, review_detail
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.review import ReviewItem, ReviewStepView
from jeugdtoegang.services.review_detail import ReviewDetail
from ui.dossier.decisions_tab import Preview, render_preview
from ui.models.review_queue import ReviewQueueModel
from ui.models.rows import RowsModel
from ui.widgets.review_picture import LetterPages, picture_html


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
        self.model = ReviewQueueModel(
            ctx,
            [
                ("Soort", lambda i: i.type_label),
                ("Onderwerp", lambda i: i.title),
                ("Ingediend door", lambda i: i.submitter + (" (uzelf)" if i.own else "")),
                ("Ingediend op", lambda i: _when(i.submitted_at)),
            ],
            self,
        )
        self.table = QTableView()
        self.table.setObjectName("review_queue")
        self.table.setAccessibleName("Te beoordelen items")
        self.table.setTabKeyNavigation(False)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        header_view = self.table.horizontalHeader()
        header_view.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().selectionChanged.connect(self._selected)
        # keyboard: the row with the cursor is the chosen item (also on first focus)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: current.isValid() and self.table.selectRow(current.row())
        )
        self.table.doubleClicked.connect(lambda _i: self.open_dossier())

        self.item_title = QLabel("Kies links een item.")
        self.item_title.setObjectName("item_title")
        self.item_title.setWordWrap(True)
        self.picture = QTextBrowser()
        self.picture.setObjectName("review_picture")
        self.picture.setAccessibleName("Voorstel met bevindingen en motivering")
        self.picture.setOpenLinks(False)
        self.letter = LetterPages()
        self.history = QPlainTextEdit()
        self.history.setObjectName("history_text")
        self.history.setAccessibleName("Geschiedenis van de beoordeling")
        self.history.setReadOnly(True)
        self.history.setTabChangesFocus(True)
        self.detail_tabs = QTabWidget()
        self.detail_tabs.setObjectName("review_detail_tabs")
        self.detail_tabs.setAccessibleName("Gegevens van het gekozen item")
        self.detail_tabs.addTab(self.picture, "&Voorstel")
        self.detail_tabs.addTab(self.letter, "B&rief")
        self.detail_tabs.addTab(self.history, "Ges&chiedenis")
        self.comment = QPlainTextEdit()
        self.comment.setObjectName("comment_field")
        self.comment.setAccessibleName("Opmerking voor de consulent")
        self.comment.setPlaceholderText(
            "Opmerking (verplicht bij terugsturen; de consulent ziet deze)"
        )
        self.comment.setTabChangesFocus(True)
        self.comment.setMaximumHeight(70)
        self.own_note = QLabel("U heeft dit zelf ingediend; een andere teamleider beoordeelt het.")
        self.own_note.setObjectName("own_note")
        self.own_note.setStyleSheet("color: #8a5300;")
        self.own_note.hide()
        self.approve_button = QPushButton("Goedkeuren (Alt+G)")
        self.approve_button.setObjectName("approve_button")
        self.approve_button.setAccessibleName("Goedkeuren")
        self.approve_button.setToolTip("Goedkeuren (Alt+G)")
        self.return_button = QPushButton("Terugsturen (Alt+T)")
        self.return_button.setObjectName("return_button")
        self.return_button.setAccessibleName("Terugsturen naar de consulent")
        self.return_button.setToolTip("Terugsturen met uw opmerking (Alt+T)")
        self.open_button = QPushButton("&Dossier openen")
        self.open_button.setObjectName("open_button")
        self.open_button.setAccessibleName("Dossier openen")
        self.refresh_button = QPushButton("Vernieuwen")
        self.refresh_button.setObjectName("refresh_button")
        self.refresh_button.setAccessibleName("Lijst vernieuwen")
        for button in (
            self.approve_button,
            self.return_button,
            self.open_button,
            self.refresh_button,
        ):
            # Enter never approves by accident: no button is a default button
            button.setAutoDefault(False)
            button.setDefault(False)
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.return_button)
        buttons.addWidget(self.approve_button)

        detail = QWidget()
        detail_layout = QVBoxLayout(detail)
        detail_layout.setContentsMargins(0, 0, 0, 0)
        detail_layout.addWidget(self.item_title)
        detail_layout.addWidget(self.detail_tabs, 1)
        detail_layout.addWidget(self.comment)
        detail_layout.addWidget(self.own_note)
        detail_layout.addLayout(buttons)
        self.detail = detail

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
                ("Door", lambda s: s.who),
                ("Op", lambda s: _when(s.at)),
                ("Opmerking van de teamleider", lambda s: s.comment or ""),
            ],
            self,
        )
        self.returned_table = QTableView()
        self.returned_table.setObjectName("returned_table")
        self.returned_table.setAccessibleName("Naar u teruggestuurde items")
        self.returned_table.setTabKeyNavigation(False)
        self.returned_table.setModel(self.returned_model)
        self.returned_table.verticalHeader().hide()
        returned_header = self.returned_table.horizontalHeader()
        returned_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        returned_header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.returned_table.setWordWrap(True)
        self.returned_table.doubleClicked.connect(self._open_returned)
        self.returned_empty = QLabel(
            "Er is niets naar u teruggestuurd. Stuurt de teamleider iets terug, "
            "dan ziet u het hier met de opmerking erbij."
        )
        self.returned_empty.setObjectName("returned_empty")
        self.returned_empty.setWordWrap(True)
        self.returned_empty.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        # one or the other: the list, or the sentence that says it is empty
        self.returned_stack = QStackedWidget()
        self.returned_stack.addWidget(self.returned_empty)
        self.returned_stack.addWidget(self.returned_table)
        box_layout = QVBoxLayout(self.returned_box)
        box_layout.addWidget(self.returned_stack)
        left_layout.addWidget(self.returned_box, 2)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(detail)
        # the queue keeps its subjects readable at 1280 px; the letter scales to its pane
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 560])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(splitter, 1)

        self.approve_button.clicked.connect(self.approve)
        self.return_button.clicked.connect(self.give_back)
        self.open_button.clicked.connect(self.open_dossier)
        self.refresh_button.clicked.connect(self.refresh)
        for keys, slot in (("Alt+G", self.approve), ("Alt+T", self.give_back)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        QWidget.setTabOrder(self.table, self.detail_tabs)
        QWidget.setTabOrder(self.detail_tabs, self.comment)
        QWidget.setTabOrder(self.comment, self.return_button)
        QWidget.setTabOrder(self.return_button, self.approve_button)
        QWidget.setTabOrder(self.approve_button, self.open_button)
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
                self.model.reload()  # first page; more while scrolling (by key)
                total = self.model.total
                self.count_label.setText(
                    "Niets te beoordelen." if not total else f"{total} te beoordelen"
                )
            if self.may_submit:
                returned = review.returned_to_me(self.ctx)
                self.returned_model.set_rows(returned)
                self.returned_stack.setCurrentWidget(
                    self.returned_table if returned else self.returned_empty
                )
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
        self.detail_info: ReviewDetail | None = None
        if item is None:
            self.item_title.setText("Kies links een item.")
            self.picture.setHtml("")
            self.history.setPlainText("")
            self.letter.show_message("Kies een item om de brief te zien.")
            return
        self.item_title.setText(f"<b>{escape(item.type_label)}</b>: {escape(item.title)}")
        try:
            detail = review_detail.review_detail(self.ctx, item.object_type, item.id)
        except JeugdtoegangError as error:
            self.picture.setPlainText(error.message)
            detail = None
        steps = list(detail.history) if detail is not None else []
        lines = [
            f"{_when(s.at)}  {s.action_text} door {s.who}" + (f": {s.comment}" if s.comment else "")
            for s in steps
        ]
        lines.append(f"{_when(item.submitted_at)}  Ingediend door {item.submitter} (nu)")
        self.history.setPlainText("\n".join(lines))
        self.comment.clear()
        self.detail_info = detail
        if detail is None:
            return
        self.picture.setHtml(picture_html(detail))
        if detail.letter_decision_id is None:
            self.letter.show_message(
                "Bij dit item is nog geen beschikking gemaakt, dus nog geen brief."
                if item.object_type != "plan"
                else "Een perspectiefplan heeft geen beschikking; open het dossier voor de PDF."
            )
        else:
            self.letter.show_message("De brief wordt gemaakt…")
            self._load_letter(detail.letter_decision_id)

    def _load_letter(self, decision_id: uuid.UUID) -> None:
        self._letter_for = decision_id
        self.shell.run_task(  # type: ignore[attr-defined]
            "Brief laden",
            lambda token: render_preview(self.ctx, decision_id, token),
            self._show_letter,
        )

    def _show_letter(self, preview: Preview) -> None:
        if getattr(self, "_letter_for", None) != preview.decision_id:
            return  # the team lead moved on to another item
        images = [
            QImage(
                page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB32
            ).copy()
            for page in preview.pages
        ]
        self.letter.set_pages(images)

    # -- actions ----------------------------------------------------------------------------

    def approve(self) -> None:
        item = self.current()
        if item is None or not self.approve_button.isEnabled():
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
        if item is None or not self.return_button.isEnabled():
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
