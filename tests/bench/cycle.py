"""The first full cycle and an unchanged re-run on the Graph emulator with latency and Outlook throttling on.

Run as a child process (``python -m tests.bench.cycle --people N``) so its peak RSS is the worker's.
Lower bound: the worker issues one Graph request at a time, so it cannot finish before
latency x (HTTP round trips + $batch items / 4), as the emulator runs at most 4 batch items at once.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import time

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
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}  # fmt: skip


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    print(json.dumps(run(parser.parse_args().people)))
