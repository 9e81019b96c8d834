"""The navigation areas of the main window, in order.

Each area module has ``create(ctx: AppContext, shell: Shell) -> QWidget``; the widget may
have a ``refresh()`` method that the main window calls when the area is shown.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AreaSpec:
    key: str
    label: str
    module: str


AREAS: tuple[AreaSpec, ...] = (
    AreaSpec("dossiers", "Dossiers", "ui.areas.dossiers"),
    AreaSpec("review", "Te beoordelen", "ui.areas.review"),
    AreaSpec("signals", "Signalen", "ui.areas.signals"),
    AreaSpec("providers", "Aanbieders", "ui.areas.providers"),
    AreaSpec("reports", "Rapportage", "ui.areas.reports"),
    AreaSpec("sync", "Synchronisatie", "ui.areas.sync"),
    AreaSpec("admin", "Beheer", "ui.areas.admin"),
)
