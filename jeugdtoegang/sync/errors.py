"""Why a bundle is refused: one exception type with a precise Dutch reason."""

from __future__ import annotations

from jeugdtoegang.errors import JeugdtoegangError

UNCHANGED = "De database is niet gewijzigd."


class SyncError(JeugdtoegangError):
    """A bundle cannot be written or read; nothing was changed.

    The message names the reason (tampered, truncated, wrong key, gap in sequence, ...)
    and always ends with the reassurance that the database is untouched.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(f"{reason} {UNCHANGED}")
        self.reason = reason


class SyncKeyError(SyncError):
    """No usable team key is set up on this computer."""

    def __init__(self, reason: str) -> None:
        JeugdtoegangError.__init__(self, reason)
        self.reason = reason
