"""Worker CPU per pair of a first scheduling cycle and of an unchanged re-run, the Graph emulator in its own process.

The cycle is the one ``tests.bench.round_trips`` runs (sync, plan, schedule with every pair due, the bundled
company's policy over a year) through the real msgraph-sdk adapters, with in-memory tables and queues. The
emulator runs as a child process (no latency, no throttling), so ``time.process_time`` of this process is the
worker's CPU alone: the services, the adapters, msgraph-sdk/kiota and httpx.

    python -m tests.bench.graph_cpu --people 300 [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from datetime import UTC, datetime
from typing import Any

from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from tests.bench.round_trips import company_policy, every_pair_is_due
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fakes.storage import InMemoryQueues, InMemoryStore
from tests.fixtures.graph import start_emulator, stop_emulator


async def _cycles(base_url: str) -> dict[str, float]:
    store, queues, policy = InMemoryStore(), InMemoryQueues(), company_policy(366)
    async with adapters_for(base_url) as graph:

        def context() -> ScheduleContext:
            return ScheduleContext(graph.calendar, graph.directory, store, policy, datetime.now(UTC), "bench")

        started = time.process_time()
        first = await run_cycle(context(), queues, every_pair_is_due)
        between = time.process_time()
        await run_cycle(context(), queues, every_pair_is_due)
        ended = time.process_time()
    pairs = max(first.pairs, 1)
    return {
        "pairs": first.pairs,
        "first_ms_per_pair": (between - started) * 1000 / pairs,
        "rerun_ms_per_pair": (ended - between) * 1000 / pairs,
    }


def run(people: int, runs: int) -> dict[str, Any]:
    """``runs`` fresh emulators (same seed), one first cycle and one re-run each; medians and spreads."""
    samples = []
    for _ in range(runs):
        emulator = start_emulator(people=people, seed=7)
        try:
            samples.append(asyncio.run(_cycles(emulator.base_url)))
        finally:
            stop_emulator(emulator.process)
    figures: dict[str, Any] = {"people": people, "pairs": samples[0]["pairs"], "runs": runs}
    for key in ("first_ms_per_pair", "rerun_ms_per_pair"):
        values = [s[key] for s in samples]
        figures[key] = round(statistics.median(values), 2)
        figures[key.replace("_ms_", "_spread_ms_")] = round(max(values) - min(values), 2)
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    arguments = parser.parse_args()
    print(json.dumps(run(arguments.people, arguments.runs)))
