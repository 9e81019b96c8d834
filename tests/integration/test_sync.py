"""Sync between laptops and the office: round trips, conflicts, refusals, crashes."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from jeugdtoegang.domain.actor import Actor, Role
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.services import sync as sync_service
from jeugdtoegang.services.context import AppContext
from jeugdtoegang.storage.database import Database
from jeugdtoegang.storage.models.households import Household, Person
from jeugdtoegang.sync import SyncError
from jeugdtoegang.sync.bundle import write_bundle
from jeugdtoegang.sync.keys import ENV_KEY
from tests.integration.sync_helpers import (
    TEAM_KEY,
    DatabaseFactory,
    domain_rows,
    dump_without_audit,
    edit,
    forge,
    full_dump,
    join,
    office_with_accounts,
    open_bundle,
    register,
)

pytestmark = pytest.mark.postgres

TODAY_FIXED = __import__("datetime").date(2026, 11, 23)
CARLA = Actor("c.jansen", "Carla Jansen", frozenset({Role.CONSULENT}), team="Team Zeist")
PIET = Actor("p.devries", "Piet de Vries", frozenset({Role.CONSULENT}), team="Team Zeist")
OFFICE = Actor("b.kantoor", "Bea Kantoor", frozenset({Role.CONSULENT}), team="Team Zeist")


@pytest.fixture(autouse=True)
def _team_key(monkeypatch: pytest.MonkeyPatch) -> None:
    from jeugdtoegang.services import auth

    monkeypatch.setenv(ENV_KEY, TEAM_KEY)
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)


@pytest.fixture
def databases(tmp_path: Path) -> Iterator[DatabaseFactory]:
    factory = DatabaseFactory(tmp_path, os.environ.get("JEUGDTOEGANG_TEST_PG") or None)
    yield factory
    factory.close()


def context(database: Database, actor: Actor) -> AppContext:
    return AppContext(database, actor, today=lambda: TODAY_FIXED)


@pytest.fixture
def trio(databases: DatabaseFactory, tmp_path: Path) -> tuple[AppContext, AppContext, AppContext]:
    """Laptop 1, the office, laptop 2 (dossier numbers in separate ranges).

    The office has the team's accounts; both laptops are enrolled and joined it.
    """
    office_db = databases.create("kantoor")
    admin = office_with_accounts(office_db)
    laptop_db = databases.create("laptop1", dossier_start=10_000)
    laptop2_db = databases.create("laptop2", dossier_start=20_000)
    join(admin, laptop_db, tmp_path, "laptop1")
    join(admin, laptop2_db, tmp_path, "laptop2")
    return context(laptop_db, CARLA), context(office_db, OFFICE), context(laptop2_db, PIET)


def exchange(source: AppContext, target: AppContext, tmp_path: Path, peer: str) -> Path:
    bundle = tmp_path / f"{uuid.uuid4().hex[:8]}.jtsync"
    sync_service.export_bundle(source, peer, bundle)
    sync_service.import_bundle(target, bundle)
    return bundle


# --- round trip and idempotence -----------------------------------------------------------


def test_laptop_to_office_to_second_laptop_gives_equal_dossiers(trio, tmp_path: Path) -> None:
    laptop, office, laptop2 = trio
    ids = [register(laptop, n) for n in range(1, 6)]
    edit(laptop, ids[0], notes="Gesprek gehad op school.")
    register(office, 100, "Gezin Kantoor")

    exchange(laptop, office, tmp_path, "kantoor")
    exchange(office, laptop2, tmp_path, "laptop2")
    exchange(office, laptop, tmp_path, "laptop1")

    assert domain_rows(laptop.database) == domain_rows(office.database)
    assert domain_rows(laptop2.database) == domain_rows(office.database)
    assert len(domain_rows(laptop2.database)["household"]) == 6
    peers = {p.name: p for p in sync_service.list_peers(office)}
    assert set(peers) == {"laptop1", "laptop2"}
    assert peers["laptop1"].pending == 0
    assert peers["laptop1"].last_imported_seq > 0
    [kantoor] = sync_service.list_peers(laptop)
    assert kantoor.peer_database_id == office.database.database_id


def test_reimporting_the_same_bundle_changes_nothing(trio, tmp_path: Path) -> None:
    laptop, office, _ = trio
    register(laptop, 1)
    bundle = exchange(laptop, office, tmp_path, "kantoor")
    before = full_dump(office.database)

    result = sync_service.import_bundle(office, bundle)

    assert result.already_imported
    assert full_dump(office.database) == before


def test_an_empty_export_is_a_valid_bundle(trio, tmp_path: Path) -> None:
    laptop, office, _ = trio
    register(laptop, 1)
    exchange(laptop, office, tmp_path, "kantoor")
    second = exchange(laptop, office, tmp_path, "kantoor")
    manifest, _ = open_bundle(second)
    assert manifest["change_count"] == 0


def test_a_deleted_dossier_is_deleted_on_the_other_side_children_first(
    trio, tmp_path: Path
) -> None:
    laptop, office, _ = trio
    household_id = register(laptop, 1)
    exchange(laptop, office, tmp_path, "kantoor")
    with laptop.uow() as uow:
        for member in uow.session.execute(
            select(Person).where(Person.household_id == household_id)
        ).scalars():
            uow.session.delete(member)
        uow.session.flush()
        uow.session.delete(uow.get(Household, household_id))
        uow.commit()

    exchange(laptop, office, tmp_path, "kantoor")

    assert domain_rows(office.database) == domain_rows(laptop.database)
    assert domain_rows(office.database)["household"] == []


# --- conflicts ----------------------------------------------------------------------------


def _conflicting_edit(trio, tmp_path: Path) -> tuple[AppContext, AppContext, uuid.UUID]:
    laptop, office, _ = trio
    household_id = register(laptop, 1)
    exchange(laptop, office, tmp_path, "kantoor")
    exchange(office, laptop, tmp_path, "laptop1")
    edit(laptop, household_id, notes="Notitie van de laptop", street="Laptopstraat")
    edit(office, household_id, notes="Notitie van kantoor")
    result_bundle = tmp_path / "laptop.jtsync"
    sync_service.export_bundle(laptop, "kantoor", result_bundle)
    result = sync_service.import_bundle(office, result_bundle)
    assert result.conflicts == 1 and result.applied == 0
    return laptop, office, household_id


def _notes(ctx: AppContext, household_id: uuid.UUID) -> tuple[str | None, str]:
    with ctx.uow(readonly=True) as uow:
        household = uow.get(Household, household_id)
        return household.notes, household.street


def test_a_record_changed_on_both_sides_becomes_a_conflict_and_nothing_is_overwritten(
    trio, tmp_path: Path
) -> None:
    _, office, household_id = _conflicting_edit(trio, tmp_path)

    assert _notes(office, household_id) == ("Notitie van kantoor", "Dorpsstraat")
    [conflict] = sync_service.list_conflicts(office)
    assert conflict.table_name == "household"
    assert conflict.local_data["notes"] == "Notitie van kantoor"
    assert conflict.remote_data["notes"] == "Notitie van de laptop"
    assert set(conflict.differing_fields) == {"notes", "street"}
    assert conflict.source_name == "laptop1"


def test_a_conflict_shows_the_records_only_to_whoever_may_edit_the_dossier(
    trio, tmp_path: Path
) -> None:
    """Need-to-know (issue 15): the beheerder, a team lead and a consultant of another team
    see which record and which fields differ, never the values, and cannot settle it."""
    _, office, household_id = _conflicting_edit(trio, tmp_path)
    with office.uow(readonly=True) as uow:
        team = uow.get(Household, household_id).team
    others = {
        "beheerder": Actor("a.beheer", "Ada Beheer", frozenset({Role.BEHEERDER})),
        "teamleider": Actor(
            "t.leider", "Tom Leider", frozenset({Role.TEAMLEIDER}), team=team or "Team Zeist"
        ),
        "consulent van een ander team": Actor(
            "o.ander", "Olga Ander", frozenset({Role.CONSULENT}), team="Team Elders"
        ),
    }
    [full] = sync_service.list_conflicts(office)
    assert full.remote_data["notes"] == "Notitie van de laptop"
    for who, actor in others.items():
        ctx = context(office.database, actor)
        if who == "consulent van een ander team" and not team:
            continue  # a dossier without a team is open to every consultant
        [masked] = sync_service.list_conflicts(ctx)
        shown = json.dumps([masked.title, masked.local_data, masked.remote_data], default=str)
        assert "Notitie" not in shown and "Laptopstraat" not in shown, who
        assert set(masked.differing_fields) == {"notes", "street"}, who
        assert sync_service.get_conflict(ctx, masked.id).remote_data["notes"] == "(afgeschermd)"
        with pytest.raises(JeugdtoegangError) as refused:
            sync_service.resolve_conflict(ctx, masked.id, "theirs")
        assert "niet mag wijzigen" in refused.value.message or "mag" in refused.value.message
    assert _notes(office, household_id) == ("Notitie van kantoor", "Dorpsstraat")


@pytest.mark.parametrize(
    ("choice", "fields", "expected"),
    [
        ("mine", None, ("Notitie van kantoor", "Dorpsstraat")),
        ("theirs", None, ("Notitie van de laptop", "Laptopstraat")),
        ("merge", ["street"], ("Notitie van kantoor", "Laptopstraat")),
    ],
)
def test_a_resolved_conflict_syncs_to_the_other_side_without_a_new_conflict(
    trio, tmp_path: Path, choice: str, fields: list[str] | None, expected: tuple[str, str]
) -> None:
    laptop, office, household_id = _conflicting_edit(trio, tmp_path)
    [conflict] = sync_service.list_conflicts(office)

    resolved = sync_service.resolve_conflict(office, conflict.id, choice, fields)

    assert resolved.status == "resolved"
    assert _notes(office, household_id) == expected
    bundle = tmp_path / "back.jtsync"
    sync_service.export_bundle(office, "laptop1", bundle)
    result = sync_service.import_bundle(laptop, bundle)
    assert result.conflicts == 0
    assert _notes(laptop, household_id) == expected
    assert domain_rows(laptop.database) == domain_rows(office.database)
    assert sync_service.list_conflicts(laptop) == []


def test_both_sides_resolving_the_same_conflict_converge(trio, tmp_path: Path) -> None:
    laptop, office, _ = _conflicting_edit(trio, tmp_path)
    bundle = tmp_path / "office.jtsync"
    sync_service.export_bundle(office, "laptop1", bundle)
    assert sync_service.import_bundle(laptop, bundle).conflicts == 1
    [at_office] = sync_service.list_conflicts(office)
    [at_laptop] = sync_service.list_conflicts(laptop)

    sync_service.resolve_conflict(office, at_office.id, "theirs")  # laptop's version
    sync_service.resolve_conflict(laptop, at_laptop.id, "mine")  # the same choice
    exchange(office, laptop, tmp_path, "laptop1")
    exchange(laptop, office, tmp_path, "kantoor")

    assert domain_rows(laptop.database) == domain_rows(office.database)
    assert sync_service.list_conflicts(office) == []
    assert sync_service.list_conflicts(laptop) == []


# --- refusals -----------------------------------------------------------------------------


def _rewrite(bundle: Path, target: Path, **members: bytes | None) -> None:
    with zipfile.ZipFile(bundle) as source:
        contents = {name: source.read(name) for name in source.namelist()}
    for name, body in members.items():
        name = name.replace("_", ".")
        if body is None:
            contents.pop(name, None)
        else:
            contents[name] = body
    with zipfile.ZipFile(target, "w") as out:
        for name, body in contents.items():
            out.writestr(name, body)


def _laptop_key(bundle: Path) -> object:
    from jeugdtoegang.sync.crypto import load_signing_key

    header = json.loads(zipfile.ZipFile(bundle).read("header.json"))
    return load_signing_key(uuid.UUID(header["source_database_id"]), create=False)


def _resign(bundle: Path, target: Path, key: str = TEAM_KEY, **manifest_changes: object) -> None:
    forge(bundle, target, team_key=key, manifest_changes=manifest_changes)


def _flip_byte(bundle: Path, target: Path) -> None:
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(bundle) as z:
        info = z.getinfo("payload")
    position = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    data[position] ^= 0x01
    target.write_bytes(bytes(data))


def _new_header_version(bundle: Path, target: Path) -> None:
    import hashlib  # noqa: F401

    with zipfile.ZipFile(bundle) as z:
        header = json.loads(z.read("header.json"))
    header["format_version"] = 99
    raw = json.dumps(header).encode()
    signature = _laptop_key(bundle).sign(raw).hex().encode()  # type: ignore[attr-defined]
    _rewrite(bundle, target, header_json=raw, signature=signature)


def _unknown_signer(bundle: Path, target: Path) -> None:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    forge(bundle, target, signing_key=Ed25519PrivateKey.generate())


REFUSALS = {
    "slechte handtekening": (
        lambda b, t: _rewrite(b, t, signature=b"0" * 128),
        "handtekening",
    ),
    "gewijzigde byte": (_flip_byte, "beschadigd"),
    "gewijzigd onderdeel": (
        lambda b, t: _rewrite(b, t, payload=zipfile.ZipFile(b).read("payload") + b"x"),
        "SHA-256",
    ),
    "ontbrekend onderdeel": (lambda b, t: _rewrite(b, t, payload=None), "ontbreekt"),
    "afgekapt": (lambda b, t: t.write_bytes(b.read_bytes()[:-200]), "onvolledig"),
    "verkeerde formaatversie": (_new_header_version, "versie 99"),
    "verkeerde teamsleutel": (
        lambda b, t: _resign(b, t, "another-team-key-" + "x" * 40),
        "andere teamsleutel",
    ),
    "andere regio": (lambda b, t: _resign(b, t, TEAM_KEY, region="twente"), "regio 'twente'"),
    "ander doel": (
        lambda b, t: _resign(b, t, TEAM_KEY, target_database_id=str(uuid.uuid4())),
        "andere database",
    ),
    "geen zip": (lambda b, t: t.write_bytes(b"dit is geen bundel"), "geen leesbare"),
    "onbekende sleutel": (_unknown_signer, "andere sleutel"),
    "oud formaat": (
        lambda b, t: _rewrite(b, t, header_json=None, manifest_json=b"{}"),
        "versie 1",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_a_refused_bundle_leaves_the_database_unchanged(trio, tmp_path: Path, case: str) -> None:
    laptop, office, _ = trio
    register(laptop, 1)
    good = tmp_path / "good.jtsync"
    sync_service.export_bundle(laptop, "kantoor", good)
    damage, reason = REFUSALS[case]
    bad = tmp_path / "bad.jtsync"
    damage(good, bad)
    before, audit_before = dump_without_audit(office.database)

    with pytest.raises(SyncError) as refused:
        sync_service.import_bundle(office, bad)

    assert reason in refused.value.message
    assert "niet gewijzigd" in refused.value.message
    after, audit_after = dump_without_audit(office.database)
    assert after == before
    assert len(audit_after) > len(audit_before)  # the refusal is in the audit log
    sync_service.import_bundle(office, good)  # the genuine bundle still imports
    assert domain_rows(office.database) == domain_rows(laptop.database)


def test_a_bundle_after_a_gap_is_refused_naming_the_missing_range(trio, tmp_path: Path) -> None:
    laptop, office, _ = trio
    register(laptop, 1)
    first = tmp_path / "first.jtsync"
    sync_service.export_bundle(laptop, "kantoor", first)
    register(laptop, 2)
    second = tmp_path / "second.jtsync"
    sync_service.export_bundle(laptop, "kantoor", second)
    before, _ = dump_without_audit(office.database)

    with pytest.raises(SyncError, match=r"ontbreken wijzigingen \d+ t/m \d+ van 'laptop1'"):
        sync_service.import_bundle(office, second)

    assert dump_without_audit(office.database)[0] == before
    sync_service.import_bundle(office, first)
    sync_service.import_bundle(office, second)
    assert domain_rows(office.database) == domain_rows(laptop.database)


def test_a_missing_team_key_is_explained(trio, tmp_path: Path, monkeypatch) -> None:
    laptop, _, _ = trio
    monkeypatch.delenv(ENV_KEY)
    with pytest.raises(JeugdtoegangError, match="geen teamsleutel"):
        sync_service.export_bundle(laptop, "kantoor", tmp_path / "x.jtsync")


def test_an_export_that_fails_before_the_rename_leaves_no_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jtsync"

    def crash() -> None:
        raise OSError("disk vol")

    with pytest.raises(OSError):
        write_bundle(
            target,
            {"source_database_id": "x", "region": "r", "seq_from": 1, "seq_to": 0},
            [],
            TEAM_KEY.encode(),
            Ed25519PrivateKey.generate(),
            before_rename=crash,
        )
    assert list(tmp_path.iterdir()) == []


def test_the_analyst_copy_is_for_the_beheerder_pseudonymised_private_and_audited(
    trio, tmp_path: Path
) -> None:
    from jeugdtoegang.errors import PermissionDeniedError
    from jeugdtoegang.services import audit

    laptop, office, _ = trio
    register(laptop, 1)
    exchange(laptop, office, tmp_path, "kantoor")
    target = tmp_path / "analyse.sqlite"
    with pytest.raises(PermissionDeniedError):
        sync_service.export_bundle(office, "analist", target, "sqlite")
    assert not target.exists()
    admin = office.with_actor(Actor("beheer", "Bea Heer", frozenset({Role.BEHEERDER})))

    result = sync_service.export_bundle(admin, "analist", target, "sqlite")

    import sqlite_utils

    db = sqlite_utils.Database(target)
    assert db["household"].count == 1
    assert db["person"].count == 2
    assert "app_user" not in db.table_names() and "sync_workstation" not in db.table_names()
    person_columns = set(db["person"].columns_dict)
    assert {"bsn", "surname", "first_name", "birth_date"}.isdisjoint(person_columns)
    assert "birth_year" in person_columns
    assert "name" not in db["household"].columns_dict
    raw = target.read_bytes()
    assert b"Achternaam1" not in raw and b"c.jansen" not in raw
    assert target.stat().st_mode & 0o077 == 0
    facts = {row["key"]: json.loads(row["value"]) for row in db["manifest"].rows}
    assert facts["record_counts"] == {"household": 1, "person": 2}
    assert result.record_count == 3
    only = tmp_path / "alleen-gezinnen.sqlite"
    sync_service.export_bundle(admin, "analist", only, "sqlite", tables=frozenset({"household"}))
    assert sqlite_utils.Database(only).table_names() == ["household", "manifest"]
    entries = audit.search_audit(admin, audit.AuditQuery(username="beheer"))
    assert any(e.action == "exporteren" for e in entries)


# --- crash in the middle of an import -----------------------------------------------------


def test_an_import_killed_midway_leaves_the_database_consistent_and_rerun_works(
    trio, tmp_path: Path
) -> None:
    laptop, office, _ = trio
    for n in range(1, 4):
        register(laptop, n)
    bundle = tmp_path / "crash.jtsync"
    sync_service.export_bundle(laptop, "kantoor", bundle)
    before = full_dump(office.database)
    marker = tmp_path / "applying"
    env = {
        **os.environ,
        ENV_KEY: TEAM_KEY,
        "JEUGDTOEGANG_SYNC_TEST_PAUSE_FILE": str(marker),
        "JEUGDTOEGANG_HOME": str(tmp_path / "home"),
    }
    script = (
        "import sys; from jeugdtoegang.storage.database import open_database; "
        "from jeugdtoegang.services.context import AppContext; "
        "from jeugdtoegang.services.sync import import_bundle; "
        "from tests.integration.test_sync import OFFICE; "
        "import_bundle(AppContext(open_database(sys.argv[1]), OFFICE), sys.argv[2])"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, office.database.url, str(bundle)],
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()

    assert full_dump(office.database) == before
    result = sync_service.import_bundle(office, bundle)
    assert result.applied == 9  # 3 households + 6 persons
    assert domain_rows(office.database) == domain_rows(laptop.database)


# --- property: random edits on two peers converge ----------------------------------------

_SIDES = st.sampled_from(["a", "b"])
#: how each side knows the other: b joined a (the office) and calls it "kantoor"
PEER_NAMES = {"a": "kantoor", "b": "b"}
_STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("register"), _SIDES, st.integers(0, 3), st.text("xyz", max_size=3)),
        st.tuples(st.just("notes"), _SIDES, st.integers(0, 3), st.text("klm", max_size=4)),
        st.tuples(st.just("street"), _SIDES, st.integers(0, 3), st.text("pqr", max_size=4)),
        st.tuples(st.just("sync"), _SIDES, st.just(0), st.just("")),
    ),
    max_size=10,
)


def _settle(a: AppContext, b: AppContext, tmp_path: Path) -> None:
    """Exchange until quiet; conflicts resolved deterministically (A keeps its own)."""
    for _ in range(4):
        exchange(a, b, tmp_path, "b")
        for conflict in sync_service.list_conflicts(b):
            sync_service.resolve_conflict(b, conflict.id, "theirs")
        exchange(b, a, tmp_path, PEER_NAMES["a"])
        for conflict in sync_service.list_conflicts(a):
            sync_service.resolve_conflict(a, conflict.id, "mine")
    exchange(a, b, tmp_path, "b")


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=_STEPS)
def test_random_edits_on_two_peers_converge_after_exchange(
    databases: DatabaseFactory, tmp_path: Path, steps: list[tuple[str, str, int, str]]
) -> None:
    tag = uuid.uuid4().hex[:6]
    work = tmp_path / tag
    work.mkdir()
    a = context(databases.create(f"a{tag}", dossier_start=10_000), CARLA)
    b = context(databases.create(f"b{tag}", dossier_start=20_000), PIET)
    join(office_with_accounts(a.database), b.database, work, "b")  # a is the office
    a_ids = [register(a, 1), register(a, 2)]
    exchange(a, b, work, "b")
    ids = {"a": list(a_ids), "b": list(a_ids)}
    ctxs = {"a": a, "b": b}
    counter = 10
    for kind, side, index, value in steps:
        ctx = ctxs[side]
        if kind == "register":
            counter += 1
            ids[side].append(
                register(ctx, counter + (0 if side == "a" else 1000), f"Gezin {value}")
            )
        elif kind == "sync":
            other = "b" if side == "a" else "a"
            exchange(ctx, ctxs[other], work, PEER_NAMES[other])
            ids[other] = list(dict.fromkeys(ids[other] + ids[side]))
        else:
            household_id = ids[side][index % len(ids[side])]
            if kind == "notes":
                edit(ctx, household_id, notes=f"notitie {side} {value}")
            else:
                edit(ctx, household_id, street=f"Straat {side} {value}")

    _settle(a, b, work)

    assert sync_service.list_conflicts(a) == []
    assert sync_service.list_conflicts(b) == []
    assert domain_rows(a.database) == domain_rows(b.database)


# --- command line -------------------------------------------------------------------------


def test_the_command_line_exports_imports_lists_and_resolves(
    trio, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.cli import common
    from jeugdtoegang.cli.main import main

    laptop, office, household_id = _conflicting_edit(trio, tmp_path)
    monkeypatch.setattr(
        common,
        "cli_actor",
        lambda _args, database: CARLA if database.url == laptop.database.url else OFFICE,
    )
    edit(laptop, household_id, notes="Nog een laptopnotitie")
    bundle = tmp_path / "cli.jtsync"
    capsys.readouterr()

    code = main(
        [
            "--db",
            laptop.database.url,
            "sync",
            "export",
            "--to",
            "kantoor",
            "-o",
            str(bundle),
            "--json",
        ]
    )
    exported = json.loads(capsys.readouterr().out)
    assert code == 0 and exported["record_counts"] == {"household": 1}

    assert main(["--db", office.database.url, "sync", "import", str(bundle), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["conflicts"] == 1
    assert main(["--db", office.database.url, "sync", "conflicts", "--json"]) == 0
    [conflict] = json.loads(capsys.readouterr().out)
    assert conflict["remote"]["notes"] == "Nog een laptopnotitie"

    assert (
        main(
            ["--db", office.database.url, "sync", "resolve", conflict["id"][:8], "--keep", "theirs"]
        )
        == 0
    )
    assert "opgelost" in capsys.readouterr().out
    assert main(["--db", office.database.url, "sync", "peers"]) == 0
    assert "laptop1" in capsys.readouterr().out
    assert _notes(office, household_id)[0] == "Nog een laptopnotitie"

    assert main(["--db", office.database.url, "sync", "import", str(tmp_path / "nope.jtsync")]) == 1
    assert "bestaat niet" in capsys.readouterr().err


def test_the_team_key_is_generated_and_stored_for_the_user_only(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from jeugdtoegang.cli.main import main
    from jeugdtoegang.sync.keys import key_path, load_key

    monkeypatch.delenv(ENV_KEY)
    assert main(["sync", "key", "generate", "--json"]) == 0
    key = json.loads(capsys.readouterr().out)["key"]
    assert load_key() == key.encode()
    assert key_path().stat().st_mode & 0o077 == 0
    monkeypatch.setattr("sys.stdin", io.StringIO("te-kort\n"))
    assert main(["sync", "key", "set"]) == 1  # the key comes from stdin, a file or a prompt
    assert "te kort" in capsys.readouterr().err
    key_file = tmp_path / "sleutel.txt"
    key_file.write_text(TEAM_KEY)
    assert main(["sync", "key", "set", "--file", str(key_file)]) == 0
    assert load_key() == TEAM_KEY.encode()
