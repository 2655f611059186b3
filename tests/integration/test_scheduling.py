"""Scheduling through the real stack: msgraph-sdk adapters on the Graph emulator, Azurite tables and queues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest

from shared.domain.calendar import SeriesEvent, SeriesSpec
from shared.domain.people import Pair
from shared.services.plan_cycle import Planned
from shared.services.schedule_pair import SCHEDULE_PAIR, ScheduleContext
from shared.services.scheduling_handlers import CycleSummary, drain, run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration


@dataclass(frozen=True)
class _Due:
    reason: str


def everyone(pair: Pair, start: date, end: date) -> Sequence[Planned]:
    return [_Due("regular check-in, every 6 weeks")]


class Crash(RuntimeError):
    pass


class CountingCalendar:
    """Wraps the Graph calendar: records every series created and can die after the N-th create."""

    def __init__(self, inner: Any, die_after: int | None = None) -> None:
        self.inner, self.die_after, self.created = inner, die_after, []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent:
        event = await self.inner.create_series(spec)
        self.created.append(spec.series_id)
        if self.die_after is not None and len(self.created) >= self.die_after:
            raise Crash("worker killed after create, before record")
        return event


@pytest.fixture
async def stack(graph: GraphEmulator, azurite_store: Any, azurite_queues: Any) -> AsyncIterator[dict[str, Any]]:
    async with adapters_for(graph.base_url) as adapters:
        yield {"graph": graph, "adapters": adapters, "store": azurite_store, "queues": azurite_queues}


def ctx(stack: dict[str, Any], calendar: Any, worker: str = "w1") -> ScheduleContext:
    now = datetime.now(UTC)
    return ScheduleContext(calendar, stack["adapters"].directory, stack["store"], SchedulingPolicy(), now, worker)


async def test_first_cycle_schedules_every_pair_once_and_rerun_costs_one_round_trip(stack: dict[str, Any]) -> None:
    calendar = CountingCalendar(stack["adapters"].calendar)
    first: CycleSummary = await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    assert first.pairs > 10 and first.series_created > 0
    assert first.series_created + first.no_slot + first.outcomes.get("skipped", 0) == first.pairs
    assert len(set(calendar.created)) == len(calendar.created) == first.series_created
    active = [r for r in stack["store"].query(SERIES) if r.data["state"] == "active"]
    assert len(active) == first.series_created
    stack["graph"].clear_log()
    again = await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    assert (again.series_created, again.cancelled) == (0, 0)
    assert stack["graph"].log()["http_round_trips"] == 1


async def test_kill_mid_way_then_rerun_leaves_exactly_one_series_per_pair(stack: dict[str, Any]) -> None:
    dying = CountingCalendar(stack["adapters"].calendar, die_after=3)
    with pytest.raises(Crash):
        await run_cycle(ctx(stack, dying), stack["queues"], everyone)
    healthy = CountingCalendar(stack["adapters"].calendar)
    # The killed worker's message comes back after its visibility timeout; re-plan instead of waiting.
    await run_cycle(ctx(stack, healthy), stack["queues"], everyone, steps=("plan", "schedule"))
    created = dying.created + healthy.created
    assert len(created) == len(set(created))
    for record in stack["store"].query(SERIES):
        if record.data["state"] == "active":
            found = await stack["adapters"].calendar.find_series(record.partition, record.data["series_id"])
            assert found is not None and found.event_id == record.data["event_id"]


async def test_two_concurrent_workers_create_no_duplicates(stack: dict[str, Any]) -> None:
    await run_cycle(ctx(stack, stack["adapters"].calendar), stack["queues"], everyone, steps=("sync",))
    await drain_pair_changed_twice(stack)
    one, two = CountingCalendar(stack["adapters"].calendar), CountingCalendar(stack["adapters"].calendar)
    await asyncio.gather(
        drain(ctx(stack, one, "w1"), stack["queues"], CycleSummary()),
        drain(ctx(stack, two, "w2"), stack["queues"], CycleSummary()),
    )
    created = one.created + two.created
    assert created and len(created) == len(set(created))


async def drain_pair_changed_twice(stack: dict[str, Any]) -> None:
    """Queue every new pair's schedule-pair message twice, as a duplicate delivery would."""
    queues = stack["queues"]
    while messages := queues.receive("pair-changed"):
        for message in messages:
            body = {"manager_id": message.body["manager_id"], "report_id": message.body["report_id"]}
            queues.send(SCHEDULE_PAIR, body)
            queues.send(SCHEDULE_PAIR, body)
            queues.complete("pair-changed", message)
