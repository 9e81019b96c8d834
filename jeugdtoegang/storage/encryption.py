"""The encrypted database option (SQLCipher) and its key file.

A database is encrypted with a random 256-bit key (the DEK), given to SQLCipher as a raw
key (``PRAGMA key = "x'…'"``: no key derivation inside SQLCipher, so opening stays fast).
The DEK is never stored in the clear. It is stored *wrapped* (AES-256-GCM) in a small
file beside the database, ``<database>.keys`` (0600), because it is needed before the
database can be read:

* once per active account: the key-encryption key (KEK) is derived from the account's
  password through the account's own scrypt parameters and salt (the same ones as its
  password hash), then HKDF-SHA256. The hash value itself lives only *inside* the
  encrypted database, so the key file holds nothing that reveals or shortcuts the
  password: whoever has only the laptop must guess a password through scrypt (n = 2^17).
  Because the KEK follows from the stored hash, every account of this database can unlock
  it with its own password, and a password change (or reset, or an account synced from
  the office) re-wraps the key at the next commit or open, without anyone typing an old
  password. A disabled account loses its wrap.
* the recovery key the beheerder holds (shown once when the database is encrypted; 52
  characters in 13 groups) is where the DEK comes from: DEK = HKDF-SHA256(recovery key),
  so it opens the database even without the key file. ``db recover`` uses it to open the
  database, rebuild a lost key file and give an account a new (temporary) password.

Losing the key file *and* the recovery key makes the database unreadable: there is no
back door. Wrong passwords never open anything and get the login's one Dutch answer.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeugdtoegang.atomic import FILE_MODE, write_atomically
from jeugdtoegang.errors import JeugdtoegangError

KEY_FILE_SUFFIX = ".keys"
KEY_FILE_FORMAT = "jeugdtoegang-db-keys"
KEY_FILE_VERSION = 1
#: SQLCipher 4 defaults (documented in ``db status``): AES-256-CBC pages with HMAC-SHA512
CIPHER_SETTINGS = {
    "library": "SQLCipher 4 (sqlcipher3)",
    "cipher": "AES-256-CBC",
    "hmac": "HMAC-SHA512",
    "page_size": 4096,
    "key": "ruwe sleutel van 256 bits (geen afleiding in SQLCipher)",
    "wrap": "AES-256-GCM; sleutel uit het wachtwoord via scrypt (n=2^17) + HKDF-SHA256",
}
WRONG = "Gebruikersnaam of wachtwoord onjuist."
_RECOVERY_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_AAD = b"jeugdtoegang-db-key|"
#: an encrypted autosave file starts with this
SEALED_PREFIX = b"JTENC1\n"

#: DEKs unlocked in this process, by resolved database path
_UNLOCKED: dict[str, bytes] = {}


class DatabaseLockedError(JeugdtoegangError):
    """An encrypted database without an unlocked key."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(
            message
            or "Deze database is versleuteld. Log in met uw gebruikersnaam en wachtwoord om "
            "hem te openen."
        )


class UnlockError(DatabaseLockedError):
    """Wrong user name, password or recovery key (one answer for all)."""


def key_file_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + KEY_FILE_SUFFIX)


SQLITE_HEADER = b"SQLite format 3\x00"


