"""Goals and "who does what": a goal list (table) with a detail form and its actions."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.plans import (
    Action,
    Goal,
    GoalPerspective,
    GoalStatus,
    OwnerKind,
    PlanDocument,
)
from ui.models.plans import GOAL_COL_TEXT, GoalTableModel
from ui.widgets.plan_fields import DateField, EditorContext, Section, TextArea


class ActionRow(QWidget):
    """One agreement: who (kind + name) does what."""

    def __init__(self, action: Action, section: GoalsSection) -> None:
        super().__init__()
        self.action_id = action.id
        self.indication_id = action.indication_id
        self.kind = QComboBox()
        self.kind.setObjectName("action_owner_combo")
        self.kind.addItem("— wie? —", None)
        for kind in OwnerKind:
            self.kind.addItem(kind.label, kind.value)
        self.kind.setCurrentIndex(
            self.kind.findData(action.owner_kind.value) if action.owner_kind else 0
        )
        self.name = QLineEdit(action.owner_name)
        self.name.setObjectName("action_name_edit")
        self.name.setPlaceholderText("naam (nodig bij netwerk)")
        self.name.setMaximumWidth(210)
        self.description = QLineEdit(action.description)
        self.description.setObjectName("action_description_edit")
        self.description.setPlaceholderText("wat doet deze persoon of organisatie?")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Afspraak verwijderen")
        self.remove.setObjectName("action_remove_button")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.kind)
        layout.addWidget(self.name)
        layout.addWidget(self.description, 1)
        if action.indication_id:
            layout.addWidget(QLabel("(gekoppeld aan indicatie)"))
        layout.addWidget(self.remove)
        self.kind.currentIndexChanged.connect(section.on_form_changed)
        self.name.textChanged.connect(section.on_form_changed)
        self.description.textChanged.connect(section.on_form_changed)
        self.remove.clicked.connect(lambda: section.remove_action(self))

    def value(self) -> Action:
        data = self.kind.currentData()
        return Action(
            id=self.action_id,
            owner_kind=OwnerKind(data) if data else None,
            owner_name=self.name.text().strip(),
            description=self.description.text().strip(),
            indication_id=self.indication_id,
        )


class GoalsSection(Section):
    """The goal list plus a form for the selected goal; edits go straight into the model."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context: EditorContext | None = None
        self._current_row = -1
        self._filling = False
        self._action_rows: list[ActionRow] = []

        self.model = GoalTableModel(self)
        self.table = QTableView()
        self.table.setObjectName("goals_table")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(GOAL_COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)

        self.add_button = QPushButton("Nieuw doel (Ctrl+G)")
        self.add_button.setObjectName("add_goal_button")
        self.remove_button = QPushButton("Doel verwijderen")
        self.remove_button.setObjectName("remove_goal_button")
        self.add_button.clicked.connect(self.add_goal)
        self.remove_button.clicked.connect(self.remove_goal)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.table, 1)
        top_layout.addLayout(buttons)

        self.form_box = QGroupBox("Doel")
        self.description = TextArea("Wat wil het gezin bereiken? In hun eigen woorden.", lines=2)
        self.description.setObjectName("goal_description_edit")
        self.domain = QComboBox()
        self.domain.setObjectName("goal_domain_combo")
        self.members = QListWidget()
        self.members.setObjectName("goal_members_list")
        self.members.setMaximumHeight(70)
        self.perspective = QComboBox()
        self.perspective.setObjectName("goal_perspective_combo")
        for perspective in GoalPerspective:
            self.perspective.addItem(perspective.label, perspective.value)
        self.target_date = DateField()
        self.target_date.setObjectName("goal_target_date_edit")
        self.evaluation_date = DateField()
        self.evaluation_date.setObjectName("goal_evaluation_date_edit")
        self.status = QComboBox()
        self.status.setObjectName("goal_status_combo")
        for status in GoalStatus:
            self.status.addItem(status.label, status.value)
        self.notes = TextArea("Wat zagen we bij de evaluatie?", lines=2)
        self.notes.setObjectName("goal_notes_edit")
        self.themes = QLineEdit()
        self.themes.setObjectName("goal_themes_edit")
        self.themes.setPlaceholderText(
            "Bijv. pubers, scheiding (komma's ertussen): groepsaanbod op deze thema's gaat voor"
        )
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Streefdatum:"))
        dates.addWidget(self.target_date)
        dates.addSpacing(12)
        dates.addWidget(QLabel("Evaluatie:"))
        dates.addWidget(self.evaluation_date)
        dates.addSpacing(12)
        dates.addWidget(QLabel("Status:"))
        dates.addWidget(self.status)
        dates.addStretch(1)

        self.actions_layout = QVBoxLayout()
        self.add_action_button = QPushButton("Afspraak toevoegen (Ctrl+Shift+A)")
        self.add_action_button.setObjectName("add_action_button")
        self.add_action_button.clicked.connect(lambda: self.add_action())
        actions_box = QGroupBox("Wie doet wat?")
        actions_outer = QVBoxLayout(actions_box)
        actions_outer.addLayout(self.actions_layout)
        actions_outer.addWidget(self.add_action_button, 0, Qt.AlignmentFlag.AlignLeft)

        form = QFormLayout(self.form_box)
        form.addRow("Omschrijving:", self.description)
        form.addRow("Leefgebied:", self.domain)
        form.addRow("Voor wie:", self.members)
        form.addRow("Perspectief:", self.perspective)
        form.addRow("Thema's:", self.themes)
        form.addRow(dates)
        form.addRow("Evaluatie:", self.notes)
        form.addRow(actions_box)

        holder = QWidget()
        holder_layout = QVBoxLayout(holder)
        holder_layout.setContentsMargins(0, 0, 0, 0)
        holder_layout.addWidget(self.form_box)
        holder_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(holder)
        self.table.setMinimumHeight(120)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(top)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        # the list shows about five goals; the form (with "Wie doet wat?") gets the rest,
        # so at 1280×800 the agreements start above the fold (issue 16)
        splitter.setSizes([170, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

        self.description.textChanged.connect(self.on_form_changed)
        self.notes.textChanged.connect(self.on_form_changed)
        self.themes.textChanged.connect(self.on_form_changed)
        for combo in (self.domain, self.perspective, self.status):
            combo.currentIndexChanged.connect(self.on_form_changed)
        self.members.itemChanged.connect(self.on_form_changed)
        self.target_date.textChanged.connect(self.on_form_changed)
        self.evaluation_date.textChanged.connect(self.on_form_changed)
        self._show_form(None)

    # -- loading ----------------------------------------------------------------------------

    def load(self, document: PlanDocument, context: EditorContext) -> None:
        self._context = context
        self._filling = True
        self.domain.clear()
        for domain in document.domains:
            self.domain.addItem(domain.domain)
        self._filling = False
        keep = self._current_row
        self.model.set_goals(document.goals, context.names())
        row = keep if 0 <= keep < self.model.rowCount() else (0 if document.goals else -1)
        self._current_row = -1
        self.select_row(row)

    def select_row(self, row: int) -> None:
        if row < 0:
            self._current_row = -1
            self._show_form(None)
            return
        index = self.model.index(row, GOAL_COL_TEXT)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        if self._current_row != row:  # currentRowChanged did not fire (same row)
            self._on_row_changed(index)

    def _on_row_changed(self, current: object, _previous: object = None) -> None:
        row = current.row() if hasattr(current, "row") else -1  # type: ignore[attr-defined]
        self._current_row = row
        self._show_form(self.model.goal(row))

    def _show_form(self, goal: Goal | None) -> None:
        self._filling = True
        try:
            self.form_box.setEnabled(goal is not None)
            self.remove_button.setEnabled(goal is not None)
            self.form_box.setTitle(
                f"Doel {self._current_row + 1}"
                if goal is not None
                else "Doel (kies of maak een doel)"
            )
            goal = goal or Goal(id="")
            self.description.set_text(goal.description)
            index = self.domain.findText(goal.domain)
            self.domain.setCurrentIndex(max(index, 0))
            self.members.clear()
            for person in self._context.members if self._context else ():
                if person.role == "netwerk":
                    continue
                item = QListWidgetItem(person.name)
                item.setData(Qt.ItemDataRole.UserRole, str(person.id))
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                checked = str(person.id) in goal.member_ids
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
                self.members.addItem(item)
            self.perspective.setCurrentIndex(self.perspective.findData(goal.perspective.value))
            self.target_date.set_value(goal.target_date)
            self.evaluation_date.set_value(goal.evaluation_date)
            self.status.setCurrentIndex(self.status.findData(goal.status.value))
            self.notes.set_text(goal.evaluation_notes)
            self.themes.setText(", ".join(goal.themes))
            for row in self._action_rows:
                self.actions_layout.removeWidget(row)
                row.deleteLater()
            self._action_rows = []
            for action in goal.actions:
                self._append_action_row(action)
        finally:
            self._filling = False

    # -- editing ----------------------------------------------------------------------------

    def _form_goal(self, base: Goal) -> Goal:
        members = tuple(
            self.members.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.members.count())
            if self.members.item(i).checkState() == Qt.CheckState.Checked
        )
        return base.model_copy(
            update={
                "description": self.description.text().strip(),
                "domain": self.domain.currentText(),
                "member_ids": members,
                "perspective": GoalPerspective(self.perspective.currentData()),
                "target_date": self.target_date.value(),
                "evaluation_date": self.evaluation_date.value(),
                "status": GoalStatus(self.status.currentData()),
                "evaluation_notes": self.notes.text(),
                "actions": tuple(row.value() for row in self._action_rows),
                "themes": tuple(
                    dict.fromkeys(t.strip() for t in self.themes.text().split(",") if t.strip())
                ),
            }
        )

    def on_form_changed(self, *_args: object) -> None:
        if self._filling or self._current_row < 0:
            return
        base = self.model.goal(self._current_row)
        if base is None:
            return
        self.model.replace(self._current_row, self._form_goal(base))
        self.changed.emit()

    def _append_action_row(self, action: Action) -> ActionRow:
        row = ActionRow(action, self)
        self.actions_layout.addWidget(row)
        self._action_rows.append(row)
        return row

    def add_action(self, kind: OwnerKind | None = None) -> ActionRow | None:
        if self._current_row < 0:
            return None
        row = self._append_action_row(Action(owner_kind=kind))
        self.on_form_changed()
        row.kind.setFocus()
        return row

    def remove_action(self, row: ActionRow) -> None:
        self.actions_layout.removeWidget(row)
        self._action_rows.remove(row)
        row.deleteLater()
        self.on_form_changed()

    def add_goal(self) -> int:
        domain = self.domain.itemText(0) if self.domain.count() else ""
        members = tuple(str(m.id) for m in self._context.jeugdigen()[:1]) if self._context else ()
        row = self.model.append(Goal(domain=domain, member_ids=members))
        self.select_row(row)
        self.description.setFocus()
        self.changed.emit()
        return row

    def remove_goal(self) -> None:
        row = self._current_row
        if row < 0:
            return
        self.model.remove(row)
        self._current_row = -1
        self.select_row(min(row, self.model.rowCount() - 1))
        self.changed.emit()

    def apply(self, document: PlanDocument) -> PlanDocument:
        return document.model_copy(update={"goals": self.model.goals()})
