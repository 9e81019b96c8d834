"""Findings: what a rule check says about a choice, shared by every area.

A finding is an *error* (the choice cannot be saved), an *approval* (allowed, but only with
a written motivation and a team lead's approval: the "tenzij" cases) or a *warning* (a
steering signal, never blocking). An approval finding without a motivation becomes an
error: "nee, tenzij" means nothing is allowed without the written reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum


class Severity(StrEnum):
    """How heavy a finding is; values are stable (stored and exported)."""

    ERROR = "error"
    APPROVAL = "approval"
    WARNING = "warning"


@dataclass(frozen=True)
class Finding:
    """One outcome of a rule: a stable ``code``, its severity and a Dutch message."""

    code: str
    severity: Severity
    message: str
    field: str | None = None


MOTIVATION_MISSING_SUFFIX = " Schrijf een motivering; zonder motivering kan dit niet."


def has_motivation(motivation: str | None) -> bool:
    """Whether a motivation was really written (not empty or only spaces)."""
    return bool(motivation and motivation.strip())


def requires_approval(findings: Iterable[Finding]) -> bool:
    """Whether any finding asks for a team lead's approval."""
    return any(f.severity is Severity.APPROVAL for f in findings)


def blocking(findings: Iterable[Finding]) -> list[Finding]:
    """The findings that stop the choice from being saved (the errors)."""
    return [f for f in findings if f.severity is Severity.ERROR]


def apply_motivation(findings: Iterable[Finding], motivation: str | None) -> list[Finding]:
    """Turn every approval finding into an error when no motivation was written.

    Other findings pass unchanged, so the result can be shown as it is.
    """
    if has_motivation(motivation):
        return list(findings)
    return [
        replace(f, severity=Severity.ERROR, message=f.message + MOTIVATION_MISSING_SUFFIX)
        if f.severity is Severity.APPROVAL
        else f
        for f in findings
    ]
