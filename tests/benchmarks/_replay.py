"""Like-for-like baselines: record the SQL a service runs, replay it with bare sqlite3.

The baseline of a service call is then exactly its own queries (same statements, same
parameters, same indexes, same rows fetched) on a plain ``sqlite3`` connection, without
the application's Python around them (issue 19: "same queries, same indexes, same work").
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

Recorded = list[tuple[str, Any]]


@contextmanager
def recording(engines: Any) -> Iterator[Recorded]:
    """Record (statement, DBAPI parameters) of every query on both engines."""
    found: Recorded = []

    def listen(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool):
        if not many and statement.lstrip()[:6].upper() == "SELECT":
            found.append((statement, parameters))

    targets = {id(e): e for e in (engines.write, engines.read)}.values()
    for engine in targets:
        event.listen(engine, "before_cursor_execute", listen)
    try:
        yield found
    finally:
        for engine in targets:
            event.remove(engine, "before_cursor_execute", listen)


def record_calls(engines: Any, calls: list[Callable[[], object]]) -> list[Recorded]:
    """The queries of each call (run once each, warm)."""
    recorded = []
    for call in calls:
        with recording(engines) as found:
            call()
        recorded.append(list(found))
    return recorded


def replay_times(path: str, recorded: list[Recorded]) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms) of replaying each call's queries with bare sqlite3 (fetching all rows)."""
    connection = sqlite3.connect(path)
    for queries in recorded[:2]:  # warm-up, as the service had its warm-up calls
        for sql, params in queries:
            connection.execute(sql, params).fetchall()
    wall, cpu = [], []
    for queries in recorded:
        started, started_cpu = time.perf_counter(), time.process_time()
        for sql, params in queries:
            connection.execute(sql, params).fetchall()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    connection.close()
    return wall, cpu


def queries_per_call(recorded: list[Recorded]) -> float:
    return sum(len(r) for r in recorded) / max(1, len(recorded))
