"""Files with personal data (prints, exports): whole or absent, and logged exactly when final.

:func:`write_logged` writes the data to a private temporary file (0600) next to the
target and fsyncs it, commits the audit entry, and only then renames the file to its final
name. So a print or export is never final without its audit entry; if the rename itself
fails after the entry was committed, a second entry with outcome "mislukt" says so. A full
or unwritable disk raises :class:`~jeugdtoegang.errors.FileWriteError` (a precise Dutch
message) and leaves neither a torn file nor an entry claiming success.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from pathlib import Path

from jeugdtoegang.atomic import atomic_path
from jeugdtoegang.errors import FileWriteError
from jeugdtoegang.services.context import AppContext

FAILED = "mislukt"


def write_logged(
    ctx: AppContext,
    target: Path,
    data: bytes,
    *,
    action: str,
    object_type: str | None,
    object_id: uuid.UUID | None,
    person_ids: Sequence[uuid.UUID],
    purpose: str,
) -> Path:
    """Write ``data`` to ``target`` atomically, logging ``action`` in the final step."""
    target = Path(target)
    logged = False
    try:
        with atomic_path(target) as temporary:
            temporary.write_bytes(data)
            with ctx.uow() as uow:
                uow.log_access(action, object_type, object_id, list(person_ids), purpose)
                uow.commit()
            logged = True
    except OSError as error:
        if logged:  # the entry says it was made; it was not: say so too
            with ctx.uow() as uow:
                uow.log_access(
                    action, object_type, object_id, list(person_ids), purpose, outcome=FAILED
                )
                uow.commit()
        raise FileWriteError(target, error) from error
    return target
