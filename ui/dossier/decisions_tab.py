"""Dossier tab "Beschikkingen": the household's decisions with a letter preview.

The preview renders the letter's pages to images (pypdfium2) in a worker through
``shell.run_task``; the GUI shows them in a scroll area. Drafts show the CONCEPT mark;
approved decisions show the stored final letter, exactly as it is printed.
"""

from __future__ import annotations

import atexit
import threading
import uuid
from dataclasses import dataclass
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.domain.decisions import DecisionStatus
from jeugdtoegang.domain.motivation import describe_missing
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import CancelToken, Progress, ProgressTask
from jeugdtoegang.services import decisions
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.decision_views import DecisionRow
from jeugdtoegang.services.letter_batch import write_atomically
from ui import dialogs
from ui.models.decisions import DecisionTableModel
from ui.widgets.new_decision_dialog import NewDecisionDialog
from ui.widgets.review_picture import LetterPages

PREVIEW_SCALE = 1.3  # 72 dpi × 1.3 ≈ 94 dpi: sharp on screen, quick to render


@dataclass(frozen=True)
class PageImage:
    """One rendered page: raw BGRx pixels (made in the worker, turned into a QImage here)."""

    width: int
    height: int
    stride: int
    pixels: bytes


@dataclass(frozen=True)
class Preview:
    decision_id: uuid.UUID
    pdf: bytes
    pages: tuple[PageImage, ...]


#: PDFium may not be called from two threads at once, not even for different documents
#: (the dossier's and the review queue's previews can render at the same time)
PDFIUM_LOCK = threading.Lock()

#: how long the exit waits for a page being rendered (one page takes well under a second)
EXIT_WAIT_S = 10.0

_exit_guard_registered = False


def _register_exit_guard() -> None:
    """At exit pypdfium2 closes every open document and shuts PDFium down, without our
    lock: a preview still rendering in a worker then crashed the process (segmentation
    fault when the program or a test run ended during a preview). ``atexit`` runs its
    handlers last-registered first, so this one, registered after pypdfium2's own, takes
    the lock first: the shutdown waits for the page being rendered and no render starts
    after it."""
    global _exit_guard_registered
    if _exit_guard_registered:
        return
    _exit_guard_registered = True
    atexit.register(PDFIUM_LOCK.acquire, timeout=EXIT_WAIT_S)


def render_preview(
    ctx: AppContext, decision_id: uuid.UUID, token: CancelToken
) -> ProgressTask[Preview]:
    """Worker task: the letter and its pages as images."""
    import pypdfium2
    import pypdfium2.raw as pdfium_raw

    yield Progress(0, 1, "Brief maken")
    pdf = decisions.letter_pdf(ctx, decision_id)
    pages = []
    with PDFIUM_LOCK:  # PDFium is not thread-safe: one document at a time in the process
        _register_exit_guard()  # after pypdfium2's import: it runs before pypdfium2's exit
        document = pypdfium2.PdfDocument(pdf)
        try:
            total = len(document)
            for number in range(total):
                token.raise_if_cancelled()
                page = document[number]
                bitmap = page.render(
                    scale=PREVIEW_SCALE, force_bitmap_format=pdfium_raw.FPDFBitmap_BGRx
                )
                pages.append(
                    PageImage(bitmap.width, bitmap.height, bitmap.stride, bytes(bitmap.buffer))
                )
                bitmap.close()  # freed here, under the lock, not by a finaliser elsewhere
                page.close()
        finally:
            document.close()
    yield Progress(len(pages), len(pages), f"{len(pages)} pagina's")
    return Preview(decision_id, pdf, tuple(pages))


