"""Area 'Dossiers': the dossier list with search-as-you-type, and open dossiers as tabs."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import QEvent, QLocale, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
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

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail
from ui import dialogs
from ui.models.households import COLUMNS, SEARCH_RESULT_LIMIT, HouseholdTableModel
from ui.roles import gate

SEARCH_DELAY_MS = 200
#: Initial column widths in average characters (the last column stretches).
_COLUMN_CHARS = (16, 22, 38, 10, 20, 18)


class _DossierTable(QTableView):
    """The list; Enter opens the current dossier (as double-click does).

    Rows are chosen whole, so Home and End go to the first and last dossier (a plain
    table would move to the first or last column of the row).
    """

    open_requested = Signal(int)

    def moveCursor(  # noqa: N802
        self,
        cursorAction: QAbstractItemView.CursorAction,  # noqa: N803
        modifiers: Qt.KeyboardModifier,
    ) -> QModelIndex:
        ends = (QAbstractItemView.CursorAction.MoveHome, QAbstractItemView.CursorAction.MoveEnd)
        if cursorAction in ends:
            modifiers |= Qt.KeyboardModifier.ControlModifier
        return super().moveCursor(cursorAction, modifiers)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self.open_requested.emit(self.currentIndex().row())
            return
        super().keyPressEvent(event)


class DossierListPage(QWidget):
    """Search field, 'Nieuw dossier', count and the lazy table."""

    def __init__(self, ctx: AppContext, area: DossiersArea) -> None:
        super().__init__()
        self.ctx = ctx
        self.area = area
        self.setObjectName("dossier_list_page")
        self.model = HouseholdTableModel(ctx, self)

        self.search_field = QLineEdit()
        self.search_field.setObjectName("search_field")
        self.search_field.setPlaceholderText(
            "Zoek op achternaam, naam, BSN, dossiernummer of postcode  (Ctrl+F)"
        )
        self.search_field.setClearButtonEnabled(True)
        self.new_button = QPushButton("Nieuw dossier")
        self.new_button.setObjectName("new_dossier_button")
        self.new_button.setToolTip("Een nieuw gezin registreren (Ctrl+N)")
        gate(self.new_button, ctx.actor, Permission.DOSSIER_EDIT)
        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")

        self.table = _DossierTable()
        self.table.setObjectName("household_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in enumerate(_COLUMN_CHARS):
            header.resizeSection(column, chars * char + 16)
        assert len(_COLUMN_CHARS) == len(COLUMNS) - 1

        self.doorbraak_button = QPushButton("Doorbraak…")
        self.doorbraak_button.setObjectName("doorbraak_button")
        self.doorbraak_button.setToolTip(
            "Een dossier van een ander team inzien als het dringend nodig is (wordt gelogd)"
        )
        top = QHBoxLayout()
        top.addWidget(self.search_field, 1)
        top.addWidget(self.new_button)
        top.addWidget(self.doorbraak_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.count_label)
        layout.addWidget(self.table, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.run_search)
        self.search_field.textChanged.connect(lambda _text: self._timer.start())
        self.search_field.returnPressed.connect(self._search_and_focus_table)
        self.search_field.installEventFilter(self)
        self.new_button.clicked.connect(area.new_dossier)
        self.doorbraak_button.clicked.connect(area.doorbraak)
        self.table.doubleClicked.connect(lambda index: self._open_row(index.row()))
        self.table.open_requested.connect(self._open_row)
        # the model counts again when it finds the list changed while scrolling
        self.model.modelReset.connect(self._update_count)

    def load(self) -> None:
        self.model.reload()
        self._update_count()

    def run_search(self) -> None:
        """Apply the search text now (the timer calls this ~200 ms after the last key)."""
        self._timer.stop()
        try:
            self.model.search(self.search_field.text())
        except JeugdtoegangError as error:
            self.area.shell.show_error(error.message)
        self._update_count()
        if self.model.rowCount() > 0:
            self.table.scrollToTop()

    def _search_and_focus_table(self) -> None:
        self.run_search()
        if self.model.rowCount() > 0:
            self.table.setFocus()
            self.table.selectRow(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802
        # Arrow down from the search field moves into the list.
        if (
            watched is self.search_field
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
        ):
            self._search_and_focus_table()
            return True
        return super().eventFilter(watched, event)

    def _update_count(self) -> None:
        locale = QLocale(QLocale.Language.Dutch, QLocale.Country.Netherlands)
        if self.model.searching:
            found = self.model.rowCount()
            if found == 0:
                text = "Geen dossiers gevonden."
            elif found >= SEARCH_RESULT_LIMIT:
                text = f"Meer dan {found} gevonden; maak de zoekopdracht preciezer."
            else:
                text = f"{locale.toString(found)} gevonden"
        else:
            total = self.model.total
            text = "1 dossier" if total == 1 else f"{locale.toString(total)} dossiers"
        self.count_label.setText(text)

    def _open_row(self, row: int) -> None:
        household_id = self.model.household_id(row)
        if household_id is not None:
            self.area.open_dossier(household_id)


class DossiersArea(QWidget):
    """Tabs: the list first (never closed), then each open dossier or new-dossier form."""

    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.shell = shell
        self.setObjectName("dossiers_area")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossier_tabs")
        self.tabs.setTabsClosable(True)
        self.tabs.setDocumentMode(True)
        self.tabs.tabCloseRequested.connect(self.close_tab)
        self.list_page = DossierListPage(ctx, self)
        self.tabs.addTab(self.list_page, "Overzicht")
        self.tabs.tabBar().setTabButton(0, self.tabs.tabBar().ButtonPosition.RightSide, None)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.list_page.load()

    # -- actions ----------------------------------------------------------------------------

    def refresh(self) -> None:
        """Called when the area is shown again: reload the list (keeps the search)."""
        self.list_page.model.reload()
        self.list_page._update_count()

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.list_page)
        self.list_page.search_field.setFocus()
        self.list_page.search_field.selectAll()

    def dossier_view(self, household_id: uuid.UUID) -> Any:
        """The open dossier view of a household, or None."""
        from ui.dossier.view import DossierView

        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if isinstance(widget, DossierView) and widget.household_id == household_id:
                return widget
        return None

    def open_dossier(self, household_id: uuid.UUID, tab: str | None = None) -> None:
        from ui.dossier.view import DossierView

        view = self.dossier_view(household_id)
        if view is None:
            try:
                view = DossierView(self.ctx, self.shell, household_id)
            except JeugdtoegangError as error:
                self.shell.show_error(error.message)
                return
            index = self.tabs.addTab(view, view.tab_title())
            self.tabs.setTabToolTip(index, view.tab_tooltip())
            view.title_changed.connect(lambda v=view: self._retitle(v))
            view.saved.connect(lambda _detail: self.list_page.model.reload())
        self.tabs.setCurrentWidget(view)
        view.select_tab(tab or "household")
        view.tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)  # arrows choose a tab

    def focus_first(self) -> None:
        """The keyboard starts in the search field, or in the open dossier's tabs."""
        current = self.tabs.currentWidget()
        tabs = getattr(current, "tabs", None)
        if current is self.list_page or tabs is None:
            self.focus_search()
        else:
            tabs.tabBar().setFocus(Qt.FocusReason.OtherFocusReason)

    def doorbraak(self) -> None:
        """Open another team's dossier for reading after a logged doorbraak."""
        from ui.widgets.doorbraak_dialog import DoorbraakDialog

        dialog = DoorbraakDialog(self.ctx, self)
        if dialog.exec() and dialog.household_id is not None:
            self.open_dossier(dialog.household_id)

    def new_dossier(self) -> None:
        from ui.widgets.household_form import HouseholdForm

        if not self.list_page.new_button.isEnabled():  # this role registers no families
            self.shell.status(self.list_page.new_button.toolTip())
            return
        form = HouseholdForm(self.ctx, self.shell)
        form.setObjectName("new_household_form")
        form.saved.connect(lambda detail, f=form: self._registered(f, detail))
        self.tabs.addTab(form, "Nieuw dossier")
        self.tabs.setCurrentWidget(form)
        form.focus_first_field()

    def _registered(self, form: QWidget, detail: HouseholdDetail) -> None:
        """A new dossier was saved: replace its form by the dossier view."""
        index = self.tabs.indexOf(form)
        if index >= 0:
            self.tabs.removeTab(index)
            form.deleteLater()
        self.list_page.model.reload()
        self.list_page._update_count()
        self.open_dossier(detail.id, "household")
        self.shell.status(f"Dossier {detail.dossier_number} is geregistreerd.")

    def _retitle(self, view: Any) -> None:
        index = self.tabs.indexOf(view)
        if index >= 0:
            self.tabs.setTabText(index, view.tab_title())
            self.tabs.setTabToolTip(index, view.tab_tooltip())

    def close_tab(self, index: int) -> None:
        widget = self.tabs.widget(index)
        if widget is None or widget is self.list_page:
            return
        unsaved = getattr(widget, "has_unsaved_changes", None)
        if (
            callable(unsaved)
            and unsaved()
            and not dialogs.confirm(
                self,
                "Niet opgeslagen wijzigingen",
                "Dit tabblad heeft wijzigingen die nog niet zijn opgeslagen. "
                "Toch sluiten? De wijzigingen gaan dan verloren.",
            )
        ):
            return
        self.tabs.removeTab(index)
        widget.deleteLater()

    def has_unsaved_changes(self) -> bool:
        for index in range(1, self.tabs.count()):
            unsaved = getattr(self.tabs.widget(index), "has_unsaved_changes", None)
            if callable(unsaved) and unsaved():
                return True
        return False


def create(ctx: AppContext, shell: Any) -> QWidget:
    return DossiersArea(ctx, shell)
