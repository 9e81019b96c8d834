"""Choosing a provider for a need: the ranked eligible list with reasons and waiting
times, the excluded providers with the reason, the free-access provisions that may answer
the need without a beschikking, and maatwerk with a non-contracted provider (only with a
written motivation; it goes to the team lead for approval).

``ProviderPicker.chosen`` emits a :class:`ProviderChoice`.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.providers import (
    EligibilityResult,
    MaatwerkProvider,
    Need,
    RankedProvider,
    is_valid_agb,
)
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.eligibility import eligible_providers
from ui import dialogs
from ui.models.providers import excluded_model, ranked_model, voorliggend_model

#: how many ranked providers the picker shows at first ("Alle passende tonen" shows all)
PAGE = 50


@dataclass(frozen=True)
class ProviderChoice:
    """A contracted provider (``agb``) or a maatwerk provider with its motivation."""

    agb: str | None
    naam: str
    provider: RankedProvider | None = None
    maatwerk: MaatwerkProvider | None = None
    motivation: str | None = None


def _table(name: str) -> QTableView:
    view = QTableView(objectName=name)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().setVisible(False)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(True)
    return view


class MaatwerkDialog(QDialog):
    """Name (and AGB) of a non-contracted provider and the required motivation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="maatwerk_dialog")
        self.setWindowTitle("Maatwerk met een niet-gecontracteerde aanbieder")
        layout = QVBoxLayout(self)
        explanation = QLabel(
            "Maatwerk met een niet-gecontracteerde aanbieder is 'nee, tenzij'. Het kan alleen "
            "met een schriftelijke motivering; de teamleider beoordeelt het."
        )
        explanation.setWordWrap(True)
        layout.addWidget(explanation)
        form = QFormLayout()
        self.name = QLineEdit(objectName="maatwerk_name")
        self.agb = QLineEdit(objectName="maatwerk_agb")
        self.agb.setPlaceholderText("8 cijfers (als bekend)")
        self.motivation = QPlainTextEdit(objectName="maatwerk_motivation")
        self.motivation.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.motivation.setPlaceholderText("Waarom past geen gecontracteerde aanbieder?")
        form.addRow("Naam aanbieder", self.name)
        form.addRow("AGB-code", self.agb)
        form.addRow("Motivering", self.motivation)
        layout.addLayout(form)
        self.problem = QLabel("", objectName="maatwerk_problem")
        self.problem.setStyleSheet("color: #b00020")
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.addButton(
            "Voorleggen aan teamleider", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.ok_button.setObjectName("maatwerk_ok")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        for signal in (self.name.textChanged, self.agb.textChanged, self.motivation.textChanged):
            signal.connect(self._update)
        self._update()

    def _update(self) -> None:
        problem = ""
        if not self.name.text().strip():
            problem = "Vul de naam van de aanbieder in."
        elif self.agb.text().strip() and not is_valid_agb(self.agb.text()):
            problem = "De AGB-code bestaat uit 8 cijfers."
        elif not self.motivation.toPlainText().strip():
            problem = "Een motivering is verplicht."
        self.problem.setText(problem)
        self.ok_button.setEnabled(not problem)

    def choice(self) -> ProviderChoice:
        maatwerk = MaatwerkProvider(self.name.text().strip(), self.agb.text().strip() or None)
        return ProviderChoice(
            None, maatwerk.naam, maatwerk=maatwerk, motivation=self.motivation.toPlainText().strip()
        )


class ProviderPicker(QWidget):
    """Shows the selection for a need; emits ``chosen`` with a :class:`ProviderChoice`."""

    chosen = Signal(object)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="provider_picker")
        self.ctx = ctx
        self.need: Need | None = None
        self.maatwerk_dialog: MaatwerkDialog | None = None
        layout = QVBoxLayout(self)
        self.heading = QLabel("", objectName="picker_heading")
        self.heading.setWordWrap(True)
        layout.addWidget(self.heading)
        self.tabs = QTabWidget(objectName="picker_tabs")
        self.eligible = ranked_model(self)
        self.eligible_view = _table("eligible_table")
        self.eligible_view.setModel(self.eligible)
        self.eligible_view.doubleClicked.connect(lambda *_: self.choose_selected())
        self.eligible_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._show_reasons()
        )
        self.excluded = excluded_model(self)
        self.excluded_view = _table("excluded_table")
        self.excluded_view.setModel(self.excluded)
        self.voorliggend = voorliggend_model(self)
        self.voorliggend_view = _table("voorliggend_table")
        self.voorliggend_view.setModel(self.voorliggend)
        self.tabs.addTab(self.eligible_view, "Passend")
        self.tabs.addTab(self.voorliggend_view, "Voorliggend")
        self.tabs.addTab(self.excluded_view, "Niet passend")
        layout.addWidget(self.tabs, 1)
        self.result: EligibilityResult | None = None
        self._excluded_shown = False
        self.tabs.currentChanged.connect(
            lambda index: self._fill_excluded() if index == 2 else None
        )
        self.reasons = QLabel("", objectName="picker_reasons")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.reasons)
        buttons = QHBoxLayout()
        self.maatwerk_button = QPushButton(
            "Maatwerk (niet-gecontracteerd)…", objectName="maatwerk_button"
        )
        self.maatwerk_button.clicked.connect(self.start_maatwerk)
        self.choose_button = QPushButton("Kiezen", objectName="choose_button")
        self.choose_button.clicked.connect(self.choose_selected)
        self.all_button = QPushButton("Alle passende tonen", objectName="all_providers_button")
        self.all_button.clicked.connect(lambda: self.need and self.load(self.need, show_all=True))
        self.all_button.setVisible(False)
        buttons.addWidget(self.maatwerk_button)
        buttons.addWidget(self.all_button)
        buttons.addStretch(1)
        buttons.addWidget(self.choose_button)
        layout.addLayout(buttons)

    def load(self, need: Need, show_all: bool = False) -> None:
        """Show the eligible (the first page of the ranking unless ``show_all``),
        free-access and excluded providers for ``need``; the excluded ones with their
        reasons are written out when their tab is opened."""
        self.need = need
        try:
            result = eligible_providers(self.ctx, need, limit=None if show_all else PAGE)
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return
        self.result = result
        self.eligible.set_rows(result.eligible)
        self.excluded.set_rows([])
        self._excluded_shown = False
        self.voorliggend.set_rows(result.voorliggend)
        shown = len(result.eligible)
        self.tabs.setTabText(
            0,
            f"Passend ({shown})"
            if shown == result.total
            else f"Passend ({shown} van {result.total})",
        )
        self.tabs.setTabText(1, f"Voorliggend ({len(result.voorliggend)})")
        self.tabs.setTabText(2, f"Niet passend ({result.excluded_count})")
        self.all_button.setVisible(shown < result.total)
        if self.tabs.currentIndex() == 2:
            self._fill_excluded()
        product = self.ctx.profile.product(need.product_code)
        name = product.name if product else need.product_code
        where = need.gemeente + (f", wijk {need.wijk}" if need.wijk else "")
        self.heading.setText(f"Aanbieders voor {name} in {where}, vanaf {need.start:%d-%m-%Y}.")
        for view in (self.eligible_view, self.excluded_view, self.voorliggend_view):
            view.resizeColumnsToContents()
        if result.eligible:
            self.eligible_view.selectRow(0)
        else:
            self.reasons.setText(
                "Geen gecontracteerde aanbieder past. Kijk bij 'Voorliggend', of kies maatwerk."
            )
        self.choose_button.setEnabled(bool(result.eligible))

    def _fill_excluded(self) -> None:
        if self.result is not None and not self._excluded_shown:
            self._excluded_shown = True
            self.excluded.set_rows(self.result.excluded)
            self.excluded_view.resizeColumnsToContents()

    def _show_reasons(self) -> None:
        provider = self.eligible.row_at(self.eligible_view.currentIndex().row())
        self.reasons.setText("\n".join(provider.reasons) if provider else "")

    def choose_selected(self) -> None:
        provider = self.eligible.row_at(self.eligible_view.currentIndex().row())
        if provider is None:
            return
        self.chosen.emit(ProviderChoice(provider.agb, provider.naam, provider=provider))

    def start_maatwerk(self) -> None:
        dialog = MaatwerkDialog(self)
        dialog.accepted.connect(lambda: self.chosen.emit(dialog.choice()))
        self.maatwerk_dialog = dialog
        dialog.open()


class ProviderPickerDialog(QDialog):
    """The picker as a dialog: ``choice`` holds the result after it is accepted."""

    def __init__(self, ctx: AppContext, need: Need, parent: QWidget | None = None) -> None:
        super().__init__(parent, objectName="provider_picker_dialog")
        self.setWindowTitle("Aanbieder kiezen")
        self.choice: ProviderChoice | None = None
        layout = QVBoxLayout(self)
        self.picker = ProviderPicker(ctx, self)
        self.picker.chosen.connect(self._chosen)
        layout.addWidget(self.picker)
        self.picker.load(need)
        self.resize(900, 520)

    def _chosen(self, choice: ProviderChoice) -> None:
        self.choice = choice
        self.accept()
