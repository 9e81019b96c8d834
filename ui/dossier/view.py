"""The dossier view: a header about the household, and a tab per part of the work.

Tab modules (``ui.dossier.TABS``) are imported when their tab is first shown.
"""

from __future__ import annotations

import importlib
import logging
import uuid
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QLabel, QTabWidget, QVBoxLayout, QWidget

from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.views import HouseholdDetail, PersonView
from ui.accessibility import focus_first, prepare
from ui.dossier import TABS
from ui.workers import user_message

log = logging.getLogger("jeugdtoegang.ui")


def describe_jeugdige(person: PersonView, ctx: AppContext) -> str:
    """'Sem de Vries (8 jaar, BSN ******123)', with a note when 18 comes near."""
    today = ctx.today()
    parts = []
    age = person.age(today)
    if age is not None:
        parts.append(f"{age} jaar")
    if person.bsn:
        parts.append(f"BSN {person.masked_bsn}")
    text = person.name + (f" ({', '.join(parts)})" if parts else "")
    if person.turns_18_within(today):
        text += " — wordt binnen 12 maanden 18"
    return text


class DossierView(QWidget):
    """One household: header plus tabs (Gezin, Perspectiefplan, Hulp, ...)."""

    title_changed = Signal()
    saved = Signal(object)

    def __init__(self, ctx: AppContext, shell: Any, household_id: uuid.UUID) -> None:
        super().__init__()
        self.ctx = ctx
        self.shell = shell
        self.household_id = household_id
        self.setObjectName("dossier_view")
        # Opening the dossier is a read of the members' data: logged with its purpose.
        self.detail = household_service.get_household(ctx, household_id, purpose="dossier inzien")

        self.title_label = QLabel()
        self.title_label.setObjectName("dossier_title")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.place_label = QLabel()
        self.place_label.setObjectName("dossier_place")
        self.jeugdigen_label = QLabel()
        self.jeugdigen_label.setObjectName("dossier_jeugdigen")
        self.jeugdigen_label.setWordWrap(True)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("dossier_view_tabs")
        self._tab_widgets: dict[str, QWidget] = {}
        for number, spec in enumerate(TABS, start=1):
            index = self.tabs.addTab(QWidget(), spec.label)
            self.tabs.setTabToolTip(index, f"{spec.label} (Alt+{number})")
            # Alt+1 … Alt+5 choose a tab from anywhere in the dossier, focus in the tab
            shortcut = QShortcut(QKeySequence(f"Alt+{number}"), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(lambda key=spec.key: self.go_to_tab(key))
        self.tabs.currentChanged.connect(self._on_tab_changed)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title_label)
        layout.addWidget(self.place_label)
        layout.addWidget(self.jeugdigen_label)
        layout.addWidget(self.tabs, 1)
        self._show_header(self.detail)

    # -- header -----------------------------------------------------------------------------

    def _show_header(self, detail: HouseholdDetail) -> None:
        self.title_label.setText(f"{detail.name}  ·  dossier {detail.dossier_number}")
        place = f"Gemeente {detail.gemeente}"
        if detail.wijk:
            place += f", wijk {detail.wijk}"
        if detail.address:
            place += f"  ·  {detail.address}"
        self.place_label.setText(place)
        jeugdigen = [describe_jeugdige(p, self.ctx) for p in detail.jeugdigen()]
        self.jeugdigen_label.setText(
            "Jeugdigen: " + "; ".join(jeugdigen) if jeugdigen else "Geen jeugdigen geregistreerd."
        )

    def tab_title(self) -> str:
        return self.detail.name

    def tab_tooltip(self) -> str:
        return f"Dossier {self.detail.dossier_number}"

    def reload(self, detail: HouseholdDetail | None = None) -> None:
        """Show the latest header (after a save in a tab)."""
        self.detail = detail or household_service.get_household(
            self.ctx, self.household_id, purpose=None
        )
        self._show_header(self.detail)
        self.title_changed.emit()

    # -- tabs -------------------------------------------------------------------------------

    def tab_keys(self) -> list[str]:
        return [spec.key for spec in TABS]

    def tab_widget(self, key: str) -> QWidget:
        """The widget of a tab, created on first use."""
        index = self.tab_keys().index(key)
        widget = self._tab_widgets.get(key)
        if widget is None:
            widget = self._create_tab(index)
        return widget

    def select_tab(self, key: str) -> None:
        if key not in self.tab_keys():
            key = TABS[0].key
        index = self.tab_keys().index(key)
        self.tab_widget(key)
        self.tabs.setCurrentIndex(index)

    def go_to_tab(self, key: str) -> None:
        """Choose a tab by keyboard and put the focus in it (its first field or button)."""
        self.select_tab(key)
        focus_first(self.tab_widget(key))

    def current_tab_key(self) -> str:
        return TABS[self.tabs.currentIndex()].key

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        if self.current_tab_key() not in self._tab_widgets:
            self.tab_widget(self.current_tab_key())
        super().showEvent(event)

    def _on_tab_changed(self, index: int) -> None:
        if 0 <= index < len(TABS):
            key = TABS[index].key
            if key not in self._tab_widgets:
                self._create_tab(index)
            else:
                refresh = getattr(self._tab_widgets[key], "refresh", None)
                if callable(refresh):
                    refresh()

    def _create_tab(self, index: int) -> QWidget:
        spec = TABS[index]
        try:
            module = importlib.import_module(spec.module)
            widget = module.create(self.ctx, self.shell, self.household_id)
        except JeugdtoegangError as error:
            widget = _message(error.message)
        except Exception as error:  # a broken tab must not close the dossier
            log.error("dossier tab %s failed: %s", spec.key, type(error).__name__)
            widget = _message(user_message(error, "Dit onderdeel kon niet worden geladen."))
        widget.setObjectName(widget.objectName() or f"tab_{spec.key}")
        prepare(widget)
        saved = getattr(widget, "saved", None)
        if saved is not None and hasattr(saved, "connect"):
            saved.connect(self._on_saved)
        self._tab_widgets[spec.key] = widget
        current = self.tabs.currentIndex()
        self.tabs.blockSignals(True)
        placeholder = self.tabs.widget(index)
        self.tabs.removeTab(index)
        placeholder.deleteLater()
        self.tabs.insertTab(index, widget, spec.label)
        self.tabs.setCurrentIndex(current)
        self.tabs.blockSignals(False)
        return widget

    def _on_saved(self, detail: Any) -> None:
        if isinstance(detail, HouseholdDetail):
            self.reload(detail)
        else:
            self.reload()
        self.saved.emit(detail)

    def has_unsaved_changes(self) -> bool:
        return any(
            callable(getattr(w, "has_unsaved_changes", None)) and w.has_unsaved_changes()  # type: ignore[attr-defined]
            for w in self._tab_widgets.values()
        )

    def refresh(self) -> None:
        self.reload()


def _message(text: str) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    label = QLabel(text)
    label.setWordWrap(True)
    layout.addWidget(label)
    layout.addStretch(1)
    return widget
