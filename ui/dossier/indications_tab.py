"""Dossier tab 'Hulp': a timeline of terms per jeugdige and the list of indications."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.domain.indications import IndicationStatus
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import indications as indication_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_views import IndicationView
from ui import dialogs
from ui.models.indications import COL_START, SORT_ROLE, IndicationTableModel
from ui.roles import gate
from ui.widgets.evaluation_dialog import EvaluationDialog
from ui.widgets.place_help import PlaceHelpDialog, pydate, qdate
from ui.widgets.term_timeline import TermTimeline


class _FormDialog(QDialog):
    """A small form with OK/Annuleren; ``accept_with`` runs the use case and shows errors."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        row = QHBoxLayout()
        row.addStretch(1)
        cancel = QPushButton("Annuleren", objectName="cancel_button")
        cancel.clicked.connect(self.reject)
        self.ok_button = QPushButton("Opslaan", objectName="ok_button")
        row.addWidget(cancel)
        row.addWidget(self.ok_button)
        layout.addLayout(row)

    def run(self, action: Callable[[], Any]) -> None:
        try:
            action()
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.accept()


class EndDateDialog(_FormDialog):
    def __init__(self, ctx: AppContext, indication: IndicationView, parent: QWidget | None = None):
        super().__init__("Einddatum wijzigen", parent)
        self.setObjectName("end_date_dialog")
        self.form.addRow(
            QLabel(
                "Na het afgeven mag alleen de einddatum veranderen. Voor andere wijzigingen "
                "zet u nieuwe hulp in."
            )
        )
        self.end_edit = QDateEdit(qdate(indication.end), objectName="new_end_edit")
        self.end_edit.setCalendarPopup(True)
        self.end_edit.setDisplayFormat("dd-MM-yyyy")
        self.form.addRow("Nieuwe einddatum", self.end_edit)
        self.ok_button.clicked.connect(
            lambda: self.run(
                lambda: indication_service.change_end_date(
                    ctx, indication.id, pydate(self.end_edit.date())
                )
            )
        )


