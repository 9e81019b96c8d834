"""Dossier tab "Perspectiefplan": the plan editor of the household."""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtWidgets import QWidget

from jeugdtoegang.services.context import AppContext
from ui.widgets.plan_editor import PlanEditor


def create(ctx: AppContext, shell: Any, household_id: uuid.UUID) -> QWidget:
    return PlanEditor(ctx, shell, household_id)
