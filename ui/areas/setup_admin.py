"""Beheer → Inrichting: the region setup as administered, versioned data (issue 13).

One tab per part of the setup (municipalities and wijken, segments, products, terms and
policies, free-access provisions and strategic partners, verordening and bezwaar, letterhead
and signatories). Every row shows its value, whether it is *vastgesteld* or *voorlopig*, and
its source. A change is saved as a new version from a chosen date with a reason; decisions
made before that date keep the setup they were made under.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.provenance import VASTGESTELD, VOORLOPIG, Provenance, Source
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import region_setup
from jeugdtoegang.services.context import AppContext
from ui import dialogs
from ui.areas.setup_values import SECTIONS, SetupValue, parse_text, path_label
from ui.models.rows import RowsModel
from ui.widgets.qt_dates import pydate, qdate
from ui.widgets.setup_dialogs import CatalogueAdditionsDialog, ProductListDialog

__all__ = ["SECTIONS", "SetupModel", "SetupTab", "SetupValue"]

PROVISIONAL_COLOUR = QColor("#FFF1CC")


class SetupModel(RowsModel[SetupValue]):
    """Rows of one section; provisional values get a soft amber background."""

    def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.BackgroundRole:
            row = self.row_at(index.row())
            if row is not None and row.provenance.provisional:
                return QBrush(PROVISIONAL_COLOUR)
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            row = self.row_at(index.row())
            return f"{row.path}\n{row.source}" if row else None
        return super().data(index, role)


class SetupTab(QWidget):
    """The setup screens: sections, a detail editor, history, import and export."""

    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("setup_tab")
        self.ctx, self.shell = ctx, shell
        self.version: region_setup.SetupVersion | None = None
        self.selected: SetupValue | None = None

        self.version_label = QLabel()
        self.version_label.setObjectName("setup_version_label")
        self.version_label.setWordWrap(True)
        self.view_date = QDateEdit(qdate(ctx.today()))
        self.view_date.setObjectName("setup_view_date")
        self.view_date.setCalendarPopup(True)
        self.view_date.setDisplayFormat("dd-MM-yyyy")
        self.view_date.dateChanged.connect(lambda _d: self.refresh())
        buttons = QHBoxLayout()
        buttons.addWidget(QLabel("Inrichting op"))
        buttons.addWidget(self.view_date)
        buttons.addStretch(1)
        for name, text, slot in (
            ("setup_products_button", "Productcodelijst inlezen…", self.import_products),
            ("setup_catalogue_button", "Catalogus controleren…", self.check_catalogue),
            ("setup_logo_button", "Logo kiezen…", self.choose_logo),
            ("setup_import_button", "Inrichting inlezen…", self.import_setup),
            ("setup_export_button", "Inrichting opslaan als…", self.export_setup),
        ):
            button = QPushButton(text)
            button.setObjectName(name)
            button.clicked.connect(slot)
            buttons.addWidget(button)

        self.sections = QTabWidget()
        self.sections.setObjectName("setup_sections")
        self.models: dict[str, SetupModel] = {}
        self.tables: dict[str, QTableView] = {}
        for title, name, _match, _prefix in SECTIONS:
            model = SetupModel(
                [
                    ("Onderdeel", lambda r: r.label),
                    ("Waarde", lambda r: r.value_text),
                    ("Status", lambda r: r.status),
                    ("Bron", lambda r: r.source),
                ],
                self,
            )
            table = QTableView()
            table.setObjectName(f"{name}_table")
            table.setModel(model)
            table.verticalHeader().hide()
            table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
            table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
            header = table.horizontalHeader()
            header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
            header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
            header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
            table.selectionModel().currentRowChanged.connect(
                lambda current, _prev, m=model: self._select(m.row_at(current.row()))
            )
            self.models[name] = model
            self.tables[name] = table
            self.sections.addTab(table, title)

        self.editor = self._build_editor()
        layout = QVBoxLayout(self)
        layout.addWidget(self.version_label)
        layout.addLayout(buttons)
        layout.addWidget(self.sections, 1)
        layout.addWidget(self.editor)
        self.refresh()

    # -- editor ------------------------------------------------------------------------------

    def _build_editor(self) -> QGroupBox:
        box = QGroupBox("Waarde wijzigen (wordt een nieuwe versie)")
        box.setObjectName("setup_editor")
        self.path_label = QLabel("Kies een regel in de tabel.")
        self.path_label.setObjectName("setup_path_label")
        self.value_field = QLineEdit()
        self.value_field.setObjectName("setup_value_field")
        self.value_field.setPlaceholderText("lijsten: waarden gescheiden door |")
        self.status_field = QComboBox()
        self.status_field.setObjectName("setup_status_field")
        self.status_field.addItem("Vastgesteld (met bron)", VASTGESTELD)
        self.status_field.addItem("Voorlopig (startwaarde)", VOORLOPIG)
        self.title_field = QLineEdit()
        self.title_field.setObjectName("setup_source_title")
        self.title_field.setPlaceholderText("bijv. Verordening jeugdhulp Zeist 2026")
        self.source_date_field = QLineEdit()
        self.source_date_field.setObjectName("setup_source_date")
        self.source_date_field.setPlaceholderText("datum van het besluit, bijv. 2025-12-18")
        self.article_field = QLineEdit()
        self.article_field.setObjectName("setup_source_article")
        self.article_field.setPlaceholderText("bijv. artikel 7")
        self.link_field = QLineEdit()
        self.link_field.setObjectName("setup_source_link")
        self.link_field.setPlaceholderText("link naar het besluit of de digitale route")
        self.from_field = QDateEdit(qdate(self.ctx.today()))
        self.from_field.setObjectName("setup_from_field")
        self.from_field.setCalendarPopup(True)
        self.from_field.setDisplayFormat("dd-MM-yyyy")
        self.reason_field = QLineEdit()
        self.reason_field.setObjectName("setup_reason_field")
        self.reason_field.setPlaceholderText("waarom verandert dit?")
        self.save_button = QPushButton("Opslaan als nieuwe versie")
        self.save_button.setObjectName("setup_save_button")
        self.save_button.clicked.connect(self.save)
        self.save_button.setEnabled(False)
        form = QFormLayout(box)
        form.addRow("Onderdeel", self.path_label)
        form.addRow("Waarde", self.value_field)
        form.addRow("Status", self.status_field)
        form.addRow("Bron: titel", self.title_field)
        source_row = QHBoxLayout()
        for field in (self.source_date_field, self.article_field, self.link_field):
            source_row.addWidget(field)
        form.addRow("Bron: datum, artikel, link", source_row)
        change_row = QHBoxLayout()
        change_row.addWidget(self.from_field)
        change_row.addWidget(self.reason_field, 1)
        change_row.addWidget(self.save_button)
        form.addRow("Geldt vanaf, reden", change_row)
        return box

    def _select(self, row: SetupValue | None) -> None:
        self.selected = row
        self.save_button.setEnabled(row is not None)
        if row is None:
            return
        self.path_label.setText(row.path)
        self.value_field.setText(row.value_text)
        self.status_field.setCurrentIndex(0 if not row.provenance.provisional else 1)
        source = row.provenance.source
        self.title_field.setText(source.title or "")
        self.source_date_field.setText(source.date or "")
        self.article_field.setText(source.article or "")
        self.link_field.setText(source.link or "")

    def save(self) -> None:
        row = self.selected
        if row is None:
            return
        try:
            value = parse_text(self.value_field.text(), row.value)
            status = self.status_field.currentData()
            source = Source(
                title=self.title_field.text().strip() or None,
                date=self.source_date_field.text().strip() or None,
                article=self.article_field.text().strip() or None,
                link=self.link_field.text().strip() or None,
                note=None
                if status == VASTGESTELD
                else "door de beheerder als voorlopig gemarkeerd",
            )
            try:
                entry = Provenance(status=status, source=source)
            except ValueError:
                raise JeugdtoegangError(
                    "Een vastgestelde waarde heeft een bron nodig: vul de titel van het besluit "
                    "of document in."
                ) from None
            changes = {} if value == row.value else {row.path: value}
            region_setup.change_setup(
                self.ctx,
                changes,
                pydate(self.from_field.date()),
                self.reason_field.text(),
                provenance={row.path: entry},
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.reason_field.clear()
        self.refresh()
        dialogs.show_info(self, "De wijziging is opgeslagen als nieuwe versie van de inrichting.")

    # -- reading -----------------------------------------------------------------------------

    def refresh(self) -> None:
        day = pydate(self.view_date.date())
        try:
            self.version = region_setup.setup_on(self.ctx.database, day)
        except JeugdtoegangError as error:
            self.version_label.setText(error.message)
            return
        version = self.version
        document = version.document
        stored = (
            "het sjabloon (nog niet aangepast)"
            if version.id is None
            else (
                f"versie van {version.created_by}, geldig vanaf {version.effective_from:%d-%m-%Y}: "
                f"{version.reason}"
            )
        )
        values = [(p, v, document.status(p)) for p, v in document.leaves()]
        provisional = sum(1 for _, _, e in values if e.provisional)
        fictional = " — FICTIEVE DEMOGEGEVENS" if version.fictional else ""
        self.version_label.setText(
            f"<b>Inrichting {document.profile.name}{fictional}</b> op {day:%d-%m-%Y}: {stored}. "
            f"{provisional} van {len(values)} waarden zijn nog <b>voorlopig</b> (geel)."
        )
        for _title, name, match, _prefix in SECTIONS:
            rows = [
                SetupValue(path, path_label(path), value, entry)
                for path, value, entry in values
                if match(path)
            ]
            self.models[name].set_rows(rows)

    # -- files -------------------------------------------------------------------------------

    def import_products(self) -> None:
        path = dialogs.choose_open_file(self, "Productcodelijst kiezen", "CSV (*.csv *.txt)")
        if path is None:
            return
        dialog = ProductListDialog(self.ctx, path, self)
        if dialog.exec():
            self.refresh()

    def check_catalogue(self) -> None:
        path = dialogs.choose_open_file(self, "Catalogus kiezen", "Catalogus (*.csv *.json)")
        if path is None:
            return
        dialog = CatalogueAdditionsDialog(self.ctx, path, self)
        if dialog.exec():
            self.refresh()

    def choose_logo(self) -> None:
        row = self.selected
        parts = row.path.split(".") if row else []
        if len(parts) < 3 or parts[:2] != ["letters", "gemeenten"]:
            dialogs.show_error(
                self,
                "Kies eerst een regel van de gemeente onder 'Briefhoofd en ondertekening'.",
            )
            return
        path = dialogs.choose_open_file(self, "Logo kiezen (PNG)", "PNG (*.png)")
        if path is None:
            return
        try:
            value = region_setup.logo_value(path.read_bytes())
            region_setup.change_setup(
                self.ctx,
                {f"letters.gemeenten.{parts[2]}.logo": value},
                pydate(self.from_field.date()),
                self.reason_field.text() or f"logo {parts[2]} vervangen",
            )
        except (OSError, JeugdtoegangError) as error:
            message = error.message if isinstance(error, JeugdtoegangError) else str(error)
            dialogs.show_error(self, message)
            return
        self.refresh()
        dialogs.show_info(self, f"Het logo van {parts[2]} is opgeslagen in de inrichting.")

    def import_setup(self) -> None:
        path = dialogs.choose_open_file(self, "Inrichting inlezen", "Inrichting (*.toml)")
        if path is None:
            return
        try:
            version = region_setup.import_setup(self.ctx, path, pydate(self.from_field.date()))
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message, "De inrichting is niet ingelezen")
            return
        self.refresh()
        dialogs.show_info(
            self, f"Inrichting ingelezen; geldig vanaf {version.effective_from:%d-%m-%Y}."
        )

    def export_setup(self) -> None:
        path = dialogs.choose_save_file(
            self, "Inrichting opslaan", "inrichting.toml", "Inrichting (*.toml)"
        )
        if path is None:
            return
        try:
            region_setup.export_setup(self.ctx, path, pydate(self.view_date.date()))
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        dialogs.show_info(self, f"Inrichting opgeslagen in {path.name}.")
