"""Printing benchmark figures next to their bare-library baseline, and the ratio."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def time_calls(function: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock milliseconds of ``repeat`` calls (after two warm-up calls)."""
    function()
    function()
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, ours: float, baseline: float, unit: str, target: str) -> None:
    ratio = ours / baseline if baseline else float("inf")
    print(
        f"{name:<48} {ours:10.3f} {unit:<5} baseline {baseline:10.3f} {unit:<5} "
        f"ratio {ratio:6.2f}x   target {target}",
        flush=True,
    )


def median(values: list[float]) -> float:
    return statistics.median(values)
