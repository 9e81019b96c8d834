"""Writing files so that a crash or a kill never leaves a half file under the final name.

The data go to a temporary file in the target's folder, which is flushed and fsynced, then
renamed over the target (``os.replace`` is atomic on one file system), and finally the
folder is fsynced so the rename itself survives a power cut (POSIX). Letters, autosaved
drafts, sync bundles and keys all use this one implementation.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TEMP_SUFFIX = ".tmp"
#: files and folders the program creates are private to the user, whatever the umask
FILE_MODE = 0o600
DIR_MODE = 0o700


def private_dir(folder: Path) -> Path:
    """Create ``folder`` (and missing parents) as 0700; an existing folder the program
    made before is tightened to 0700 too. Folders that already existed and that the user
    chose (an output folder) are left alone by callers, who use ``mkdir`` for those."""
    folder = Path(folder)
    missing = []
    probe = folder
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    folder.mkdir(parents=True, exist_ok=True)
    for made in missing:
        with contextlib.suppress(OSError):
            os.chmod(made, DIR_MODE)
    return folder


def private_file(path: Path) -> None:
    """Make an existing file the program created private (0600)."""
    with contextlib.suppress(OSError):
        os.chmod(path, FILE_MODE)


def _fsync_directory(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):  # Windows cannot open a folder for fsync
        return
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


@contextlib.contextmanager
def atomic_path(target: Path, prefix: str | None = None) -> Iterator[Path]:
    """Yield a temporary path next to ``target``; on success it replaces ``target``.

    For writers that need a file name (e.g. SQLite). On an exception the temporary
    file is removed and ``target`` is left as it was.
    """
    private_dir(target.parent)
    descriptor, name = tempfile.mkstemp(  # mkstemp makes the file 0600
        prefix=prefix or f".{target.name}.", suffix=TEMP_SUFFIX, dir=target.parent
    )
    os.close(descriptor)
    temporary = Path(name)
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _fsync_directory(target.parent)


@contextlib.contextmanager
def atomic_file(target: Path, prefix: str | None = None) -> Iterator[BinaryIO]:
    """Yield a binary file to write; on success it replaces ``target`` as a whole."""
    with atomic_path(target, prefix) as temporary, open(temporary, "w+b") as handle:
        yield handle
        handle.flush()


def write_atomically(target: Path, data: bytes, prefix: str | None = None) -> None:
    """Write ``data`` so that ``target`` is either as before or complete."""
    with atomic_file(target, prefix) as handle:
        handle.write(data)
