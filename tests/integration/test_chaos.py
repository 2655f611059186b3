"""Fault suite: Graph faults, killed workers and parallel workers reach the clean run's end state.

A few trials run in ``make test``; ``make chaos`` (WEGROW_CHAOS_FULL=1) runs the full count. Counts go to
out/chaos/*.json and from there to docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import gc
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from shared.adapters.storage.queues import StorageQueues
from shared.adapters.storage.tables import TableStore
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import CycleSummary, drain, run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_chaos_support import (
    FAULT_RATE,
    FULL,
    FULL_TIMEOUT_S,
    Crash,
    Dying,
    contested_pairs,
    diff_details,
    end_state_diff,
    frozen_now,
    kill_point,
    managers_of,
    run_seed,
    seeds,
    series_tags,
    snapshot,
    trials,
    write_counts,
)
from tests.integration.test_scheduling import everyone

pytestmark = [pytest.mark.integration, pytest.mark.slow]

Storage = Callable[[], tuple[TableStore, StorageQueues]]


@pytest.fixture
def storage(azurite: str) -> Storage:
    """A factory of fresh, private table and queue sets on the session's Azurite."""
    from azure.data.tables import TableServiceClient
    from azure.storage.queue import QueueServiceClient

    def fresh() -> tuple[TableStore, StorageQueues]:
        prefix = "c" + uuid.uuid4().hex[:10]
        tables = TableServiceClient.from_connection_string(azurite)
        queues = QueueServiceClient.from_connection_string(azurite)
        return TableStore(tables, prefix=prefix), StorageQueues(queues, prefix=prefix + "-")

    return fresh


def context(calendar: Any, directory: Any, store: Any, now: datetime, worker: str = "w1") -> ScheduleContext:
    return ScheduleContext(calendar, directory, store, SchedulingPolicy(), now, worker)


NOW = frozen_now()  # one instant for the whole module, so every test compares with one clean run
_CLEAN: dict[str, Any] = {}


async def clean_run(graph: GraphEmulator, storage: Storage, now: datetime = NOW) -> dict[Any, Any]:
    """The clean run's end state (computed once per module); ``_CLEAN["calls"]`` counts its calendar calls."""
    if "state" not in _CLEAN:
        graph.reset()
        store, queues = storage()
        async with adapters_for(graph.base_url) as adapters:
            counting = Dying(adapters.calendar, die_at=0, after=True)
            await run_cycle(context(counting, adapters.directory, store, now), queues, everyone)
        _CLEAN.update(state=snapshot(store), calls=counting.calls)
    return dict(_CLEAN["state"])


def assert_one_series_per_pair(graph: GraphEmulator, state: dict[Any, Any]) -> int:
    """Every active record's series is in the manager's calendar exactly once, and no other tag exists."""
    tags = series_tags(graph.root, managers_of(graph.tenant()))
    active = {fields[1] for fields in state.values() if fields[0] == "active"}
    duplicates = sum(n - 1 for n in tags.values() if n > 1)
    assert duplicates == 0, f"duplicate series: {[s for s, n in tags.items() if n > 1]}"
    assert set(tags) == active, "a series is missing from a calendar, or a calendar holds an unrecorded series"
    return duplicates


@pytest.mark.timeout(FULL_TIMEOUT_S if FULL else 300)  # the full mode runs many trials
async def test_graph_faults_reach_the_clean_end_state(graph: GraphEmulator, storage: Storage) -> None:
    now = NOW
    clean = await clean_run(graph, storage)
    totals = {"trials": 0, "faults_injected": 0, "retries": 0, "end_state_diff": 0, "duplicates": 0}
    for seed in seeds("graph_faults", trials(1, 5)):
        graph.reset()
        graph.switches(fault_rate=FAULT_RATE, fault_seed=seed)
        store, queues = storage()
        async with adapters_for(graph.base_url) as adapters:
            await run_cycle(context(adapters.calendar, adapters.directory, store, now), queues, everyone)
            retries = adapters.stats.retries
        faulted = int(graph.log()["faulted"])
        graph.switches(fault_rate=0.0)
        faulty = snapshot(store)
        assert faulted > 0 and retries > 0
        totals["duplicates"] += assert_one_series_per_pair(graph, faulty)
        totals["end_state_diff"] += end_state_diff(clean, faulty)
        totals["trials"] += 1
        totals["faults_injected"] += faulted
        totals["retries"] += retries
    assert totals["end_state_diff"] == 0
    write_counts("graph_faults", {**totals, "pairs": len(clean), "fault_rate": FAULT_RATE})