class ProviderRequestDialog(_FormDialog):
    def __init__(self, ctx: AppContext, indication: IndicationView, parent: QWidget | None = None):
        super().__init__("Verzoek van de aanbieder", parent)
        self.setObjectName("provider_request_dialog")
        self.form.addRow(
            QLabel(
                "Een verzoek verlengt of wijzigt de hulp niet vanzelf. U beoordeelt het en "
                "antwoordt binnen 5 werkdagen."
            )
        )
        self.received_edit = QDateEdit(qdate(ctx.today()), objectName="received_edit")
        self.end_edit = QDateEdit(
            qdate(indication.end + timedelta(days=90)), objectName="requested_end_edit"
        )
        for edit in (self.received_edit, self.end_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd-MM-yyyy")
        self.reason_edit = QPlainTextEdit(objectName="reason_edit")
        self.reason_edit.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.kind_edit = QLineEdit("verlenging", objectName="kind_edit")
        self.form.addRow("Ontvangen op", self.received_edit)
        self.form.addRow("Soort verzoek", self.kind_edit)
        self.form.addRow("Gevraagde einddatum", self.end_edit)
        self.form.addRow("Toelichting aanbieder", self.reason_edit)
        self.ok_button.clicked.connect(
            lambda: self.run(
                lambda: indication_service.register_provider_request(
                    ctx,
                    indication.id,
                    pydate(self.received_edit.date()),
                    requested_end=pydate(self.end_edit.date()),
                    reason=self.reason_edit.toPlainText(),
                    kind=self.kind_edit.text().strip() or "verlenging",
                )
            )
        )


class IndicationsTab(QWidget):
    def __init__(self, ctx: AppContext, shell: Any, household_id: uuid.UUID) -> None:
        super().__init__()
        self.setObjectName("indications_tab")
        self.ctx = ctx
        self.shell = shell
        self.household_id = household_id
        self.dialog: QDialog | None = None
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.place_button = QPushButton("Hulp inzetten", objectName="place_button")
        self.follow_button = QPushButton("Vervolg inzetten", objectName="follow_button")
        self.evaluate_button = QPushButton("Evalueren", objectName="evaluate_button")
        self.end_date_button = QPushButton("Einddatum wijzigen", objectName="end_date_button")
        self.request_button = QPushButton("Verzoek aanbieder", objectName="request_button")
        self.submit_button = QPushButton("Indienen", objectName="submit_button")
        self.issue_button = QPushButton("Afgeven", objectName="issue_button")
        self.place_button.clicked.connect(self.place_help)
        self.follow_button.clicked.connect(self.follow_up)
        self.evaluate_button.clicked.connect(self.evaluate)
        self.end_date_button.clicked.connect(self.change_end)
        self.request_button.clicked.connect(self.provider_request)
        self.submit_button.clicked.connect(self.submit)
        self.issue_button.clicked.connect(self.issue)
        for button in (
            self.place_button,
            self.follow_button,
            self.evaluate_button,
            self.end_date_button,
            self.request_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.submit_button)
        buttons.addWidget(self.issue_button)
        layout.addLayout(buttons)
        self.timeline = TermTimeline()
        self.timeline.indication_clicked.connect(self._select)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.timeline)
        scroll.setMaximumHeight(260)
        layout.addWidget(scroll)
        self.model = IndicationTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.table = QTableView(objectName="indications_table")
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(COL_START, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.table.doubleClicked.connect(lambda *_: self.evaluate())
        layout.addWidget(self.table, 1)
        self.detail_label = QLabel(objectName="detail_label")
        self.detail_label.setWordWrap(True)
        layout.addWidget(self.detail_label)
        self._apply_role()
        self.refresh()

    # -- data ---------------------------------------------------------------------------------

    def refresh(self) -> None:
        selected = self.selected()
        try:
            rows = indication_service.list_for_household(self.ctx, self.household_id)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
            rows = []
        self.model.set_rows(rows)
        self.timeline.set_rows(rows, self.ctx.today())
        if selected is not None:
            self._select(selected.id)
        self._selection_changed()

    def _apply_role(self) -> None:
        """What this role cannot do stays disabled, with the reason as tooltip."""
        actor = self.ctx.actor
        gate(
            (
                self.place_button,
                self.follow_button,
                self.evaluate_button,
                self.end_date_button,
                self.request_button,
                self.issue_button,
            ),
            actor,
            Permission.DOSSIER_EDIT,
        )
        gate(self.submit_button, actor, Permission.PLAN_SUBMIT)

    def selected(self) -> IndicationView | None:
        indexes = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not indexes:
            return None
        return self.model.row_at(self.proxy.mapToSource(indexes[0]).row())

    def _select(self, indication_id: uuid.UUID) -> None:
        row = self.model.find(indication_id)
        if row < 0:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        self.table.selectRow(index.row())

    def _selection_changed(self, *_: Any) -> None:
        row = self.selected()
        self.timeline.select(row.id if row else None)
        status = row.status if row else None
        self.follow_button.setEnabled(
            status in (IndicationStatus.AFGEGEVEN, IndicationStatus.BEEINDIGD)
        )
        self.evaluate_button.setEnabled(
            status in (IndicationStatus.AFGEGEVEN, IndicationStatus.BEEINDIGD)
        )
        self.end_date_button.setEnabled(status is IndicationStatus.AFGEGEVEN)
        self.request_button.setEnabled(status is IndicationStatus.AFGEGEVEN)
        self.submit_button.setEnabled(status is IndicationStatus.CONCEPT)
        self.issue_button.setEnabled(status is IndicationStatus.GOEDGEKEURD)
        self._apply_role()
        if row is None:
            self.detail_label.setText("Kies een indicatie in de tijdlijn of de lijst.")
            return
        parts = [f"<b>{row.product_name}</b> · {row.status.label}"]
        if row.review_comment:
            parts.append(f"Opmerking teamleider: {row.review_comment}")
        parts += [f"Motivering ({code}): {text}" for code, text in row.motivations.items()]
        if row.open_requests:
            parts.append(
                f"{row.open_requests} open "
                f"{'verzoek' if row.open_requests == 1 else 'verzoeken'} van de aanbieder"
            )
        self.detail_label.setText("<br>".join(parts))

    def _goals(self) -> list[tuple[str, str]]:
        try:
            from jeugdtoegang.services.plans import get_plan

            plan = get_plan(self.ctx, self.household_id)
        except (ImportError, JeugdtoegangError):
            return []
        return [(g.id, f"{g.domain}: {g.description}") for g in plan.document.goals]

    # -- actions ------------------------------------------------------------------------------

    def _open(self, dialog: QDialog) -> QDialog:
        self.dialog = dialog
        dialog.accepted.connect(self.refresh)
        dialog.open()
        return dialog

    def place_help(self, goal_id: str | None = None) -> PlaceHelpDialog | None:
        try:
            dialog = PlaceHelpDialog(self.ctx, self.household_id, goal_id or None, parent=self)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return None
        self._open(dialog)
        return dialog

    def follow_up(self) -> PlaceHelpDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = PlaceHelpDialog(self.ctx, self.household_id, predecessor=row, parent=self)
        self._open(dialog)
        return dialog

    def evaluate(self) -> EvaluationDialog | None:
        row = self.selected()
        if row is None or row.status not in (
            IndicationStatus.AFGEGEVEN,
            IndicationStatus.BEEINDIGD,
        ):
            return None
        dialog = EvaluationDialog(self.ctx, row, self._goals(), parent=self)
        self._open(dialog)
        return dialog

    def change_end(self) -> EndDateDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = EndDateDialog(self.ctx, row, parent=self)
        self._open(dialog)
        return dialog

    def provider_request(self) -> ProviderRequestDialog | None:
        row = self.selected()
        if row is None:
            return None
        dialog = ProviderRequestDialog(self.ctx, row, parent=self)
        self._open(dialog)
        return dialog

    def _act(self, action: Callable[[uuid.UUID], IndicationView], done: str) -> None:
        row = self.selected()
        if row is None:
            return
        try:
            view = action(row.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status(done.format(status=view.status.label.lower()))
        self.refresh()

    def submit(self) -> None:
        self._act(
            lambda i: indication_service.submit_indication(self.ctx, i),
            "Indicatie ingediend: {status}.",
        )

    def issue(self) -> None:
        self._act(lambda i: indication_service.issue_indication(self.ctx, i), "Indicatie {status}.")


def create(ctx: AppContext, shell: Any, household_id: uuid.UUID) -> QWidget:
    return IndicationsTab(ctx, shell, household_id)
