"""Sections per person: the 18+ perspective and the agreement of parents and jeugdigen."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.plan_rules import (
    YOUTH_AGREEMENT_AGE,
    needs_perspective_18,
    shows_perspective_18,
)
from jeugdtoegang.domain.plans import (
    CARE_LAWS_18,
    Agreement,
    Perspective18,
    PlanDocument,
    YouthAgreement,
)
from jeugdtoegang.domain.terms import age_on, eighteenth_birthday
from jeugdtoegang.services.views import PersonView
from ui.widgets.plan_fields import DateField, EditorContext, Section, TextArea


def _clear(layout: QVBoxLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()


class _PerspectiveBox(QGroupBox):
    def __init__(self, person: PersonView, context: EditorContext, section: Section) -> None:
        birthday = eighteenth_birthday(person.birth_date) if person.birth_date else None
        title = person.name
        if birthday:
            title += f" — wordt 18 op {birthday:%d-%m-%Y}"
        super().__init__(title)
        self.person_id = str(person.id)
        self.setObjectName(f"perspective18_box_{self.person_id}")
        self.wonen = QLineEdit()
        self.wonen.setObjectName("p18_wonen_edit")
        self.onderwijs = QLineEdit()
        self.onderwijs.setObjectName("p18_onderwijs_edit")
        self.inkomen = QLineEdit()
        self.inkomen.setObjectName("p18_inkomen_edit")
        self.zorg = TextArea("Welke zorg en ondersteuning is na 18 nodig, en via welke wet?", 2)
        self.zorg.setObjectName("p18_zorg_edit")
        self.laws = {law: QCheckBox(law) for law in CARE_LAWS_18}
        self.arranged_by = QLineEdit()
        self.arranged_by.setObjectName("p18_arranged_by_edit")
        laws = QHBoxLayout()
        for box in self.laws.values():
            laws.addWidget(box)
            box.toggled.connect(section.emit_changed)
        laws.addStretch(1)
        form = QFormLayout(self)
        if needs_perspective_18(person, context.today, context.horizon_months):
            note = QLabel("Verplicht: wordt binnen de termijn van de regio 18.")
            note.setStyleSheet("color: #8a4b00;")
            form.addRow(note)
        form.addRow("Wonen:", self.wonen)
        form.addRow("Onderwijs/werk:", self.onderwijs)
        form.addRow("Inkomen:", self.inkomen)
        form.addRow("Zorg na 18:", self.zorg)
        form.addRow("Wet:", laws)
        form.addRow("Wie regelt het:", self.arranged_by)
        for edit in (self.wonen, self.onderwijs, self.inkomen, self.arranged_by):
            edit.textChanged.connect(section.emit_changed)
        self.zorg.textChanged.connect(section.emit_changed)

    def set_value(self, value: Perspective18 | None) -> None:
        value = value or Perspective18(person_id=self.person_id)
        self.wonen.setText(value.wonen)
        self.onderwijs.setText(value.onderwijs_werk)
        self.inkomen.setText(value.inkomen)
        self.zorg.set_text(value.zorg_na_18)
        for law, box in self.laws.items():
            box.setChecked(law in value.care_laws)
        self.arranged_by.setText(value.arranged_by)

    def value(self) -> Perspective18:
        return Perspective18(
            person_id=self.person_id,
            wonen=self.wonen.text().strip(),
            onderwijs_werk=self.onderwijs.text().strip(),
            inkomen=self.inkomen.text().strip(),
            zorg_na_18=self.zorg.text().strip(),
            care_laws=tuple(law for law, box in self.laws.items() if box.isChecked()),
            arranged_by=self.arranged_by.text().strip(),
        )


class Perspective18Section(Section):
    """Shown for jeugdigen of 16 and older, or who turn 18 within the region's horizon."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._boxes: list[_PerspectiveBox] = []
        self._kept: tuple[Perspective18, ...] = ()
        inner = QWidget()
        self.boxes_layout = QVBoxLayout(inner)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        intro = QLabel(
            "Zorg dat er geen gat valt op de 18e verjaardag: wat is er dan geregeld voor wonen, "
            "school of werk, inkomen en zorg?"
        )
        intro.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)

    def has_people(self) -> bool:
        return bool(self._boxes)

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        _clear(self.boxes_layout)
        self._boxes = []
        shown = [
            p
            for p in context.jeugdigen()
            if shows_perspective_18(p, context.today, context.horizon_months)
        ]
        shown_ids = {str(p.id) for p in shown}
        # perspectives of people not shown (e.g. after 18) are kept as they were
        self._kept = tuple(p for p in document.perspectives_18 if p.person_id not in shown_ids)
        blocked = self.blockSignals(True)
        for person in shown:
            box = _PerspectiveBox(person, context, self)
            box.set_value(document.perspective_for(str(person.id)))
            self.boxes_layout.addWidget(box)
            self._boxes.append(box)
        self.boxes_layout.addStretch(1)
        self.blockSignals(blocked)

    def apply(self, document: PlanDocument) -> PlanDocument:
        values = tuple(b.value() for b in self._boxes)
        filled = tuple(v for v in values if not v.is_empty)
        return document.model_copy(update={"perspectives_18": self._kept + filled})


