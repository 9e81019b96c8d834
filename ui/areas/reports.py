"""Area 'Rapportage': for now the daily print run of decision letters.

"Brieven van vandaag afdrukken" writes every approved, unsent letter of the chosen day
into a folder, in a worker with progress and cancel (``shell.run_task``); each file is
written atomically, so a cancelled run leaves only complete PDFs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_views import BatchResult
from jeugdtoegang.services.letter_batch import batch_letters, pending_letter_ids
from ui import dialogs
from ui.areas.ijw_box import IjwBox


def letters_text(count: int) -> str:
    return "1 brief" if count == 1 else f"{count} brieven"


class ReportsArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.ctx = ctx
        self.shell = shell
        self.last_result: BatchResult | None = None
        today = ctx.today()
        self.day_edit = QDateEdit(QDate(today.year, today.month, today.day), objectName="batch_day")
        self.day_edit.setCalendarPopup(True)
        self.day_edit.setDisplayFormat("dd-MM-yyyy")
        self.day_edit.dateChanged.connect(lambda *_: self.refresh())
        self.count_label = QLabel(objectName="batch_count")
        self.print_button = QPushButton(
            "Brieven van deze dag afdrukken", objectName="batch_print_button"
        )
        self.print_button.clicked.connect(self.run_batch)
        box = QGroupBox("Brieven (beschikkingen) afdrukken")
        form = QFormLayout(box)
        form.addRow("Briefdatum", self.day_edit)
        form.addRow("", self.count_label)
        form.addRow("", self.print_button)
        hint = QLabel(
            "Alle goedgekeurde brieven van deze dag die nog niet verzonden zijn, komen als "
            "PDF in de map die u kiest. Daarna markeert u ze in het dossier als verzonden."
        )
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Rapportage</h2>"))
        layout.addWidget(box)
        layout.addWidget(hint)
        self.ijw_box = IjwBox(ctx, shell, self.day)
        layout.addWidget(self.ijw_box)
        layout.addStretch(1)
        self.refresh()

    def day(self) -> Any:
        return self.day_edit.date().toPython()

    def refresh(self) -> None:
        if hasattr(self, "ijw_box"):
            self.ijw_box.refresh()
        try:
            count = len(pending_letter_ids(self.ctx, self.day()))
        except JeugdtoegangError as error:
            self.count_label.setText(error.message)
            return
        self.count_label.setText(
            "Geen brieven om af te drukken."
            if count == 0
            else f"{letters_text(count)} klaar om af te drukken."
        )
        self.print_button.setEnabled(count > 0 and can(self.ctx.actor, Permission.LETTER_PRINT))

    def run_batch(self) -> Any:
        folder = dialogs.choose_directory(self, "Map voor de brieven")
        if folder is None:
            return None
        day = self.day()
        return self.shell.run_task(
            "Brieven afdrukken",
            lambda token: batch_letters(self.ctx, day, Path(folder), token),
            self._done,
        )

    def _done(self, result: BatchResult) -> None:
        self.last_result = result
        self.shell.status(f"{letters_text(len(result.files))} opgeslagen in {folder_of(result)}.")
        dialogs.show_info(self, f"{letters_text(len(result.files))} opgeslagen.")
        self.refresh()


def folder_of(result: BatchResult) -> str:
    return str(Path(result.files[0]).parent) if result.files else ""


def create(ctx: AppContext, shell: Any) -> QWidget:
    return ReportsArea(ctx, shell)
