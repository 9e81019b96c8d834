"""The 'Beveiliging' panel of the Synchronisatie area: what is missing, and setting it up.

Shows whether the team key is set, this workstation's fingerprint, whether it is enrolled,
and lets the beheerder make or enter the team key (shown once; never on a command line),
enrol a workstation from its request file (fingerprint shown to compare) and trust the
office's first bundle on a new workstation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtWidgets import (
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.authz import Permission, can
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import sync, workstations
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.sync import keys
from ui import dialogs

REQUEST_FILTER = "Aanvraag werkplek (*.jtwerkplek *.json);;Alle bestanden (*)"
BUNDLE_FILTER = "Synchronisatiebundel (*.jtsync);;Alle bestanden (*)"


def ask_secret(parent: QWidget | None, title: str, label: str) -> str | None:
    """Ask for a secret with hidden input (tests replace this function)."""
    text, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Password)
    return text if ok else None


def _team_key_state() -> tuple[bool, str]:
    try:
        key = keys.load_key()
    except JeugdtoegangError:
        return False, "ontbreekt — zonder teamsleutel kan deze werkplek niet uitwisselen"
    return True, f"ingesteld (kenmerk {keys.key_id(key)[:8]})"


class TrustPanel(QGroupBox):
    """Status and set-up of keys and enrolment."""

    def __init__(self, ctx: AppContext, shell: Any) -> None:
        super().__init__("Beveiliging van de uitwisseling")
        self.setObjectName("sync_trust_panel")
        self.ctx = ctx
        self.shell = shell
        self.is_admin = can(ctx.actor, Permission.USERS_MANAGE)
        layout = QVBoxLayout(self)
        grid = QGridLayout()
        self.key_label = QLabel()
        self.key_label.setObjectName("team_key_status")
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setObjectName("own_fingerprint")
        self.enrolled_label = QLabel()
        self.enrolled_label.setObjectName("enrolment_status")
        self.missing_label = QLabel()
        self.missing_label.setObjectName("missing_setup")
        self.missing_label.setWordWrap(True)
        for row, (title, widget) in enumerate(
            (
                ("Teamsleutel:", self.key_label),
                ("Vingerafdruk van deze werkplek:", self.fingerprint_label),
                ("Ingeschreven:", self.enrolled_label),
            )
        ):
            grid.addWidget(QLabel(title), row, 0)
            grid.addWidget(widget, row, 1)
        grid.setColumnStretch(1, 1)
        layout.addLayout(grid)
        layout.addWidget(self.missing_label)

        buttons = QHBoxLayout()
        self.make_key_button = QPushButton("Teamsleutel maken…")
        self.make_key_button.setObjectName("make_team_key_button")
        self.make_key_button.clicked.connect(lambda: self.make_key())
        self.enter_key_button = QPushButton("Teamsleutel invoeren…")
        self.enter_key_button.setObjectName("enter_team_key_button")
        self.enter_key_button.clicked.connect(lambda: self.enter_key())
        self.request_button = QPushButton("Aanvraag voor inschrijving…")
        self.request_button.setObjectName("write_request_button")
        self.request_button.clicked.connect(lambda: self.write_request())
        self.enrol_button = QPushButton("Werkplek inschrijven…")
        self.enrol_button.setObjectName("enrol_button")
        self.enrol_button.clicked.connect(lambda: self.enrol())
        self.trust_button = QPushButton("Eerste bundel van kantoor…")
        self.trust_button.setObjectName("trust_office_button")
        self.trust_button.clicked.connect(lambda: self.trust_office())
        for button in (
            self.make_key_button,
            self.enter_key_button,
            self.request_button,
            self.enrol_button,
            self.trust_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        for button in (self.make_key_button, self.enrol_button, self.trust_button):
            button.setEnabled(self.is_admin)
            if not self.is_admin:
                button.setToolTip("Alleen de functioneel beheerder")
        self.refresh()

    def refresh(self) -> None:
        missing = []
        has_key, key_text = _team_key_state()
        self.key_label.setText(key_text)
        if not has_key:
            missing.append("de teamsleutel (vraag de beheerder)")
        try:
            me = workstations.own_identity(self.ctx)
            enrolled = {w.database_id: w for w in workstations.list_workstations(self.ctx)}
        except JeugdtoegangError as error:
            self.fingerprint_label.setText(error.message)
            return
        self.fingerprint_label.setText(me.fingerprint)
        row = enrolled.get(me.database_id)
        if row is None:
            self.enrolled_label.setText("nee")
            missing.append(
                "de inschrijving van deze werkplek (maak een aanvraag voor de beheerder)"
            )
        elif row.status != "actief":
            self.enrolled_label.setText("ingetrokken")
            missing.append("een geldige inschrijving: deze werkplek is ingetrokken")
        else:
            roles = ", ".join(row.roles)
            self.enrolled_label.setText(f"ja, als {row.kind} (werk van: {roles})")
        self.missing_label.setText(
            "Nog nodig: " + "; ".join(missing) + "." if missing else "Alles is ingesteld."
        )

    def make_key(self) -> str | None:
        if not dialogs.confirm(
            self,
            "Nieuwe teamsleutel",
            "Een nieuwe teamsleutel vervangt de huidige op deze computer. Bundels met de "
            "oude sleutel kunnen dan niet meer worden gelezen. Doorgaan?",
        ):
            return None
        key = keys.generate_key()
        keys.set_key(key)
        dialogs.show_info(
            self,
            "De nieuwe teamsleutel (wordt maar één keer getoond; geef hem veilig door aan "
            f"elke werkplek):\n\n{key}\n\nKenmerk: {keys.key_id(key.encode())[:8]}",
            "Teamsleutel",
        )
        self.refresh()
        return key

    def enter_key(self) -> None:
        value = ask_secret(self, "Teamsleutel invoeren", "Teamsleutel van de beheerder:")
        if not value:
            return
        try:
            keys.set_key(value)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status("Teamsleutel ingesteld.")
        self.refresh()

    def write_request(self) -> None:
        path = dialogs.choose_save_file(
            self, "Aanvraag opslaan", "werkplek.jtwerkplek", REQUEST_FILTER
        )
        if path is None:
            return
        me = workstations.write_request(self.ctx, Path(path))
        dialogs.show_info(
            self,
            f"Aanvraag opgeslagen. Vingerafdruk van deze werkplek:\n\n{me.fingerprint}\n\n"
            "De beheerder moet bij het inschrijven precies deze vingerafdruk zien.",
            "Aanvraag",
        )

    def enrol(self) -> None:
        path = dialogs.choose_open_file(self, "Aanvraag van een werkplek", REQUEST_FILTER)
        if path is None:
            return
        try:
            request = workstations.read_request(path)
            if not dialogs.confirm(
                self,
                "Werkplek inschrijven",
                f"Werkplek '{request.name}' inschrijven voor consulentenwerk?\n\n"
                f"Vingerafdruk: {request.fingerprint}\n\nVergelijk deze met wat de werkplek "
                "zelf toont. Schrijf alleen in als ze precies gelijk zijn.",
            ):
                return
            view = workstations.enrol(self.ctx, request)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.shell.status(f"Werkplek '{view.name}' ingeschreven.")
        self.refresh()

    def trust_office(self) -> None:
        path = dialogs.choose_open_file(self, "Eerste bundel van kantoor", BUNDLE_FILTER)
        if path is None:
            return
        fingerprint = dialogs.ask_text(
            self, "Vingerafdruk van kantoor", "De vingerafdruk die het kantoor toont:"
        )
        if not fingerprint:
            return

        def done(result: sync.ImportResult) -> None:
            self.refresh()
            dialogs.show_info(
                self, f"Bundel van kantoor ingelezen: {result.applied} overgenomen.", "Klaar"
            )

        self.shell.run_task(
            "Bundel van kantoor inlezen",
            lambda cancel: sync.import_bundle_task(
                self.ctx, Path(path), cancel, trust_fingerprint=fingerprint
            ),
            done,
        )
