"""Previews before the region setup changes: a productcodelijst, a catalogue's unknowns.

Both show what would change (and every error with its row), let the beheerder choose the
date it takes effect from, and store everything as one new setup version, or nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import setup_imports
from jeugdtoegang.services.context import AppContext
from ui import dialogs
from ui.models.rows import RowsModel


def _table(name: str, model: RowsModel[Any], stretch: int) -> QTableView:
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


class _PreviewDialog(QDialog):
    """Shared layout: summary, table, date and reason, OK/Cancel."""

    def __init__(self, ctx: AppContext, title: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.resize(820, 460)
        self.summary = QLabel()
        self.summary.setObjectName("preview_summary")
        self.summary.setWordWrap(True)
        today = ctx.today()
        self.from_field = QDateEdit(QDate(today.year, today.month, today.day))
        self.from_field.setObjectName("preview_from_field")
        self.from_field.setCalendarPopup(True)
        self.from_field.setDisplayFormat("dd-MM-yyyy")
        self.reason_field = QLineEdit()
        self.reason_field.setObjectName("preview_reason_field")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.rejected.connect(self.reject)
        self.buttons.accepted.connect(self.apply)
        self.body = QVBoxLayout(self)
        self.body.addWidget(self.summary)

    def finish_layout(self, ok_text: str) -> None:
        row = QHBoxLayout()
        row.addWidget(QLabel("Geldt vanaf"))
        row.addWidget(self.from_field)
        row.addWidget(QLabel("Reden"))
        row.addWidget(self.reason_field, 1)
        self.body.addLayout(row)
        self.body.addWidget(self.buttons)
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(ok_text)
        ok.setObjectName("preview_ok_button")

    @property
    def effective_from(self) -> date:
        value = self.from_field.date()
        return date(value.year(), value.month(), value.day())

    def apply(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError


class ProductListDialog(_PreviewDialog):
    """Preview of a productcodelijst: new and changed products, or every error."""

    def __init__(self, ctx: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"Productcodelijst {path.name}", parent)
        self.setObjectName("product_list_dialog")
        self.path = path
        self.model: RowsModel[tuple[str, dict[str, Any]]] = RowsModel(
            [
                ("", lambda r: r[0]),
                ("Code", lambda r: r[1].get("code", "")),
                ("Naam", lambda r: r[1].get("name", "")),
                ("Categorie", lambda r: r[1].get("category", "")),
                ("Eenheid", lambda r: r[1].get("unit", "")),
                ("Segment", lambda r: r[1].get("segment", "")),
                ("Soort", lambda r: r[1].get("perspective", "")),
            ],
            self,
        )
        self.body.addWidget(_table("product_preview_table", self.model, 2), 1)
        self.finish_layout("Producten toevoegen")
        self.preview = setup_imports.preview_product_list_file(ctx, path)
        rows = [("nieuw", p) for p in self.preview.new]
        rows += [("gewijzigd", p) for p in self.preview.changed]
        rows += [("fout", {"code": f"rij {e.row}", "name": f"{e.field}: {e.message}"})
                 for e in self.preview.errors]  # fmt: skip
        self.model.set_rows(rows)
        self.summary.setText(
            f"{len(self.preview.new)} nieuwe en {len(self.preview.changed)} gewijzigde "
            f"producten, {self.preview.unchanged} ongewijzigd."
            + (
                f" <b>{len(self.preview.errors)} fouten: er wordt niets ingelezen tot ze "
                "verbeterd zijn.</b>"
                if self.preview.errors
                else ""
            )
        )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.preview.errors and bool(self.preview.products))

    def apply(self) -> None:
        try:
            setup_imports.import_product_list(
                self.ctx, self.path, self.effective_from, self.reason_field.text() or None
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.accept()


class CatalogueAdditionsDialog(_PreviewDialog):
    """A catalogue's unknown products and wijken, offered for adding instead of a dead end."""

    def __init__(self, ctx: AppContext, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(ctx, f"Catalogus {path.name}: onbekende producten en wijken", parent)
        self.setObjectName("catalogue_additions_dialog")
        self.path = path
        self.model: RowsModel[tuple[str, str, str]] = RowsModel(
            [("Soort", lambda r: r[0]), ("Wat", lambda r: r[1]), ("Bij", lambda r: r[2])], self
        )
        self.body.addWidget(_table("catalogue_additions_table", self.model, 1), 1)
        self.finish_layout("Toevoegen aan de inrichting")
        self.found = setup_imports.catalogue_additions(ctx, path)
        rows = [("product", f"{p['code']} {p['name']}", p["segment"]) for p in self.found.products]
        rows += [("wijk", wijk, municipality) for municipality, wijk in self.found.wijken]
        rows += [("probleem", f"rij {e.row}: {e.message}", e.field) for e in self.found.problems]
        self.model.set_rows(rows)
        if self.found.empty and not self.found.problems:
            self.summary.setText("Alle producten en wijken uit deze catalogus zijn al bekend.")
        else:
            self.summary.setText(
                f"De catalogus noemt {len(self.found.products)} producten en "
                f"{len(self.found.wijken)} wijken die nog niet in de inrichting staan. Voeg ze "
                "toe; ze blijven <b>voorlopig</b> tot u categorie en eenheid hebt gecontroleerd. "
                "Lees daarna de catalogus in bij Aanbieders."
            )
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(not self.found.empty and not self.found.problems)

    def apply(self) -> None:
        try:
            setup_imports.add_catalogue_unknowns(
                self.ctx, self.path, self.effective_from, self.reason_field.text() or None
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.accept()


def offer_setup_additions(
    preview_dialog: QDialog, ctx: AppContext, path: Path, again: Callable[[Path], None]
) -> QPushButton | None:
    """In a catalogue import preview: a button to add the unknown products and wijken.

    After adding, the preview is closed and ``again(path)`` checks the file anew, so the
    import continues instead of ending at "staat niet in het regioprofiel".
    """
    if not can(ctx.actor, Permission.CATALOGUE_MANAGE):
        return None
    try:
        found = setup_imports.catalogue_additions(ctx, path)
    except JeugdtoegangError:
        return None
    if found.empty:
        return None
    button = QPushButton(
        f"{len(found.products)} onbekende producten en {len(found.wijken)} wijken toevoegen…"
    )
    button.setObjectName("add_setup_unknowns_button")

    def add() -> None:
        dialog = CatalogueAdditionsDialog(ctx, path, preview_dialog)
        if dialog.exec():
            ctx.forget_setup()
            preview_dialog.reject()
            again(path)

    button.clicked.connect(add)
    layout = preview_dialog.layout()
    if layout is not None:
        layout.insertWidget(max(layout.count() - 1, 0), button)
    return button
