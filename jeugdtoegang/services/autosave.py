"""Recovery files for plan drafts, so a crash never loses what was typed.

The editor writes the whole draft on every edit (debounced) and on focus change to
``user_data_dir()/autosave/<household_id>.json``. The write is atomic: a temporary file
in the same folder, flushed and fsynced, then renamed over the old file; a crash leaves
either the previous or the new recovery file, never half of one. The files hold
personal data and therefore live only in the user's own data folder; a successful save
removes the file.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jeugdtoegang.atomic import write_atomically
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.storage.base import utcnow

RECOVERY_SCHEMA = 1


@dataclass(frozen=True)
class Recovery:
    """An unsaved draft found on disk."""

    household_id: uuid.UUID
    base_version_no: int
    written_at: datetime
    content: dict[str, Any]


def autosave_dir() -> Path:
    from jeugdtoegang.atomic import private_dir

    return private_dir(user_data_dir() / "autosave")


def recovery_path(household_id: uuid.UUID) -> Path:
    return autosave_dir() / f"{household_id}.json"


def write_recovery(household_id: uuid.UUID, content: dict[str, Any], base_version_no: int) -> Path:
    """Atomically replace the recovery file of a household with ``content``."""
    target = recovery_path(household_id)
    payload = {
        "schema": RECOVERY_SCHEMA,
        "household_id": str(household_id),
        "base_version_no": base_version_no,
        "written_at": utcnow().isoformat(),
        "content": content,
    }
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    write_atomically(target, data, prefix=f".{household_id}.")
    return target


def read_recovery(household_id: uuid.UUID) -> Recovery | None:
    """The recovery file of a household, or None (also when it is unreadable)."""
    path = recovery_path(household_id)
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
        return Recovery(
            household_id=uuid.UUID(payload["household_id"]),
            base_version_no=int(payload["base_version_no"]),
            written_at=datetime.fromisoformat(payload["written_at"]),
            content=dict(payload["content"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_recovery(household_id: uuid.UUID) -> None:
    """Remove the recovery file (after a successful save, or when the user declines it)."""
    with contextlib.suppress(FileNotFoundError):
        recovery_path(household_id).unlink()


def pending_recovery(
    household_id: uuid.UUID,
    stored_content: dict[str, Any] | None,
    stored_saved_at: datetime | None,
) -> Recovery | None:
    """A recovery file worth offering: newer than the stored version and different from it.

    A recovery file that equals the stored plan (or is older than it) is removed.
    """
    recovery = read_recovery(household_id)
    if recovery is None:
        return None
    same = stored_content is not None and recovery.content == stored_content
    older = stored_saved_at is not None and recovery.written_at <= stored_saved_at
    if same or older:
        clear_recovery(household_id)
        return None
    return recovery
