"""Smoke-test a frozen jeugdtoegang folder the way IT would after installing it.

    python packaging/smoke.py packaging/dist/jeugdtoegang-<version>

Every step runs the frozen programs in a fresh, temporary user folder and prints one
line; the first failure stops the test with exit 1. Steps: ``--version``; ``init --demo``;
a search; a letter written to PDF; the same on an encrypted copy (``db encrypt``: SQLCipher
in the bundle); a sync export and import between two fresh databases;
a database made by the previous release opened (backup + migration); and the GUI started
offscreen until its main window is shown (``--smoke-test``), timed next to the same start
from the source install, and once more on the encrypted copy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_USER = {"JEUGDTOEGANG_USER": "c.jansen", "JEUGDTOEGANG_PASSWORD": "demo"}
PREVIOUS_RELEASE = ROOT / "tests" / "fixtures" / "release-0.1.0"
EXE_SUFFIX = ".exe" if os.name == "nt" else ""


class SmokeError(Exception):
    pass


class Frozen:
    """The frozen programs and a scratch folder with one user home per database."""

    def __init__(self, folder: Path, scratch: Path) -> None:
        self.cli = folder / f"jeugdtoegang{EXE_SUFFIX}"
        self.gui = folder / f"jeugdtoegang-gui{EXE_SUFFIX}"
        self.scratch = scratch

    def env(self, home: Path, **extra: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("JEUGDTOEGANG_")}
        env.update({"JEUGDTOEGANG_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"})
        env["JEUGDTOEGANG_MACHINE_SETTINGS"] = str(home / "machine-settings.toml")
        env.update(extra)
        return env

    def run(
        self, program: Path, args: list[str], env: dict[str, str], timeout: int = 300
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(program), *args], env=env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode != 0:
            raise SmokeError(
                f"{program.name} {' '.join(args)} gaf exit {result.returncode}:\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
        return result

    def cli_json(self, args: list[str], env: dict[str, str]) -> object:
        return json.loads(self.run(self.cli, [*args, "--json"], env).stdout)


def step(name: str, fn: Callable[[], object]) -> object:
    started = time.perf_counter()
    value = fn()
    print(f"smoke: {name}: ok ({time.perf_counter() - started:.1f} s)", flush=True)
    return value


def check_version(f: Frozen) -> None:
    out = f.run(f.cli, ["--version"], f.env(f.scratch / "h0")).stdout
    if not out.startswith("jeugdtoegang "):
        raise SmokeError(f"onverwachte versie-uitvoer: {out!r}")


def make_demo(f: Frozen) -> tuple[Path, dict[str, str]]:
    home = f.scratch / "demo-home"
    db = f.scratch / "demo.sqlite"
    env = f.env(home, **DEMO_USER)
    f.cli_json(["--db", str(db), "init", "--region", "twente", "--demo", "--households", "30"], env)
    return db, env


def search_and_letter(
    f: Frozen, db: Path, env: dict[str, str], pdf_name: str = "brief.pdf"
) -> None:
    found = f.cli_json(["--db", str(db), "households", "search", "a"], env)
    if not found:
        raise SmokeError("zoeken in de demo vond niets")
    decisions = f.cli_json(["--db", str(db), "decisions", "list"], env)
    final = [d for d in decisions if d.get("status") in ("vastgesteld", "verzonden")] or decisions
    if not final:
        raise SmokeError("de demo heeft geen beschikkingen")
    pdf = f.scratch / pdf_name
    f.run(f.cli, ["--db", str(db), "letter", "--decision", final[0]["id"], "-o", str(pdf)], env)
    if not pdf.read_bytes().startswith(b"%PDF"):
        raise SmokeError("de brief is geen PDF")


def sync_between_fresh_databases(f: Frozen) -> None:
    """A new office and a new laptop: enrol the laptop, export, join (accounts travel)."""
    key = "smoke-" + "k" * 40
    office, laptop = f.scratch / "kantoor.sqlite", f.scratch / "laptop.sqlite"
    beheer = {"JEUGDTOEGANG_USER": "beheer", "JEUGDTOEGANG_PASSWORD": "demo"}
    env_office = f.env(f.scratch / "home-kantoor", JEUGDTOEGANG_SYNC_KEY=key, **beheer)
    env_laptop = f.env(f.scratch / "home-laptop", JEUGDTOEGANG_SYNC_KEY=key)
    f.cli_json(
        ["--db", str(office), "init", "--region", "twente", "--demo", "--households", "5"],
        env_office,
    )
    f.cli_json(["--db", str(office), "sync", "workstation", "enrol", "--self"], env_office)
    f.cli_json(["--db", str(laptop), "init", "--region", "twente"], env_laptop)
    request = f.scratch / "laptop.jtwerkplek"
    shown = f.cli_json(
        [
            "--db",
            str(laptop),
            "sync",
            "workstation",
            "request",
            "-o",
            str(request),
            "--name",
            "laptop",
        ],
        env_laptop,
    )
    f.cli_json(
        [
            "--db",
            str(office),
            "sync",
            "workstation",
            "enrol",
            str(request),
            "--fingerprint",
            shown["fingerprint"],
        ],
        env_office,
    )
    office_id = f.cli_json(["--db", str(office), "sync", "workstation", "show"], env_office)
    bundle = f.scratch / "naar-laptop.jtsync"
    f.cli_json(
        ["--db", str(office), "sync", "export", "--to", "laptop", "-o", str(bundle)], env_office
    )
    joined = f.cli_json(
        ["--db", str(laptop), "sync", "join", str(bundle), "--vertrouw", office_id["fingerprint"]],
        {**env_laptop, **beheer},
    )
    if joined["conflicts"] != 0 or joined["applied"] == 0:
        raise SmokeError(f"aansluiten van de laptop ging mis: {joined}")


def encrypted_database(f: Frozen, db: Path, env: dict[str, str]) -> Path:
    """A copy of the demo database encrypted by the frozen program (SQLCipher, bundled), then
    opened by a consultant: a search and a letter as PDF; a wrong password is refused."""
    folder = f.scratch / "versleuteld"
    folder.mkdir()
    encrypted = folder / "demo.sqlite"
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            shutil.copy2(f"{db}{suffix}", f"{encrypted}{suffix}")
    beheer = {**env, "JEUGDTOEGANG_USER": "beheer", "JEUGDTOEGANG_PASSWORD": "demo"}
    f.cli_json(["--db", str(encrypted), "db", "encrypt"], beheer)
    if encrypted.read_bytes()[:16] == b"SQLite format 3\0":
        raise SmokeError("na 'db encrypt' is de database nog leesbaar als gewone SQLite")
    status = f.cli_json(["--db", str(encrypted), "db", "status"], env)
    if not status.get("encrypted") or not status.get("cipher", {}).get("sqlcipher_version"):
        raise SmokeError(f"'db status' noemt de database niet versleuteld: {status}")
    print(
        f"smoke: SQLCipher {status['cipher']['sqlcipher_version']} "
        f"({status['cipher'].get('crypto_provider')})",
        flush=True,
    )
    search_and_letter(f, encrypted, env, pdf_name="brief-versleuteld.pdf")
    wrong = subprocess.run(
        [str(f.cli), "--db", str(encrypted), "households", "search", "a"],
        env={**env, "JEUGDTOEGANG_PASSWORD": "fout"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    if wrong.returncode != 1 or "Traceback" in wrong.stderr:
        raise SmokeError(f"een fout wachtwoord werd niet netjes geweigerd:\n{wrong.stderr}")
    return encrypted


def server_driver_loads(f: Frozen) -> None:
    """A server URL reaches the PostgreSQL driver (the system's libpq on Linux): with no
    server listening the program must say it cannot connect, not that a module is missing."""
    url = "postgresql+psycopg://jeugdtoegang:x@127.0.0.1:9/jeugdtoegang?connect_timeout=3"
    result = subprocess.run(
        [str(f.cli), "--db", url, "households", "search", "a"],
        env=f.env(f.scratch / "h-server"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    text = result.stdout + result.stderr
    if result.returncode == 0 or any(
        word in text for word in ("ModuleNotFoundError", "ImportError", "libpq", "Traceback")
    ):
        raise SmokeError(f"de PostgreSQL-driver laadt niet goed:\n{text[-1500:]}")


def _schema_revision(db: Path) -> str:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return str(connection.execute("SELECT version_num FROM alembic_version").fetchone()[0])


def previous_release(f: Frozen) -> None:
    home = f.scratch / "upgrade-home"
    shutil.copytree(PREVIOUS_RELEASE / "home", home)
    db = f.scratch / "upgrade" / "jeugdtoegang.sqlite"
    db.parent.mkdir()
    shutil.copy2(PREVIOUS_RELEASE / "jeugdtoegang.sqlite", db)
    before = _schema_revision(db)
    found = f.cli_json(["--db", str(db), "households", "search", "a"], f.env(home, **DEMO_USER))
    after = _schema_revision(db)
    backups = list(db.parent.glob("jeugdtoegang.backup-*-voor-migratie.sqlite"))
    print(f"smoke: schema {before} → {after}, back-ups: {len(backups)}", flush=True)
    if after != before and not backups:
        raise SmokeError("geen back-up gemaakt voor de migratie van de vorige versie")
    if not found:
        raise SmokeError("de gegevens van de vorige versie zijn niet meer te vinden")


def install_and_uninstall(f: Frozen) -> None:
    """install.sh and uninstall.sh below a scratch root (DESTDIR), as IT would run them."""
    if os.name == "nt":
        return
    root = f.scratch / "root"
    folder = f.cli.parent
    settings = f.scratch / "it-settings.toml"
    settings.write_text('lock_minutes = 5\nlocked = ["lock_minutes"]\n', encoding="utf-8")
    env = dict(os.environ, DESTDIR=str(root))
    subprocess.run(
        ["sh", str(folder / "install.sh"), "--settings", str(settings)],
        env=env,
        check=True,
        capture_output=True,
    )
    installed = root / "opt" / "jeugdtoegang" / "current" / f.cli.name
    version = subprocess.run(
        [str(installed), "--version"],
        capture_output=True,
        text=True,
        env=f.env(f.scratch / "h-installed"),
    )
    expected = [
        root / "usr/share/applications/jeugdtoegang.desktop",
        root / "usr/share/icons/hicolor/256x256/apps/jeugdtoegang.png",
        root / "etc/jeugdtoegang/settings.toml",
    ]
    if version.returncode != 0 or not all(p.exists() for p in expected):
        raise SmokeError("install.sh liet het programma, het menu-item of de instellingen weg")
    subprocess.run(["sh", str(folder / "uninstall.sh")], env=env, check=True, capture_output=True)
    if (root / "opt" / "jeugdtoegang").exists() or any(p.exists() for p in expected):
        raise SmokeError("uninstall.sh liet bestanden achter")


def gui_start(f: Frozen, db: Path, env: dict[str, str]) -> None:
    timings = {}
    for label, command in (
        ("bundel", [str(f.gui)]),
        ("broncode", [sys.executable, "-m", "ui.app"]),
    ):
        walls = []
        for _ in range(3):
            started = time.perf_counter()
            result = subprocess.run(
                [*command, "--db", str(db), "--smoke-test"],
                env=env,
                capture_output=True,
                text=True,
                timeout=180,
                cwd=ROOT,
            )
            walls.append(time.perf_counter() - started)
            if result.returncode != 0 or "hoofdvenster getoond" not in result.stdout:
                raise SmokeError(f"GUI ({label}) startte niet:\n{result.stdout}\n{result.stderr}")
        timings[label] = sorted(walls)[1]
    ratio = timings["bundel"] / timings["broncode"]
    print(
        f"smoke: koude start GUI tot hoofdvenster (mediaan van 3): bundel "
        f"{timings['bundel']:.2f} s, broncode {timings['broncode']:.2f} s, "
        f"verhouding {ratio:.2f}",
        flush=True,
    )


def gui_encrypted(f: Frozen, db: Path, env: dict[str, str]) -> None:
    """The frozen GUI unlocks the encrypted database (the smoke test's account) and shows
    its main window."""
    result = subprocess.run(
        [str(f.gui), "--db", str(db), "--smoke-test"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    if result.returncode != 0 or "hoofdvenster getoond" not in result.stdout:
        raise SmokeError(f"GUI op de versleutelde database:\n{result.stdout}\n{result.stderr}")


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__)
        return 2
    folder = Path(argv[0]).resolve()
    with tempfile.TemporaryDirectory(prefix="jt-smoke-") as tmp:
        f = Frozen(folder, Path(tmp))
        try:
            step("--version", lambda: check_version(f))
            db, env = step("init --demo", lambda: make_demo(f))
            step("zoeken en brief als PDF", lambda: search_and_letter(f, db, env))
            encrypted = step(
                "versleutelde database (SQLCipher): zoeken en brief als PDF",
                lambda: encrypted_database(f, db, env),
            )
            step("sync export en import", lambda: sync_between_fresh_databases(f))
            step("PostgreSQL-driver geladen", lambda: server_driver_loads(f))
            step("database van versie 0.1.0 bijgewerkt", lambda: previous_release(f))
            step("install.sh en uninstall.sh", lambda: install_and_uninstall(f))
            step("GUI hoofdvenster", lambda: gui_start(f, db, env))
            step("GUI op de versleutelde database", lambda: gui_encrypted(f, encrypted, env))
        except (SmokeError, subprocess.TimeoutExpired) as error:
            print(f"smoke: MISLUKT: {error}", flush=True)
            return 1
    print("smoke: alle stappen geslaagd", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