# A killed worker abandons its open connections, as a killed process would; the socket warnings that garbage
# collection raises for them are collected after each trial (below) and belong to the simulated kill, not the product.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
@pytest.mark.timeout(FULL_TIMEOUT_S if FULL else 300)  # the full mode runs many trials
async def test_killed_workers_rerun_to_one_series_per_pair(graph: GraphEmulator, storage: Storage) -> None:
    seed = run_seed("kill_and_rerun")
    now, rng = NOW, random.Random(seed)
    clean = await clean_run(graph, storage)
    calendar_calls = int(_CLEAN["calls"])
    totals = {"trials": 0, "kills": 0, "end_state_diff": 0, "duplicates": 0}
    for _ in range(trials(2, 20)):
        graph.reset()
        store, queues = storage()
        die_at, after = kill_point(rng, calendar_calls)
        async with adapters_for(graph.base_url) as adapters:
            dying = Dying(adapters.calendar, die_at, after)
            with pytest.raises(Crash):
                await run_cycle(context(dying, adapters.directory, store, now), queues, everyone)
            # The killed worker's lease holds its pair until it expires; the rerun comes after that (as the next
            # plan would), and re-plans because the killed message stays invisible until its timeout.
            later = now + timedelta(seconds=SchedulingPolicy().lease_seconds + 1)
            rerun = context(adapters.calendar, adapters.directory, store, later, worker="w2")
            await run_cycle(rerun, queues, everyone, steps=("plan", "schedule"))
        gc.collect()  # the killed worker's abandoned sockets are reported here, inside this test
        state = snapshot(store)
        assert end_state_diff(clean, state) == 0, (seed, die_at, after, diff_details(clean, state))
        totals["duplicates"] += assert_one_series_per_pair(graph, state)
        totals["end_state_diff"] += end_state_diff(clean, state)
        totals["trials"] += 1
        totals["kills"] += 1
    assert totals["end_state_diff"] == 0
    write_counts("kill_and_rerun", {**totals, "pairs": len(clean)})


@pytest.mark.timeout(FULL_TIMEOUT_S if FULL else 300)  # the full mode runs many trials
async def test_two_workers_with_faults_create_no_duplicates(graph: GraphEmulator, storage: Storage) -> None:
    now = NOW
    clean = await clean_run(graph, storage)
    seed = run_seed("two_workers")
    graph.reset()
    store, queues = storage()
    async with adapters_for(graph.base_url) as adapters:
        first = context(adapters.calendar, adapters.directory, store, now)
        await run_cycle(first, queues, everyone, ("sync", "plan"))
        await run_cycle(first, queues, everyone, ("plan",))  # every pair queued twice, as a duplicate delivery
        graph.switches(fault_rate=FAULT_RATE, fault_seed=seed)
        one = context(adapters.calendar, adapters.directory, store, now, "w1")
        two = context(adapters.calendar, adapters.directory, store, now, "w2")
        await asyncio.gather(drain(one, queues, CycleSummary()), drain(two, queues, CycleSummary()))
        graph.switches(fault_rate=0.0)
        # a pair leased by the other worker is left for the next plan (as the queue would redeliver it)
        await run_cycle(one, queues, everyone, steps=("plan", "schedule"))
    state = snapshot(store)
    duplicates = assert_one_series_per_pair(graph, state)
    assert end_state_diff(clean, state) == 0, diff_details(clean, state)
    counts = {"duplicates": duplicates, "end_state_diff": 0, "contested": contested_pairs(clean, state)}
    write_counts("two_workers", {**counts, "pairs": len(clean)})
