"""Logging in: the login dialog, the first-run dialog (creates the administrator) and
the password change a new account must make. Called once at start-up by ``ui.app``.

An encrypted database (SQLCipher) is unlocked *before* it is opened: the unlock dialog
asks for user name and password, unwraps the database key with them, and the login that
follows uses the same typed credentials (no second question).

``ask_login`` and ``ask_first_run`` are module functions so that tests replace them.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.actor import Actor
from jeugdtoegang.errors import JeugdtoegangError

if TYPE_CHECKING:
    from jeugdtoegang.storage.database import Database

# This module is imported before the first window appears, so the core (SQLAlchemy, the
# models, pydantic) is imported where it is used: the login dialog paints without it.


def _auth() -> ModuleType:
    from jeugdtoegang.services import auth

    return auth


def _encryption() -> ModuleType:
    from jeugdtoegang.storage import encryption

    return encryption


def sqlite_path(url: str) -> Path | None:
    from jeugdtoegang.storage.engine import sqlite_path as path_of

    return path_of(url)


def resolve_database_url(db: str | None) -> str:
    from jeugdtoegang.storage.engine import resolve_database_url as resolve

    return resolve(db)


DEMO_FILE = "demo.sqlite"
DEMO_HINT = (
    "Demo: log in als c.jansen of m.elamrani (consulent), t.bakker (teamleider) of beheer "
    "(beheerder). Het wachtwoord is steeds: demo"
)


def _error_label() -> QLabel:
    label = QLabel("")
    label.setObjectName("login_message")
    label.setWordWrap(True)
    label.setStyleSheet("color: #b00020;")
    return label


def _password_field(name: str) -> QLineEdit:
    field = QLineEdit()
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    return field


OPENING_TEXT = "De database wordt geopend…"
WAITING_TEXT = "Even geduld: de database wordt nog geopend. U bent zo ingelogd."


class LoginDialog(QDialog):
    """User name and password; the error stays in the dialog (Dutch), no pop-ups.

    At start-up the dialog appears before the database is open (``database=None``): the
    user types while the program opens it in the background, and ``set_database`` hands it
    over. A click on Inloggen before that waits for it and then logs in.
    """

    def __init__(
        self, database: Database | None, parent: QWidget | None = None, *, preselect: str = "",
        demo: bool = False,
    ) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName("login_dialog")
        self.setWindowTitle("Jeugdtoegang — inloggen")
        self.database = database
        self.actor: Actor | None = None
        self._login_waiting = False
        self.status = QLabel("" if database is not None else OPENING_TEXT)
        self.status.setObjectName("login_status")
        self.status.setWordWrap(True)
        self.status.setStyleSheet("color: #555555;")
        self.status.setVisible(database is None)
        self.username_field = QLineEdit(preselect)
        self.username_field.setObjectName("username_field")
        self.password_field = _password_field("password_field")
        self.message = _error_label()
        form = QFormLayout()
        form.addRow("Gebruikersnaam", self.username_field)
        form.addRow("Wachtwoord", self.password_field)
        buttons = QDialogButtonBox()
        self.login_button = buttons.addButton("Inloggen", QDialogButtonBox.ButtonRole.AcceptRole)
        self.login_button.setObjectName("login_button")
        self.login_button.setDefault(True)
        cancel = buttons.addButton("Afsluiten", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel_button")
        cancel.setAutoDefault(False)  # Enter after tabbing never closes the program
        self.layout_box = QVBoxLayout(self)
        title = QLabel("<b>Inloggen bij Jeugdtoegang</b>")
        self.layout_box.addWidget(title)
        self.demo_hint: QLabel | None = None
        if demo:
            self._add_demo_hint()
        self.layout_box.addLayout(form)
        self.layout_box.addWidget(self.status)
        self.layout_box.addWidget(self.message)
        self.layout_box.addWidget(buttons)
        self.login_button.clicked.connect(self.try_login)
        cancel.clicked.connect(self.reject)
        (self.password_field if preselect else self.username_field).setFocus()
        self.resize(430, self.sizeHint().height())

    def _add_demo_hint(self) -> None:
        self.demo_hint = QLabel(DEMO_HINT)
        self.demo_hint.setObjectName("demo_hint")
        self.demo_hint.setWordWrap(True)
        self.layout_box.insertWidget(1, self.demo_hint)

    def set_database(self, database: Database) -> None:
        """The database is open: the login can go ahead (at once, if it was asked for)."""
        self.database = database
        self.status.setText("")
        self.status.setVisible(False)
        if self.demo_hint is None and is_demo_database(database):
            self._add_demo_hint()
            if not self.username_field.text():
                self.username_field.setText("c.jansen")
        if self._login_waiting:
            self._login_waiting = False
            self.login_button.setEnabled(True)
            self.try_login()

    def try_login(self) -> None:
        if self.database is None:  # still opening: log in as soon as it is open
            self._login_waiting = True
            self.login_button.setEnabled(False)
            self.status.setText(WAITING_TEXT)
            return
        try:
            actor = _auth().login(
                self.database, self.username_field.text(), self.password_field.text()
            )
        except JeugdtoegangError as error:
            self.message.setText(error.message)
            self.password_field.clear()
            self.password_field.setFocus()
            return
        if _auth().must_change_password(self.database, actor.username):
            changed = ask_new_password(
                self.database, actor.username, self.password_field.text(), self
            )
            if not changed:
                self.message.setText("Kies eerst een nieuw wachtwoord om verder te gaan.")
                return
        self.actor = actor
        self.accept()


class UnlockDialog(QDialog):
    """An encrypted database: user name and password unlock it before anything is read."""

    def __init__(self, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("unlock_dialog")
        self.setWindowTitle("Jeugdtoegang — inloggen")
        self.path = path
        self.credentials: tuple[str, str] | None = None
        self.username_field = QLineEdit()
        self.username_field.setObjectName("username_field")
        self.password_field = _password_field("password_field")
        self.message = _error_label()
        intro = QLabel(
            "Deze database is versleuteld. Uw gebruikersnaam en wachtwoord openen hem; "
            "zonder inloggen is niets te lezen."
        )
        intro.setObjectName("unlock_intro")
        intro.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Gebruikersnaam", self.username_field)
        form.addRow("Wachtwoord", self.password_field)
        buttons = QDialogButtonBox()
        self.unlock_button = buttons.addButton(
            "Ontgrendelen en inloggen", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.unlock_button.setObjectName("unlock_button")
        self.unlock_button.setDefault(True)
        cancel = buttons.addButton("Afsluiten", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setObjectName("cancel_button")
        cancel.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<b>Inloggen bij Jeugdtoegang</b>"))
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.unlock_button.clicked.connect(self.try_unlock)
        cancel.clicked.connect(self.reject)
        self.username_field.setFocus()
        self.resize(430, self.sizeHint().height())

    def try_unlock(self) -> None:
        username, password = self.username_field.text().strip(), self.password_field.text()
        try:
            _encryption().unlock_with_password(self.path, username, password)
        except JeugdtoegangError as error:
            self.message.setText(error.message)
            self.password_field.clear()
            self.password_field.setFocus()
            return
        self.credentials = (username, password)
        self.accept()


#: credentials that unlocked a database (by path), used once for the login that follows
_unlocked_with: dict[str, tuple[str, str]] = {}


def ask_unlock(path: Path, parent: QWidget | None = None) -> tuple[str, str] | None:
    dialog = UnlockDialog(path, parent)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.exec()
    return dialog.credentials


def ensure_unlocked(db: str | None, parent: QWidget | None = None) -> bool:
    """Before an encrypted database is opened: unlock it (False when the user stops)."""
    path = sqlite_path(resolve_database_url(db))
    if path is None or not _encryption().is_encrypted(path):
        return True
    if _encryption().unlocked_key(path) is not None:
        return True
    if not _encryption().KeyFile.load(_encryption().key_file_for(path)).users:
        raise JeugdtoegangError(
            "Deze versleutelde database heeft nog geen accounts. Maak eerst de beheerder aan "
            "met 'jeugdtoegang users add NAAM --name \"Volledige naam\"' (die vraagt om de "
            "herstelsleutel); daarna opent het programma hem met gebruikersnaam en wachtwoord."
        )
    credentials = ask_unlock(path, parent)
    if credentials is None:
        return False
    _unlocked_with[str(path.resolve())] = credentials
    return True


def _login_after_unlock(
    database: Database, credentials: tuple[str, str], parent: QWidget | None
) -> Actor | None:
    username, password = credentials
    try:
        actor = _auth().login(database, username, password)
    except JeugdtoegangError:
        return ask_login(database, parent)  # e.g. locked: the login dialog explains
    if _auth().must_change_password(database, actor.username) and not ask_new_password(
        database, actor.username, password, parent
    ):
        return None
    return actor


class NewPasswordDialog(QDialog):
    """A new account (or a reset password) must get a password of the user's own."""

    def __init__(
        self, database: Database, username: str, current: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("new_password_dialog")
        self.setWindowTitle("Nieuw wachtwoord kiezen")
        self.database, self.username, self.current = database, username, current
        self.new_field = _password_field("new_password_field")
        self.repeat_field = _password_field("repeat_password_field")
        self.message = _error_label()
        form = QFormLayout()
        form.addRow("Nieuw wachtwoord", self.new_field)
        form.addRow("Herhaal", self.repeat_field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(f"Kies een eigen wachtwoord (minstens {_auth().MIN_PASSWORD_LENGTH} tekens).")
        )
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def save(self) -> None:
        if self.new_field.text() != self.repeat_field.text():
            self.message.setText("De wachtwoorden zijn niet gelijk.")
            return
        try:
            _auth().change_password(
                self.database, self.username, self.current, self.new_field.text()
            )
        except JeugdtoegangError as error:
            self.message.setText(error.message)
            return
        self.accept()


class FirstRunDialog(QDialog):
    """No accounts yet: create the functional administrator (beheerder)."""

    def __init__(self, database: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("first_run_dialog")
        self.setWindowTitle("Jeugdtoegang — eerste gebruiker")
        self.database = database
        self.actor: Actor | None = None
        intro = QLabel(
            "Deze database heeft nog geen gebruikers. Maak eerst het account van de "
            "functioneel beheerder aan. De beheerder maakt daarna de accounts van consulenten "
            "en teamleiders."
        )
        intro.setWordWrap(True)
        self.username_field = QLineEdit()
        self.username_field.setObjectName("username_field")
        self.name_field = QLineEdit()
        self.name_field.setObjectName("display_name_field")
        self.password_field = _password_field("password_field")
        self.repeat_field = _password_field("repeat_password_field")
        self.message = _error_label()
        form = QFormLayout()
        form.addRow("Gebruikersnaam", self.username_field)
        form.addRow("Volledige naam", self.name_field)
        form.addRow("Wachtwoord", self.password_field)
        form.addRow("Herhaal wachtwoord", self.repeat_field)
        buttons = QDialogButtonBox()
        self.create_button = buttons.addButton(
            "Beheerder aanmaken", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.create_button.setObjectName("create_admin_button")
        cancel = buttons.addButton("Afsluiten", QDialogButtonBox.ButtonRole.RejectRole)
        cancel.setAutoDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.create_button.clicked.connect(self.create)
        cancel.clicked.connect(self.reject)
        self.resize(460, self.sizeHint().height())

    def create(self) -> None:
        if self.password_field.text() != self.repeat_field.text():
            self.message.setText("De wachtwoorden zijn niet gelijk.")
            return
        try:
            self.actor = _auth().create_first_administrator(
                self.database,
                self.username_field.text(),
                self.name_field.text(),
                self.password_field.text(),
            )
        except JeugdtoegangError as error:
            self.message.setText(error.message)
            return
        self.accept()


def is_demo_database(database: Database) -> bool:
    path = sqlite_path(database.url)
    return path is not None and path.name == DEMO_FILE


def ask_new_password(
    database: Database, username: str, current: str, parent: QWidget | None
) -> bool:
    dialog = NewPasswordDialog(database, username, current, parent)
    return dialog.exec() == QDialog.DialogCode.Accepted


def ask_login(database: Database, parent: QWidget | None = None) -> Actor | None:
    demo = is_demo_database(database)
    dialog = LoginDialog(database, parent, preselect="c.jansen" if demo else "", demo=demo)
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.exec()
    return dialog.actor


def ask_first_run(database: Database, parent: QWidget | None = None) -> Actor | None:
    dialog = FirstRunDialog(database, parent)
    dialog.exec()
    return dialog.actor


def obtain_actor(database: Database, parent: QWidget | None = None) -> Actor | None:
    """The acting user for this session, or None when the user cancels the login.

    A database without accounts first gets its administrator (first run); otherwise the
    login dialog asks for user name and password (rate-limited and logged by the core).
    """
    if not _auth().has_users(database):
        return ask_first_run(database, parent)
    path = sqlite_path(database.url)
    credentials = _unlocked_with.pop(str(path.resolve()), None) if path is not None else None
    if credentials is not None and database.encrypted:
        return _login_after_unlock(database, credentials, parent)
    return ask_login(database, parent)
