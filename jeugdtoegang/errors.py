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


def file_error_message(path: object, error: OSError) -> str:
    """A precise Dutch message for a file that could not be written or read."""
    import errno

    where = f" {path}" if path else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return (
            f"De schijf is vol: het bestand{where} kon niet worden geschreven. Er is geen half "
            "bestand achtergebleven en er is niets gewijzigd. Maak ruimte vrij en probeer het "
            "opnieuw."
        )
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return (
            f"U heeft geen schrijfrechten voor{where or ' deze map'}. Er is niets gewijzigd. "
            "Kies een andere map of vraag de beheerder."
        )
    if error.errno == errno.ENOENT:
        return f"De map of het bestand{where} bestaat niet. Er is niets gewijzigd."
    if error.errno == errno.EISDIR:
        return f"{where.strip() or 'Dit'} is een map, geen bestand. Er is niets gewijzigd."
    reason = error.strerror or type(error).__name__
    return f"Het bestand{where} kon niet worden geschreven ({reason}). Er is niets gewijzigd."


class FileWriteError(JeugdtoegangError):
    """A file could not be written (disk full, no rights); nothing half was left behind."""

    def __init__(self, path: object, error: OSError) -> None:
        super().__init__(file_error_message(path, error))
        self.errno = error.errno
