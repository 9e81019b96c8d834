"""The first start of an empty database: open the demo, or start a new empty database for
the team (region, optional municipality, team name)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from jeugdtoegang.regions import RegionProfile

#: the region offered first, and the demo's
DEMO_REGION = "zuidoost-utrecht"


def load_all_profiles() -> dict[str, RegionProfile]:
    from jeugdtoegang.regions import load_all_profiles as load_all

    return load_all()


@dataclass(frozen=True)
class StartChoice:
    """What to do with a database that has no region yet."""

    demo: bool
    region: str
    municipality: str | None = None
    team_name: str | None = None


class StartDialog(QDialog):
    """'Demo openen' or 'Nieuwe lege database' (region, optional municipality, team)."""

    def __init__(self, profiles: dict[str, RegionProfile], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("start_dialog")
        self.setWindowTitle("Jeugdtoegang — eerste start")
        self.profiles = profiles
        self.choice: StartChoice | None = None
        intro = QLabel(
            "Deze database is nog leeg. Kies de regio en open de demo met verzonnen "
            "gezinnen, of begin met een nieuwe, lege database voor uw team."
        )
        intro.setWordWrap(True)
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("region_field")
        for slug, profile in profiles.items():
            self.region_combo.addItem(profile.name, slug)
        default = self.region_combo.findData(DEMO_REGION)
        self.region_combo.setCurrentIndex(max(default, 0))
        self.municipality_combo = QComboBox()
        self.municipality_combo.setObjectName("municipality_field")
        self.team_field = QLineEdit()
        self.team_field.setObjectName("team_field")
        form = QFormLayout()
        form.addRow("Regio", self.region_combo)
        form.addRow("Gemeente (mag leeg)", self.municipality_combo)
        form.addRow("Naam van het team", self.team_field)
        self.demo_button = QPushButton("Demo openen")
        self.demo_button.setObjectName("demo_button")
        self.new_button = QPushButton("Nieuwe lege database")
        self.new_button.setObjectName("new_database_button")
        self.cancel_button = QPushButton("Afsluiten")
        self.cancel_button.setObjectName("cancel_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.cancel_button)
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.demo_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addLayout(buttons)
        self.region_combo.currentIndexChanged.connect(self._region_changed)
        self.demo_button.clicked.connect(lambda: self._choose(demo=True))
        self.new_button.clicked.connect(lambda: self._choose(demo=False))
        self.cancel_button.clicked.connect(self.reject)
        self._region_changed()
        self.resize(520, self.sizeHint().height())

    def _region_changed(self, _index: int = 0) -> None:
        profile = self.profiles.get(self.region_combo.currentData())
        self.municipality_combo.clear()
        self.municipality_combo.addItem("— hele regio —", None)
        if profile is not None:
            for municipality in profile.municipalities:
                self.municipality_combo.addItem(municipality.name, municipality.name)
            self.team_field.setText(profile.team_name_default)

    def _choose(self, *, demo: bool) -> None:
        self.choice = StartChoice(
            demo=demo,
            region=self.region_combo.currentData(),
            municipality=self.municipality_combo.currentData(),
            team_name=self.team_field.text().strip() or None,
        )
        self.accept()


def ask_start_choice(parent: QWidget | None = None) -> StartChoice | None:
    """Ask what to do with an empty database (tests replace this function)."""
    dialog = StartDialog(load_all_profiles(), parent)
    dialog.exec()
    return dialog.choice
