"""Zip bombs against the bundle reader: refusal time and peak memory.

Run: pytest tests/benchmarks/bench_sync_bomb.py -s
Target: refused in well under a second with flat memory.
Each bomb is measured twice: timed, then traced (tracemalloc peak) and with the process's
resident-memory growth. The baseline is bare :mod:`zipfile` opening the same file and
listing its directory (the least any reader does), and for the payload bomb bare
``zlib.decompress`` of the same stream (what an unbounded reader would do, capped here at
the 512 MB it inflates to).
"""

from __future__ import annotations

import resource
import time
import tracemalloc
import uuid
import zipfile
import zlib
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from jeugdtoegang.sync import SyncError
from jeugdtoegang.sync.bundle import read_bundle
from tests.benchmarks._report import report
from tests.integration.sync_bombs import (
    MiB,
    deflated_zeros,
    many_entries,
    signed_payload_bomb,
    zip_member_bomb,
)
from tests.integration.sync_helpers import TEAM_KEY

SIGNER = Ed25519PrivateKey.generate()
MANIFEST = {
    "format": "jeugdtoegang-sync",
    "source_database_id": str(uuid.uuid4()),
    "region": "zuidoost-utrecht",
    "seq_from": 1,
    "seq_to": 1,
    "record_counts": {},
    "change_count": 0,
    "created_at": "2026-12-01T00:00:00+00:00",
}


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _refuse(path: Path) -> tuple[float, float]:
    start = time.perf_counter()
    with pytest.raises(SyncError):
        read_bundle(path, TEAM_KEY.encode(), lambda _s, key: key)
    seconds = time.perf_counter() - start
    tracemalloc.start()
    with pytest.raises(SyncError):
        read_bundle(path, TEAM_KEY.encode(), lambda _s, key: key)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, peak / MiB


def _bare_listing(path: Path) -> float:
    start = time.perf_counter()
    with zipfile.ZipFile(path) as archive:
        archive.infolist()
    return time.perf_counter() - start


def test_zip_bombs_are_refused_fast_with_flat_memory(tmp_path: Path) -> None:
    print()
    rss_before = _rss_mb()
    cases = {}
    for member in ("header.json", "payload"):
        path = tmp_path / f"bom-{member}.jtsync"
        zip_member_bomb(path, member, 1024 * MiB)  # 1 GB of zeros in ~1 MB
        cases[f"zip bomb in {member} (1 GB)"] = path
    many = tmp_path / "veel.jtsync"
    many_entries(many, 20_000)
    cases["zip with 20,000 entries"] = many
    inner = tmp_path / "binnen.jtsync"
    signed_payload_bomb(inner, MANIFEST, SIGNER, TEAM_KEY, 512 * MiB)
    cases["signed, encrypted payload (512 MB)"] = inner

    timings = {}
    for name, path in cases.items():
        seconds, peak = _refuse(path)
        timings[name] = (seconds, peak, path.stat().st_size / MiB)
    growth = _rss_mb() - rss_before
    stream = deflated_zeros(512 * MiB)
    start = time.perf_counter()
    inflated = len(zlib.decompress(stream))
    bare_inflate = time.perf_counter() - start
    for name, (seconds, peak, size) in timings.items():
        # the payload bomb's baseline is what an unbounded reader pays: inflating it all
        baseline = bare_inflate if "payload (512" in name else _bare_listing(cases[name])
        report(f"refuse {name}, {size:.1f} MB file", seconds, baseline, "s", "≪ 1 s")
        print(f"{'':<48} peak traced memory {peak:8.1f} MB", flush=True)
    print(
        f"{'bare zlib.decompress of the 512 MB bomb':<48} {bare_inflate:10.3f} s "
        f"({inflated // MiB} MB in memory)"
    )
    print(f"{'resident memory growth during all refusals':<48} {growth:10.1f} MB", flush=True)
