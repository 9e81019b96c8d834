"""Area 'Synchronisatie': partners, pending changes, export/import, and conflicts.

Export and import run as core progress generators through ``shell.run_task`` (worker,
progress dialog with cancel). Conflicts open the side-by-side resolver; the choice is
saved through the sync service and travels with the next export.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.domain.field_labels import field_label
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import sync
from jeugdtoegang.services.context import AppContext
from ui import dialogs
from ui.areas.sync_trust import TrustPanel
from ui.models.rows import RowsModel
from ui.widgets.conflict_resolver import TABLE_LABELS, ConflictResolverDialog

BUNDLE_FILTER = "Synchronisatiebundel (*.jtsync *.zip);;Alle bestanden (*)"


def _when(row: sync.PeerRow) -> str:
    return row.last_exchange_at.strftime("%d-%m-%Y %H:%M") if row.last_exchange_at else "nog nooit"


def peer_model(parent: Any = None) -> RowsModel[sync.PeerRow]:
    return RowsModel(
        [
            ("Partner", lambda r: r.name),
            ("Laatste uitwisseling", _when),
            ("Nog te versturen", lambda r: r.pending),
            ("Verstuurd t/m", lambda r: r.last_exported_seq),
            ("Ontvangen t/m", lambda r: r.last_imported_seq),
        ],
        parent,
    )


def conflict_model(parent: Any = None) -> RowsModel[sync.ConflictView]:
    return RowsModel(
        [
            ("Soort", lambda c: TABLE_LABELS.get(c.table_name, c.table_name)),
            ("Gegeven", lambda c: c.title),
            ("Van", lambda c: c.source_name),
            (
                "Verschilt in",
                lambda c: (
                    ", ".join(field_label(f) for f in c.differing_fields)
                    or "aan één kant verwijderd"
                ),
            ),
            ("Reden", lambda c: c.reason),
        ],
        parent,
    )


def _table(model: RowsModel[Any], name: str) -> QTableView:
    view = QTableView()
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(True)
    return view


class SyncArea(QWidget):
    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__()
        self.setObjectName("sync_area")
        self.ctx = ctx
        self.shell = shell
        self.resolver: ConflictResolverDialog | None = None
        layout = QVBoxLayout(self)

        title = QLabel("<h2>Synchronisatie</h2>")
        layout.addWidget(title)
        intro = QLabel(
            "Wissel uw werk uit met het kantoor en andere werkplekken via een beveiligde "
            "bundel (bijvoorbeeld op een USB-stick). Er wordt nooit iets stilzwijgend "
            "overschreven: als een gegeven aan beide kanten is gewijzigd, kiest u hieronder."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.trust_panel = TrustPanel(ctx, shell)
        layout.addWidget(self.trust_panel)

        layout.addWidget(QLabel("<b>Partners</b>"))
        self.peers = peer_model(self)
        self.peer_view = _table(self.peers, "peer_table")
        layout.addWidget(self.peer_view, 1)
        actions = QHBoxLayout()
        self.export_button = QPushButton("Exporteren naar partner…")
        self.export_button.setObjectName("export_button")
        self.export_button.clicked.connect(lambda: self.export())
        self.import_button = QPushButton("Bundel inlezen…")
        self.import_button.setObjectName("import_button")
        self.import_button.clicked.connect(lambda: self.import_())
        self.analyst_button = QPushButton("Kopie voor analyse (SQLite)…")
        self.analyst_button.setObjectName("analyst_export_button")
        self.analyst_button.clicked.connect(lambda: self.export(fmt="sqlite"))
        # the analyst's copy is a beheerder's action (pseudonymised, audited)
        self.analyst_button.setEnabled(can(ctx.actor, Permission.EXPORT))
        if not self.analyst_button.isEnabled():
            self.analyst_button.setToolTip("Alleen de functioneel beheerder")
        for button in (self.export_button, self.import_button, self.analyst_button):
            actions.addWidget(button)
        actions.addStretch(1)
        layout.addLayout(actions)

        self.conflict_heading = QLabel()
        layout.addWidget(self.conflict_heading)
        self.conflicts = conflict_model(self)
        self.conflict_view = _table(self.conflicts, "conflict_table")
        self.conflict_view.doubleClicked.connect(lambda _index: self.open_resolver())
        layout.addWidget(self.conflict_view, 1)
        row = QHBoxLayout()
        self.resolve_button = QPushButton("Conflict oplossen…")
        self.resolve_button.setObjectName("resolve_button")
        self.resolve_button.clicked.connect(lambda: self.open_resolver())
        row.addWidget(self.resolve_button)
        row.addStretch(1)
        layout.addLayout(row)
        self.refresh()

    # -- data --------------------------------------------------------------------------------

    def refresh(self) -> None:
        try:
            self.peers.set_rows(sync.list_peers(self.ctx))
            conflicts = sync.list_conflicts(self.ctx)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)
            return
        self.conflicts.set_rows(conflicts)
        self.conflict_heading.setText(
            f"<b>Conflicten ({len(conflicts)} open)</b>" if conflicts else "<b>Geen conflicten</b>"
        )
        self.resolve_button.setEnabled(bool(conflicts))

    def _selected_peer(self) -> str | None:
        rows = self.peer_view.selectionModel().selectedRows()
        peer = self.peers.row_at(rows[0].row()) if rows else None
        return peer.name if peer else None

    # -- export and import -------------------------------------------------------------------

    def export(self, fmt: str = "zip") -> None:
        peer = self._selected_peer()
        if peer is None:
            peer = dialogs.ask_text(
                self, "Exporteren", "Naam van de partner (bijvoorbeeld 'kantoor'):"
            )
            if not peer or not peer.strip():
                return
            peer = peer.strip()
        suffix = "sqlite" if fmt == "sqlite" else "jtsync"
        file_filter = "SQLite (*.sqlite)" if fmt == "sqlite" else BUNDLE_FILTER
        path = dialogs.choose_save_file(
            self, f"Exporteren naar {peer}", f"naar-{peer}.{suffix}", file_filter
        )
        if path is None:
            return

        def done(result: sync.ExportResult) -> None:
            self.refresh()
            message = (
                f"{result.record_count} gewijzigde gegevens voor '{result.peer}' opgeslagen in "
                f"{result.path.name}."
            )
            self.shell.status(message)
            dialogs.show_info(self, message, "Export klaar")

        self.shell.run_task(
            f"Exporteren naar {peer}",
            lambda cancel: sync.export_bundle_task(self.ctx, peer, Path(path), fmt, cancel),
            done,
        )

    def import_(self) -> None:
        path = dialogs.choose_open_file(self, "Bundel inlezen", BUNDLE_FILTER)
        if path is None:
            return

        def done(result: sync.ImportResult) -> None:
            self.refresh()
            if result.already_imported:
                message = f"Deze bundel van '{result.source_name}' was al ingelezen."
            else:
                message = (
                    f"Bundel van '{result.source_name}' ingelezen: {result.applied} "
                    f"overgenomen, {result.unchanged} al aanwezig, {result.conflicts} "
                    f"{'conflict' if result.conflicts == 1 else 'conflicten'}."
                )
            self.shell.status(message)
            dialogs.show_info(self, message, "Inlezen klaar")

        self.shell.run_task(
            "Bundel inlezen",
            lambda cancel: sync.import_bundle_task(self.ctx, Path(path), cancel),
            done,
        )

    # -- conflicts ---------------------------------------------------------------------------

    def open_resolver(self) -> ConflictResolverDialog | None:
        rows = self.conflict_view.selectionModel().selectedRows()
        conflict = self.conflicts.row_at(rows[0].row() if rows else 0)
        if conflict is None:
            return None
        self.resolver = ConflictResolverDialog(conflict, self)
        self.resolver.accepted.connect(self._save_resolution)
        self.resolver.open()
        return self.resolver

    def _save_resolution(self) -> None:
        dialog = self.resolver
        if dialog is None or dialog.choice is None:
            return
        try:
            sync.resolve_conflict(
                self.ctx, dialog.conflict.id, dialog.choice, dialog.merged_fields or None
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
        else:
            self.shell.status(f"Conflict over '{dialog.conflict.title}' opgelost.")
        self.refresh()


def create(ctx: AppContext, shell: Any) -> QWidget:
    return SyncArea(ctx, shell)
