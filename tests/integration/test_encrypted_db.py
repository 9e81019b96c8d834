"""The encrypted database option (SQLCipher): encrypt, unlock, rewrap, recover, backups, kills.

Each CLI call here runs as a new process would: the process registry of unlocked keys and
the CLI's remembered credentials are cleared first.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from jeugdtoegang.cli import common
from jeugdtoegang.cli.main import main
from jeugdtoegang.services import auth
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import open_database
from jeugdtoegang.storage.encryption import DatabaseLockedError, UnlockError
from jeugdtoegang.storage.migrate import backup_sqlite

ADMIN_PW = "geheim-wachtwoord-1"
TEMP_PW = "tijdelijk-wachtwoord-2"
CANARY = b"987654305"


@pytest.fixture(autouse=True)
def _fresh_process(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(auth, "SCRYPT_LOG2_N", 12)  # the cost is not what is tested here
    encryption.forget()
    yield
    encryption.forget()
    common._unlocked_with = None


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *argv: str,
    user: str | None = None,
    password: str | None = None,
    **env: str,
) -> tuple[int, str, str]:
    encryption.forget()
    common._unlocked_with = None
    for name in ("JEUGDTOEGANG_USER", "JEUGDTOEGANG_PASSWORD", "JEUGDTOEGANG_NEW_PASSWORD",
                 "JEUGDTOEGANG_RECOVERY_KEY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    if user is not None:
        monkeypatch.setenv("JEUGDTOEGANG_USER", user)
    if password is not None:
        monkeypatch.setenv("JEUGDTOEGANG_PASSWORD", password)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def plain_db(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Path:
    path = tmp_path / "laptop" / "team.sqlite"
    monkeypatch.setenv("JEUGDTOEGANG_DB", str(path))
    assert run(monkeypatch, capsys, "init", "--region", "zuidoost-utrecht")[0] == 0
    code, _out, err = run(monkeypatch, capsys, "users", "add", "beheer", "--name", "Bea",
                          JEUGDTOEGANG_NEW_PASSWORD=ADMIN_PW)  # fmt: skip
    assert code == 0, err
    code, _out, err = run(monkeypatch, capsys, "users", "add", "c.jansen", "--name", "Carla",
                          "--role", "consulent", "--team", "Team Zeist", user="beheer",
                          password=ADMIN_PW, JEUGDTOEGANG_NEW_PASSWORD=TEMP_PW)  # fmt: skip
    assert code == 0, err
    return path


def encrypt(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> dict:
    code, out, err = run(monkeypatch, capsys, "db", "encrypt", "--json", user="beheer",
                         password=ADMIN_PW)  # fmt: skip
    assert code == 0, err
    return json.loads(out)


def test_db_encrypt_converts_in_place_and_every_account_unlocks_with_its_own_password(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(monkeypatch, capsys, "db", "status", "--json")
    assert code == 0 and json.loads(out)["encrypted"] is False
    result = encrypt(monkeypatch, capsys)
    assert result["encrypted"] is True and result["accounts"] == ["beheer", "c.jansen"]
    assert len(result["recovery_key"].split("-")) == 13
    assert not plain_db.read_bytes().startswith(b"SQLite format 3")
    assert not (plain_db.parent / "team.sqlite-wal").exists() or (
        b"SQLite" not in (plain_db.parent / "team.sqlite-wal").read_bytes()[:32]
    )
    keys = plain_db.with_name("team.sqlite.keys")
    assert oct(keys.stat().st_mode & 0o777) == "0o600"
    assert result["recovery_key"].replace("-", "") not in keys.read_text()
    # the key file holds no password hash: only the salt and parameters
    with_key = json.loads(keys.read_text())
    assert all(e["params"].count("$") == 4 for e in with_key["users"])

    code, out, _ = run(monkeypatch, capsys, "db", "status", "--json")
    status = json.loads(out)
    assert code == 0 and status["encrypted"] is True
    assert status["cipher"]["cipher"] == "AES-256-CBC" and status["accounts"] == [
        "beheer",
        "c.jansen",
    ]
    code, out, _ = run(monkeypatch, capsys, "users", "list", "--json", user="beheer",
                       password=ADMIN_PW)  # fmt: skip
    assert code == 0 and {u["username"] for u in json.loads(out)} == {"beheer", "c.jansen"}
    # the consultant unlocks with her (temporary) password; the login then asks for her own
    code, _out, err = run(monkeypatch, capsys, "households", "search", "x", user="c.jansen",
                          password=TEMP_PW)  # fmt: skip
    assert code == 1 and "tijdelijk wachtwoord" in err


def test_a_wrong_password_gets_one_dutch_answer_and_no_traceback(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypt(monkeypatch, capsys)
    before = plain_db.read_bytes()
    for user, password in (("beheer", "verkeerd-wachtwoord"), ("niemand", ADMIN_PW)):
        code, out, err = run(monkeypatch, capsys, "users", "list", user=user, password=password)
        assert code == 1 and out == ""
        assert err.strip() == "Gebruikersnaam of wachtwoord onjuist."
    code, _out, err = run(monkeypatch, capsys, "users", "list")  # no credentials, no terminal
    assert code == 1 and "log in" in err
    assert plain_db.read_bytes() == before
    with pytest.raises(DatabaseLockedError):
        open_database(str(plain_db))  # no key unlocked: nothing is read


def test_a_password_change_rewraps_and_the_old_password_stops_unlocking(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypt(monkeypatch, capsys)
    new = "haar-eigen-wachtwoord-3"
    code, _out, err = run(monkeypatch, capsys, "users", "passwd", "c.jansen", user="c.jansen",
                          password=TEMP_PW, JEUGDTOEGANG_NEW_PASSWORD=new)  # fmt: skip
    assert code == 0, err
    with pytest.raises(UnlockError):
        encryption.unlock_with_password(plain_db, "c.jansen", TEMP_PW)
    assert encryption.unlock_with_password(plain_db, "c.jansen", new)
    entries = json.loads(plain_db.with_name("team.sqlite.keys").read_text())["users"]
    assert [e["user"] for e in entries] == ["beheer", "c.jansen"]  # the old wrap is gone
    # a disabled account loses its wrap
    code, _out, err = run(monkeypatch, capsys, "users", "disable", "c.jansen", user="beheer",
                          password=ADMIN_PW)  # fmt: skip
    assert code == 0, err
    with pytest.raises(UnlockError):
        encryption.unlock_with_password(plain_db, "c.jansen", new)


def test_the_recovery_key_gives_a_forgotten_account_a_new_password(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recovery = encrypt(monkeypatch, capsys)["recovery_key"]
    code, _out, err = run(monkeypatch, capsys, "db", "recover", "--recovery-key", "--user",
                          "beheer", JEUGDTOEGANG_RECOVERY_KEY="AAAA-" * 12 + "AAAA",
                          JEUGDTOEGANG_NEW_PASSWORD="nieuw-wachtwoord-4")  # fmt: skip
    assert code == 1 and "herstelsleutel past niet" in err
    code, out, err = run(monkeypatch, capsys, "db", "recover", "--recovery-key", "--user",
                         "beheer", "--json", JEUGDTOEGANG_RECOVERY_KEY=recovery.lower(),
                         JEUGDTOEGANG_NEW_PASSWORD="nieuw-wachtwoord-4")  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["must_change_password"] is True
    assert encryption.unlock_with_password(plain_db, "beheer", "nieuw-wachtwoord-4")
    with pytest.raises(UnlockError):
        encryption.unlock_with_password(plain_db, "beheer", ADMIN_PW)


def test_losing_the_key_file_leaves_only_the_recovery_key(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recovery = encrypt(monkeypatch, capsys)["recovery_key"]
    keys = plain_db.with_name("team.sqlite.keys")
    keys.unlink()
    code, _out, err = run(monkeypatch, capsys, "users", "list", user="beheer", password=ADMIN_PW)
    assert code == 1 and "sleutelbestand" in err and "herstelsleutel" in err
    code, out, _ = run(monkeypatch, capsys, "db", "status", "--json")
    assert json.loads(out)["encrypted"] is True and json.loads(out)["key_file_missing"] is True
    other = encryption.new_recovery_key()  # a key of another laptop: refused by the file itself
    code, _out, err = run(monkeypatch, capsys, "db", "recover", "--recovery-key", "--user",
                          "beheer", JEUGDTOEGANG_RECOVERY_KEY=other,
                          JEUGDTOEGANG_NEW_PASSWORD="nieuw-wachtwoord-4")  # fmt: skip
    assert code == 1 and "herstelsleutel past niet" in err and not keys.exists()
    code, _out, err = run(monkeypatch, capsys, "db", "recover", "--recovery-key", "--user",
                          "beheer", JEUGDTOEGANG_RECOVERY_KEY=recovery,
                          JEUGDTOEGANG_NEW_PASSWORD="nieuw-wachtwoord-4")  # fmt: skip
    assert code == 0, err
    assert keys.exists()  # rebuilt, with every active account's wrap
    assert encryption.unlock_with_password(plain_db, "beheer", "nieuw-wachtwoord-4")
    assert encryption.unlock_with_password(plain_db, "c.jansen", TEMP_PW)


def test_init_encrypt_opens_with_the_recovery_key_until_the_first_account_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "nieuw.sqlite"
    monkeypatch.setenv("JEUGDTOEGANG_DB", str(path))
    code, out, err = run(monkeypatch, capsys, "init", "--region", "zuidoost-utrecht",
                         "--encrypt", "--json")  # fmt: skip
    assert code == 0, err
    recovery = json.loads(out)["recovery_key"]
    assert not path.read_bytes().startswith(b"SQLite format 3")
    code, _out, err = run(monkeypatch, capsys, "users", "add", "beheer", "--name", "Bea",
                          JEUGDTOEGANG_NEW_PASSWORD=ADMIN_PW)  # fmt: skip
    assert code == 1 and "herstelsleutel" in err.lower()
    code, _out, err = run(monkeypatch, capsys, "users", "add", "beheer", "--name", "Bea",
                          JEUGDTOEGANG_NEW_PASSWORD=ADMIN_PW,
                          JEUGDTOEGANG_RECOVERY_KEY=recovery)  # fmt: skip
    assert code == 0, err
    code, _out, err = run(monkeypatch, capsys, "users", "list", user="beheer", password=ADMIN_PW)
    assert code == 0, err


def test_migration_backups_of_an_encrypted_database_are_encrypted(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plain_backup = backup_sqlite(plain_db, "voor-migratie")  # made before encryption
    assert plain_backup.read_bytes().startswith(b"SQLite format 3")
    result = encrypt(monkeypatch, capsys)
    assert result["backups_encrypted"] == [str(plain_backup)]
    assert not plain_backup.read_bytes().startswith(b"SQLite format 3")
    key = encryption.unlock_with_password(plain_db, "beheer", ADMIN_PW)
    backup = backup_sqlite(plain_db, "test", key)
    assert not backup.read_bytes().startswith(b"SQLite format 3")
    # the backup opens with the database's key (after the key file is copied beside it)
    backup.with_name(backup.name + ".keys").write_bytes(
        plain_db.with_name("team.sqlite.keys").read_bytes()
    )
    reopened = open_database(str(backup), key=key)
    try:
        assert reopened.encrypted and reopened.is_initialised()
    finally:
        reopened.close()


WRITER = r"""
import sys, uuid
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.database import open_database
from sqlalchemy import text
path, user, password = sys.argv[1:4]
encryption.unlock_with_password(__import__("pathlib").Path(path), user, password)
database = open_database(path)
with database.engines.write.begin() as c:
    c.exec_driver_sql("CREATE TABLE IF NOT EXISTS stress (id TEXT PRIMARY KEY, body TEXT)")
