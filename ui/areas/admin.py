"""Area "Beheer" (functioneel beheerder): users, the audit log, chain check, inzage.

Each tab is shown only with the permission behind it; the core checks again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from PySide6.QtCore import QDate, QModelIndex
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.actor import Role
from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.domain.wording import plural
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import audit, auth
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.inzage import PersonMatch, find_person, write_inzage
from ui import dialogs
from ui.dossier.log_tab import COLUMNS as LOG_COLUMNS
from ui.dossier.log_tab import LogPagesModel
from ui.models.rows import RowsModel

ROLE_CHOICES = (Role.CONSULENT, Role.TEAMLEIDER, Role.BEHEERDER)


def _table(name: str, model: RowsModel, stretch: int) -> QTableView:  # type: ignore[type-arg]
    table = QTableView()
    table.setObjectName(name)
    table.setModel(model)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
    header = table.horizontalHeader()
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    for column in range(model.columnCount()):  # every column title readable (issue 16)
        header.resizeSection(
            column, max(header.sectionSize(column), header.sectionSizeHint(column))
        )
    return table


class UsersTab(QWidget):
    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("users_tab")
        self.ctx, self.shell = ctx, shell
        self.model: RowsModel[auth.UserView] = RowsModel(
            [
                ("Gebruikersnaam", lambda u: u.username),
                ("Naam", lambda u: u.display_name),
                ("Rollen", lambda u: u.roles_text),
                ("Team", lambda u: u.team or ""),
                ("Gemeente", lambda u: u.municipality or ""),
                ("Status", lambda u: "actief" if u.active else "uitgeschakeld"),
            ],
            self,
        )
        self.table = _table("users_table", self.model, 1)
        self.username_field = QLineEdit()
        self.username_field.setObjectName("new_username_field")
        self.name_field = QLineEdit()
        self.name_field.setObjectName("new_name_field")
        self.team_field = QLineEdit(ctx.database.info().team_name or "")
        self.team_field.setObjectName("new_team_field")
        self.municipality_field = QComboBox()
        self.municipality_field.setObjectName("new_municipality_field")
        self.municipality_field.addItem("—", None)
        for name in ctx.profile.municipality_names:
            self.municipality_field.addItem(name, name)
        self.role_boxes = {role: QCheckBox(role.label) for role in ROLE_CHOICES}
        for role, box in self.role_boxes.items():
            box.setObjectName(f"role_{role.value}")
        self.password_field = QLineEdit()
        self.password_field.setObjectName("new_password_field")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_field.setPlaceholderText("tijdelijk; wijzigen bij eerste keer inloggen")
        roles = QHBoxLayout()
        for box in self.role_boxes.values():
            roles.addWidget(box)
        form = QFormLayout()
        form.addRow("Gebruikersnaam", self.username_field)
        form.addRow("Naam", self.name_field)
        form.addRow("Rollen", roles)
        form.addRow("Team", self.team_field)
        form.addRow("Gemeente", self.municipality_field)
        form.addRow("Tijdelijk wachtwoord", self.password_field)
        self.add_button = QPushButton("Gebruiker toevoegen")
        self.add_button.setObjectName("add_user_button")
        self.reset_button = QPushButton("Tijdelijk wachtwoord geven…")
        self.reset_button.setObjectName("reset_password_button")
        self.toggle_button = QPushButton("In-/uitschakelen")
        self.toggle_button.setObjectName("toggle_active_button")
        box = QGroupBox("Nieuwe gebruiker")
        box_layout = QVBoxLayout(box)
        box_layout.addLayout(form)
        box_layout.addWidget(self.add_button)
        actions = QHBoxLayout()
        actions.addWidget(self.reset_button)
        actions.addWidget(self.toggle_button)
        actions.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addLayout(actions)
        layout.addWidget(box)
        self.add_button.clicked.connect(self.add_user)
        self.reset_button.clicked.connect(self.reset_password)
        self.toggle_button.clicked.connect(self.toggle_active)
        self.refresh()

    def refresh(self) -> None:
        try:
            self.model.set_rows(auth.list_users(self.ctx))
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]

    def _selected(self) -> auth.UserView | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def add_user(self) -> None:
        data = auth.UserInput(
            self.username_field.text(),
            self.name_field.text(),
            tuple(role for role, box in self.role_boxes.items() if box.isChecked()),
            self.team_field.text(),
            self.municipality_field.currentData(),
            self.password_field.text(),
        )
        try:
            user = auth.create_user(self.ctx, data)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        for field in (self.username_field, self.name_field, self.password_field):
            field.clear()
        self.shell.status(f"Gebruiker {user.username} toegevoegd")  # type: ignore[attr-defined]
        self.refresh()

    def reset_password(self) -> None:
        user = self._selected()
        if user is None:
            return
        password = dialogs.ask_text(
            self, "Tijdelijk wachtwoord", f"Tijdelijk wachtwoord voor {user.username}:"
        )
        if not password:
            return
        try:
            auth.reset_password(self.ctx, user.username, password)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        self.refresh()

    def toggle_active(self) -> None:
        user = self._selected()
        if user is None:
            return
        try:
            auth.set_user_active(self.ctx, user.username, not user.active)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        self.refresh()


def _optional_date(name: str) -> tuple[QCheckBox, QDateEdit]:
    check = QCheckBox()
    check.setObjectName(f"{name}_enabled")
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd-MM-yyyy")
    edit.setEnabled(False)
    check.toggled.connect(edit.setEnabled)
    return check, edit


#: search results per page; scrolling to the end or "Meer tonen" loads the next, older page
SEARCH_PAGE = 200


class AuditTab(QWidget):
    """Search the log (page by page, newest first), verify the chain, see the retention date."""

    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("audit_tab")
        self.ctx, self.shell = ctx, shell
        self.user_field = QLineEdit()
        self.user_field.setObjectName("search_user_field")
        self.action_field = QComboBox()
        self.action_field.setObjectName("search_action_field")
        self.action_field.addItem("alle handelingen", None)
        for code, label in audit.ACTION_LABELS.items():
            self.action_field.addItem(label, code)
        self.outcome_field = QComboBox()
        self.outcome_field.setObjectName("search_outcome_field")
        for label, value in (("alle", None), ("uitgevoerd", "ok"), ("geweigerd", "geweigerd")):
            self.outcome_field.addItem(label, value)
        self.person_field = QLineEdit()
        self.person_field.setObjectName("search_person_field")
        self.person_field.setPlaceholderText("persoon-id (uit de inzage-zoekfunctie)")
        today = ctx.today()
        self.since_check, self.since_edit = _optional_date("search_since")
        self.until_check, self.until_edit = _optional_date("search_until")
        self.since_edit.setDate(QDate(today.year, today.month, 1))
        self.until_edit.setDate(QDate(today.year, today.month, today.day))
        since_row, until_row = QHBoxLayout(), QHBoxLayout()
        since_row.addWidget(self.since_check)
        since_row.addWidget(self.since_edit, 1)
        until_row.addWidget(self.until_check)
        until_row.addWidget(self.until_edit, 1)
        form = QFormLayout()
        form.addRow("Gebruiker", self.user_field)
        form.addRow("Handeling", self.action_field)
        form.addRow("Resultaat", self.outcome_field)
        form.addRow("Persoon", self.person_field)
        form.addRow("Vanaf", since_row)
        form.addRow("Tot en met", until_row)
        self.search_button = QPushButton("Zoeken")
        self.search_button.setObjectName("audit_search_button")
        self.verify_button = QPushButton("Logboek controleren")
        self.verify_button.setObjectName("verify_button")
        self.verify_label = QLabel("")
        self.verify_label.setObjectName("verify_result")
        self.verify_label.setWordWrap(True)
        self.retention_label = QLabel(
            f"Bewaartermijn: {audit.retention_years(ctx)} jaar (Jeugdwet art. 7.3.8, "
            f"instelling van de regio). Gegevens en logregels van vóór "
            f"{audit.retention_cutoff(ctx):%d-%m-%Y} zijn verlopen."
        )
        self.retention_label.setObjectName("retention_label")
        self.retention_label.setWordWrap(True)
        self._searched: audit.AuditQuery | None = None
        self.model = LogPagesModel(LOG_COLUMNS, self._older, self)
        self.table = _table("audit_results", self.model, 5)
        self.count_label = QLabel("")
        self.count_label.setObjectName("audit_count")
        self.more_button = QPushButton("Meer tonen")
        self.more_button.setObjectName("audit_more_button")
        self.more_button.setEnabled(False)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.search_button)
        check_box = QGroupBox("Controle")
        check_layout = QVBoxLayout(check_box)
        check_layout.addWidget(self.verify_button)
        check_layout.addWidget(self.verify_label)
        check_layout.addWidget(self.retention_label)
        left.addWidget(check_box)
        left.addStretch(1)
        right = QVBoxLayout()
        counts = QHBoxLayout()
        counts.addWidget(self.count_label)
        counts.addStretch(1)
        counts.addWidget(self.more_button)
        right.addLayout(counts)
        right.addWidget(self.table, 1)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 2)
        layout.addLayout(right, 5)
        self.search_button.clicked.connect(self.search)
        self.verify_button.clicked.connect(self.verify)
        self.more_button.clicked.connect(lambda: self.model.fetchMore(QModelIndex()))
        self.model.rowsInserted.connect(lambda *_: self._show_count())

    def _query(self) -> audit.AuditQuery:
        import uuid

        person = self.person_field.text().strip()
        since = self.since_edit.date().toPython() if self.since_check.isChecked() else None
        until = self.until_edit.date().toPython() if self.until_check.isChecked() else None
        return audit.AuditQuery(
            person_id=uuid.UUID(person) if person else None,
            username=self.user_field.text().strip() or None,
            action=self.action_field.currentData(),
            outcome=self.outcome_field.currentData(),
            since=since if isinstance(since, date) else None,
            until=until if isinstance(until, date) else None,
        )

    def search(self) -> None:
        try:
            query = self._query()
        except ValueError:
            self.shell.show_error("Het persoon-id is niet geldig.")  # type: ignore[attr-defined]
            return
        self._searched = query
        page = self._page(None)
        if page is None:
            return
        self.model.show_first(page)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(5, QHeaderView.ResizeMode.Stretch)
        self._show_count()

    def _page(self, before: int | None) -> audit.LogPage | None:
        """The page of the last search older than entry ``before`` (one more entry is
        asked for, to know whether there are older ones)."""
        if self._searched is None:
            return None
        query = replace(self._searched, limit=SEARCH_PAGE + 1, before=before)
        try:
            entries = audit.search_audit(self.ctx, query)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return None
        return audit.LogPage(tuple(entries[:SEARCH_PAGE]), len(entries) > SEARCH_PAGE)

    def _older(self, before: int) -> audit.LogPage | None:
        return self._page(before)

    def _show_count(self) -> None:
        shown = self.model.rowCount()
        more = self.model.canFetchMore(QModelIndex())
        self.more_button.setEnabled(more)
        older = ", er zijn oudere" if more else ""
        lines = plural(shown, "logregel", "logregels")
        self.count_label.setText(f"{lines} gevonden (nieuwste eerst){older}")

    def verify(self) -> None:
        self.verify_label.setText("Bezig met controleren…")

        def done(result: audit.VerifyResult) -> None:
            colour = "#1b6e20" if result.ok else "#b00020"
            self.verify_label.setText(f"<span style='color:{colour}'>{result.message}</span>")

        self.shell.run_task(  # type: ignore[attr-defined]
            "Logboek controleren", lambda token: audit.verify_chain_task(self.ctx, cancel=token),
            done,
        )  # fmt: skip


class InzageTab(QWidget):
    """Find the person by BSN, then save everything about them as PDF or JSON."""

    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("inzage_tab")
        self.ctx, self.shell = ctx, shell
        intro = QLabel(
            "Inzageverzoek (AVG art. 15): zoek de persoon op BSN en sla alle gegevens en "
            "logregels over deze persoon op als leesbare PDF of als JSON."
        )
        intro.setWordWrap(True)
        self.bsn_field = QLineEdit()
        self.bsn_field.setObjectName("inzage_bsn_field")
        self.find_button = QPushButton("Zoeken")
        self.find_button.setObjectName("inzage_find_button")
        self.model: RowsModel[PersonMatch] = RowsModel(
            [
                ("Naam", lambda p: p.name),
                ("Geboortedatum", lambda p: p.birth_date),
                ("Dossier", lambda p: p.dossier_number),
                ("Persoon-id", lambda p: p.id),
            ],
            self,
        )
        self.table = _table("inzage_people", self.model, 3)
        self.pdf_button = QPushButton("Opslaan als PDF…")
        self.pdf_button.setObjectName("inzage_pdf_button")
        self.json_button = QPushButton("Opslaan als JSON…")
        self.json_button.setObjectName("inzage_json_button")
        row = QHBoxLayout()
        row.addWidget(QLabel("BSN"))
        row.addWidget(self.bsn_field, 1)
        row.addWidget(self.find_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.json_button)
        buttons.addWidget(self.pdf_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        self.find_button.clicked.connect(self.find)
        self.bsn_field.returnPressed.connect(self.find)
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.json_button.clicked.connect(lambda: self.save("json"))

    def find(self) -> None:
        try:
            self.model.set_rows(find_person(self.ctx, self.bsn_field.text()))
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        if self.model.rowCount():
            self.table.selectRow(0)
        else:
            self.shell.status("Geen persoon met dit BSN gevonden.")  # type: ignore[attr-defined]

    def save(self, kind: str) -> None:
        rows = self.table.selectionModel().selectedRows()
        person = self.model.row_at(rows[0].row()) if rows else None
        if person is None:
            self.shell.show_error("Zoek en kies eerst de persoon.")  # type: ignore[attr-defined]
            return
        target = dialogs.choose_save_file(
            self,
            "Inzage opslaan",
            f"inzage.{kind}",
            "PDF (*.pdf)" if kind == "pdf" else "JSON (*.json)",
        )
        if target is None:
            return
        if target.suffix.lower() != f".{kind}":
            target = target.with_suffix(f".{kind}")
        try:
            write_inzage(self.ctx, person.id, target)
        except JeugdtoegangError as error:
            self.shell.show_error(error.message)  # type: ignore[attr-defined]
            return
        self.shell.status(f"Inzage opgeslagen: {target.name}")  # type: ignore[attr-defined]


class AdminArea(QWidget):
    def __init__(self, ctx: AppContext, shell: object) -> None:
        super().__init__()
        self.setObjectName("admin_area")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("admin_tabs")
        self.users_tab: UsersTab | None = None
        self.audit_tab: AuditTab | None = None
        self.inzage_tab: InzageTab | None = None
        if can(ctx.actor, Permission.USERS_MANAGE):
            self.users_tab = UsersTab(ctx, shell)
            self.tabs.addTab(self.users_tab, "Gebruikers")
        if can(ctx.actor, Permission.AUDIT_READ):
            self.audit_tab = AuditTab(ctx, shell)
            self.tabs.addTab(self.audit_tab, "Logboek")
        if can(ctx.actor, Permission.EXPORT):
            self.inzage_tab = InzageTab(ctx, shell)
            self.tabs.addTab(self.inzage_tab, "Inzageverzoek")
        self.setup_tab: QWidget | None = None
        if can(ctx.actor, Permission.CATALOGUE_MANAGE):  # issue 13: the region setup
            from ui.areas.setup_admin import SetupTab

            self.setup_tab = SetupTab(ctx, shell)
            self.tabs.addTab(self.setup_tab, "Inrichting")
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Beheer</h2>"))
        if self.tabs.count():
            layout.addWidget(self.tabs, 1)
        else:
            note = QLabel(
                "Beheer is voor de functioneel beheerder: gebruikers, het logboek en "
                "inzageverzoeken. Uw rol geeft hier geen toegang."
            )
            note.setObjectName("admin_no_access")
            note.setWordWrap(True)
            layout.addWidget(note)
            layout.addStretch(1)

    def refresh(self) -> None:
        if self.users_tab is not None:
            self.users_tab.refresh()


def create(ctx: AppContext, shell: object) -> QWidget:
    return AdminArea(ctx, shell)
