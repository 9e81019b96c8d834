"""Recovery files for plan drafts, so a crash never loses what was typed.

The editor writes the whole draft on every edit (debounced) and on focus change to
``user_data_dir()/autosave/<author key>/<household_id>.json``. A draft belongs to the user
who typed it: it is stored per author and record, carries the author's name, and is only
ever offered to that same author (a team lead's refused edit is never offered to a
consultant as her own unsaved work). The write is atomic: a temporary file
in the same folder, flushed and fsynced, then renamed over the old file; a crash leaves
either the previous or the new recovery file, never half of one. The files hold
personal data and therefore live only in the user's own data folder; a successful save
removes the file. While an encrypted database is open the file is sealed (AES-256-GCM) with
a key derived from that database's key, so a draft is as unreadable as the database.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jeugdtoegang.atomic import private_dir, write_atomically
from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.base import utcnow

RECOVERY_SCHEMA = 2


@dataclass(frozen=True)
class Recovery:
    """An unsaved draft found on disk."""

    household_id: uuid.UUID
    author: str
    base_version_no: int
    written_at: datetime
    content: dict[str, Any]


def autosave_dir() -> Path:
    from jeugdtoegang.atomic import private_dir

    return private_dir(user_data_dir() / "autosave")


def _author_key(author: str) -> str:
    """A folder name for a user: stable, case-insensitive, safe for every file system."""
    if not author or not author.strip():
        raise ValueError("a recovery file needs its author")
    return hashlib.sha256(author.strip().casefold().encode("utf-8")).hexdigest()[:24]


def recovery_path(household_id: uuid.UUID, author: str) -> Path:
    return autosave_dir() / _author_key(author) / f"{household_id}.json"


def write_recovery(
    household_id: uuid.UUID, content: dict[str, Any], base_version_no: int, *, author: str
) -> Path:
    """Atomically replace ``author``'s recovery file of a household with ``content``."""
    target = recovery_path(household_id, author)
    private_dir(target.parent)  # per-user drafts: readable by the owner only
    payload = {
        "schema": RECOVERY_SCHEMA,
        "household_id": str(household_id),
        "author": author.strip(),
        "base_version_no": base_version_no,
        "written_at": utcnow().isoformat(),
        "content": content,
    }
    data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    key = encryption.active_key()
    if key is not None:  # an encrypted database's drafts are sealed with its key
        data = encryption.seal_bytes(key, data, f"autosave|{household_id}")
    write_atomically(target, data, prefix=f".{household_id}.")
    return target


def read_recovery(household_id: uuid.UUID, *, author: str) -> Recovery | None:
    """``author``'s recovery file of a household, or None (also when unreadable or not theirs)."""
    path = recovery_path(household_id, author)
    try:
        raw = path.read_bytes()
        if raw.startswith(encryption.SEALED_PREFIX):
            label = f"autosave|{household_id}"
            opened = (encryption.unseal_bytes(k, raw, label) for k in encryption.iter_active_keys())
            raw = next((o for o in opened if o is not None), b"")
        payload = json.loads(raw.decode("utf-8"))
        owner = str(payload["author"])
        if owner.casefold() != author.strip().casefold():
            return None  # never someone else's draft, even if a file was moved
        return Recovery(
            household_id=uuid.UUID(payload["household_id"]),
            author=owner,
            base_version_no=int(payload["base_version_no"]),
            written_at=datetime.fromisoformat(payload["written_at"]),
            content=dict(payload["content"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def clear_recovery(household_id: uuid.UUID, *, author: str) -> None:
    """Remove ``author``'s recovery file (after a successful save, or when declined)."""
    with contextlib.suppress(FileNotFoundError):
        recovery_path(household_id, author).unlink()


def pending_recovery(
    household_id: uuid.UUID,
    stored_content: dict[str, Any] | None,
    stored_saved_at: datetime | None,
    *,
    author: str,
) -> Recovery | None:
    """``author``'s recovery file worth offering: newer than the stored version, different.

    A recovery file that equals the stored plan (or is older than it) is removed. Another
    user's draft is never returned.
    """
    recovery = read_recovery(household_id, author=author)
    if recovery is None:
        return None
    same = stored_content is not None and recovery.content == stored_content
    older = stored_saved_at is not None and recovery.written_at <= stored_saved_at
    if same or older:
        clear_recovery(household_id, author=author)
        return None
    return recovery
