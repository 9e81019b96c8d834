"""Dossier tab 'Gezin': the household form on the stored dossier."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QVBoxLayout, QWidget

from jeugdtoegang.domain.authz import Permission
from jeugdtoegang.services import households as household_service
from jeugdtoegang.services.context import AppContext
from ui.roles import read_only_for
from ui.widgets.household_form import HouseholdForm


class HouseholdTab(QWidget):
    """Edit the household and its members; ``saved(HouseholdDetail)`` after a save."""

    saved = Signal(object)

    def __init__(self, ctx: AppContext, shell: Any, household_id: uuid.UUID) -> None:
        super().__init__()
        self.ctx = ctx
        self.household_id = household_id
        self.setObjectName("household_tab")
        # The dossier view logged the opening of this dossier; no second audit entry here.
        detail = household_service.get_household(ctx, household_id, purpose=None)
        self.form = HouseholdForm(ctx, shell, detail)
        self.form.saved.connect(self.saved.emit)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.form)
        self.editable = read_only_for(
            self.form, ctx.actor, Permission.DOSSIER_EDIT, keep=(self.form.reveal_bsn_button,)
        )

    def refresh(self) -> None:
        """Show the stored state again, unless the user is in the middle of an edit."""
        if not self.form.has_unsaved_changes():
            self.form.load(
                household_service.get_household(self.ctx, self.household_id, purpose=None)
            )

    def has_unsaved_changes(self) -> bool:
        return self.form.has_unsaved_changes()


def create(ctx: AppContext, shell: Any, household_id: uuid.UUID) -> QWidget:
    return HouseholdTab(ctx, shell, household_id)
