"""Area 'Beheer' (built by its own issue; until then an explanation for the user)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from jeugdtoegang.services.context import AppContext


def create(ctx: AppContext, shell: object) -> QWidget:
    widget = QWidget()
    layout = QVBoxLayout(widget)
    layout.addWidget(QLabel("Dit onderdeel is nog niet beschikbaar in deze versie."))
    layout.addStretch(1)
    return widget
