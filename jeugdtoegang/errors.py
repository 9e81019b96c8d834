"""Domain exceptions. Each carries a Dutch message fit to show a user as it is.

The GUI and the CLI catch :class:`JeugdtoegangError` at one boundary and show ``message``;
anything else is a programming error and is reported without personal data.
"""

from __future__ import annotations

from dataclasses import dataclass


class JeugdtoegangError(Exception):
    """Base class: an expected failure with a message for the user (in Dutch)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FieldError:
    """One invalid field: which field (machine name), and what is wrong (Dutch)."""

    field: str
    message: str
    row: int | None = None

    def __str__(self) -> str:
        where = f"rij {self.row}, " if self.row is not None else ""
        return f"{where}{self.field}: {self.message}"


class ValidationError(JeugdtoegangError):
    """Input that breaks one or more rules; nothing was written."""

    def __init__(self, errors: list[FieldError] | FieldError, summary: str | None = None) -> None:
        self.errors = [errors] if isinstance(errors, FieldError) else list(errors)
        if summary is None and len(self.errors) == 1 and self.errors[0].row is None:
            # one problem: the sentence itself, never a machine field name ("- comment: …")
            summary = self.errors[0].message
        text = summary or "De invoer is niet geldig:\n" + "\n".join(f"- {e}" for e in self.errors)
        super().__init__(text)


class NotFoundError(JeugdtoegangError):
    """A record that was asked for does not exist (or is not visible to this user)."""


class StaleRecordError(JeugdtoegangError):
    """Optimistic lock: the record changed since it was read. Nothing was overwritten."""

    def __init__(self, what: str, changed_by: str | None = None) -> None:
        by = f" door {changed_by}" if changed_by else ""
        super().__init__(
            f"{what} is intussen gewijzigd{by}. Uw wijziging is niet opgeslagen; "
            "open het opnieuw en voer de wijziging nog eens in."
        )


class PermissionDeniedError(JeugdtoegangError):
    """The current user may not do this; the refusal is written to the audit log."""


class DatabaseVersionError(JeugdtoegangError):
    """The database was made by a newer version of the program (or is not ours)."""


class RuleViolationError(JeugdtoegangError):
    """A domain rule refuses the action (e.g. a plan that cannot be submitted yet)."""
