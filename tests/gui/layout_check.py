"""Layout checks for the GUI tests: what is cut off or lies outside its parent.

A widget counts when it is visible in the window. Content inside a scroll area's viewport
may be larger than the viewport (that is what scrolling is for), so only its outer box is
checked. A label, button or field narrower than its minimum size hint is cut off.
"""

from __future__ import annotations

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QComboBox,
    QLabel,
    QLineEdit,
    QMenu,
    QSplitterHandle,
    QTabBar,
    QWidget,
)

#: widgets whose text must never be narrower than its minimum size hint
_TEXTUAL = (QLabel, QAbstractButton, QComboBox, QLineEdit)


def _scrolled(widget: QWidget) -> bool:
    """True when the widget lies (somewhere) inside a scroll area's viewport."""
    parent = widget.parentWidget()
    while parent is not None:
        grand = parent.parentWidget()
        if isinstance(grand, QAbstractScrollArea) and grand.viewport() is parent:
            return True
        parent = grand
    return False


def layout_problems(window: QWidget, where: str = "") -> list[str]:
    """Visible widgets outside their parent's rect, and texts cut off by too little room."""
    found: list[str] = []
    for widget in window.findChildren(QWidget):
        if not widget.isVisibleTo(window) or widget.isWindow() or isinstance(widget, QMenu):
            continue
        parent = widget.parentWidget()
        if parent is None or isinstance(widget, QSplitterHandle):
            continue
        name = f"{where}{type(widget).__name__} {widget.objectName() or widget.accessibleName()!r}"
        if not _scrolled(widget):
            inner = QRect(0, 0, parent.width(), parent.height())
            if widget.width() > 0 and not inner.contains(widget.geometry()):
                found.append(f"{name}: buiten {type(parent).__name__} ({widget.geometry()})")
        if isinstance(widget, _TEXTUAL) and not isinstance(widget.parentWidget(), QTabBar):
            hint = widget.minimumSizeHint()
            if isinstance(widget, QLabel) and widget.wordWrap():
                hint.setWidth(0)  # a wrapping label may be narrow
            if isinstance(widget, QLabel) and not widget.text():
                continue
            if widget.width() + 1 < hint.width() or widget.height() + 1 < hint.height():
                found.append(
                    f"{name}: afgesneden ({widget.width()}×{widget.height()} < "
                    f"{hint.width()}×{hint.height()})"
                )
    return found


def fits(window: QWidget, width: int, height: int) -> bool:
    hint = window.minimumSizeHint()
    return hint.width() <= width and hint.height() <= height
