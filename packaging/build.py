"""Build the workstation package, archive it with a checksum, and smoke-test the frozen program.

    python3 packaging/build.py            build + archive + smoke test (what CI runs)
    python3 packaging/build.py --no-smoke build + archive only

Output under ``packaging/dist/`` (ignored by git):

* ``jeugdtoegang-<version>/``: the unpacked program (``jeugdtoegang``, ``jeugdtoegang-gui``),
  with ``jeugdtoegang.desktop``, the icon and ``install.sh`` / ``uninstall.sh`` for Linux;
* ``jeugdtoegang-<version>-<platform>.tar.gz`` (``.zip`` on Windows) and ``SHA256SUMS``.

It prints the unpacked size (the target is at most 150 MB on Linux) and then runs
``packaging/smoke.py`` against the frozen program.
"""

from __future__ import annotations

import hashlib
import os
import platform
import shutil
import subprocess
import sys
import tarfile
import time
import tomllib
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from bootstrap import PYTHON, ensure_environment  # noqa: E402

DIST = HERE / "dist"
WORK = HERE / "build"
SIZE_TARGET_MB = 150


def project_meta() -> dict[str, str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def folder_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())


def platform_tag() -> str:
    system = {"linux": "linux", "win32": "windows", "darwin": "macos"}.get(
        sys.platform, sys.platform
    )
    return f"{system}-{platform.machine().lower()}"


def build() -> Path:
    meta = project_meta()
    target = DIST / f"{meta['name']}-{meta['version']}"
    started = time.perf_counter()
    subprocess.run(
        [
            str(PYTHON),
            "-m",
            "PyInstaller",
            "--noconfirm",
            "--log-level",
            "WARN",
            "--distpath",
            str(DIST),
            "--workpath",
            str(WORK),
            str(HERE / "jeugdtoegang.spec"),
        ],
        check=True,
        cwd=ROOT,
    )
    print(f"build: PyInstaller klaar in {time.perf_counter() - started:.0f} s", flush=True)
    add_desktop_files(target, meta["version"])
    return target


def add_desktop_files(target: Path, version: str) -> None:
    """The GUI link, the .desktop entry, the icon and the install scripts beside the program."""
    if sys.platform != "win32":  # one executable; the GUI is the same file under its own name
        (target / "jeugdtoegang-gui").symlink_to("jeugdtoegang")
    shutil.copy2(ROOT / "resources" / "icons" / "jeugdtoegang-256.png", target / "jeugdtoegang.png")
    for name in ("jeugdtoegang.desktop", "install.sh", "uninstall.sh"):
        source = HERE / "linux" / name
        text = source.read_text(encoding="utf-8").replace("@VERSION@", version)
        (target / name).write_text(text, encoding="utf-8")
        if name.endswith(".sh"):
            (target / name).chmod(0o755)
    for name in ("install.ps1", "uninstall.ps1"):
        shutil.copy2(HERE / "windows" / name, target / name)


def archive(target: Path) -> Path:
    """A versioned archive of the program folder and its SHA-256 in SHA256SUMS."""
    base = f"{target.name}-{platform_tag()}"
    if sys.platform == "win32":
        path = DIST / f"{base}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for file in sorted(target.rglob("*")):
                zf.write(file, file.relative_to(DIST))
    else:
        path = DIST / f"{base}.tar.gz"
        with tarfile.open(path, "w:gz", compresslevel=6) as tf:
            tf.add(target, arcname=target.name)
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    (DIST / "SHA256SUMS").write_text(f"{digest}  {path.name}\n", encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    ensure_environment("package,postgres")
    if DIST.exists():
        shutil.rmtree(DIST)
    target = build()
    size_mb = folder_size(target) / 1_000_000
    verdict = "binnen" if size_mb <= SIZE_TARGET_MB else "BOVEN"
    print(f"build: uitgepakt {size_mb:.1f} MB ({verdict} de grens van {SIZE_TARGET_MB} MB)")
    path = archive(target)
    print(f"build: archief {path.name} {path.stat().st_size / 1_000_000:.1f} MB")
    print(f"build: {(DIST / 'SHA256SUMS').read_text().strip()}", flush=True)
    if "--no-smoke" in argv:
        return 0
    env = dict(os.environ)
    return subprocess.call([str(PYTHON), str(HERE / "smoke.py"), str(target)], env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
