"""Accessible names for every interactive widget, and a check that finds the ones without.

``name_widgets(root)`` gives each interactive widget that has no accessible name the
visible text a sighted user reads for it: its own text (buttons, check boxes), the label
whose buddy it is, its label in a form layout, its group box title, its placeholder or its
tooltip. Screens call it once when they are built; ``unnamed(root)`` lists what is still
nameless (the accessibility test fails on any).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTextEdit,
    QWidget,
)

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QComboBox,
    QAbstractSpinBox,
    QPlainTextEdit,
    QTextEdit,
    QAbstractItemView,
)


def _clean(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").strip(" :")


def _form_label(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None:
        layout = parent.layout()
        if isinstance(layout, QFormLayout):
            label = layout.labelForField(widget)
            if isinstance(label, QLabel) and label.text():
                return label.text()
        parent = parent.parentWidget() if parent.layout() is None else None
    return ""


def _group_title(widget: QWidget) -> str:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QGroupBox) and parent.title():
            return parent.title()
        parent = parent.parentWidget()
    return ""


def _layout_of(widget: QWidget):  # type: ignore[no-untyped-def]
    """The layout (possibly nested) that holds ``widget`` directly."""
    parent = widget.parentWidget()
    if parent is None or parent.layout() is None:
        return None
    pending = [parent.layout()]
    while pending:
        layout = pending.pop()
        if layout.indexOf(widget) >= 0:
            return layout
        for index in range(layout.count()):
            child = layout.itemAt(index).layout()
            if child is not None:
                pending.append(child)
    return None


def _previous_label(widget: QWidget) -> str:
    """The text of the label just before the widget in its layout ("Soort [combo]")."""
    layout = _layout_of(widget)
    if layout is None:
        return ""
    index = layout.indexOf(widget)
    for before in range(index - 1, -1, -1):
        item = layout.itemAt(before).widget()
        if isinstance(item, QLabel) and item.text():
            return item.text()
        if item is not None:
            return ""
    return ""


def _table_name(widget: QWidget) -> str:
    """'Tabel met Ernst, Soort, Datum' from the column headers of an item view."""
    if not isinstance(widget, QAbstractItemView) or widget.model() is None:
        return ""
    model = widget.model()
    try:
        columns = model.columnCount(QModelIndex())
    except TypeError:
        return ""
    headers = [str(model.headerData(c, Qt.Orientation.Horizontal) or "") for c in range(columns)]
    headers = [h for h in headers if h][:4]
    return f"Tabel met {', '.join(headers)}" if headers else ""


def _candidate(widget: QWidget, buddies: dict[int, str]) -> str:
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text()
    if id(widget) in buddies:
        return buddies[id(widget)]
    label = _form_label(widget)
    if label:
        return label
    placeholder = getattr(widget, "placeholderText", None)
    if callable(placeholder) and placeholder():
        return placeholder()
    if widget.toolTip():
        return widget.toolTip()
    return (
        _previous_label(widget)
        or _table_name(widget)
        or _group_title(widget)
        or (_previous_label(widget.parentWidget()) if widget.parentWidget() else "")
    )


def _interactive(widget: QWidget) -> bool:
    if not isinstance(widget, INTERACTIVE) or isinstance(widget, (QTabBar, QHeaderView)):
        return False
    # the inner line edit of a combo box or spin box carries the owner's name
    parent = widget.parentWidget()
    return not isinstance(parent, (QComboBox, QAbstractSpinBox))


def name_widgets(root: QWidget) -> None:
    """Give every nameless interactive widget under ``root`` its visible label as name."""
    buddies = {
        id(label.buddy()): label.text()
        for label in root.findChildren(QLabel)
        if label.buddy() is not None and label.text()
    }
    for widget in root.findChildren(QWidget):
        if _interactive(widget) and not widget.accessibleName():
            text = _clean(_candidate(widget, buddies))
            if text:
                widget.setAccessibleName(text)


def unnamed(root: QWidget) -> list[QWidget]:
    """Interactive widgets under ``root`` a screen reader could not name."""
    return [
        w
        for w in root.findChildren(QWidget)
        if _interactive(w) and not w.accessibleName() and w.isVisibleTo(root)
    ]


def keyboard_friendly(root: QWidget) -> None:
    """Tab always moves on: text fields and tables never keep the Tab key to themselves."""
    for field in root.findChildren(QPlainTextEdit) + root.findChildren(QTextEdit):
        field.setTabChangesFocus(True)
    for view in root.findChildren(QAbstractItemView):
        view.setTabKeyNavigation(False)


def prepare(root: QWidget) -> None:
    """Names for screen readers and a Tab key that never gets stuck (called per screen)."""
    name_widgets(root)
    keyboard_friendly(root)


def focus_first(area: QWidget) -> None:
    """Give the focus to the area's own first field (``focus_first()`` when it has one),
    or to the first widget in its tab order that takes keyboard focus."""
    own = getattr(area, "focus_first", None)
    if callable(own):
        own()
        return
    widget = area.nextInFocusChain()
    while widget is not None and widget is not area:
        if (
            area.isAncestorOf(widget)
            and widget.focusPolicy() & Qt.FocusPolicy.TabFocus
            and widget.isEnabled()
            and widget.isVisibleTo(area)
        ):
            widget.setFocus(Qt.FocusReason.OtherFocusReason)
            return
        widget = widget.nextInFocusChain()
