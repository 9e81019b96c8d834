"""Role-aware controls: what a role cannot do is disabled with the reason as a tooltip.

The core refuses anyway (``jeugdtoegang.domain.authz.require``); this module only makes
the screens honest, so nobody fills in a form that will be refused at save.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.domain.authz import Permission, can


def _roles(actor: Actor) -> str:
    names = sorted(r.label.lower() for r in actor.roles)
    return ", ".join(names) or "geen rol"


def refusal_reason(actor: Actor, permission: Permission) -> str | None:
    """Why the actor cannot use a control needing ``permission`` (None when allowed)."""
    if can(actor, permission):
        return None
    return (
        f"Niet beschikbaar voor uw rol ({_roles(actor)}): {permission.label} hoort daar niet bij."
    )


def gate(
    widgets: QWidget | QAction | Iterable[QWidget | QAction],
    actor: Actor,
    permission: Permission,
    *,
    hide: bool = False,
) -> bool:
    """Disable (or hide) ``widgets`` the actor may not use, with the reason as tooltip.

    Returns whether the actor may use them. Allowed widgets are left untouched, so other
    reasons to disable them (a record in review, no selection) keep working.
    """
    reason = refusal_reason(actor, permission)
    items = [widgets] if isinstance(widgets, (QWidget, QAction)) else list(widgets)
    if reason is None:
        return True
    for widget in items:
        widget.setEnabled(False)
        widget.setToolTip(reason)
        if isinstance(widget, QWidget):
            widget.setProperty("role_refusal", reason)
        if hide:
            widget.setVisible(False)
    return False


def read_only_for(
    form: QWidget,
    actor: Actor,
    permission: Permission,
    *,
    keep: Iterable[QWidget] = (),
) -> bool:
    """Make a whole form read-only for a role without ``permission``.

    Text stays selectable (line and text fields become read-only); choices and buttons are
    disabled with the reason as tooltip, except the widgets in ``keep`` (e.g. "Toon BSN").
    Returns whether the actor may edit.
    """
    reason = refusal_reason(actor, permission)
    if reason is None:
        return True
    kept = set(keep)
    for field in form.findChildren(QLineEdit) + form.findChildren(QPlainTextEdit):
        field.setReadOnly(True)
        field.setToolTip(reason)
    for field in form.findChildren(QTextEdit):
        field.setReadOnly(True)
    for widget in (
        form.findChildren(QComboBox)
        + form.findChildren(QAbstractSpinBox)
        + form.findChildren(QAbstractButton)
    ):
        if widget in kept or isinstance(widget.parent(), QAbstractSpinBox):
            continue
        widget.setEnabled(False)
        widget.setToolTip(reason)
        widget.setProperty("role_refusal", reason)
    return False
