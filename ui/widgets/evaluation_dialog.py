"""The evaluation of an indication: progress per plan goal and the decision (seed 003 §5.4)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jeugdtoegang.domain.dutch import short_date
from jeugdtoegang.domain.indications import EvaluationDecision, Progress, overall_progress
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import indications as indication_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.services.indication_views import EvaluationView, IndicationView
from ui import dialogs

ADVICE = {
    Progress.JA: "Vooruitgang: schaal af naar lichtere hulp of vrij toegankelijk aanbod.",
    Progress.DEELS: "Deels vooruitgang: schaal af; doorgaan op dezelfde voet alleen 'tenzij'.",
    Progress.NEE: "Geen vooruitgang: bouw af (lager volume, korte termijn) of beëindig.",
}


class EvaluationDialog(QDialog):
    """Per goal ja/deels/nee, a decision and notes; ``saved`` holds the evaluation."""

    def __init__(
        self,
        ctx: AppContext,
        indication: IndicationView,
        goals: list[tuple[str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("evaluation_dialog")
        self.setWindowTitle("Evalueren")
        self.resize(600, 420)
        self.ctx = ctx
        self.indication = indication
        self.saved: EvaluationView | None = None
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                f"<b>{indication.product_name}</b> voor {indication.person_name}, "
                f"{short_date(indication.start)} t/m {short_date(indication.end)} "
                f"({indication.provider_label})"
            )
        )
        form = QFormLayout()
        self.progress_combos: dict[str, QComboBox] = {}
        linked = [(gid, text) for gid, text in goals if gid in indication.goal_ids] or goals
        if not linked:
            linked = [("*", "De hulp als geheel")]
        for index, (goal_id, text) in enumerate(linked):
            combo = QComboBox(objectName=f"progress_{index}")
            for progress in Progress:
                combo.addItem(progress.label, progress.value)
            combo.currentIndexChanged.connect(self._update_advice)
            self.progress_combos[goal_id] = combo
            label = QLabel(text)
            label.setWordWrap(True)
            form.addRow(label, combo)
        self.decision_combo = QComboBox(objectName="decision_combo")
        for decision in EvaluationDecision:
            self.decision_combo.addItem(decision.label, decision.value)
        form.addRow("Besluit", self.decision_combo)
        layout.addLayout(form)
        self.advice_label = QLabel(objectName="advice_label")
        self.advice_label.setWordWrap(True)
        layout.addWidget(self.advice_label)
        self.notes_edit = QPlainTextEdit(objectName="notes_edit")
        self.notes_edit.setTabChangesFocus(True)  # Tab moves on (issue 16)
        self.notes_edit.setPlaceholderText(
            "Toelichting: wat ging goed, wat niet, wat is afgesproken (bij 'tenzij': de motivering)"
        )
        layout.addWidget(self.notes_edit, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        cancel = QPushButton("Annuleren", objectName="cancel_button")
        cancel.clicked.connect(self.reject)
        self.save_button = QPushButton("Evaluatie vastleggen", objectName="save_button")
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(cancel)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._update_advice()

    def progress(self) -> dict[str, Progress]:
        return {gid: Progress(c.currentData()) for gid, c in self.progress_combos.items()}

    def _update_advice(self) -> None:
        overall = overall_progress(self.progress())
        self.advice_label.setText(ADVICE[overall] if overall else "")
        suggestion = (
            {
                Progress.JA: EvaluationDecision.AFSCHALEN,
                Progress.DEELS: EvaluationDecision.AFSCHALEN,
                Progress.NEE: EvaluationDecision.AFBOUWEN,
            }.get(overall)
            if overall
            else None
        )
        if suggestion is not None:
            self.decision_combo.setCurrentIndex(self.decision_combo.findData(suggestion.value))

    def save(self) -> EvaluationView | None:
        try:
            self.saved = indication_service.record_evaluation(
                self.ctx,
                self.indication.id,
                self.progress(),
                EvaluationDecision(self.decision_combo.currentData()),
                self.notes_edit.toPlainText(),
            )
        except JeugdtoegangError as error:
            dialogs.show_error(self, error.message)
            return None
        self.accept()
        return self.saved
