"""The dossier view: one household with tabs for each part of the work.

Each tab module has ``create(ctx: AppContext, shell: Shell, household_id: uuid.UUID)
-> QWidget``; the widget may define ``refresh()``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TabSpec:
    key: str
    label: str
    module: str


TABS: tuple[TabSpec, ...] = (
    TabSpec("household", "Gezin", "ui.dossier.household_tab"),
    TabSpec("plan", "Perspectiefplan", "ui.dossier.plan_tab"),
    TabSpec("indications", "Hulp", "ui.dossier.indications_tab"),
    TabSpec("decisions", "Beschikkingen", "ui.dossier.decisions_tab"),
    TabSpec("log", "Logboek", "ui.dossier.log_tab"),
)
