"""'Hulp inzetten', step 3: choose the provider (the catalogue's picker), whether the family
chose it and the agreement with a strategic partner."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from jeugdtoegang.domain.providers import MaatwerkProvider
from jeugdtoegang.services.context import AppContext
from ui.widgets.provider_picker import ProviderChoice, ProviderPicker


class ProviderStep(QWidget):
    """The provider catalogue's picker (ranked eligible providers, free access, maatwerk).

    The selected eligible provider counts as the choice; 'Kiezen' or the picker's maatwerk
    dialog set it explicitly. A maatwerk motivation becomes the PROVIDER_NOT_ELIGIBLE one.
    """

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choice: ProviderChoice | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.picker = ProviderPicker(ctx, self)
        self.picker.chosen.connect(self._chosen)
        self.picker.eligible_view.selectionModel().currentRowChanged.connect(
            lambda *_: self._selected()
        )
        layout.addWidget(self.picker, 1)
        self.choice_label = QLabel(objectName="provider_choice_label")
        self.choice_label.setWordWrap(True)
        layout.addWidget(self.choice_label)
        self.family_choice = QCheckBox(
            "Het gezin heeft deze aanbieder zelf gekozen", objectName="family_choice_check"
        )
        layout.addWidget(self.family_choice)
        self.partner_edit = QLineEdit(objectName="partner_edit")
        self.partner_edit.setPlaceholderText(
            "Afspraak met de strategische partner (wie doet wat, wanneer)"
        )
        self.partner_edit.setVisible(ctx.profile.policies.strategic_partners)
        layout.addWidget(self.partner_edit)
        self.family_choice.toggled.connect(lambda *_: self.changed.emit())
        self.partner_edit.textChanged.connect(lambda *_: self.changed.emit())

    def load(
        self,
        segment: str,
        product_code: str,
        gemeente: str,
        wijk: str | None,
        start: date,
        identity: str | None = None,
    ) -> None:
        from jeugdtoegang.domain.providers import Need

        if self.choice is not None and self.choice.maatwerk is None:
            self.choice = None  # a new need: choose again (a maatwerk choice is kept)
        self.picker.load(
            Need(segment, product_code, gemeente, start, wijk or None, identity=identity or None)
        )
        self._selected()

    def _selected(self) -> None:
        if self.choice is not None and self.choice.maatwerk is not None:
            return
        row = self.picker.eligible.row_at(self.picker.eligible_view.currentIndex().row())
        self.choice = ProviderChoice(row.agb, row.naam, provider=row) if row else None
        self._show()

    def _chosen(self, choice: ProviderChoice) -> None:
        self.choice = choice
        self._show()

    def _show(self) -> None:
        if self.choice is None:
            text = "Nog geen aanbieder gekozen."
        elif self.choice.maatwerk is not None:
            text = f"Gekozen: {self.choice.naam} (maatwerk, nee tenzij)."
        else:
            text = f"Gekozen: {self.choice.naam} (AGB {self.choice.agb})."
        self.choice_label.setText(text)
        self.changed.emit()

    def agb(self) -> str | None:
        if self.choice is None or self.choice.maatwerk is not None:
            return None
        return self.choice.agb

    def tariff(self) -> Decimal | None:
        if self.choice is None or self.choice.provider is None:
            return None
        return self.choice.provider.tariff

    def maatwerk(self) -> MaatwerkProvider | None:
        return self.choice.maatwerk if self.choice is not None else None

    def motivation(self) -> str | None:
        return self.choice.motivation if self.choice is not None else None