class DecisionsTab(QWidget):
    def __init__(self, ctx: AppContext, shell: Any, household_id: uuid.UUID) -> None:
        super().__init__()
        self.ctx = ctx
        self.shell = shell
        self.household_id = household_id
        self.preview: Preview | None = None
        self.model = DecisionTableModel()

        self.table = QTableView(objectName="decisions_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._on_select())

        self.new_button = QPushButton("Nieuwe beschikking…", objectName="new_decision_button")
        self.submit_button = QPushButton("Indienen", objectName="submit_decision_button")
        self.submit_button.setToolTip("Het concept ter beoordeling aan de teamleider geven")
        self.new_button.clicked.connect(self.new_decision)
        self.submit_button.clicked.connect(self.submit)
        self.save_button = QPushButton("Opslaan als PDF", objectName="save_pdf_button")
        self.approve_button = QPushButton("Goedkeuren", objectName="approve_button")
        self.sent_button = QPushButton("Markeren als verzonden", objectName="mark_sent_button")
        self.save_button.clicked.connect(self.save_pdf)
        self.approve_button.clicked.connect(self.approve)
        self.sent_button.clicked.connect(self.mark_sent)
        buttons = QHBoxLayout()
        for button in (
            self.new_button,
            self.submit_button,
            self.save_button,
            self.approve_button,
            self.sent_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.info = QLabel(objectName="decision_info")
        self.info.setWordWrap(True)
        # the pages are scaled to the width of the pane: the whole page width is readable
        # at 1280×800 too (issue 16)
        self.scroll = LetterPages(name="letter_preview", page_name="letter_page")
        self.scroll.show_message("Kies een beschikking om de brief te zien.")

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(QLabel("<b>Beschikkingen</b>"))
        left_layout.addWidget(self.table, 1)
        left_layout.addLayout(buttons)
        left_layout.addWidget(self.info)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)  # the letter gets the room
        splitter.setSizes([380, 760])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)
        self.refresh()

    # --- data ------------------------------------------------------------------------

    def refresh(self) -> None:
        current = self.current()
        try:
            rows = decisions.list_decisions(self.ctx, self.household_id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            rows = []
        self.model.set_rows(rows)
        if rows:
            row = self.model.row_of(current.id) if current else 0
            self.table.selectRow(max(row, 0))
        else:
            self.info.setText("Dit gezin heeft nog geen beschikkingen.")
            self._show_pages(None)
        self._update_buttons()

    def current(self) -> DecisionRow | None:
        index = self.table.currentIndex()
        return self.model.row_at(index.row()) if index.isValid() else None

    def _update_buttons(self) -> None:
        row = self.current()
        actor = self.ctx.actor
        self.save_button.setEnabled(row is not None)
        self.new_button.setEnabled(can(actor, Permission.PLAN_SUBMIT))
        self.submit_button.setEnabled(
            row is not None
            and row.status is DecisionStatus.CONCEPT
            and not row.submitted  # already with the team lead
            and can(actor, Permission.PLAN_SUBMIT)
        )
        self.approve_button.setEnabled(
            row is not None
            and row.status is DecisionStatus.CONCEPT
            and can(actor, Permission.APPROVE)
        )
        self.sent_button.setEnabled(
            row is not None
            and row.status is DecisionStatus.GOEDGEKEURD
            and can(actor, Permission.LETTER_PRINT)
        )

    def _on_select(self) -> None:
        self._update_buttons()
        row = self.current()
        if row is None:
            return
        text = f"{row.type_label} · {row.status_label} · kenmerk {row.kenmerk} · {row.jeugdige}" + (
            f" · vervangt {row.corrects_kenmerk}" if row.corrects_kenmerk else ""
        )
        if row.status.value == "concept":
            try:
                detail = decisions.get_decision(self.ctx, row.id, purpose=None)
            except JeugdtoegangError:
                detail = None
            if detail is not None and detail.missing_parts:
                text += "\nNog in te vullen voor goedkeuring: " + describe_missing(
                    detail.missing_parts
                )
        self.info.setText(text)
        self.load_preview(row.id)

    # --- preview -----------------------------------------------------------------------

    def load_preview(self, decision_id: uuid.UUID) -> Any:
        return self.shell.run_task(
            "Brief laden",
            lambda token: render_preview(self.ctx, decision_id, token),
            self._show_preview,
        )

    def _show_preview(self, preview: Preview) -> None:
        current = self.current()
        if current is not None and current.id != preview.decision_id:
            return  # the user moved on; a newer preview is on its way
        self.preview = preview
        self._show_pages(preview)

    def _show_pages(self, preview: Preview | None) -> None:
        if preview is None:
            self.scroll.show_message("Kies een beschikking om de brief te zien.")
            return
        self.scroll.set_pages(
            [
                QImage(
                    page.pixels, page.width, page.height, page.stride, QImage.Format.Format_RGB32
                ).copy()
                for page in preview.pages
            ]
        )

    def page_count(self) -> int:
        return len(self.preview.pages) if self.preview else 0

    # --- actions -----------------------------------------------------------------------

    def save_pdf(self) -> None:
        row = self.current()
        if row is None:
            return
        path = dialogs.choose_save_file(
            self, "Brief opslaan als PDF", f"{row.kenmerk}.pdf", "PDF-bestanden (*.pdf)"
        )
        if path is None:
            return
        try:
            pdf = decisions.letter_pdf(self.ctx, row.id)
            write_atomically(path, pdf)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        except OSError as error:
            dialogs.show_error(self, f"Het bestand kon niet worden opgeslagen: {error.strerror}.")
            return
        self.shell.status(f"Brief {row.kenmerk} opgeslagen in {path}.")

    def approve(self) -> None:
        row = self.current()
        if row is None:
            return
        if not dialogs.confirm(
            self,
            "Beschikking goedkeuren",
            f"Beschikking {row.kenmerk} goedkeuren? De brief wordt dan definitief en "
            "kan daarna niet meer veranderen.",
        ):
            return
        try:
            decisions.approve_decision(self.ctx, row.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status(f"Beschikking {row.kenmerk} is goedgekeurd.")
        self.refresh()

    def new_decision(self) -> None:
        dialog = NewDecisionDialog(self.ctx, self.household_id, self)
        if dialog.exec() and dialog.created is not None:
            self.shell.status(f"Concept-beschikking {dialog.created.row.kenmerk} is gemaakt.")
            self.refresh()
            self.table.selectRow(max(self.model.row_of(dialog.created.row.id), 0))

    def submit(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            decisions.submit_decision(self.ctx, row.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status(f"Beschikking {row.kenmerk} is ingediend ter beoordeling.")
        self.refresh()

    def mark_sent(self) -> None:
        row = self.current()
        if row is None:
            return
        try:
            decisions.mark_sent(self.ctx, row.id)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status(f"Brief {row.kenmerk} is gemarkeerd als verzonden.")
        self.refresh()


def create(ctx: AppContext, shell: Any, household_id: uuid.UUID) -> QWidget:
    return DecisionsTab(ctx, shell, household_id)