def is_plain_sqlite(path: Path) -> bool:
    """True when the file starts with SQLite's plain header (an empty file counts as plain)."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except FileNotFoundError:
        return True
    return head in (SQLITE_HEADER, b"")


def is_encrypted(database_path: Path | None) -> bool:
    """An encrypted database of ours: a key file beside it and no plain header in it.

    A key file beside a *plain* file is what a conversion killed half-way leaves: the
    plain file is still the database (run ``db encrypt`` again)."""
    if database_path is None:
        return False
    return key_file_for(database_path).exists() and not is_plain_sqlite(database_path)


def lost_key_file(database_path: Path | None) -> bool:
    """A non-empty file without SQLite's plain header and without a key file: an encrypted
    database whose key file was lost (only the recovery key opens it) or a damaged file."""
    if database_path is None or key_file_for(database_path).exists():
        return False
    try:
        return database_path.stat().st_size > 0 and not is_plain_sqlite(database_path)
    except OSError:
        return False


LOST_KEY_FILE = (
    "Deze database is niet te openen: het is geen gewone database en het sleutelbestand "
    "({name}) ontbreekt. Is hij versleuteld, dan opent alleen de herstelsleutel van de "
    "beheerder hem ('jeugdtoegang db recover --recovery-key --user NAAM' maakt het "
    "sleutelbestand opnieuw); anders is het bestand beschadigd."
)


def raw_key_pragma(dek: bytes) -> str:
    """The key as SQLCipher takes it (a raw key: ``x'<64 hex>'``)."""
    return f"x'{dek.hex()}'"


# --- recovery key -----------------------------------------------------------------------------


def new_recovery_key() -> str:
    """32 random bytes as 13 groups of 4 characters (base32, no 0/1/8/9 confusion)."""
    text = base64.b32encode(secrets.token_bytes(32)).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def _normalise_recovery(text: str) -> bytes | None:
    cleaned = "".join(ch for ch in text.upper() if ch in _RECOVERY_ALPHABET)
    if len(cleaned) != 52:
        return None
    try:
        return base64.b32decode(cleaned + "====")
    except ValueError:
        return None


# --- wrapping ---------------------------------------------------------------------------------


def _hkdf(material: bytes, info: bytes) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(material)


def _seal(kek: bytes, plain: bytes, aad: bytes) -> dict[str, str]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = secrets.token_bytes(12)
    return {"nonce": nonce.hex(), "wrapped": AESGCM(kek).encrypt(nonce, plain, aad).hex()}


def _open(kek: bytes, entry: dict[str, Any], aad: bytes) -> bytes | None:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    try:
        return AESGCM(kek).decrypt(
            bytes.fromhex(entry["nonce"]), bytes.fromhex(entry["wrapped"]), aad
        )
    except (InvalidTag, ValueError, KeyError, TypeError):
        return None


def user_key(username: str) -> str:
    return username.strip().casefold()


def _split_hash(stored: str) -> tuple[str, bytes] | None:
    """``scrypt$n$r$p$salt$digest`` → (``scrypt$n$r$p$salt``, digest)."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        return "$".join(parts[:5]), bytes.fromhex(parts[5])
    except ValueError:
        return None


def _kek_from_digest(digest: bytes) -> bytes:
    return _hkdf(digest, b"jeugdtoegang database key wrap v1")


def _digest_for(params: str, password: str) -> bytes | None:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    try:
        _scheme, log2_n, r, p, salt = params.split("$")
        return Scrypt(salt=bytes.fromhex(salt), length=32, n=2 ** int(log2_n), r=int(r),
                      p=int(p)).derive(password.encode("utf-8"))  # fmt: skip
    except (ValueError, TypeError, OverflowError):
        return None


def user_entry(dek: bytes, username: str, password_hash: str) -> dict[str, str] | None:
    """The wrap of ``dek`` for one account, from its stored password hash."""
    split = _split_hash(password_hash)
    if split is None:
        return None
    params, digest = split
    key = user_key(username)
    sealed = _seal(_kek_from_digest(digest), dek, _AAD + key.encode("utf-8"))
    return {"user": key, "params": params, **sealed}


def dek_from_recovery(recovery_key: str) -> bytes:
    """The database key follows from the recovery key (HKDF-SHA256), so the recovery key
    opens the database even when the key file is lost."""
    raw = _normalise_recovery(recovery_key)
    if raw is None:
        raise UnlockError("Dit is geen geldige herstelsleutel (13 groepen van 4 tekens).")
    return _hkdf(raw, b"jeugdtoegang database key from recovery key v1")


# --- the key file -----------------------------------------------------------------------------


@dataclass
class KeyFile:
    """The wrapped keys of one database (read before the database is opened)."""

    path: Path
    users: list[dict[str, str]] = field(default_factory=list)
    recovery: dict[str, str] | None = None
    check: str = ""

    @classmethod
    def load(cls, path: Path) -> KeyFile:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != KEY_FILE_FORMAT:
                raise ValueError("format")
            return cls(path, list(data.get("users") or []), data.get("recovery"),
                       str(data.get("check") or ""))  # fmt: skip
        except FileNotFoundError:
            raise DatabaseLockedError(
                f"Het sleutelbestand {path.name} ontbreekt. Zonder dit bestand opent alleen de "
                "herstelsleutel van de beheerder deze database ('jeugdtoegang db recover "
                "--recovery-key --user NAAM' maakt het opnieuw)."
            ) from None
        except (OSError, ValueError, TypeError, AttributeError) as error:
            raise DatabaseLockedError(
                f"Het sleutelbestand {path.name} is beschadigd of onleesbaar. Gebruik de "
                "herstelsleutel van de beheerder ('jeugdtoegang db recover')."
            ) from error

    def save(self) -> None:
        data = {
            "format": KEY_FILE_FORMAT,
            "version": KEY_FILE_VERSION,
            "cipher": CIPHER_SETTINGS,
            "check": self.check,
            "users": sorted(self.users, key=lambda e: (e["user"], e["params"])),
            "recovery": self.recovery,
        }
        write_atomically(self.path, json.dumps(data, indent=1).encode("utf-8"))
        with contextlib.suppress(OSError):
            os.chmod(self.path, FILE_MODE)

    def enrolled(self) -> list[str]:
        return sorted({e["user"] for e in self.users})

    def verify(self, dek: bytes) -> bool:
        return hmac.compare_digest(self.check, key_check(dek))


