"""Keys for bundles: the workstation's own Ed25519 signing key and the team's encryption key.

* **Signing** (who wrote the bundle): every database (a laptop, the office) has its own
  Ed25519 key pair. The private key lives in ``workstation-<database id>.key`` in the user
  data folder (mode 0600), never in the database (a copied database file must not carry
  the key that vouches for its bundles). The public key is *enrolled* by the functional
  administrator at the office (``sync_workstation``); its fingerprint is shown on both
  sides so the two can be compared. A revoked or unknown workstation's bundles are refused.
* **Encryption** (who can read the bundle): the team key is stretched with HKDF-SHA256 to
  an AES-256-GCM key; a bundle on a stick or a share reveals nothing without it. The
  team key alone cannot write: a bundle must also carry an enrolled workstation's
  signature.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import uuid
from pathlib import Path

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from jeugdtoegang.paths import user_data_dir
from jeugdtoegang.sync.errors import SyncError, SyncKeyError

NONCE_BYTES = 12
PUBLIC_KEY_HEX = 64


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)


# --- workstation signing key ----------------------------------------------------------------


def workstation_key_path(database_id: uuid.UUID) -> Path:
    return user_data_dir() / f"workstation-{database_id}.key"


def load_signing_key(database_id: uuid.UUID, *, create: bool = True) -> Ed25519PrivateKey:
    """This database's signing key; made (and stored, 0600) on first use."""
    path = workstation_key_path(database_id)
    if path.exists():
        try:
            key = serialization.load_pem_private_key(path.read_bytes(), password=None)
        except (ValueError, TypeError) as error:
            raise SyncKeyError(
                f"De werkplekssleutel in {path} is onleesbaar. Maak een nieuwe en laat de "
                "beheerder deze werkplek opnieuw inschrijven."
            ) from error
        if not isinstance(key, Ed25519PrivateKey):
            raise SyncKeyError(f"De werkplekssleutel in {path} is geen Ed25519-sleutel.")
        return key
    if not create:
        raise SyncKeyError("Deze werkplek heeft nog geen eigen sleutel.")
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    _write_private(path, pem)
    return key


def public_key_hex(key: Ed25519PrivateKey | Ed25519PublicKey) -> str:
    public = key.public_key() if isinstance(key, Ed25519PrivateKey) else key
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw).hex()


def fingerprint(public_hex: str) -> str:
    """A short fingerprint to compare by eye: 8 groups of 4 hexadecimal characters."""
    raw = hashlib.sha256(b"jeugdtoegang-werkplek\x00" + bytes.fromhex(public_hex)).hexdigest()
    return " ".join(raw[i : i + 4].upper() for i in range(0, 32, 4))


def normalise_fingerprint(text: str) -> str:
    plain = "".join(ch for ch in text.upper() if ch in "0123456789ABCDEF")
    return " ".join(plain[i : i + 4] for i in range(0, len(plain), 4))


def check_public_key(public_hex: str) -> Ed25519PublicKey:
    """The public key from its hex form; SyncError (Dutch) when it is not one."""
    try:
        if len(public_hex) != PUBLIC_KEY_HEX:
            raise ValueError("length")
        return Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_hex))
    except ValueError as error:
        raise SyncError(
            "De openbare sleutel van de werkplek is ongeldig (64 hexadecimale tekens)."
        ) from error


def sign(key: Ed25519PrivateKey, data: bytes) -> bytes:
    return key.sign(data)


def verify(public_hex: str, signature: bytes, data: bytes) -> bool:
    try:
        check_public_key(public_hex).verify(signature, data)
    except (InvalidSignature, SyncError, ValueError):
        return False
    return True


# --- team encryption key -------------------------------------------------------------------


def encryption_key(team_key: bytes) -> bytes:
    """AES-256 key derived from the team key (HKDF-SHA256, fixed context)."""
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"jeugdtoegang-bundel-v2"
    ).derive(team_key)


def encrypt(key: bytes, plaintext: bytes, associated: bytes) -> tuple[bytes, bytes]:
    """(nonce, ciphertext with tag) with a fresh random nonce."""
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce, AESGCM(key).encrypt(nonce, plaintext, associated)


def decrypt(key: bytes, nonce: bytes, ciphertext: bytes, associated: bytes) -> bytes:
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, associated)
    except (InvalidTag, ValueError) as error:
        raise SyncError(
            "De bundel kan niet worden ontsleuteld: hij is beschadigd of versleuteld met een "
            "andere teamsleutel."
        ) from error
