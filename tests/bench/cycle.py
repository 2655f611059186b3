"""The first full cycle and an unchanged re-run on the Graph emulator with latency and Outlook throttling on.

Run as a child process (``python -m tests.bench.cycle --people N``) so its peak RSS is the worker's.
Lower bound: what one worker issuing one Graph request at a time could not beat, given the emulator's latency
and its Outlook limit of 4 concurrent requests per mailbox: latency x (HTTP round trips + $batch items / 4).
The drain overlaps up to 4 groups of managers (scheduling_handlers.LANES: the limit is per mailbox, so
different managers' requests may run at once), so a ratio near or below 1 is possible: it says how much of the
waiting the overlap hides, on top of the worker's own CPU per pair.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from pathlib import Path

from devstack.graph_emulator import serve_in_thread
from devstack.graph_emulator.state import Switches
from tests.bench.round_trips import measure_on

LATENCY_MS = 50


def run(people: int) -> dict[str, float]:
    switches = Switches(latency_ms=LATENCY_MS, throttle=True)
    emulator = serve_in_thread(people=people, seed=7, switches=switches)
    try:
        started = time.perf_counter()
        trips = asyncio.run(measure_on(emulator.base_url, emulator.root, people))
        wall = time.perf_counter() - started
    finally:
        emulator.stop()
    inner = sum(v for k, v in trips.first_operations.items() if k != "POST /$batch") - trips.first_cycle
    bound = LATENCY_MS / 1000 * (trips.first_cycle + trips.rerun + max(inner, 0) / 4)
    return {"people": people, "pairs": trips.pairs, "wall_s": wall, "lower_bound_s": bound,
            "wall_over_bound": wall / bound, "round_trips_per_pair": trips.first_per_pair,
            "rerun_round_trips_per_pair": trips.rerun_per_pair,
            "peak_rss_mib": peak_rss_mib()}  # fmt: skip


def peak_rss_mib() -> float:
    """This process's peak resident set (VmHWM). Not ru_maxrss: Linux keeps that across exec, so a child started
    by ``make bench`` would report its parent's peak (the 50,000-person plan) instead of its own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    print(json.dumps(run(parser.parse_args().people)))
