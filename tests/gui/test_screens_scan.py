"""Every screen, every role: accessible names on all interactive widgets, clean Dutch texts.

The scan reads what a user sees (labels, buttons, tabs, group titles, table headers and
cells, text fields, placeholders, tooltips) and fails on internal codes, field names,
spec references, severity tags in brackets, English words and "1 uren"-style plurals.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from tests.gui.conftest import save_shot
from tests.gui.test_role_walk import ROLES
from ui.accessibility import unnamed
from ui.areas import AREAS
from ui.dossier import TABS

FORBIDDEN = (
    (re.compile(r"\b[A-Z]{2,}(?:_[A-Z0-9]+)+\b"), "een interne code"),
    (re.compile(r"\[(?:error|approval|warning)\]", re.I), "een interne ernst-aanduiding"),
    (re.compile(r"\(\d{3} §"), "een verwijzing naar een beleidsstuk"),
    (re.compile(r"^- ?[a-z_]+:", re.M), "een veldnaam"),
    (re.compile(r"\b1 (?:uren|dagen|weken|maanden|taken|signalen|items)\b"), "een meervoud bij 1"),
    (
        re.compile(
            r"\b(?:the|and|error|warning|approval|loading|failed|none|true|false|null|"
            r"submitted|approved|pending)\b"
        ),
        "Engels",
    ),
)


def visible_texts(root: QWidget) -> list[str]:
    texts: list[str] = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisibleTo(root):
            continue
        if isinstance(widget, (QLabel, QAbstractButton)):
            texts.append(widget.text())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QTabWidget):
            texts.extend(widget.tabText(i) for i in range(widget.count()))
        elif isinstance(widget, QLineEdit):
            texts.extend((widget.text(), widget.placeholderText()))
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # a list model
                columns = 1
            for column in range(columns):
                texts.append(str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
            for row in range(min(model.rowCount(QModelIndex()), 30)):
                for column in range(columns):
                    texts.append(str(model.index(row, column).data() or ""))
        if widget.toolTip():
            texts.append(widget.toolTip())
    return [t for t in texts if t]


def problems_in(root: QWidget, where: str) -> list[str]:
    found = []
    for text in visible_texts(root):
        plain = re.sub(r"<[^>]+>", "", text)
        for pattern, what in FORBIDDEN:
            match = pattern.search(plain)
            if match:
                found.append(f"{where}: {what} «{match.group(0)}» in «{plain[:80]}»")
    for widget in unnamed(root):
        found.append(
            f"{where}: geen toegankelijke naam: {type(widget).__name__} {widget.objectName()!r}"
        )
    return found


@pytest.fixture
def demo_like_ctx(ctx: Any) -> Any:
    """The consultant's context on a database with the demo set (40 households)."""
    from jeugdtoegang.demo import fill_demo
    from jeugdtoegang.domain.actor import SYSTEM_ACTOR

    fill_demo(ctx.with_actor(SYSTEM_ACTOR), 40)
    return ctx


def _busy_household(ctx: Any) -> Any:
    """A household with a plan, help and a decision: the fullest dossier."""
    from sqlalchemy import select

    from jeugdtoegang.storage.models.decisions import Decision

    with ctx.database.read_sessions() as session:
        return session.execute(select(Decision.household_id).limit(1)).scalar_one()


def _window(qtbot: Any, ctx: Any, size: tuple[int, int]):  # type: ignore[no-untyped-def]
    from ui.main_window import MainWindow

    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.resize(*size)
    window.show()
    qtbot.waitExposed(window)
    return window


def _settle(window: Any) -> None:
    window.runner.wait_for_idle(5000)
    QApplication.processEvents()


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_screen_has_names_and_clean_dutch_texts(
    qtbot: Any, demo_like_ctx: Any, shown: Any, role: str
) -> None:
    ctx = demo_like_ctx.with_actor(ROLES[role])
    problems: list[str] = []
    for size in ((1280, 800), (1920, 1080)):
        window = _window(qtbot, ctx, size)
        for spec in AREAS:
            if not spec.allowed(ctx.actor):
                continue
            window.show_area(spec.key)
            _settle(window)
            area = window.area(spec.key)
            problems += problems_in(area, f"{role}/{spec.key}")
            save_shot(window, f"issue-16/screen-{spec.key}-{role}-{size[0]}.png")
        if spec_allowed(ctx, "dossiers"):
            household_id = _busy_household(ctx)
            for tab in TABS:
                window.open_dossier(household_id, tab.key)
                _settle(window)
                view = window.area("dossiers").dossier_view(household_id)
                problems += problems_in(view, f"{role}/dossier/{tab.key}")
                save_shot(window, f"issue-16/dossier-{tab.key}-{role}-{size[0]}.png")
        window.close()
    assert not problems, "\n".join(sorted(set(problems)))


def spec_allowed(ctx: Any, key: str) -> bool:
    return next(s for s in AREAS if s.key == key).allowed(ctx.actor)
