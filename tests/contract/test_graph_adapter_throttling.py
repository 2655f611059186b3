"""With Outlook throttling switched on, our Graph adapters retry to the same end state within the limits."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from tests.contract.test_graph_adapter_calendar import START, spec_for
from tests.contract.test_graph_adapter_support import GraphAdapters, adapters_for, pairs
from tests.fixtures.graph import GraphEmulator

pytestmark = [pytest.mark.contract, pytest.mark.slow]

PER_WINDOW = 6


async def workload(graph_adapters: GraphAdapters, tenant: dict[str, Any]) -> dict[str, Any]:
    """Working hours and free/busy all at once, then one series per pair for a few pairs, all at once."""
    chosen = pairs(tenant)[:6]
    upns = [p["mail"] for p in tenant["people"] if p["hasMailbox"]][:30]
    calendar = graph_adapters.calendar
    hours, busy = await asyncio.gather(
        graph_adapters.directory.working_hours([p["id"] for p in tenant["people"]]),
        asyncio.gather(*(calendar.busy_times(m["id"], upns, START, START + timedelta(days=7)) for m, _ in chosen)),
    )
    created = await asyncio.gather(
        *(calendar.create_series(spec_for(m, r, f"s-{m['id']}-{r['id']}")) for m, r in chosen)
    )
    found = [await calendar.find_series(m["id"], f"s-{m['id']}-{r['id']}") for m, r in chosen]
    return {
        "hours": hours,
        "busy": [{k: [(b.start, b.end) for b in v] for k, v in entry.items()} for entry in busy],
        "series": [(s.series_id, s.first_start, s.attendee_upns) for s in created],
        "found": [f.event_id if f else None for f in found] == [s.event_id for s in created],
    }


async def test_throttled_run_ends_in_the_same_state_within_the_limits(graph: GraphEmulator) -> None:
    tenant = graph.tenant()
    async with adapters_for(graph.base_url) as graph_adapters:
        calm = await workload(graph_adapters, tenant)
    assert graph.log()["throttled"] == 0

    graph.reset()
    graph.switches(throttle=True, throttle_requests=PER_WINDOW, throttle_window_s=1.0)
    async with adapters_for(graph.base_url) as graph_adapters:
        throttled = await workload(graph_adapters, tenant)
        retries = graph_adapters.stats

    log = graph.log()
    assert throttled == calm and calm["found"] is True
    assert log["throttled"] > 0 and retries.throttled > 0
    assert max(log["max_concurrency"].values()) <= 4
    assert graph.violations() == []
