"""The household form's widgets and layout: the Gezin fields, the members table and the
member editor, each field with its error label below it.

``HouseholdFormLayout`` only builds and names the widgets (object names, placeholders,
tab order by creation); ``HouseholdForm`` adds the behaviour (loading, validation as you
type, saving).
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.households import PersonRole
from jeugdtoegang.services.context import AppContext
from ui.widgets.member_draft import DATE_HINT

ERROR_COLOUR = "#b00020"
MEMBER_HEADERS = ("Rol", "Naam", "Geboortedatum", "Leeftijd", "BSN", "Gezag", "Controle")


def _error_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(f"{name}_error")
    label.setStyleSheet(f"color: {ERROR_COLOUR};")
    label.setWordWrap(True)
    label.hide()
    return label


def _with_error(widget: QWidget, error: QLabel) -> QWidget:
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(widget)
    layout.addWidget(error)
    return box


class HouseholdFormLayout(QWidget):
    """The form's widgets, laid out; ``error_labels`` maps a field name to its message label."""

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.error_labels: dict[str, QLabel] = {}
        self._build()

    def _line(self, name: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(f"{name}_field")
        edit.setPlaceholderText(placeholder)
        return edit

    def _build(self) -> None:
        self.name_field = self._line("name", "bijv. Gezin Jansen")
        self.gemeente_combo = QComboBox()
        self.gemeente_combo.setObjectName("gemeente_field")
        for municipality in self.ctx.profile.municipalities:
            self.gemeente_combo.addItem(municipality.name)
        self.wijk_combo = QComboBox()
        self.wijk_combo.setObjectName("wijk_field")
        self.street_field = self._line("street")
        self.house_number_field = self._line("house_number", "nr.")
        self.house_number_field.setMaximumWidth(90)
        self.postcode_field = self._line("postcode", "1234 AB")
        self.postcode_field.setMaximumWidth(110)
        self.city_field = self._line("city", "plaats")
        self.notes_field = QPlainTextEdit()
        self.notes_field.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.notes_field.setObjectName("notes_field")
        self.notes_field.setMaximumHeight(90)

        household_box = QGroupBox("Gezin")
        form = QFormLayout(household_box)
        form.addRow("Naam dossier", self._field(self.name_field, "name"))
        form.addRow("Gemeente", self._field(self.gemeente_combo, "gemeente"))
        form.addRow("Wijk", self._field(self.wijk_combo, "wijk"))
        street_row = QWidget()
        street_layout = QHBoxLayout(street_row)
        street_layout.setContentsMargins(0, 0, 0, 0)
        street_layout.addWidget(self.street_field, 1)
        street_layout.addWidget(self.house_number_field)
        form.addRow("Straat en huisnummer", street_row)
        place_row = QWidget()
        place_layout = QHBoxLayout(place_row)
        place_layout.setContentsMargins(0, 0, 0, 0)
        place_layout.addWidget(self.postcode_field)
        place_layout.addWidget(self.city_field, 1)
        form.addRow("Postcode en plaats", place_row)
        self.error_labels["postcode"] = _error_label("postcode")
        form.addRow("", self.error_labels["postcode"])
        form.addRow("Notities", self.notes_field)

        self.members_table = QTableWidget(0, len(MEMBER_HEADERS))
        self.members_table.setObjectName("members_table")
        self.members_table.setHorizontalHeaderLabels(list(MEMBER_HEADERS))
        self.members_table.verticalHeader().setVisible(False)
        self.members_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.members_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.members_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members_table.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.members_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.members_table.setMinimumHeight(150)
        self.add_member_button = QPushButton("Gezinslid toevoegen")
        self.add_member_button.setObjectName("add_member_button")
        self.remove_member_button = QPushButton("Gezinslid verwijderen")
        self.remove_member_button.setObjectName("remove_member_button")
        members_box = QGroupBox("Gezinsleden")
        members_layout = QVBoxLayout(members_box)
        hint = QLabel("Minstens één jeugdige; het BSN mag alleen bij een netwerklid leeg blijven.")
        hint.setWordWrap(True)
        members_layout.addWidget(hint)
        members_layout.addWidget(self.members_table, 1)
        self.error_labels["members"] = _error_label("members")
        members_layout.addWidget(self.error_labels["members"])
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_member_button)
        buttons.addWidget(self.remove_member_button)
        buttons.addStretch(1)
        members_layout.addLayout(buttons)

        self.member_box = self._build_member_editor()

        self.summary_label = QLabel()
        self.summary_label.setObjectName("form_summary")
        self.summary_label.setWordWrap(True)
        self.save_button = QPushButton("Opslaan")
        self.save_button.setObjectName("save_button")
        self.save_button.setDefault(True)
        self.revert_button = QPushButton("Wijzigingen ongedaan maken")
        self.revert_button.setObjectName("revert_button")
        bottom = QHBoxLayout()
        bottom.addWidget(self.summary_label, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)

        left = QVBoxLayout()
        left.addWidget(household_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(members_box, 1)
        right.addWidget(self.member_box)
        columns = QHBoxLayout()
        columns.addLayout(left, 2)
        columns.addLayout(right, 3)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.addLayout(columns, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll, 1)
        outer.addLayout(bottom)
        bottom.setContentsMargins(9, 0, 9, 9)

    def _field(self, widget: QWidget, name: str) -> QWidget:
        self.error_labels[name] = _error_label(name)
        return _with_error(widget, self.error_labels[name])

    def _build_member_editor(self) -> QGroupBox:
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role_field")
        for role in PersonRole:
            self.role_combo.addItem(role.label, role.value)
        self.first_name_field = self._line("first_name")
        self.tussenvoegsel_field = self._line("tussenvoegsel", "bijv. van der")
        self.surname_field = self._line("surname")
        self.birth_date_field = self._line("birth_date", DATE_HINT)
        self.birth_date_field.setMaximumWidth(140)
        self.bsn_field = self._line("bsn", "9 cijfers")
        self.bsn_field.setMaximumWidth(140)
        self.reveal_bsn_button = QPushButton("Toon BSN")
        self.reveal_bsn_button.setObjectName("reveal_bsn_button")
        self.reveal_bsn_button.setToolTip("Het volledige BSN tonen (dit wordt vastgelegd)")
        self.has_gezag_field = QCheckBox("Heeft gezag")
        self.has_gezag_field.setObjectName("has_gezag_field")
        self.relation_field = self._line("relation", "bijv. moeder, opa, buurvrouw")
        self.phone_field = self._line("phone")
        self.email_field = self._line("email")

        box = QGroupBox("Gezinslid")
        box.setObjectName("member_editor")
        form = QFormLayout(box)
        form.addRow("Rol", self.role_combo)
        form.addRow("Voornaam", self._field(self.first_name_field, "first_name"))
        form.addRow("Tussenvoegsel", self.tussenvoegsel_field)
        form.addRow("Achternaam", self._field(self.surname_field, "surname"))
        form.addRow("Geboortedatum", self._field(self.birth_date_field, "birth_date"))
        bsn_row = QWidget()
        bsn_layout = QHBoxLayout(bsn_row)
        bsn_layout.setContentsMargins(0, 0, 0, 0)
        bsn_layout.addWidget(self.bsn_field)
        bsn_layout.addWidget(self.reveal_bsn_button)
        bsn_layout.addStretch(1)
        form.addRow("BSN", self._field(bsn_row, "bsn"))
        form.addRow("Gezag", self._field(self.has_gezag_field, "has_gezag"))
        form.addRow("Relatie", self.relation_field)
        form.addRow("Telefoon", self.phone_field)
        form.addRow("E-mail", self.email_field)
        return box