class AgreementSection(Section):
    """Date the parents and (from 12) each jeugdige agreed, or their own view."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._youth: list[tuple[str, DateField, TextArea]] = []
        parents = QGroupBox("Ouders")
        self.parents_date = DateField()
        self.parents_date.setObjectName("parents_agreed_edit")
        self.parents_view = TextArea("Niet akkoord of nog twijfel? Wat vinden de ouders?", 2)
        self.parents_view.setObjectName("parents_view_edit")
        form = QFormLayout(parents)
        form.addRow("Akkoord op:", self.parents_date)
        form.addRow("Mening:", self.parents_view)
        self.youth_box = QGroupBox(f"Jeugdigen vanaf {YOUTH_AGREEMENT_AGE} jaar")
        self.youth_layout = QVBoxLayout(self.youth_box)
        # a family with several teenagers has a box each: the section scrolls instead of
        # making the dossier taller than a 1280×800 screen
        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(parents)
        inner_layout.addWidget(self.youth_box)
        inner_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(inner)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        self.parents_date.textChanged.connect(self.emit_changed)
        self.parents_view.textChanged.connect(self.emit_changed)

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        agreement = document.agreement
        self.parents_date.set_value(agreement.parents_agreed_on)
        self.parents_view.set_text(agreement.parents_view)
        _clear(self.youth_layout)
        self._youth = []
        for person in context.jeugdigen():
            if person.birth_date is None:
                continue
            if age_on(person.birth_date, context.today) < YOUTH_AGREEMENT_AGE:
                continue
            current = agreement.for_person(str(person.id)) or YouthAgreement(
                person_id=str(person.id)
            )
            date_field = DateField()
            date_field.setObjectName("youth_agreed_edit")
            date_field.set_value(current.agreed_on)
            view = TextArea(f"Wat vindt {person.first_name} van het plan?", 2)
            view.set_text(current.view)
            box = QGroupBox(person.name)
            form = QFormLayout(box)
            form.addRow("Akkoord op:", date_field)
            form.addRow("Mening:", view)
            self.youth_layout.addWidget(box)
            date_field.textChanged.connect(self.emit_changed)
            view.textChanged.connect(self.emit_changed)
            self._youth.append((str(person.id), date_field, view))
        self.youth_box.setVisible(bool(self._youth))

    def apply(self, document: PlanDocument) -> PlanDocument:
        youth = tuple(
            YouthAgreement(person_id=pid, agreed_on=d.value(), view=v.text().strip())
            for pid, d, v in self._youth
            if d.value() or v.text().strip()
        )
        agreement = Agreement(
            parents_agreed_on=self.parents_date.value(),
            parents_view=self.parents_view.text().strip(),
            youth=youth,
        )
        return document.model_copy(update={"agreement": agreement})
