"""The findings panel: what still blocks submission, and what deserves attention."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from jeugdtoegang.domain.findings import Finding, Severity

_COLOURS = {
    Severity.ERROR: QColor("#a4161a"),
    Severity.APPROVAL: QColor("#8a4b00"),
    Severity.WARNING: QColor("#6b5b00"),
}
_PREFIX = {Severity.ERROR: "Nodig", Severity.APPROVAL: "Akkoord nodig", Severity.WARNING: "Let op"}


class FindingsPanel(QWidget):
    """A list of findings; activating one asks the editor to go to its field."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("plan_findings_panel")
        self.summary = QLabel()
        self.summary.setObjectName("findings_summary")
        self.summary.setWordWrap(True)
        self.list = QListWidget()
        self.list.setObjectName("findings_list")
        self.list.setWordWrap(True)
        self.list.setAlternatingRowColors(True)
        self.list.itemActivated.connect(self._on_activated)
        self.list.itemClicked.connect(self._on_activated)
        title = QLabel("<b>Controle van het plan</b>")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(title)
        layout.addWidget(self.summary)
        layout.addWidget(self.list, 1)
        self._findings: tuple[Finding, ...] | None = None

    def set_findings(self, findings: Sequence[Finding]) -> None:
        findings = tuple(findings)
        if findings == self._findings:
            return
        self._findings = findings
        self.list.clear()
        errors = sum(1 for f in findings if f.severity is Severity.ERROR)
        others = len(findings) - errors
        if not findings:
            self.summary.setText("Alles is ingevuld; er zijn geen aandachtspunten.")
        elif errors:
            self.summary.setText(
                f"{errors} {'punt moet' if errors == 1 else 'punten moeten'} nog worden "
                f"ingevuld voordat u kunt indienen"
                + (f"; {others} aandachtspunt{'en' if others != 1 else ''}." if others else ".")
            )
        else:
            self.summary.setText(
                f"Het plan kan worden ingediend; {others} aandachtspunt"
                f"{'en' if others != 1 else ''}."
            )
        for finding in findings:
            item = QListWidgetItem(f"{_PREFIX[finding.severity]}: {finding.message}")
            item.setForeground(QBrush(_COLOURS[finding.severity]))
            item.setData(Qt.ItemDataRole.UserRole, finding.field or "")
            item.setToolTip(finding.code)
            self.list.addItem(item)

    def messages(self) -> list[str]:
        return [f.message for f in self._findings or ()]

    def _on_activated(self, item: QListWidgetItem) -> None:
        self.activated.emit(item.data(Qt.ItemDataRole.UserRole) or "")
