"""Run a piece of Python in a fresh offscreen process: for faults that end a process.

A crash (a segmentation fault, a fatal Python error) cannot be caught inside the test
process, so such tests run the risky code in a child and look at its exit code; with
``-X faulthandler`` a crash leaves every thread's stack in ``stderr``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_offscreen(code: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``code`` with this Python, the checkout on the path and Qt offscreen."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-X", "faulthandler", "-c", code],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
