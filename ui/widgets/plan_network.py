"""Network section: who from the family's network takes part, or why nobody does and
which netwerkversterking follows (maatje, JIM-mentor, eigen kracht conferentie)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.plans import (
    Network,
    NetworkMember,
    PlanDocument,
    StrengtheningAction,
    StrengtheningKind,
)
from ui.widgets.plan_fields import EditorContext, Section, TextArea


class MemberRow(QWidget):
    def __init__(self, member: NetworkMember, section: NetworkSection) -> None:
        super().__init__()
        self.member_id = member.id
        self.person_id = member.person_id
        self.name = QLineEdit(member.name)
        self.name.setObjectName("network_name_edit")
        self.name.setPlaceholderText("naam")
        self.name.setMaximumWidth(220)
        self.role = QLineEdit(member.role)
        self.role.setObjectName("network_role_edit")
        self.role.setPlaceholderText("rol: wat doet deze persoon voor het gezin?")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Netwerklid verwijderen")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        layout.addWidget(self.role, 1)
        layout.addWidget(remove)
        self.name.textChanged.connect(section.emit_changed)
        self.role.textChanged.connect(section.emit_changed)
        remove.clicked.connect(lambda: section.remove_member(self))

    def value(self) -> NetworkMember:
        return NetworkMember(
            id=self.member_id,
            name=self.name.text().strip(),
            role=self.role.text().strip(),
            person_id=self.person_id,
        )


class NetworkSection(Section):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context: EditorContext | None = None
        self._rows: list[MemberRow] = []
        members_box = QGroupBox("Wie uit het netwerk doet mee?")
        self.rows_layout = QVBoxLayout()
        self.add_button = QPushButton("Netwerklid toevoegen")
        self.add_button.setObjectName("add_network_member_button")
        self.import_button = QPushButton("Netwerk uit het dossier overnemen")
        self.import_button.setObjectName("import_network_button")
        self.add_button.clicked.connect(lambda: self.add_member())
        self.import_button.clicked.connect(self.import_from_household)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        box_layout = QVBoxLayout(members_box)
        box_layout.addLayout(self.rows_layout)
        box_layout.addLayout(buttons)

        none_box = QGroupBox("Geen netwerk?")
        self.reason = TextArea("Waarom doet er (nu) niemand uit het netwerk mee?", lines=2)
        self.reason.setObjectName("no_network_reason_edit")
        self.strengthening = QComboBox()
        self.strengthening.setObjectName("strengthening_combo")
        self.strengthening.addItem("— kies netwerkversterking —", None)
        for kind in StrengtheningKind:
            self.strengthening.addItem(kind.label, kind.value)
        self.strengthening_text = QLineEdit()
        self.strengthening_text.setObjectName("strengthening_edit")
        self.strengthening_text.setPlaceholderText("wat spreken we af, wie meldt aan?")
        form = QFormLayout(none_box)
        form.addRow(
            QLabel(
                "Is er geen netwerk? Schrijf op waarom en kies hoe het lokale team het "
                "netwerk helpt opbouwen."
            )
        )
        form.addRow("Reden:", self.reason)
        form.addRow("Netwerkversterking:", self.strengthening)
        form.addRow("Afspraak:", self.strengthening_text)

        layout = QVBoxLayout(self)
        layout.addWidget(members_box)
        layout.addWidget(none_box)
        layout.addStretch(1)
        self.reason.textChanged.connect(self.emit_changed)
        self.strengthening.currentIndexChanged.connect(self.emit_changed)
        self.strengthening_text.textChanged.connect(self.emit_changed)

    def add_member(self, member: NetworkMember | None = None) -> MemberRow:
        row = MemberRow(member or NetworkMember(), self)
        self.rows_layout.addWidget(row)
        self._rows.append(row)
        if member is None:
            row.name.setFocus()
        self.changed.emit()
        return row

    def remove_member(self, row: MemberRow) -> None:
        self.rows_layout.removeWidget(row)
        self._rows.remove(row)
        row.deleteLater()
        self.changed.emit()

    def import_from_household(self) -> None:
        if self._context is None:
            return
        present = {r.person_id for r in self._rows}
        for person in self._context.members:
            if person.role == "netwerk" and str(person.id) not in present:
                self.add_member(
                    NetworkMember(name=person.name, role=person.relation, person_id=str(person.id))
                )

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        self._context = context
        for row in self._rows:
            self.rows_layout.removeWidget(row)
            row.deleteLater()
        self._rows = []
        blocked = self.blockSignals(True)
        for member in document.network.members:
            self.add_member(member)
        self.blockSignals(blocked)
        self.import_button.setEnabled(any(m.role == "netwerk" for m in context.members))
        network = document.network
        self.reason.set_text(network.no_network_reason)
        kind = network.strengthening.kind.value if network.strengthening else None
        self.strengthening.setCurrentIndex(max(self.strengthening.findData(kind), 0))
        self.strengthening_text.setText(
            network.strengthening.description if network.strengthening else ""
        )

    def apply(self, document: PlanDocument) -> PlanDocument:
        kind = self.strengthening.currentData()
        strengthening = (
            StrengtheningAction(
                kind=StrengtheningKind(kind), description=self.strengthening_text.text().strip()
            )
            if kind
            else None
        )
        network = Network(
            members=tuple(r.value() for r in self._rows),
            no_network_reason=self.reason.text().strip(),
            strengthening=strengthening,
        )
        return document.model_copy(update={"network": network})
