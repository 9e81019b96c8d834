"""What IT relies on: settings files, the log file, upgrades from the previous release."""

from __future__ import annotations

import logging
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from jeugdtoegang.applog import configure_logging, mask_personal_data
from jeugdtoegang.errors import JeugdtoegangError
from jeugdtoegang.settings import load_settings
from jeugdtoegang.storage.engine import resolve_database_url

ROOT = Path(__file__).resolve().parents[2]
PREVIOUS_RELEASE = ROOT / "tests" / "fixtures" / "release-0.1.0"


def _machine_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str) -> Path:
    path = tmp_path / "machine" / "settings.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("JEUGDTOEGANG_MACHINE_SETTINGS", str(path))
    return path


def _user_file(text: str) -> None:
    from jeugdtoegang.settings import user_settings_path

    user_settings_path().write_text(text, encoding="utf-8")


def test_without_settings_files_everything_is_the_default() -> None:
    settings = load_settings()
    assert (settings.database, settings.region, settings.lock_minutes) == (None, None, None)
    assert set(settings.sources.values()) == {"standaard"}


def test_the_user_file_overrides_the_machine_file_unless_the_key_is_locked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _machine_file(
        monkeypatch, tmp_path, 'region = "twente"\nlock_minutes = 5\nlocked = ["lock_minutes"]\n'
    )
    _user_file('region = "noord-veluwe"\nlock_minutes = 60\n')
    settings = load_settings()
    assert settings.region == "noord-veluwe" and settings.sources["region"] == "gebruiker"
    assert settings.lock_minutes == 5 and settings.sources["lock_minutes"] == "machine"


def test_the_database_of_the_machine_file_is_used_when_no_db_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    target = tmp_path / "gedeeld" / "team.sqlite"
    _machine_file(monkeypatch, tmp_path, f'database = "{target.as_posix()}"\n')
    assert resolve_database_url(None) == f"sqlite:///{target}"
    monkeypatch.setenv("JEUGDTOEGANG_DB", str(tmp_path / "expliciet.sqlite"))
    assert resolve_database_url(None).endswith("expliciet.sqlite")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("lock_minutes = 0\n", "'lock_minutes'"),
        ('lock_minutes = "tien"\n', "'lock_minutes'"),
        ('databse = "x"\n', "'databse': deze instelling bestaat niet"),
        ('locked = ["kleur"]\n', "onbekende instelling: kleur"),
        ("region = \n", "geen geldige TOML"),
    ],
)
def test_a_broken_settings_file_is_refused_with_the_key_and_the_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, text: str, fragment: str
) -> None:
    path = _machine_file(monkeypatch, tmp_path, text)
    with pytest.raises(JeugdtoegangError) as error:
        load_settings()
    assert str(path) in error.value.message and fragment in error.value.message


