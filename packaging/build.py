"""Build the workstation package, archive it with a checksum, and smoke-test the frozen program.

    python3 packaging/build.py            build + archive + smoke test (what CI runs)
    python3 packaging/build.py --no-smoke build + archive only

Output under ``packaging/dist/`` (ignored by git):

* ``jeugdtoegang-<version>/``: the unpacked program (``jeugdtoegang``, ``jeugdtoegang-gui``),
  with ``jeugdtoegang.desktop``, the icon and ``install.sh`` / ``uninstall.sh`` for Linux;
* ``jeugdtoegang-<version>-<platform>.tar.gz`` (``.zip`` on Windows) and ``SHA256SUMS``.

It prints the unpacked size and its largest files, then runs ``packaging/smoke.py`` against
the frozen program. A package over the size target (150 MB unpacked) fails the build (exit 1,
after the smoke test so the log shows both), so CI catches a size regression.
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


def largest_files(path: Path, count: int = 6) -> list[tuple[int, str]]:
    files = [f for f in path.rglob("*") if f.is_file() and not f.is_symlink()]
    sized = sorted(((f.stat().st_size, str(f.relative_to(path))) for f in files), reverse=True)
    return sized[:count]


def size_check(size_bytes: int, target_mb: float = SIZE_TARGET_MB) -> tuple[bool, str]:
    """Whether the unpacked size is within the target, and the log line that says so."""
    size_mb = size_bytes / 1_000_000
    if size_mb <= target_mb:
        return True, f"build: uitgepakt {size_mb:.1f} MB (binnen de grens van {target_mb} MB)"
    return False, (
        f"build: MISLUKT: uitgepakt {size_mb:.1f} MB, {size_mb - target_mb:.1f} MB BOVEN de "
        f"grens van {target_mb} MB (zie de grootste bestanden hierboven)"
    )


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
    for size, name in largest_files(target):
        print(f"build: {size / 1_000_000:6.1f} MB  {name}")
    size_ok, size_line = size_check(folder_size(target))
    print(size_line)
    path = archive(target)
    print(f"build: archief {path.name} {path.stat().st_size / 1_000_000:.1f} MB")
    print(f"build: {(DIST / 'SHA256SUMS').read_text().strip()}", flush=True)
    smoke = 0
    if "--no-smoke" not in argv:
        env = dict(os.environ)
        smoke = subprocess.call([str(PYTHON), str(HERE / "smoke.py"), str(target)], env=env)
    if not size_ok:
        print(size_line, flush=True)  # again at the end, where CI shows the failure
        return 1
    return smoke


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
