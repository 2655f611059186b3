"""The first full cycle and an unchanged re-run on the Graph emulator with latency and Outlook throttling on.

Run as a child process (``python -m tests.bench.cycle --people N``) so its CPU and peak RSS are the worker's
alone: the Graph emulator runs as its own process (``python -m devstack.graph_emulator``), and its CPU is
reported apart. Tables and queues are the product's adapters on Azurite, in its own processes (its CPU is
reported apart too: ``storage_cpu_ms_per_pair``); ``--storage memory`` keeps them in a dict in the worker
instead (tests/fakes/storage: its JSON copies are worker CPU that the Table client does not spend, and the
Table client's own CPU is missing). ``storage_calls_per_pair`` counts Store and Queues calls (by method and
table or queue in ``storage_calls``).

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
from pathlib import Path
from typing import Any

from devstack.azurite import Azurite
from shared.adapters.storage.queues import StorageQueues
from shared.adapters.storage.tables import TableStore
from tests.bench.cpu import child_pids
from tests.bench.round_trips import Storage, measure_on
from tests.fixtures.graph import start_emulator, stop_emulator

LATENCY_MS = 50


def on_azurite(azurite: Azurite, pids: frozenset[int]) -> Storage:
    """The product's Table and Queue adapters (as the container builds them) on ``azurite``."""
    from azure.storage.queue import QueueServiceClient

    from shared.adapters.storage.connection_string import account_of

    connection = azurite.connection_string
    return Storage(TableStore(account_of(connection, "table")),
                   StorageQueues(QueueServiceClient.from_connection_string(connection)), pids, "azurite")  # fmt: skip


def start_azurite(attempts: int = 3) -> tuple[Azurite, frozenset[int]]:
    """Azurite and its processes, started again when node takes longer than 60 s to open a port."""
    for attempt in range(attempts):
        before, azurite = child_pids(), Azurite()
        try:
            azurite.start()
        except TimeoutError:
            if attempt == attempts - 1:
                raise
            continue
        return azurite, frozenset(child_pids() - before)
    raise AssertionError("unreachable")


def run(people: int, storage: str = "azurite") -> dict[str, Any]:
    azurite, pids = start_azurite() if storage == "azurite" else (None, frozenset[int]())
    emulator = start_emulator("--latency-ms", str(LATENCY_MS), "--throttle", people=people, seed=7)
    try:
        where = on_azurite(azurite, pids) if azurite else Storage.in_memory()
        trips = asyncio.run(measure_on(emulator.base_url, emulator.root, people, storage=where))
    finally:
        stop_emulator(emulator.process)
        if azurite:
            azurite.stop()
    assert trips.first_cpu is not None and trips.rerun_cpu is not None
    inner = sum(v for k, v in trips.first_operations.items() if k != "POST /$batch") - trips.first_cycle
    bound = LATENCY_MS / 1000 * (trips.first_cycle + trips.rerun + max(inner, 0) / 4)
    wall = trips.first_cpu.wall_s + trips.rerun_cpu.wall_s
    pairs = max(trips.pairs, 1)
    return {"people": people, "pairs": trips.pairs, "wall_s": wall, "lower_bound_s": bound,
            "wall_over_bound": wall / bound, "round_trips_per_pair": trips.first_per_pair,
            "rerun_round_trips_per_pair": trips.rerun_per_pair,
            "first_cpu_ms_per_pair": trips.cpu_ms_per_pair(trips.first_cpu),
            "rerun_cpu_ms_per_pair": trips.cpu_ms_per_pair(trips.rerun_cpu),
            "emulator_cpu_ms_per_pair": (trips.first_cpu.emulators_s + trips.rerun_cpu.emulators_s) * 1000 / pairs,
            "peak_rss_mib": peak_rss_mib(), "storage": trips.storage,
            "storage_cpu_ms_per_pair": trips.storage_cpu_s * 1000 / pairs,
            "storage_calls_per_pair": sum((trips.first_storage_calls or {}).values()) / pairs,
            "rerun_storage_calls_per_pair": sum((trips.rerun_storage_calls or {}).values()) / pairs,
            "storage_calls": trips.first_storage_calls, "rerun_storage_calls": trips.rerun_storage_calls}  # fmt: skip


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
    parser.add_argument("--storage", choices=("azurite", "memory"), default="azurite")
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.storage)))