print("ready", flush=True)
i = 0
while True:
    with database.engines.write.begin() as c:
        c.execute(text("INSERT INTO stress VALUES (:i, :b)"),
                  {"i": str(uuid.uuid4()), "b": "987654305 " + "x" * 3000})
    i += 1
"""


@pytest.mark.slow
def test_kill_9_during_writes_leaves_an_openable_encrypted_database(
    plain_db: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    encrypt(monkeypatch, capsys)
    for round_no in range(3):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(plain_db), "beheer", ADMIN_PW],
            stdout=subprocess.PIPE, env={**os.environ},
        )  # fmt: skip
        assert process.stdout is not None
        assert process.stdout.readline().strip() == b"ready"
        time.sleep(0.4 + 0.3 * round_no)
        process.send_signal(signal.SIGKILL)
        process.wait()
        wal = plain_db.with_name("team.sqlite-wal")
        assert wal.exists()  # killed mid-session: the WAL is there, and it is encrypted too
        assert CANARY not in wal.read_bytes() and CANARY not in plain_db.read_bytes()
        encryption.forget()
        key = encryption.unlock_with_password(plain_db, "beheer", ADMIN_PW)
        database = open_database(str(plain_db), key=key)
        try:
            with database.engines.read.connect() as c:
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert c.exec_driver_sql("PRAGMA cipher_integrity_check").fetchall() == []
                assert c.exec_driver_sql("SELECT count(*) FROM stress").scalar() > 0
        finally:
            database.close()


def test_an_encrypted_database_of_the_previous_release_migrates_with_an_encrypted_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sqlcipher3 import dbapi2

    from jeugdtoegang.storage.encrypted_db import export_copy
    from jeugdtoegang.storage.migrate import SCHEMA_HEAD

    release = Path(__file__).parents[1] / "fixtures" / "release-0.1.0"
    home = tmp_path / "home"
    shutil.copytree(release / "home", home)
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    old = tmp_path / "oud.sqlite"
    shutil.copy2(release / "jeugdtoegang.sqlite", old)
    db = tmp_path / "jeugdtoegang.sqlite"
    key = encryption.dek_from_recovery(encryption.new_recovery_key())
    export_copy(old, db, None, key)
    encryption.create_key_file(db, key, [])
    database = open_database(str(db), key=key)
    try:
        backups = list(tmp_path.glob("jeugdtoegang.backup-*-voor-migratie.sqlite"))
        assert len(backups) == 1 and database.migration_backup == backups[0]
        assert not backups[0].read_bytes().startswith(b"SQLite format 3")
        raw = dbapi2.connect(str(db))
        raw.execute(f'PRAGMA key = "{encryption.raw_key_pragma(key)}"')
        assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == SCHEMA_HEAD
        raw.close()
    finally:
        database.close()


CONVERTER = r"""
import sys
from pathlib import Path
from jeugdtoegang.storage import encryption
from jeugdtoegang.storage.encrypted_db import encrypt_in_place
path = Path(sys.argv[1])
print("go", flush=True)
encrypt_in_place(path, encryption.dek_from_recovery(sys.argv[2]), [])
print("done", flush=True)
"""


@pytest.mark.slow
def test_kill_9_during_db_encrypt_leaves_the_plain_or_the_encrypted_database(
    tmp_path: Path,
) -> None:
    import shutil

    from jeugdtoegang.demo.households import generate_households
    from jeugdtoegang.domain.actor import local_actor
    from jeugdtoegang.services.context import AppContext
    from jeugdtoegang.storage.database import initialise

    source = tmp_path / "bron.sqlite"
    database = open_database(str(source))
    initialise(database, "twente")
    generate_households(AppContext(database, local_actor()), 1500, seed=3)
    database.close()
    recovery = encryption.new_recovery_key()

    def start(attempt: int) -> tuple[Path, subprocess.Popen[bytes]]:
        folder = tmp_path / f"poging{attempt}"
        folder.mkdir()
        path = folder / "team.sqlite"
        shutil.copy2(source, path)
        process = subprocess.Popen(
            [sys.executable, "-c", CONVERTER, str(path), recovery], stdout=subprocess.PIPE
        )
        assert process.stdout is not None and process.stdout.readline().strip() == b"go"
        return path, process

    _path, full = start(0)  # how long a whole conversion takes here, now
    began = time.perf_counter()
    assert full.stdout is not None and full.stdout.readline().strip() == b"done"
    duration = time.perf_counter() - began
    full.wait()
    outcomes = []
    for attempt, fraction in enumerate((0.05, 0.3, 0.6, 0.85, 0.95, 1.1, 1.5), start=1):
        path, process = start(attempt)
        time.sleep(duration * fraction)
        process.send_signal(signal.SIGKILL)
        process.wait()
        encryption.forget()
        if encryption.is_encrypted(path):
            outcomes.append("versleuteld")
            reopened = open_database(str(path), key=encryption.dek_from_recovery(recovery))
        else:
            outcomes.append("gewoon")
            assert path.read_bytes().startswith(b"SQLite format 3")
            reopened = open_database(str(path))
        try:
            with reopened.engines.read.connect() as c:
                assert c.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert c.exec_driver_sql("SELECT count(*) FROM household").scalar() == 1500
        finally:
            reopened.close()
        for left in path.parent.glob("*.tmp"):  # a killed copy is a partial *encrypted* one
            assert not left.read_bytes().startswith(b"SQLite format 3")
    print(f"conversion {duration:.2f} s; after kills: {outcomes}")
