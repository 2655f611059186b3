"""A first cycle on the emulator's tenant never gives anyone two growth conversations at once.

People who are both a report (of their manager) and a manager (of their team) take part in two series
created in the same run; their first occurrences must not overlap.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any

import pytest

from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator
from tests.integration.test_repair_on_emulator import everyone

pytestmark = pytest.mark.integration


async def test_nobody_has_two_growth_conversations_at_the_same_time(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any
) -> None:
    policy = SchedulingPolicy()
    async with adapters_for(graph.base_url) as adapters:
        ctx = ScheduleContext(adapters.calendar, adapters.directory, azurite_store, policy, datetime.now(UTC), "w1")
        summary = await run_cycle(ctx, azurite_queues, everyone)
    assert summary.series_created > 0
    length = timedelta(minutes=policy.rules.duration_minutes)
    meetings: dict[str, list[datetime]] = defaultdict(list)
    for record in azurite_store.query(SERIES):
        if record.data["state"] == "active":
            start = datetime.fromisoformat(str(record.data["first_start"]))
            meetings[record.partition].append(start)
            meetings[record.row].append(start)
    both_roles = [p for p, starts in meetings.items() if len(starts) > 1]
    assert both_roles, "the tenant should have people in two conversations"
    for person, starts in meetings.items():
        ordered = sorted(starts)
        for earlier, later in pairwise(ordered):
            assert earlier + length <= later, f"{person} has overlapping conversations at {earlier} and {later}"
