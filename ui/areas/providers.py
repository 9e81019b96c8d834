"""Area 'Aanbieders': browse the provider catalogue, see a provider's contracts and budget
use, and import a new catalogue with a preview of every error before anything is written."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import providers
from jeugdtoegang.services.catalogue_import import (
    CataloguePreview,
    ImportReport,
    import_catalogue_task,
    preview_catalogue,
)
from jeugdtoegang.services.context import AppContext
from ui import dialogs
from ui.models.providers import contract_model, error_model, provider_model

ALL = "__all__"
STATUSES = (("actief", "actief"), ("clientenstop", "cliëntenstop"), ("geschorst", "geschorst"))


def _table(name: str) -> QTableView:
    view = QTableView(objectName=name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setAlternatingRowColors(True)
    return view


class ImportPreviewDialog(QDialog):
    """All errors of a catalogue file (row, column, message) before anything is written.

    "Importeren" stays disabled while there are errors, unless "ongeldige rijen
    overslaan" is checked.
    """

    def __init__(self, preview: CataloguePreview, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="import_preview_dialog")
        self.setWindowTitle("Catalogus importeren: controle")
        self.preview = preview
        layout = QVBoxLayout(self)
        summary = (
            f"{preview.file}: {preview.rows_total} rijen, {preview.contracts} geldige "
            f"contracten en {preview.provisions} voorliggende voorzieningen."
        )
        if preview.errors:
            summary += (
                f"\n{len(preview.errors)} {'fout' if len(preview.errors) == 1 else 'fouten'} in "
                f"{preview.invalid_rows} {'rij' if preview.invalid_rows == 1 else 'rijen'}. Zonder "
                "'ongeldige rijen overslaan' wordt er niets ingelezen."
            )
        else:
            summary += "\nGeen fouten gevonden."
        self.summary = QLabel(summary, objectName="import_summary")
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.errors = error_model(self)
        self.errors.set_rows(list(preview.errors))
        self.error_view = _table("import_errors")
        self.error_view.setModel(self.errors)
        self.error_view.setVisible(bool(preview.errors))
        self.error_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.error_view, 1)
        self.skip_invalid = QCheckBox("Ongeldige rijen overslaan", objectName="skip_invalid")
        self.skip_invalid.setVisible(bool(preview.errors))
        self.skip_invalid.toggled.connect(self._update)
        layout.addWidget(self.skip_invalid)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = buttons.addButton("Importeren", QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setObjectName("confirm_import_button")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(820, 420)
        self._update()

    def _update(self) -> None:
        nothing = self.preview.contracts + self.preview.provisions == 0
        blocked = bool(self.preview.errors) and not self.skip_invalid.isChecked()
        self.import_button.setEnabled(not blocked and not nothing)


class ProvidersArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__(objectName="providers_area")
        self.ctx = ctx
        self.shell = shell
        self.preview_dialog: ImportPreviewDialog | None = None
        self.last_report: ImportReport | None = None
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.search = QLineEdit(objectName="provider_search")
        self.search.setPlaceholderText("Zoek op naam of AGB-code")
        self.search.setMinimumWidth(260)
        self.search.textChanged.connect(self.refresh)
        self.segment = QComboBox(objectName="provider_segment_filter")
        self.segment.setAccessibleName("Segment")
        self.segment.addItem("Alle segmenten", ALL)
        for segment in ctx.profile.segments:
            self.segment.addItem(segment.name, segment.id)
        self.segment.currentIndexChanged.connect(self.refresh)
        self.status = QComboBox(objectName="provider_status_filter")
        self.status.setAccessibleName("Status van het contract")
        self.status.addItem("Elke status", ALL)
        for value, label in STATUSES:
            self.status.addItem(label, value)
        self.status.currentIndexChanged.connect(self.refresh)
        self.import_button = QPushButton("Catalogus importeren…", objectName="import_button")
        self.import_button.clicked.connect(self.start_import)
        if not can(ctx.actor, Permission.CATALOGUE_MANAGE):
            self.import_button.setEnabled(False)
            self.import_button.setToolTip(
                "Alleen de functioneel beheerder kan de catalogus inlezen."
            )
        for widget in (self.search, self.segment, self.status):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.import_button)
        layout.addLayout(bar)

        splitter = QSplitter(Qt.Orientation.Vertical)
        self.model = provider_model(self)
        self.table = _table("provider_table")
        self.table.setModel(self.model)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_detail())
        splitter.addWidget(self.table)
        detail = QWidget(objectName="provider_detail")
        detail_layout = QVBoxLayout(detail)
        self.title = QLabel(
            "Kies een aanbieder om de contracten te zien.", objectName="provider_title"
        )
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.facts = QLabel("", objectName="provider_facts")
        self.facts.setWordWrap(True)
        self.budget = QLabel("", objectName="provider_budget")
        self.budget.setWordWrap(True)
        self.contracts = contract_model(self)
        self.contract_view = _table("contract_table")
        self.contract_view.setModel(self.contracts)
        for widget in (self.title, self.facts, self.budget):
            detail_layout.addWidget(widget)
        detail_layout.addWidget(self.contract_view, 1)
        splitter.addWidget(detail)
        splitter.setSizes([300, 260])
        layout.addWidget(splitter, 1)
        self.count = QLabel("", objectName="provider_count")
        layout.addWidget(self.count)
        self.refresh()

    # -- list and detail ------------------------------------------------------------------

    def refresh(self) -> None:
        segment = self.segment.currentData()
        status = self.status.currentData()
        try:
            rows = providers.list_providers(
                self.ctx,
                self.search.text(),
                segment=None if segment == ALL else segment,
                status=None if status == ALL else status,
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.model.set_rows(rows)
        self.count.setText(
            f"{len(rows)} aanbieder" if len(rows) == 1 else f"{len(rows)} aanbieders"
        )
        self.table.resizeColumnsToContents()
        if rows:
            self.table.selectRow(0)
        else:
            self._clear_detail()

    def _clear_detail(self) -> None:
        self.title.setText("Geen aanbieders gevonden.")
        self.facts.setText("")
        self.budget.setText("")
        self.contracts.set_rows([])

    def _show_detail(self) -> None:
        row = self.model.row_at(self.table.currentIndex().row())
        if row is None:
            return
        try:
            detail = providers.get_provider(self.ctx, row.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.title.setText(f"{detail.naam} (AGB {detail.agb})")
        facts = [f"KvK {detail.kvk}" if detail.kvk else "", detail.contact]
        if detail.identity:
            facts.append(f"identiteit: {detail.identity}")
        self.facts.setText(" · ".join(f for f in facts if f))
        self.budget.setText(detail.budget.text)
        self.contracts.set_rows(list(detail.contracts))
        self.contract_view.resizeColumnsToContents()

    # -- import ---------------------------------------------------------------------------

    def start_import(self) -> None:
        path = dialogs.choose_open_file(
            self, "Catalogus importeren", "Catalogus (*.csv *.json);;Alle bestanden (*)"
        )
        if path is None:
            return
        self.preview_import(path)

    def preview_import(self, path: Path) -> None:
        try:
            preview = preview_catalogue(self.ctx, path)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        dialog = ImportPreviewDialog(preview, self)
        dialog.accepted.connect(lambda: self._run_import(path, dialog.skip_invalid.isChecked()))
        from ui.widgets.setup_dialogs import offer_setup_additions  # issue 13

        offer_setup_additions(dialog, self.ctx, path, self.preview_import)
        self.preview_dialog = dialog
        dialog.open()

    def _run_import(self, path: Path, skip_invalid: bool) -> None:
        ctx = self.ctx
        self.shell.run_task(
            "Catalogus importeren",
            lambda cancel: import_catalogue_task(
                ctx, path, skip_invalid=skip_invalid, cancel=cancel
            ),
            self._imported,
        )

    def _imported(self, report: ImportReport) -> None:
        self.last_report = report
        self.shell.status(report.summary)
        dialogs.show_info(self, report.summary, "Catalogus ingelezen")
        self.refresh()


def create(ctx: AppContext, shell: Any) -> QWidget:
    return ProvidersArea(ctx, shell)
