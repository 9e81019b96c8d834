"""Plan editor sections: regie (who coordinates) and the life domains in the family's words."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.plans import (
    DomainSituation,
    Familiegroepsplan,
    PlanDocument,
    Regiehouder,
    RegiehouderKind,
)
from ui.widgets.plan_fields import DateField, EditorContext, Section, TextArea


class RegieSection(Section):
    """Regiehouder, consultant, start date and (where required) the familiegroepsplan."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.family_radio = QRadioButton("Het gezin zelf")
        self.family_radio.setObjectName("regie_family_radio")
        self.professional_radio = QRadioButton("Een professional")
        self.professional_radio.setObjectName("regie_professional_radio")
        group = QButtonGroup(self)
        group.addButton(self.family_radio)
        group.addButton(self.professional_radio)
        self.regie_name = QLineEdit()
        self.regie_name.setObjectName("regie_name_edit")
        self.regie_name.setPlaceholderText("naam van de professional")
        self.regie_org = QLineEdit()
        self.regie_org.setObjectName("regie_organisation_edit")
        self.regie_org.setPlaceholderText("organisatie")
        self.consultant = QLineEdit()
        self.consultant.setObjectName("consultant_edit")
        self.start_date = DateField()
        self.start_date.setObjectName("start_date_edit")
        for edit in (self.regie_name, self.regie_org, self.consultant):
            edit.setMaximumWidth(420)

        radios = QWidget()
        radio_layout = QVBoxLayout(radios)
        radio_layout.setContentsMargins(0, 0, 0, 0)
        radio_layout.addWidget(self.family_radio)
        radio_layout.addWidget(self.professional_radio)
        form = QFormLayout()
        form.addRow("Regiehouder:", radios)
        form.addRow("Naam:", self.regie_name)
        form.addRow("Organisatie:", self.regie_org)
        form.addRow("Consulent:", self.consultant)
        form.addRow("Startdatum plan:", self.start_date)

        self.fgp_box = QGroupBox("Familiegroepsplan")
        self.fgp_box.setObjectName("familiegroepsplan_box")
        self.fgp_present = QCheckBox("Het gezin heeft een familiegroepsplan gemaakt")
        self.fgp_present.setObjectName("familiegroepsplan_check")
        self.fgp_date = DateField()
        self.fgp_note = QLineEdit()
        self.fgp_note.setPlaceholderText("bijv. met wie, of waarom (nog) niet")
        fgp_form = QFormLayout(self.fgp_box)
        fgp_form.addRow(self.fgp_present)
        fgp_form.addRow("Gemaakt op:", self.fgp_date)
        fgp_form.addRow("Toelichting:", self.fgp_note)
        self.fgp_hint = QLabel(
            "In deze regio is een familiegroepsplan nodig voor hulp die niet vrij toegankelijk is."
        )
        self.fgp_hint.setWordWrap(True)
        fgp_form.addRow(self.fgp_hint)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.fgp_box)
        layout.addStretch(1)

        for radio in (self.family_radio, self.professional_radio):
            radio.toggled.connect(self._sync_enabled)
            radio.toggled.connect(self.emit_changed)
        for edit in (self.regie_name, self.regie_org, self.consultant, self.fgp_note):
            edit.textChanged.connect(self.emit_changed)
        self.start_date.textChanged.connect(self.emit_changed)
        self.fgp_date.textChanged.connect(self.emit_changed)
        self.fgp_present.toggled.connect(self.emit_changed)

    def _sync_enabled(self) -> None:
        professional = self.professional_radio.isChecked()
        self.regie_name.setEnabled(professional)
        self.regie_org.setEnabled(professional)

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        regie = document.regiehouder
        if regie.kind is RegiehouderKind.PROFESSIONAL:
            self.professional_radio.setChecked(True)
        else:
            self.family_radio.setChecked(True)
        self.regie_name.setText(regie.name)
        self.regie_org.setText(regie.organisation)
        self.consultant.setText(document.consultant)
        self.start_date.set_value(document.start_date)
        fgp = document.familiegroepsplan
        self.fgp_present.setChecked(fgp.present)
        self.fgp_date.set_value(fgp.made_on)
        self.fgp_note.setText(fgp.note)
        self.fgp_box.setVisible(context.familiegroepsplan_required or fgp.present)
        self.fgp_hint.setVisible(context.familiegroepsplan_required)
        self._sync_enabled()

    def apply(self, document: PlanDocument) -> PlanDocument:
        professional = self.professional_radio.isChecked()
        return document.model_copy(
            update={
                "regiehouder": Regiehouder(
                    kind=RegiehouderKind.PROFESSIONAL if professional else RegiehouderKind.GEZIN,
                    name=self.regie_name.text().strip() if professional else "",
                    organisation=self.regie_org.text().strip() if professional else "",
                ),
                "consultant": self.consultant.text().strip(),
                "start_date": self.start_date.value(),
                "familiegroepsplan": Familiegroepsplan(
                    present=self.fgp_present.isChecked(),
                    made_on=self.fgp_date.value(),
                    note=self.fgp_note.text().strip(),
                ),
            }
        )


class DomainsSection(Section):
    """Per life domain: what goes well (krachten) and the worries (zorgen), their words."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields: dict[str, tuple[TextArea, TextArea]] = {}
        self._inner = QWidget()
        self._grid = QGridLayout(self._inner)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self._inner)
        intro = QLabel(
            "Schrijf op in de woorden van het gezin: wat gaat goed, en waar maken zij zich "
            "zorgen over?"
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)

    def _build(self, domains: tuple[str, ...]) -> None:
        if tuple(self._fields) == domains:
            return
        while self._grid.count():
            item = self._grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self._fields.clear()
        self._grid.addWidget(QLabel("<b>Leefgebied</b>"), 0, 0)
        self._grid.addWidget(QLabel("<b>Wat gaat goed (krachten)</b>"), 0, 1)
        self._grid.addWidget(QLabel("<b>Zorgen</b>"), 0, 2)
        for row, domain in enumerate(domains, start=1):
            label = QLabel(domain)
            label.setWordWrap(True)
            krachten = TextArea("Wat gaat goed?", lines=2)
            krachten.setObjectName(f"krachten_edit_{row - 1}")
            zorgen = TextArea("Waar maakt het gezin zich zorgen over?", lines=2)
            zorgen.setObjectName(f"zorgen_edit_{row - 1}")
            krachten.textChanged.connect(self.emit_changed)
            zorgen.textChanged.connect(self.emit_changed)
            self._grid.addWidget(label, row, 0)
            self._grid.addWidget(krachten, row, 1)
            self._grid.addWidget(zorgen, row, 2)
            self._fields[domain] = (krachten, zorgen)

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        domains = tuple(d.domain for d in document.domains)
        self._build(domains)
        for situation in document.domains:
            krachten, zorgen = self._fields[situation.domain]
            krachten.set_text(situation.krachten)
            zorgen.set_text(situation.zorgen)

    def apply(self, document: PlanDocument) -> PlanDocument:
        situations = tuple(
            DomainSituation(domain=domain, krachten=k.text(), zorgen=z.text())
            for domain, (k, z) in self._fields.items()
        )
        return document.model_copy(update={"domains": situations})
