"""'Over Jeugdtoegang': version, where the data and the logs are, and the bundled licences.

IT and a functioneel beheerder use this dialog to answer "which version is this, which
database is it using, where is the log file, and under which licences is it shipped".
"""

from __future__ import annotations

import platform
import tomllib
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang import __version__
from jeugdtoegang.paths import resource_path, user_data_dir

# The icon is needed before the first window (the login) appears; the rest of this module's
# core imports (SQLAlchemy, settings) happen when the dialog is opened (fast start-up).

#: QSettings organisation of the GUI (set on the application at start-up)
ORGANISATION = "jeugdtoegang"
ICON_SIZES = (16, 32, 48, 64, 128, 256)


@dataclass(frozen=True)
class Component:
    """One bundled component and its licence."""

    name: str
    version: str
    licence: str
    url: str


def app_icon() -> QIcon:
    """The application's icon in every size that is shipped."""
    icon = QIcon()
    for size in ICON_SIZES:
        path = resource_path("icons", f"jeugdtoegang-{size}.png")
        if path.exists():
            icon.addFile(str(path))
    return icon


def bundled_components() -> list[Component]:
    """The components of ``resources/licences.toml`` with their installed versions."""
    from importlib import metadata

    data = tomllib.loads(resource_path("licences.toml").read_text(encoding="utf-8"))
    components = []
    for entry in data.get("component", []):
        version = platform.python_version() if entry["name"] == "Python" else "–"
        if entry.get("dist"):
            try:
                version = metadata.version(entry["dist"])
            except metadata.PackageNotFoundError:
                version = "–"
        components.append(Component(entry["name"], version, entry["licence"], entry["url"]))
    return components


def database_location(url: str) -> str:
    """The database as a person can find it: the file, or server and database (no password)."""
    from sqlalchemy.engine import make_url

    from jeugdtoegang.storage.engine import sqlite_path

    path = sqlite_path(url)
    if path is not None:
        return str(path)
    parsed = make_url(url)
    host = parsed.host or "localhost"
    port = f":{parsed.port}" if parsed.port else ""
    return f"{parsed.get_backend_name()}-server {host}{port}, database {parsed.database or '?'}"


class AboutDialog(QDialog):
    """Version, database, folders, settings files and the licence table."""

    def __init__(self, database_url: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle("Over Jeugdtoegang")
        self.setAccessibleName("Over Jeugdtoegang")
        logo = QLabel()
        logo.setPixmap(QPixmap(str(resource_path("icons", "jeugdtoegang-64.png"))))
        logo.setAccessibleName("Pictogram van Jeugdtoegang")
        title = QLabel(
            f"<b>Jeugdtoegang {__version__}</b><br>Werkplek voor lokale toegangsteams jeugdhulp"
        )
        title.setObjectName("about_title")
        header = QHBoxLayout()
        header.addWidget(logo)
        header.addWidget(title, 1)

        from jeugdtoegang.applog import log_folder
        from jeugdtoegang.settings import load_settings

        settings = load_settings()
        form = QFormLayout()
        self.fields: dict[str, QLabel] = {}
        rows = (
            ("version", "Versie", __version__),
            ("database", "Database", database_location(database_url)),
            ("data_folder", "Gegevensmap", str(user_data_dir())),
            ("log_folder", "Logbestanden", str(log_folder())),
            (
                "machine_settings",
                "Instellingen (computer)",
                str(settings.machine_file) if settings.machine_file else "geen",
            ),
            (
                "user_settings",
                "Instellingen (gebruiker)",
                str(settings.user_file) if settings.user_file else "geen",
            ),
        )
        for key, label, value in rows:
            field = QLabel(value)
            field.setObjectName(f"about_{key}")
            field.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            field.setWordWrap(True)
            field.setAccessibleName(label)
            form.addRow(label, field)
            self.fields[key] = field

        components = bundled_components()
        self.licence_table = QTableWidget(len(components), 3)
        self.licence_table.setObjectName("licence_table")
        self.licence_table.setAccessibleName("Onderdelen en licenties")
        self.licence_table.setHorizontalHeaderLabels(["Onderdeel", "Versie", "Licentie"])
        self.licence_table.verticalHeader().setVisible(False)
        self.licence_table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, component in enumerate(components):
            for column, text in enumerate((component.name, component.version, component.licence)):
                item = QTableWidgetItem(text)
                item.setToolTip(component.url)
                self.licence_table.setItem(row, column, item)
        header_view = self.licence_table.horizontalHeader()
        header_view.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header_view.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.licence_table.setWordWrap(True)
        self.licence_table.resizeRowsToContents()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText("Sluiten")
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addLayout(form)
        layout.addWidget(QLabel("Onderdelen in dit pakket en hun licenties:"))
        layout.addWidget(self.licence_table, 1)
        note = QLabel(
            "De licentieteksten staan in de map met programmabestanden "
            "(onder resources/ en bij de Qt-bibliotheken)."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(760, 620)
