"""The perspectiefplan editor, used at the kitchen table during a conversation.

Keyboard first: Ctrl+S saves, Ctrl+G adds a goal, Ctrl+Shift+A adds an agreement to the
goal, Alt+letter jumps to a section, Tab moves through the fields. Every edit is written
to a recovery file after ~300 ms (and at once when focus leaves a field), so a crash loses
nothing; findings are re-checked as you type.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QHideEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.domain.plan_rules import check_plan
from jeugdtoegang.domain.plans import PlanDocument, PlanStatus
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.progress import CancelToken, Progress
from jeugdtoegang.services import autosave
from jeugdtoegang.services import plans as plan_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.plan_export import export_plan_pdf
from jeugdtoegang.services.plans import PlanView
from ui import dialogs
from ui.roles import gate
from ui.widgets.plan_fields import EditorContext, Section
from ui.widgets.plan_findings import FindingsPanel
from ui.widgets.plan_goals import GoalsSection
from ui.widgets.plan_history import PlanHistoryDialog
from ui.widgets.plan_network import NetworkSection
from ui.widgets.plan_people import AgreementSection, Perspective18Section
from ui.widgets.plan_sections import DomainsSection, RegieSection

log = logging.getLogger("jeugdtoegang.ui")

AUTOSAVE_DELAY_MS = 300
_BANNER_STYLE = {
    PlanStatus.CONCEPT: "background:#eef4f8; border:1px solid #b8c7d3;",
    PlanStatus.INGEDIEND: "background:#fff4d6; border:1px solid #e0c36a;",
    PlanStatus.VASTGESTELD: "background:#e3f4e4; border:1px solid #9ccc9f;",
    PlanStatus.TERUGGESTUURD: "background:#fde8e8; border:1px solid #e3a3a3;",
}
# finding field prefix -> section tab key
_FIELD_TABS = (
    ("goals", "goals"),
    ("network", "network"),
    ("perspectives_18", "p18"),
    ("agreement", "agreement"),
    ("familiegroepsplan", "regie"),
    ("start_date", "regie"),
)


class PlanEditor(QWidget):
    """Edit, save, submit and print the household's perspectiefplan."""

    def __init__(self, ctx: AppContext, shell: Any, household_id: uuid.UUID) -> None:
        super().__init__()
        self.setObjectName("plan_editor")
        self.ctx = ctx
        self.shell = shell
        self.household_id = household_id
        self.view: PlanView = plan_service.get_plan(ctx, household_id)
        self._loading = False
        self._dirty = False
        self._history_dialog: PlanHistoryDialog | None = None
        self.may_edit = can(ctx.actor, Permission.DOSSIER_EDIT)
        self.may_submit = can(ctx.actor, Permission.PLAN_SUBMIT)

        self.banner = QLabel()
        self.banner.setObjectName("plan_status_banner")
        self.banner.setWordWrap(True)
        self.banner.setTextFormat(Qt.TextFormat.PlainText)

        self.save_button = QPushButton("Opslaan (Ctrl+S)")
        self.save_button.setObjectName("save_plan_button")
        self.submit_button = QPushButton("Indienen ter beoordeling")
        self.submit_button.setObjectName("submit_plan_button")
        self.history_button = QPushButton("Versiegeschiedenis")
        self.history_button.setObjectName("plan_history_button")
        self.pdf_button = QPushButton("PDF voor het gezin")
        self.pdf_button.setObjectName("plan_pdf_button")
        self.dirty_label = QLabel()
        self.dirty_label.setObjectName("plan_dirty_label")
        bar = QHBoxLayout()
        for button in (self.save_button, self.submit_button, self.history_button, self.pdf_button):
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.dirty_label)

        self.regie = RegieSection()
        self.domains = DomainsSection()
        self.goals = GoalsSection()
        self.network = NetworkSection()
        self.perspective18 = Perspective18Section()
        self.agreement = AgreementSection()
        self.sections: dict[str, Section] = {
            "regie": self.regie,
            "domains": self.domains,
            "goals": self.goals,
            "network": self.network,
            "p18": self.perspective18,
            "agreement": self.agreement,
        }
        labels = {
            "regie": "&Regie",
            "domains": "&Leefgebieden",
            "goals": "&Doelen en afspraken",
            "network": "&Netwerk",
            "p18": "Na &18",
            "agreement": "&Akkoord",
        }
        self.section_tabs = QTabWidget()
        self.section_tabs.setObjectName("plan_section_tabs")
        for key, section in self.sections.items():
            self.section_tabs.addTab(section, labels[key])
            section.changed.connect(self._on_changed)

        self.findings = FindingsPanel()
        self.findings.activated.connect(self.go_to_field)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.section_tabs)
        splitter.addWidget(self.findings)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([900, 300])

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(bar)
        layout.addWidget(splitter, 1)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

        self.save_button.clicked.connect(self.save)
        self.submit_button.clicked.connect(self.submit)
        self.history_button.clicked.connect(self.show_history)
        self.pdf_button.clicked.connect(self.export_pdf)
        shortcuts = (
            ("Ctrl+S", self.save),
            ("Ctrl+G", self.new_goal),
            ("Ctrl+Shift+A", self.new_action),
        )
        for keys, slot in shortcuts:
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        app = QApplication.instance()
        if app is not None:
            app.focusChanged.connect(self._on_focus_changed)  # type: ignore[attr-defined]

        self._load(self.view)
        QTimer.singleShot(0, self.check_recovery)

    # -- loading ----------------------------------------------------------------------------

    def _context(self) -> EditorContext:
        profile = self.ctx.profile
        return EditorContext(
            members=self.view.members,
            life_domains=tuple(profile.life_domains),
            today=self.ctx.today(),
            horizon_months=profile.settings.turns_18_horizon_months,
            familiegroepsplan_required=profile.policies.familiegroepsplan_required,
        )

    def _load(self, view: PlanView, document: PlanDocument | None = None) -> None:
        self.view = view
        context = self._context()
        document = document or view.document
        self._loading = True
        try:
            for section in self.sections.values():
                section.load(document, context)
        finally:
            self._loading = False
        index = self.section_tabs.indexOf(self.perspective18)
        self.section_tabs.setTabVisible(index, self.perspective18.has_people())
        self._document = document
        self.findings.set_findings(view.findings if document is view.document else self._check())
        self._show_status()

    def _show_status(self) -> None:
        view = self.view
        status = view.status
        when = lambda d: d.astimezone().strftime("%d-%m-%Y") if d else ""  # noqa: E731
        if view.id is None:
            text = "Nieuw plan, nog niet opgeslagen."
        elif status is PlanStatus.CONCEPT:
            text = f"Concept – versie {view.version_no}, opgeslagen door {view.name_of(view.saved_by)} op {when(view.saved_at)}."
            if view.approved_version_no:
                text += f" Versie {view.approved_version_no} is de laatst vastgestelde versie."
        elif status is PlanStatus.INGEDIEND:
            text = (
                f"Ingediend ter beoordeling door {view.name_of(view.submitted_by)} op {when(view.submitted_at)}. "
                "Het plan kan niet worden gewijzigd tot de teamleider het heeft beoordeeld."
            )
        elif status is PlanStatus.VASTGESTELD:
            text = (
                f"Vastgesteld – versie {view.version_no}, door {view.name_of(view.decided_by)} op "
                f"{when(view.decided_at)}. Wijzigt u iets, dan ontstaat een nieuwe conceptversie."
            )
        else:
            text = (
                f"Teruggestuurd door {view.name_of(view.decided_by)} op {when(view.decided_at)}: "
                f"{view.return_comment or ''}"
            )
        self.banner.setText(text)
        self.banner.setStyleSheet(f"QLabel {{ {_BANNER_STYLE[status]} padding:6px; }}")
        editable = view.editable and self.may_edit
        # the tab bar stays usable so a reader can still page through the sections
        for section in self.sections.values():
            section.setEnabled(editable)
        self.section_tabs.setProperty("editable", editable)
        self.save_button.setEnabled(editable)
        self.submit_button.setEnabled(
            self.may_submit and status in (PlanStatus.CONCEPT, PlanStatus.TERUGGESTUURD)
        )
        gate(self.save_button, self.ctx.actor, Permission.DOSSIER_EDIT)
        gate(self.sections.values(), self.ctx.actor, Permission.DOSSIER_EDIT)
        gate(self.submit_button, self.ctx.actor, Permission.PLAN_SUBMIT)
        self.history_button.setEnabled(view.id is not None)
        self.pdf_button.setEnabled(view.id is not None or self._dirty)
        self._show_dirty()

    def _show_dirty(self) -> None:
        self.dirty_label.setText(
            "Niet opgeslagen wijzigingen (veilig bewaard als herstelbestand)" if self._dirty else ""
        )

    # -- editing, autosave and findings -----------------------------------------------------

    def document(self) -> PlanDocument:
        """The document as it stands in the editor."""
        document = self.view.document
        for section in self.sections.values():
            document = section.apply(document)
        return document

    def _check(self) -> list[Any]:
        return check_plan(self._document, self.view.members, self.ctx.profile, self.ctx.today())

    def _on_changed(self) -> None:
        if self._loading:
            return
        if not self._dirty:
            self._dirty = True
            self._show_dirty()
            self.pdf_button.setEnabled(True)
        self._timer.start()

    def flush(self) -> None:
        """Write the recovery file now and refresh the findings (no-op when clean)."""
        self._timer.stop()
        if not self._dirty or not self.may_edit:
            return
        self._document = self.document()
        try:
            autosave.write_recovery(
                self.household_id,
                self._document.to_json(),
                self.view.version_no,
                author=self.ctx.actor.username,
            )
        except OSError as error:
            self.shell.status(f"Herstelbestand kon niet worden geschreven: {error.strerror}")
        self.findings.set_findings(self._check())

    def _on_focus_changed(self, old: QWidget | None, _new: QWidget | None) -> None:
        if self._dirty and old is not None and self.isAncestorOf(old):
            self.flush()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802
        self.flush()
        super().hideEvent(event)

    def has_unsaved_changes(self) -> bool:
        return self._dirty

    def check_recovery(self) -> bool:
        """Offer to restore a recovery file newer than the stored plan; True if restored."""
        if not self.may_edit:
            return False
        stored = self.view.document.to_json() if self.view.id is not None else None
        recovery = autosave.pending_recovery(
            self.household_id, stored, self.view.saved_at, author=self.ctx.actor.username
        )
        if recovery is None:
            return False
        written = recovery.written_at.astimezone().strftime("%d-%m-%Y om %H:%M")
        text = (
            f"Er zijn wijzigingen in dit plan die niet zijn opgeslagen (van {written}), "
            "bijvoorbeeld doordat het programma onverwacht stopte. Wilt u deze terugzetten?"
        )
        if recovery.base_version_no != self.view.version_no:
            text += (
                f"\n\nLet op: het plan is intussen opgeslagen als versie {self.view.version_no}; "
                f"de wijzigingen horen bij versie {recovery.base_version_no}."
            )
        if not dialogs.confirm(self, "Niet opgeslagen wijzigingen", text):
            autosave.clear_recovery(self.household_id, author=self.ctx.actor.username)
            return False
        try:
            document = PlanDocument.from_json(recovery.content)
        except ValueError:
            dialogs.show_error(self, "Het herstelbestand kon niet worden gelezen.")
            return False
        self._load(self.view, document)
        self._dirty = True
        self._show_status()
        return True

    # -- actions ----------------------------------------------------------------------------

    def new_goal(self) -> None:
        if not self.view.editable:
            return
        self.section_tabs.setCurrentWidget(self.goals)
        self.goals.add_goal()

    def new_action(self) -> None:
        if self.view.editable and self.section_tabs.currentWidget() is self.goals:
            self.goals.add_action()

    def save(self) -> bool:
        """Save a new version; on failure the typed text stays (and in the recovery file)."""
        if not self.view.editable:
            return False
        self.flush()
        if not self._dirty and self.view.id is not None:
            self.shell.status("Er zijn geen wijzigingen om op te slaan.")
            return True
        try:
            view = plan_service.save_draft(
                self.ctx, self.household_id, self.document(), self.view.version_no
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return False
        self._dirty = False
        self._load(view)
        self.shell.status(f"Perspectiefplan opgeslagen (versie {view.version_no}).")
        return True

    def submit(self) -> bool:
        if self._dirty and not self.save():
            return False
        if self.view.id is None:
            dialogs.show_error(self, "Sla het plan eerst op.")
            return False
        if not dialogs.confirm(
            self,
            "Indienen ter beoordeling",
            "Het plan gaat naar de teamleider. Tot die het heeft beoordeeld, kunt u het niet "
            "wijzigen. Nu indienen?",
        ):
            return False
        try:
            view = plan_service.submit_plan(self.ctx, self.view.id, self.view.version_no)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return False
        self._load(view)
        self.shell.status("Het plan is ingediend ter beoordeling.")
        return True

    def show_history(self) -> PlanHistoryDialog | None:
        try:
            dialog = PlanHistoryDialog(self.ctx, self.household_id, self)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return None
        self._history_dialog = dialog
        dialog.show()
        return dialog

    def export_pdf(self) -> None:
        if self._dirty and self.view.editable and not self.save():
            return
        default = f"Perspectiefplan {self.view.household_name}.pdf"
        path = dialogs.choose_save_file(self, "PDF voor het gezin", default, "PDF (*.pdf)")
        if path is None:
            return
        ctx, household_id = self.ctx, self.household_id

        def task(token: CancelToken) -> Iterator[Progress]:
            yield Progress(0, 1, "PDF maken")
            token.raise_if_cancelled()
            result = export_plan_pdf(ctx, household_id, Path(path))
            yield Progress(1, 1, "PDF klaar")
            return result

        def done(result: Path) -> None:
            self.shell.status(f"PDF opgeslagen: {result}")

        self.shell.run_task("PDF voor het gezin", task, done)

    def go_to_field(self, field: str) -> None:
        for prefix, key in _FIELD_TABS:
            if field.startswith(prefix):
                self.section_tabs.setCurrentWidget(self.sections[key])
                if key == "goals" and field.startswith("goals["):
                    try:
                        row = int(field[6 : field.index("]")])
                    except ValueError:
                        return
                    self.goals.select_row(row)
                return

    def refresh(self) -> None:
        """Called when the tab is shown again: reload unless the user is typing."""
        if self._dirty:
            return
        try:
            self._load(plan_service.get_plan(self.ctx, self.household_id))
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
