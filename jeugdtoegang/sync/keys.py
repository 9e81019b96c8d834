"""The team key that signs and checks bundles (HMAC-SHA256).

The functional administrator generates one key per team (``jeugdtoegang sync key
generate``) and sets it on every workstation and the office (``sync key set``). It is
not stored in the database (a copied database file must not carry the key that vouches
for its bundles): it lives in ``sync.key`` in the user data folder (readable by the user
only), or in the environment variable ``JEUGDTOEGANG_SYNC_KEY`` which takes precedence.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.sync.errors import SyncKeyError

ENV_KEY = "JEUGDTOEGANG_SYNC_KEY"
KEY_FILE = "sync.key"
MIN_KEY_LENGTH = 32


def key_path() -> Path:
    return user_data_dir() / KEY_FILE


def generate_key() -> str:
    """A new random key: 32 bytes as 64 hexadecimal characters."""
    return secrets.token_hex(32)


def _check(key: str) -> str:
    key = key.strip()
    if len(key) < MIN_KEY_LENGTH:
        raise SyncKeyError(
            f"De teamsleutel is te kort (minstens {MIN_KEY_LENGTH} tekens). "
            "Maak er een met 'jeugdtoegang sync key generate'."
        )
    return key


def set_key(key: str) -> Path:
    """Store the team key in the user data folder (mode 0600); returns the file."""
    key = _check(key)
    path = key_path()
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def load_key() -> bytes:
    """The team key as bytes; raises SyncKeyError when none is set up."""
    raw = os.environ.get(ENV_KEY)
    if not raw:
        path = key_path()
        if not path.exists():
            raise SyncKeyError(
                "Er is geen teamsleutel ingesteld op deze computer. Vraag de beheerder om "
                "de sleutel en stel die in met 'jeugdtoegang sync key set SLEUTEL'."
            )
        raw = path.read_text(encoding="ascii", errors="replace")
    return _check(raw).encode("utf-8")


def key_id(key: bytes) -> str:
    """A short public fingerprint of the key: tells 'other key' apart from 'tampered'."""
    return hashlib.sha256(b"jeugdtoegang-sync-key-id\x00" + key).hexdigest()[:16]
