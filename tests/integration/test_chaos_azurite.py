"""Azurite (with persistence on disk) restarted in the middle of a cycle loses no queued work."""

from __future__ import annotations

from typing import Any

import pytest

from devstack.azurite import Azurite
from shared.adapters.storage.queues import StorageQueues
from shared.adapters.storage.tables import TableStore
from shared.services.schedule_pair import SCHEDULE_PAIR, ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_chaos_support import (
    FULL,
    FULL_TIMEOUT_S,
    diff_details,
    end_state_diff,
    frozen_now,
    snapshot,
    write_counts,
)
from tests.integration.test_scheduling import everyone

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def storage_on(server: Azurite, prefix: str) -> tuple[TableStore, StorageQueues]:
    from azure.data.tables import TableServiceClient
    from azure.storage.queue import QueueServiceClient

    tables = TableServiceClient.from_connection_string(server.connection_string)
    queues = QueueServiceClient.from_connection_string(server.connection_string)
    return TableStore(tables, prefix=prefix), StorageQueues(queues, prefix=prefix + "-")


class RestartingQueues:
    """Delegates to real queues; after the N-th completed schedule-pair message, restarts Azurite once."""

    def __init__(self, inner: StorageQueues, server: Azurite, after: int) -> None:
        self.inner, self.server, self.after, self.completed, self.restarted_with = inner, server, after, 0, -1

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def complete(self, queue: str, message: Any) -> None:
        self.inner.complete(queue, message)
        if queue == SCHEDULE_PAIR:
            self.completed += 1
            if self.completed == self.after:
                self.restarted_with = self.inner.length(SCHEDULE_PAIR)
                self.server.restart()


@pytest.mark.timeout(FULL_TIMEOUT_S if FULL else 300)  # the full mode runs many trials
async def test_azurite_restart_mid_cycle_loses_no_queued_work(
    graph: GraphEmulator, azurite_persistent: Azurite
) -> None:
    now = frozen_now()
    clean_store, clean_queues = storage_on(azurite_persistent, "clean")
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(adapters.calendar, adapters.directory, clean_store, SchedulingPolicy(), now, "w1")
        await run_cycle(ctx, clean_queues, everyone)
    clean = snapshot(clean_store)
    graph.reset()
    store, real_queues = storage_on(azurite_persistent, "restart")
    queues = RestartingQueues(real_queues, azurite_persistent, after=5)
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(adapters.calendar, adapters.directory, store, SchedulingPolicy(), now, "w1")
        summary = await run_cycle(ctx, queues, everyone)  # type: ignore[arg-type]
    assert queues.restarted_with > 0, "Azurite was restarted while schedule-pair work was still queued"
    state = snapshot(store)
    assert end_state_diff(clean, state) == 0, diff_details(clean, state)
    assert real_queues.length(SCHEDULE_PAIR) == 0
    write_counts(
        "azurite_restart",
        {"restarts": 1, "queued_at_restart": queues.restarted_with, "pairs": summary.pairs, "end_state_diff": 0},
    )
