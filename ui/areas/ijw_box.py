"""The iJw box of the Rapportage area: the day's allocations out (JW301), messages in.

"Toewijzingen van deze dag versturen" writes the day's JW301 (and JW319) messages into a
folder for the provider portal, in a worker with progress and cancel; "Berichten van
aanbieders inlezen" reads JW305/JW307/JW315/JW317 files. A refused file is shown with its
precise reason; nothing of it is stored.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFormLayout, QGroupBox, QHBoxLayout, QLabel, QPushButton, QWidget

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.ijw_export import ExportResult, export_day, pending_allocations
from jeugdtoegang.services.ijw_inbound import BatchImport, ImportResult, import_files
from ui import dialogs


def may_exchange(ctx: AppContext) -> bool:
    return can(ctx.actor, Permission.LETTER_PRINT) or can(ctx.actor, Permission.EXPORT)


def allocations_text(count: int) -> str:
    return "1 toewijzing" if count == 1 else f"{count} toewijzingen"


class IjwBox(QGroupBox):
    """Send the day's JW301s and read provider messages."""

    def __init__(self, ctx: AppContext, shell: Any, day: Any) -> None:
        super().__init__("Berichten met aanbieders (iJw)")
        self.ctx = ctx
        self.shell = shell
        self.day = day
        self.last_export: ExportResult | None = None
        self.last_import: list[ImportResult] = []
        self.count_label = QLabel(objectName="ijw_count")
        self.count_label.setWordWrap(True)
        self.export_button = QPushButton(
            "Toewijzingen van deze dag versturen (JW301)", objectName="ijw_export_button"
        )
        self.export_button.clicked.connect(self.run_export)
        self.import_button = QPushButton(
            "Berichten van aanbieders inlezen…", objectName="ijw_import_button"
        )
        self.import_button.clicked.connect(self.run_import)
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.export_button)
        row.addWidget(self.import_button)
        row.addStretch(1)
        form = QFormLayout(self)
        form.addRow("", self.count_label)
        form.addRow("", buttons)
        self.refresh()

    def refresh(self) -> None:
        allowed = may_exchange(self.ctx)
        self.import_button.setEnabled(allowed)
        if not allowed:
            self.count_label.setText("U mag geen berichten met aanbieders uitwisselen.")
            self.export_button.setEnabled(False)
            return
        try:
            count = pending_allocations(self.ctx, self.day())
        except JeugdtoegangError as error:
            self.count_label.setText(error.message)
            self.export_button.setEnabled(False)
            return
        self.count_label.setText(
            "Alle toewijzingen tot en met deze dag zijn verstuurd. U kunt de berichten van "
            "deze dag opnieuw wegschrijven."
            if count == 0
            else f"{allocations_text(count)} nog niet naar de aanbieder verstuurd."
        )
        self.export_button.setEnabled(True)

    def run_export(self) -> Any:
        folder = dialogs.choose_directory(self, "Map voor de iJw-berichten")
        if folder is None:
            return None
        day: date = self.day()
        return self.shell.run_task(
            "Toewijzingen versturen",
            lambda token: export_day(self.ctx, day, Path(folder), token),
            self._exported,
        )

    def _exported(self, result: ExportResult) -> None:
        self.last_export = result
        count = len(result.files)
        text = (
            f"{'1 bericht' if count == 1 else f'{count} berichten'} opgeslagen in {result.folder}."
        )
        if result.refused:
            text += "\n\nNiet verstuurd:\n" + "\n".join(result.refused)
        self.shell.status(text.splitlines()[0])
        dialogs.show_info(self, text)
        self.refresh()

    def run_import(self) -> Any:
        files = dialogs.choose_open_files(
            self, "Berichten van aanbieders", "iJw-berichten (*.xml);;Alle bestanden (*)"
        )
        if not files:
            return None
        return self.shell.run_task(
            "Berichten inlezen", lambda token: import_files(self.ctx, files, token), self._imported
        )

    def _imported(self, batch: BatchImport) -> None:
        self.last_import = list(batch.results)
        lines = [
            f"{r.code} {r.identification}: "
            + ("al eerder ingelezen" if r.already_imported else f"{r.records} verwerkt")
            for r in batch.results
        ]
        self.shell.status(f"{len(batch.results)} berichten ingelezen.")
        if batch.refused:
            dialogs.show_error(self, "Niet ingelezen:\n" + "\n".join(batch.refused))
        if lines:
            dialogs.show_info(self, "\n".join(lines))
        self.refresh()
