"""Bounded reading: zip bombs and oversized bundles are refused early, with flat memory."""

from __future__ import annotations

import time
import tracemalloc
import uuid
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jeugdtoegang.sync import SyncError
from jeugdtoegang.sync.bundle import read_bundle
from tests.integration.sync_bombs import (
    MiB,
    many_entries,
    signed_payload_bomb,
    zip_member_bomb,
)
from tests.integration.sync_helpers import TEAM_KEY

SIGNER = Ed25519PrivateKey.generate()


def _accept(_source: uuid.UUID, public_key: str) -> str:
    return public_key  # the attacker's own key is "enrolled": only the limits stand


def _refusal(path: Path) -> tuple[str, float, int]:
    """(message, seconds, peak traced bytes): timed without tracing, traced apart."""
    start = time.perf_counter()
    with pytest.raises(SyncError) as error:
        read_bundle(path, TEAM_KEY.encode(), _accept)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    with pytest.raises(SyncError):
        read_bundle(path, TEAM_KEY.encode(), _accept)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return error.value.message, seconds, peak


@pytest.mark.parametrize("member", ["header.json", "signature", "payload"])
def test_a_zip_bomb_in_any_member_is_refused_before_inflating_it(
    tmp_path: Path, member: str
) -> None:
    bomb = tmp_path / "bom.jtsync"
    zip_member_bomb(bomb, member, 200 * MiB)
    assert bomb.stat().st_size < MiB

    message, _seconds, peak = _refusal(bomb)

    assert "geweigerd" in message and member in message
    assert peak < 8 * MiB


def test_a_zip_with_thousands_of_entries_is_refused_from_its_directory(tmp_path: Path) -> None:
    bomb = tmp_path / "veel.jtsync"
    many_entries(bomb, 5000)

    message, _seconds, _ = _refusal(bomb)

    assert "te veel onderdelen (5000" in message


def test_a_well_signed_payload_that_inflates_too_far_is_refused_early(tmp_path: Path) -> None:
    bomb = tmp_path / "binnenbom.jtsync"
    manifest = {
        "format": "jeugdtoegang-sync",
        "source_database_id": str(uuid.uuid4()),
        "region": "zuidoost-utrecht",
        "seq_from": 1,
        "seq_to": 1,
        "record_counts": {},
        "change_count": 0,
        "created_at": "2026-12-01T00:00:00+00:00",
    }
    signed_payload_bomb(bomb, manifest, SIGNER, TEAM_KEY, 512 * MiB)

    message, _seconds, peak = _refusal(bomb)

    assert "zip-bom" in message or "groter dan toegestaan" in message
    assert peak < 80 * MiB  # bounded by the inflation cap, never the 512 MB