def key_check(dek: bytes) -> str:
    """A public fingerprint of the DEK (to refuse a wrong key before SQLCipher does)."""
    return hashlib.sha256(b"jeugdtoegang key check|" + dek).hexdigest()[:16]


def create_key_file(
    database_path: Path, dek: bytes, accounts: Iterable[tuple[str, str, bool]]
) -> KeyFile:
    keys = KeyFile(key_file_for(database_path), check=key_check(dek))
    keys.recovery = {"derivation": "HKDF-SHA256 uit de herstelsleutel"}
    keys.users = desired_user_entries(dek, accounts, [])
    keys.save()
    return keys


def desired_user_entries(
    dek: bytes, accounts: Iterable[tuple[str, str, bool]], existing: list[dict[str, str]]
) -> list[dict[str, str]]:
    """One entry per active account (existing entries with the same hash are reused)."""
    by_params = {(e["user"], e["params"]): e for e in existing}
    result = []
    for username, password_hash, active in accounts:
        if not active:
            continue
        split = _split_hash(password_hash)
        if split is None:
            continue
        reuse = by_params.get((user_key(username), split[0]))
        if reuse is not None:
            result.append(reuse)
            continue
        entry = user_entry(dek, username, password_hash)
        if entry is not None:
            result.append(entry)
    return result


# --- unlocking --------------------------------------------------------------------------------


def unlock_with_password(database_path: Path, username: str, password: str) -> bytes:
    """The DEK for an account's password; UnlockError with the login's answer otherwise."""
    keys = KeyFile.load(key_file_for(database_path))
    key = user_key(username)
    for entry in [e for e in keys.users if e.get("user") == key]:
        digest = _digest_for(entry.get("params", ""), password)
        if digest is None:
            continue
        dek = _open(_kek_from_digest(digest), entry, _AAD + key.encode("utf-8"))
        if dek is not None and keys.verify(dek):
            remember(database_path, dek)
            return dek
    if not any(e.get("user") == key for e in keys.users):
        _digest_for("scrypt$17$8$1$" + "00" * 16, password)  # the same time for a stranger
    raise UnlockError(WRONG)


RECOVERY_MISMATCH = "Deze herstelsleutel past niet bij deze database."


def unlock_with_recovery_key(database_path: Path, recovery_key: str) -> bytes:
    """The DEK from the recovery key (checked against the key file when there is one; without
    it the database itself refuses a wrong key when it is opened)."""
    dek = dek_from_recovery(recovery_key)
    key_file = key_file_for(database_path)
    if key_file.exists() and not KeyFile.load(key_file).verify(dek):
        raise UnlockError(RECOVERY_MISMATCH)
    remember(database_path, dek)
    return dek


def _norm(path: Path) -> str:
    return str(Path(path).resolve())


def remember(database_path: Path, dek: bytes) -> None:
    _UNLOCKED[_norm(database_path)] = dek


def unlocked_key(database_path: Path) -> bytes | None:
    return _UNLOCKED.get(_norm(database_path))


def forget(database_path: Path | None = None) -> None:
    """Drop unlocked keys (one database, or all)."""
    if database_path is None:
        _UNLOCKED.clear()
    else:
        _UNLOCKED.pop(_norm(database_path), None)


# --- sealing small files (autosave) with the database key ---------------------------------------


def _file_key(dek: bytes) -> bytes:
    return _hkdf(dek, b"jeugdtoegang sealed files v1")


def seal_bytes(dek: bytes, data: bytes, label: str) -> bytes:
    sealed = _seal(_file_key(dek), data, label.encode("utf-8"))
    return SEALED_PREFIX + bytes.fromhex(sealed["nonce"]) + bytes.fromhex(sealed["wrapped"])


def unseal_bytes(dek: bytes, data: bytes, label: str) -> bytes | None:
    if not data.startswith(SEALED_PREFIX):
        return None
    body = data[len(SEALED_PREFIX) :]
    entry = {"nonce": body[:12].hex(), "wrapped": body[12:].hex()}
    return _open(_file_key(dek), entry, label.encode("utf-8"))


def active_key() -> bytes | None:
    """The key of an encrypted database open in this process (for sealing autosave files).

    A workstation session has one database open; when several are unlocked the most
    recently unlocked one is used."""
    if not _UNLOCKED:
        return None
    return next(reversed(_UNLOCKED.values()))


def iter_active_keys() -> Iterator[bytes]:
    yield from reversed(list(_UNLOCKED.values()))
