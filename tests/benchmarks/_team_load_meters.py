"""The team load test's meters: the PostgreSQL server's CPU per operation, the machine's
busy cores, and the paced (open-loop) schedule of a client.

The clients and the server share the same cores, so an operation's latency under load
follows the CPU it costs *both*; these meters tell the two apart without asking the server
anything (no extension, no extra statements)."""

from __future__ import annotations

import math
import os
import random
import time
from typing import Any

#: nanoseconds per clock tick of /proc/<pid>/stat (the fallback reading)
_NS_PER_TICK = 1_000_000_000 // os.sysconf("SC_CLK_TCK")


def _schedstat_ns(data: bytes) -> int:
    return int(data.split()[0])


def _stat_ns(data: bytes) -> int:
    fields = data.rsplit(b")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * _NS_PER_TICK  # utime + stime


class ServerCpu:
    """The CPU time of the PostgreSQL backends serving this process's connections.

    Each pooled connection's backend pid comes from psycopg when the pool connects (no
    request to the server); its CPU is read from ``/proc/<pid>/schedstat`` (nanoseconds the
    scheduler charged; ``/proc/<pid>/stat`` counts 10 ms ticks, too coarse for one
    operation, and is only the fallback) through a file kept open, so one reading costs a
    microsecond. A backend whose connection closes keeps its last reading. When the server
    is not on this machine (no ``postgres`` process with that pid) nothing is measured and
    ``measured`` is False."""

    def __init__(self) -> None:
        self.files: dict[int, int] = {}
        self.last: dict[int, int] = {}
        self.retired_ns = 0
        self.measured = False
        self.unreachable = False
        self.reader = _schedstat_ns

    def install(self) -> None:
        """Follow every connection pool of this process (call before any pool connects)."""
        from sqlalchemy import event
        from sqlalchemy.pool import Pool

        event.listen(Pool, "connect", self._connected)
        event.listen(Pool, "close", lambda dbapi, _record: self._closed(dbapi))
        event.listen(Pool, "close_detached", self._closed)

    def _connected(self, dbapi_connection: Any, _record: Any) -> None:
        pid = int(dbapi_connection.info.backend_pid)
        try:
            with open(f"/proc/{pid}/comm", "rb") as comm:
                local = comm.read().strip() == b"postgres"
            path = f"/proc/{pid}/schedstat"
            reader = _schedstat_ns
            if not os.path.exists(path):
                path, reader = f"/proc/{pid}/stat", _stat_ns
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            local = False
        if not local:
            self.unreachable = True
            return
        self.reader = reader
        self.files[pid] = fd
        self.last[pid] = 0
        self.measured = True

    def _closed(self, dbapi_connection: Any) -> None:
        try:
            pid = int(dbapi_connection.info.backend_pid)
        except Exception:  # a connection already broken: its last reading stays
            return
        if pid in self.files:
            self._read(pid)
            self._retire(pid)

    def _read(self, pid: int) -> int:
        try:
            self.last[pid] = self.reader(os.pread(self.files[pid], 256, 0))
        except (OSError, ValueError, IndexError):  # the backend ended: keep its last reading
            self._retire(pid)
            return 0
        return self.last[pid]

    def _retire(self, pid: int) -> None:
        os.close(self.files.pop(pid))
        self.retired_ns += self.last.pop(pid)

    def total(self) -> float:
        """Seconds of CPU the backends used so far (those of closed connections included)."""
        if not self.files:
            return self.retired_ns / 1e9
        return (self.retired_ns + sum(self._read(pid) for pid in list(self.files))) / 1e9


class MachineCpu:
    """Busy CPU of the whole machine between ``start`` and ``stop`` (``/proc/stat``): all
    processes, other work on the machine and the server's background processes included."""

    def __init__(self) -> None:
        self.started = self._read()
        self.ended = self.started

    @staticmethod
    def _read() -> tuple[int, int]:
        try:
            with open("/proc/stat", "rb") as stat:
                ticks = [int(n) for n in stat.readline().split()[1:]]
        except OSError:
            return (0, 0)
        idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
        return (sum(ticks[:8]) - idle, sum(ticks[:8]))

    @staticmethod
    def autogroup() -> bool:
        """Whether the kernel shares CPU fairly between sessions rather than processes."""
        try:
            with open("/proc/sys/kernel/sched_autogroup_enabled", "rb") as setting:
                return setting.read().strip() == b"1"
        except OSError:
            return False

    def stop(self) -> None:
        self.ended = self._read()

    def busy_cores(self) -> float:
        """Cores busy on average (NaN without /proc/stat)."""
        busy = self.ended[0] - self.started[0]
        total = self.ended[1] - self.started[1]
        return busy / total * (os.cpu_count() or 1) if total else math.nan


class PacedSchedule:
    """Open loop: a client's intended start times, with exponential gaps of mean
    1/``rate`` (a Poisson process), from ``begun`` until ``deadline`` (``time.monotonic``).
    Latency counts from the intended start, so waiting behind one's own previous operation
    counts too (no coordinated omission)."""

    def __init__(self, rate: float, seed: int, begun: float, deadline: float) -> None:
        self.rng = random.Random(seed * 7919 + 1)  # the mix's own draws stay as they are
        self.rate = rate
        self.deadline = deadline
        self.planned = begun

    def next(self) -> float | None:
        """The next intended start, after sleeping until it; None past the deadline."""
        self.planned += self.rng.expovariate(self.rate)
        if self.planned >= self.deadline:
            return None
        early = self.planned - time.monotonic()
        if early > 0:
            time.sleep(early)
        return self.planned

    def unstarted(self) -> int:
        """Intended starts before the deadline that the client never reached (behind)."""
        count = 0
        while True:
            self.planned += self.rng.expovariate(self.rate)
            if self.planned >= self.deadline:
                return count
            count += 1
