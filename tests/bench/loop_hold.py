"""How long a first scheduling cycle holds the worker's event loop between two awaits.

In Azure Functions the async triggers of one worker share its event loop: while a ``schedule-pair`` message runs
code that does not await (planning, parsing answers, Table Storage calls, which are synchronous), a bot turn or a
card action that reached the same worker waits. A ticker asks the loop to wake it every 5 ms during the cycle of
``tests.bench.cycle`` (same emulator, latency, throttling and Azurite); how late it wakes is that wait.

    python -m tests.bench.loop_hold --people 300
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Awaitable, Sequence
from typing import Any

from tests.bench.cycle import LATENCY_MS, on_azurite, start_azurite
from tests.bench.round_trips import measure_on
from tests.fixtures.graph import start_emulator, stop_emulator

TICK_S = 0.005
LONG_S = 0.1  # a hold a person would notice on a card action


def hold_summary(lates: Sequence[float]) -> dict[str, float]:
    """Percentiles of how late the ticker woke (ms), and how many holds passed ``LONG_S``."""
    ordered = sorted(lates)
    if not ordered:
        return {"ticks": 0}

    def at(share: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(share * len(ordered)))], 1)

    long_holds = sum(1 for late in ordered if late > LONG_S)
    return {"ticks": len(ordered), "hold_ms_p50": at(0.5), "hold_ms_p99": at(0.99),
            "hold_ms_max": round(1000 * ordered[-1], 1), "holds_over_100ms": long_holds}  # fmt: skip


async def watched(work: Awaitable[Any]) -> tuple[Any, list[float]]:
    """``work``'s result, and how late a 5 ms ticker woke each time while it ran."""
    lates: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        while not done.is_set():
            asked = time.perf_counter()
            await asyncio.sleep(TICK_S)
            lates.append(max(0.0, time.perf_counter() - asked - TICK_S))

    ticker = asyncio.create_task(tick())
    try:
        return await work, lates
    finally:
        done.set()
        await ticker


def run(people: int) -> dict[str, Any]:
    azurite, pids = start_azurite()
    emulator = start_emulator("--latency-ms", str(LATENCY_MS), "--throttle", people=people, seed=7)
    try:
        cycle = measure_on(emulator.base_url, emulator.root, people, storage=on_azurite(azurite, pids))
        trips, lates = asyncio.run(watched(cycle))
    finally:
        stop_emulator(emulator.process)
        azurite.stop()
    return {"people": people, "pairs": trips.pairs, **hold_summary(lates)}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=300)
    print(json.dumps(run(parser.parse_args().people)))
