"""Doorbraak (break-the-glass): open another team's dossier for reading, with a reason.

The dialog says plainly that the doorbraak is logged and that the dossier's team lead sees
it; the core (``services.authz.declare_doorbraak``) checks the reason and writes the entry.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import DOORBRAAK_HOURS, DOORBRAAK_MIN_REASON
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import authz
from jeugdtoegang.services.context import AppContext


class DoorbraakDialog(QDialog):
    """Dossier number + reason; ``household_id`` is set when the doorbraak was logged."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.household_id: uuid.UUID | None = None
        self.setWindowTitle("Doorbraak: dossier van een ander team")
        self.setObjectName("doorbraak_dialog")
        intro = QLabel(
            "Alleen als het dringend nodig is, bijvoorbeeld bij een crisis buiten "
            f"kantoortijd. U kunt het dossier daarna {DOORBRAAK_HOURS} uur <b>inzien</b> "
            "(niet wijzigen). De doorbraak en uw reden worden vastgelegd in het logboek en de "
            "teamleider van dat team ziet ze."
        )
        intro.setWordWrap(True)
        self.number_field = QLineEdit()
        self.number_field.setObjectName("doorbraak_number")
        self.number_field.setPlaceholderText("bijvoorbeeld 2026-00012")
        self.reason_field = QPlainTextEdit()
        self.reason_field.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.reason_field.setObjectName("doorbraak_reason")
        self.reason_field.setPlaceholderText(
            f"Waarom heeft u dit dossier nu nodig? (minstens {DOORBRAAK_MIN_REASON} tekens)"
        )
        self.error_label = QLabel()
        self.error_label.setObjectName("doorbraak_error")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #a00000;")
        form = QFormLayout()
        form.addRow("Dossiernummer", self.number_field)
        form.addRow("Reden", self.reason_field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Doorbraak vastleggen")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuleren")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(480, 320)

    def submit(self) -> None:
        try:
            household_id = authz.find_dossier(self.ctx, self.number_field.text())
            authz.declare_doorbraak(self.ctx, household_id, self.reason_field.toPlainText())
        except JeugdtoegangError as error:
            self.error_label.setText(error.message)
            return
        self.household_id = household_id
        self.accept()
