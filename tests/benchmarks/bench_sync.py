"""Sync export and import of 10,000 changed records vs bare libraries doing the same work.

Run: pytest tests/benchmarks/bench_sync.py -s   (add JEUGDTOEGANG_TEST_PG=... for PostgreSQL)
Targets: export ≤ 1 s, import ≤ 3 s (both including encryption, signature, enrolment check,
authorisation of every change and validation of every row).
The laptop is enrolled at the office and joined it (accounts travelled); the 10,000
records are a consultant's work. The baseline writes the same record snapshots as JSON
Lines, compressed with zlib, encrypted with AES-256-GCM and signed with Ed25519 into a zip
(out), and reads, verifies, decrypts, inflates and parses them back (in): the floor any
encrypted, signed bundle pays.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
import zipfile
import zlib
from datetime import date
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.services import auth
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.bulk import bulk_insert
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.sync.keys import ENV_KEY
from tests.benchmarks._report import report
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    join,
    office_with_accounts,
    open_bundle,
)

HOUSEHOLDS = 2_500
PERSONS_PER_HOUSEHOLD = 3  # 2,500 + 7,500 = 10,000 records
ACTOR = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")


def _fill(ctx: AppContext) -> None:
    with ctx.uow() as uow:
        household_ids = bulk_insert(
            uow.session,
            Household,
            [
                {
                    "dossier_number": f"2026-{n:05d}",
                    "name": f"Gezin {n}",
                    "street": "Dorpsstraat",
                    "house_number": str(n),
                    "postcode": "3701AB",
                    "city": "Zeist",
                    "gemeente_code": "0355",
                    "gemeente": "Zeist",
                    "team": "Team Zeist",
                }
                for n in range(HOUSEHOLDS)
            ],
            ACTOR.username,
        )
        persons = []
        for index, household_id in enumerate(household_ids):
            for k in range(PERSONS_PER_HOUSEHOLD):
                persons.append(
                    {
                        "household_id": household_id,
                        "role": "jeugdige" if k else "ouder",
                        "first_name": f"Voornaam{k}",
                        "surname": f"Achternaam{index}",
                        "birth_date": date(2012, 1, 1 + k),
                        "bsn": None,
                        "has_gezag": k == 0,
                        "search_surname": f"achternaam{index}",
                        "search_first": f"voornaam{k}",
                        "sort_key": f"{k}",
                    }
                )
        bulk_insert(uow.session, Person, persons, ACTOR.username)
        uow.commit()


def _bare_round_trip(records: list[dict[str, object]], folder: Path) -> tuple[float, float]:
    target = folder / "bare.zip"
    signer = Ed25519PrivateKey.generate()
    key = os.urandom(32)
    start = time.perf_counter()
    body = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    nonce = os.urandom(12)
    payload = AESGCM(key).encrypt(nonce, zlib.compress(body, 1), b"")
    header = json.dumps({"sha256": hashlib.sha256(payload).hexdigest()}).encode()
    with open(target, "wb") as handle:
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_STORED) as archive:
            archive.writestr("header.json", header)
            archive.writestr("payload", payload)
            archive.writestr("signature", signer.sign(header).hex())
        handle.flush()
        os.fsync(handle.fileno())
    out = time.perf_counter() - start
    start = time.perf_counter()
    with zipfile.ZipFile(target) as archive:
        header = archive.read("header.json")
        signer.public_key().verify(bytes.fromhex(archive.read("signature").decode()), header)
        payload = archive.read("payload")
    assert hashlib.sha256(payload).hexdigest() == json.loads(header)["sha256"]
    data = zlib.decompress(AESGCM(key).decrypt(nonce, payload, b""))
    parsed = [json.loads(line) for line in data.splitlines()]
    back = time.perf_counter() - start
    assert len(parsed) == len(records)
    return out, back


def test_export_and_import_of_10000_changed_records(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    try:
        office = factory.create("kantoor")
        laptop = factory.create("laptop")
        join(office_with_accounts(office), laptop, tmp_path, "laptop")
        source = AppContext(laptop, ACTOR)
        target = AppContext(office, ACTOR)
        _fill(source)
        bundle = tmp_path / "bench.jtsync"

        start = time.perf_counter()
        exported = sync_service.export_bundle(source, "kantoor", bundle)
        export_s = time.perf_counter() - start
        assert exported.record_count == HOUSEHOLDS * (1 + PERSONS_PER_HOUSEHOLD)

        start = time.perf_counter()
        imported = sync_service.import_bundle(target, bundle)
        import_s = time.perf_counter() - start
        assert imported.applied == exported.record_count

        _, records = open_bundle(bundle)
        bare_out, bare_in = _bare_round_trip(records, tmp_path)
        dialect = source.database.dialect
        print()
        report(f"sync export 10,000 records ({dialect})", export_s, bare_out, "s", "≤ 1 s")
        report(f"sync import 10,000 records ({dialect})", import_s, bare_in, "s", "≤ 3 s")
        print(f"bundle size {bundle.stat().st_size / 1e6:.2f} MB", flush=True)
    finally:
        factory.close()
