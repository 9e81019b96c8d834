"""'Hulp inzetten', step 5: the core's check of the proposal shown as texts and a list of
findings, with a motivation field under every finding that needs one.

The texts come from the ``CheckResult`` alone; the motivation fields are kept by the
dialog (``motivations``) so that what was typed survives a re-check.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout

from jeugdtoegang.domain.dutch import money
from jeugdtoegang.domain.findings import Severity
from jeugdtoegang.domain.indication_rules import CheckResult

SEVERITY_STYLE = {
    Severity.ERROR: ("Kan niet", "#c62828"),
    Severity.APPROVAL: ("Akkoord teamleider nodig", "#b26a00"),
    Severity.WARNING: ("Let op", "#37474f"),
}
#: an error that only lacks a motivation: once motivated it needs the team lead's approval
NEEDS_MOTIVATION_STYLE = ("Motivering nodig, daarna akkoord teamleider", "#b26a00")


def approval_codes(result: CheckResult) -> set[str]:
    """The findings that ask for a motivation (and then the team lead's approval)."""
    # an approval finding without motivation comes back as an error with this suffix
    return {
        f.code
        for f in result.findings
        if f.severity is Severity.APPROVAL
        or (f.severity is Severity.ERROR and "motivering" in f.message.lower())
    }


def state_text(result: CheckResult) -> str:
    """Whether the proposal can be submitted, in one sentence."""
    return (
        "Kan nog niet worden ingediend."
        if not result.ok
        else "Akkoord van de teamleider nodig."
        if result.approval_required
        else "In orde."
    )


def _cost_text(result: CheckResult) -> str:
    if result.max_kosten is None:
        return ""
    return f"Maximale kosten: {money(result.max_kosten)}. "


def summary_text(result: CheckResult) -> str:
    """The term page's summary: cost, state and one line a finding."""
    lines = [f"{_cost_text(result)}{state_text(result)}"] + [
        f"• {SEVERITY_STYLE[f.severity][0]}: {f.message}" for f in result.findings
    ]
    return "\n".join(lines)


def result_text(result: CheckResult) -> str:
    """The findings page's heading (rich text): state, cost and what to write."""
    return f"<b>{state_text(result)}</b> {_cost_text(result)}" + (
        "Schrijf bij elke bevinding die akkoord vraagt een motivering."
        if any(f.code in approval_codes(result) for f in result.findings)
        else ""
    )


def show_findings(
    layout: QVBoxLayout,
    result: CheckResult,
    motivations: dict[str, QPlainTextEdit],
    on_motivation_changed: Callable[[], None],
) -> None:
    """Replace the findings in ``layout`` (whose last item is a stretch) by ``result``'s.

    A motivation field is made once per finding code and kept in ``motivations`` (hidden
    while its finding is gone), so typed text is never lost by a re-check.
    """
    needed = approval_codes(result)
    keep = set(motivations.values())
    while layout.count() > 1:
        widget = layout.takeAt(0).widget()
        if widget is None:
            continue
        widget.hide()
        if widget not in keep:
            widget.setParent(None)
            widget.deleteLater()
    position = 0
    if not result.findings:
        ok = QLabel("Geen bevindingen: dit voorstel past binnen de regels van de regio.")
        ok.setObjectName("no_findings_label")
        layout.insertWidget(position, ok)
        return
    for finding in result.findings:
        label_text, colour = SEVERITY_STYLE[finding.severity]
        if finding.severity is Severity.ERROR and finding.code in needed:
            label_text, colour = NEEDS_MOTIVATION_STYLE
        label = QLabel(
            f"<span style='color:{colour}'><b>{label_text}</b></span> "
            f"<small>({finding.code})</small><br>{finding.message}"
        )
        label.setObjectName(f"finding_{finding.code}")
        label.setWordWrap(True)
        layout.insertWidget(position, label)
        position += 1
        if finding.code in needed:
            edit = motivations.get(finding.code)
            if edit is None:
                edit = QPlainTextEdit(objectName=f"motivation_{finding.code}")
                edit.setTabChangesFocus(True)  # Tab moves on (issue 16)
                edit.setPlaceholderText("Motivering (waarom is dit hier nodig?)")
                edit.setFixedHeight(60)
                edit.textChanged.connect(on_motivation_changed)
                motivations[finding.code] = edit
            layout.insertWidget(position, edit)
            edit.show()
            position += 1
