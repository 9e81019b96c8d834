"""Set up and run jeugdtoegang from a fresh checkout with nothing but Python 3.11+.

    python3 packaging/bootstrap.py run     install, then start the app on the demo database
    python3 packaging/bootstrap.py test    install with test tools, then run the whole suite
    python3 packaging/bootstrap.py bench   install with test tools, then run the benchmarks

It creates ``.venv`` in the checkout (once) and installs the project into it; later runs
skip the install while ``pyproject.toml`` is unchanged. Extra arguments after ``test`` go to
pytest (e.g. ``test -m postgres``); after ``run`` they go to ``jeugdtoegang-gui``.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras: str) -> None:
    """Create the virtual environment and install the project (skipped when up to date)."""
    if sys.version_info < (3, 11):  # noqa: UP036 - the bootstrap may run on an old Python
        sys.exit("jeugdtoegang heeft Python 3.11 of nieuwer nodig.")
    if not PYTHON.exists():
        print("Virtuele omgeving maken in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    print("Installeren (eenmalig, dit kan een paar minuten duren) ...", flush=True)
    target = f"{ROOT}[{extras}]" if extras else str(ROOT)
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "-e",
            target,
        ],
        check=True,
    )
    stamp.write_text(digest)


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "run"
    rest = argv[1:]
    if command == "run":
        ensure_environment("postgres")
        return subprocess.call([str(PYTHON), "-m", "ui.app", "--demo", *rest], cwd=ROOT)
    if command == "test":
        ensure_environment("test")
        code = subprocess.call([str(PYTHON), "-m", "pytest", *rest], cwd=ROOT)
        return 0 if code == 5 and rest else code
    if command == "bench":
        ensure_environment("test")
        return subprocess.call(
            [
                str(PYTHON),
                "-m",
                "pytest",
                "tests/benchmarks",
                "-s",
                "-q",
                "--override-ini=addopts=",
                "-o",
                "python_files=bench_*.py",
                *rest,
            ],
            cwd=ROOT,
        )
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
