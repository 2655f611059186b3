"""CPU accounting for ``make bench``: the worker's own CPU apart from the emulators', and a bounded busy core.

The worker is the process whose CPU a tenant pays for: the bench process itself when it drives the services
in-process, or the Functions host child for the bot endpoint. Emulators (Graph, connector, Azurite) are child
processes, read through psutil while they run (a child's CPU is gone from the tree once it exits).
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import psutil

_BUSY_LOOP = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds of one process (0 once it is gone)."""
    try:
        times = psutil.Process(pid).cpu_times()
    except psutil.NoSuchProcess:
        return 0.0
    return float(times.user + times.system)


def child_pids(exclude: Iterable[int] = ()) -> set[int]:
    """Every live descendant of this process, minus ``exclude`` (the busy loop, a worker child)."""
    skipped = set(exclude)
    return {p.pid for p in psutil.Process().children(recursive=True) if p.pid not in skipped}


def cpu_of(pids: Iterable[int]) -> dict[int, float]:
    return {pid: process_cpu_s(pid) for pid in pids}


@dataclass
class CpuSample:
    """What one measured phase cost: wall seconds, the worker's CPU seconds, the emulators' CPU seconds."""

    wall_s: float
    worker_s: float
    emulators_s: float


@dataclass
class Meter:
    """Measures one phase. ``worker_pid`` None means this process is the worker (``time.process_time``)."""

    worker_pid: int | None = None
    exclude: frozenset[int] = frozenset()
    _start: tuple[float, float] = (0.0, 0.0)
    _children: dict[int, float] = field(default_factory=dict)

    def _worker_cpu(self) -> float:
        return time.process_time() if self.worker_pid is None else process_cpu_s(self.worker_pid)

    def _emulator_pids(self) -> set[int]:
        return child_pids(self.exclude | ({self.worker_pid} if self.worker_pid else set()))

    def start(self) -> None:
        self._children = cpu_of(self._emulator_pids())
        self._start = (time.perf_counter(), self._worker_cpu())

    def stop(self) -> CpuSample:
        wall, worker = time.perf_counter() - self._start[0], self._worker_cpu() - self._start[1]
        now = cpu_of(self._emulator_pids())
        emulators = sum(cpu - self._children.get(pid, 0.0) for pid, cpu in now.items())
        return CpuSample(wall, worker, emulators)


@contextmanager
def measured(meter: Meter) -> Iterator[list[CpuSample]]:
    """``with measured(m) as out:`` ... then ``out[0]`` is the phase's sample."""
    out: list[CpuSample] = []
    meter.start()
    try:
        yield out
    finally:
        out.append(meter.stop())


@contextmanager
def busy_core(seconds: float) -> Iterator[int | None]:
    """A child that spins one core for at most ``seconds`` (ended early on exit); yields its pid (None if off)."""
    if seconds <= 0:
        yield None
        return
    process = subprocess.Popen([sys.executable, "-c", _BUSY_LOOP, str(seconds)])
    try:
        yield process.pid
    finally:
        process.terminate()
        process.wait(timeout=10)