def test_the_cli_shows_the_effective_settings_and_their_source(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from jeugdtoegang.cli.main import main

    _machine_file(monkeypatch, tmp_path, "lock_minutes = 7\n")
    assert main(["settings", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["settings"]["lock_minutes"] == {"value": 7, "source": "machine"}
    assert data["machine_file_present"] is True


def test_init_takes_the_region_from_the_settings_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from jeugdtoegang.cli.main import main

    _machine_file(monkeypatch, tmp_path, 'region = "twente"\n')
    assert main(["--db", str(tmp_path / "n.sqlite"), "init", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["region"] == "twente"


def test_the_log_file_rotates_is_private_and_masks_personal_data(tmp_path: Path) -> None:
    path = configure_logging("test")
    logger = logging.getLogger("jeugdtoegang.test")
    logger.error("fout bij dossier 2026-564-00012 van BSN %s, 1234 AB, a.b@example.nl", "123456782")
    for handler in logging.getLogger("jeugdtoegang").handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    assert "123456782" not in text and "2026-564-00012" not in text
    assert "1234 AB" not in text and "a.b@example.nl" not in text
    assert "[nummer]" in text
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    handlers = [h for h in logging.getLogger("jeugdtoegang").handlers if h.get_name()]
    assert len(handlers) == 1  # configuring twice does not log twice
    configure_logging("test")
    assert len([h for h in logging.getLogger("jeugdtoegang").handlers if h.get_name()]) == 1
    for handler in handlers:
        logging.getLogger("jeugdtoegang").removeHandler(handler)
        handler.close()


def test_masking_leaves_ordinary_text_alone() -> None:
    assert mask_personal_data("import van 12 regels in 0,3 s") == "import van 12 regels in 0,3 s"


def test_a_database_of_the_previous_release_is_upgraded_after_a_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from jeugdtoegang.storage.database import open_database
    from jeugdtoegang.storage.migrate import SCHEMA_HEAD

    home = tmp_path / "home"
    shutil.copytree(PREVIOUS_RELEASE / "home", home)
    monkeypatch.setenv("JEUGDTOEGANG_HOME", str(home))
    db = tmp_path / "jeugdtoegang.sqlite"
    shutil.copy2(PREVIOUS_RELEASE / "jeugdtoegang.sqlite", db)
    with sqlite3.connect(db) as raw:
        old_revision = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        households_before = raw.execute("SELECT count(*) FROM household").fetchone()[0]
    database = open_database(str(db))
    try:
        backups = list(tmp_path.glob("jeugdtoegang.backup-*-voor-migratie.sqlite"))
        if old_revision != SCHEMA_HEAD:
            assert len(backups) == 1
            with sqlite3.connect(backups[0]) as raw:
                assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
                    old_revision
                )
        with sqlite3.connect(db) as raw:
            assert raw.execute("SELECT version_num FROM alembic_version").fetchone()[0] == (
                SCHEMA_HEAD
            )
            assert raw.execute("SELECT count(*) FROM household").fetchone()[0] == (
                households_before
            )
    finally:
        database.close()


@pytest.mark.slow
def test_the_gui_smoke_test_shows_the_main_window_and_exits(tmp_path: Path) -> None:
    import os

    env = dict(
        os.environ,
        JEUGDTOEGANG_HOME=str(tmp_path / "home"),
        QT_QPA_PLATFORM="offscreen",
        JEUGDTOEGANG_USER="c.jansen",
        JEUGDTOEGANG_PASSWORD="demo",
    )
    env["JEUGDTOEGANG_MACHINE_SETTINGS"] = str(tmp_path / "geen.toml")
    db = tmp_path / "demo.sqlite"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "jeugdtoegang",
            "--db",
            str(db),
            "init",
            "--region",
            "twente",
            "--demo",
            "--households",
            "5",
        ],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
    )
    result = subprocess.run(
        [sys.executable, "-m", "ui.app", "--db", str(db), "--smoke-test"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "smoke-test: hoofdvenster getoond" in result.stdout
    log_text = (tmp_path / "home" / "logs" / "jeugdtoegang.log").read_text(encoding="utf-8")
    assert "jeugdtoegang-gui" in log_text and "started" in log_text


@pytest.mark.slow
def test_the_gui_smoke_test_unlocks_an_encrypted_database_with_the_account(
    tmp_path: Path,
) -> None:
    import os

    env = dict(
        os.environ,
        JEUGDTOEGANG_HOME=str(tmp_path / "home"),
        QT_QPA_PLATFORM="offscreen",
        JEUGDTOEGANG_USER="beheer",
        JEUGDTOEGANG_PASSWORD="demo",
    )
    env["JEUGDTOEGANG_MACHINE_SETTINGS"] = str(tmp_path / "geen.toml")
    db = tmp_path / "demo.sqlite"
    cli = [sys.executable, "-m", "jeugdtoegang", "--db", str(db)]
    init = ["init", "--region", "twente", "--demo", "--households", "3"]
    for args in (init, ["db", "encrypt", "--json"]):
        subprocess.run([*cli, *args], env=env, check=True, cwd=ROOT, capture_output=True)
    assert db.read_bytes()[:16] != b"SQLite format 3\0"

    def gui(password: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "ui.app", "--db", str(db), "--smoke-test"],
            env={**env, "JEUGDTOEGANG_USER": "c.jansen", "JEUGDTOEGANG_PASSWORD": password},
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )

    shown = gui("demo")
    assert shown.returncode == 0, shown.stderr
    assert "smoke-test: hoofdvenster getoond" in shown.stdout
    refused = gui("fout")
    assert refused.returncode != 0 and "getoond" not in refused.stdout
    assert "Gebruikersnaam of wachtwoord onjuist" in refused.stdout + refused.stderr


def test_the_package_version_is_the_programs_version() -> None:
    import tomllib

    from jeugdtoegang import __version__

    meta = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert meta["version"] == __version__  # the archive's name and "Over" say the same
