"""Scheduling through the real stack: msgraph-sdk adapters on the Graph emulator, Azurite tables and queues."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from shared.domain.calendar import SeriesEvent, SeriesSpec
from shared.domain.people import Pair
from shared.services.plan_cycle import Planned
from shared.services.schedule_pair import SCHEDULE_PAIR, ScheduleContext
from shared.services.scheduling_handlers import CycleSummary, drain, run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, active_pairs
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
        self.inner, self.die_after = inner, die_after
        self.created: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent:
        event: SeriesEvent = await self.inner.create_series(spec)
        self._count([spec])
        return event

    async def create_series_many(self, specs: Sequence[SeriesSpec]) -> dict[str, Any]:
        created: dict[str, Any] = await self.inner.create_series_many(specs)
        self._count([s for s in specs if isinstance(created[s.series_id], SeriesEvent)])
        return created

    def _count(self, specs: Sequence[SeriesSpec]) -> None:
        self.created.extend(s.series_id for s in specs)
        if self.die_after is not None and len(self.created) >= self.die_after:
            raise Crash("worker killed after create, before record")


@pytest.fixture
async def stack(graph: GraphEmulator, azurite_store: Any, azurite_queues: Any) -> AsyncIterator[dict[str, Any]]:
    async with adapters_for(graph.base_url) as adapters:
        yield {"graph": graph, "adapters": adapters, "store": azurite_store, "queues": azurite_queues}


def ctx(stack: dict[str, Any], calendar: Any, worker: str = "w1", days_later: int = 0) -> ScheduleContext:
    now = datetime.now(UTC) + timedelta(days=days_later)
    return ScheduleContext(calendar, stack["adapters"].directory, stack["store"], SchedulingPolicy(), now, worker)


async def test_first_cycle_schedules_every_pair_once_and_rerun_costs_one_round_trip(stack: dict[str, Any]) -> None:
    calendar = CountingCalendar(stack["adapters"].calendar)
    first: CycleSummary = await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    assert first.pairs > 10 and first.series_created > 0
    settled = first.series_created + first.no_slot + first.outcomes.get("no-mailbox", 0)
    assert settled + first.outcomes.get("skipped", 0) == first.pairs
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
    queue_every_pair_twice(stack)
    one, two = CountingCalendar(stack["adapters"].calendar), CountingCalendar(stack["adapters"].calendar)
    await asyncio.gather(
        drain(ctx(stack, one, "w1"), stack["queues"], CycleSummary()),
        drain(ctx(stack, two, "w2"), stack["queues"], CycleSummary()),
    )
    created = one.created + two.created
    assert created and len(created) == len(set(created))


def queue_every_pair_twice(stack: dict[str, Any]) -> None:
    """Queue every synced pair's schedule-pair message twice, as a duplicate delivery would."""
    queues = stack["queues"]
    assert queues.receive("pair-changed") == []  # new pairs are left to planning, never queued (sync_org)
    for pair in active_pairs(stack["store"]):
        body = {"manager_id": pair.manager_id, "report_id": pair.report_id}
        queues.send(SCHEDULE_PAIR, body)
        queues.send(SCHEDULE_PAIR, body)


async def test_far_apart_zones_get_no_slot_with_the_reason(stack: dict[str, Any]) -> None:
    summary = await run_cycle(ctx(stack, stack["adapters"].calendar), stack["queues"], everyone)
    far = [r for r in summary.no_slot_reasons if "no overlap of working hours" in r]
    assert far and all(float(r.split(": ")[-1].split()[0]) >= 9 for r in far if "hours apart" in r)


async def test_manager_change_leaver_and_disabled_cancel_and_reschedule(stack: dict[str, Any]) -> None:
    graph, calendar, store = stack["graph"], stack["adapters"].calendar, stack["store"]
    await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    active = {r.row: r for r in store.query(SERIES) if r.data["state"] == "active"}
    # the demo tenant's moved report may have no mailbox: that pair is recorded (no-mailbox), with no series
    recorded = {r.row: r for r in store.query(SERIES) if r.data["state"] in {"active", "no-mailbox"}}
    moved = [c for c in graph.apply_manager_changes() if c["userId"] in recorded]
    assert moved, "the demo tenant schedules manager changes for scheduled reports"
    managers = {r.partition for r in store.query(SERIES)} | {c["managerId"] for c in moved}
    untouched = [rid for rid in sorted(active) if rid not in {c["userId"] for c in moved} | managers]
    leaver, disabled = untouched[:2]
    graph.delete_user(leaver, permanent=True)
    graph.disable_user(disabled)
    summary = await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    assert summary.cancelled == len(moved) + 2
    for report_id in [leaver, disabled, *(c["userId"] for c in moved)]:
        old = recorded[report_id]
        assert await calendar.find_series(old.partition, old.data["series_id"]) is None
    for change in moved:
        record = store.find(SERIES, change["managerId"], change["userId"])
        assert record is not None and record.data["state"] in {"active", "no-slot", "no-overlap", "no-mailbox"}


async def test_declined_occurrence_is_moved_on_the_next_check(stack: dict[str, Any]) -> None:
    graph, calendar, store = stack["graph"], stack["adapters"].calendar, stack["store"]
    await run_cycle(ctx(stack, calendar), stack["queues"], everyone)
    record = next(r for r in store.query(SERIES) if r.data["state"] == "active")
    report = next(p for p in graph.tenant()["people"] if p["id"] == record.row)
    start = datetime.now(UTC)
    before = await calendar.occurrences(record.partition, record.data["event_id"], start, start + timedelta(days=120))
    graph._call(
        "POST", "respond", {"user": report["userPrincipalName"], "event_id": before[1].event_id, "response": "declined"}
    )
    summary = await run_cycle(ctx(stack, calendar, days_later=8), stack["queues"], everyone, steps=("plan", "schedule"))
    assert summary.repaired >= 1
    after = await calendar.occurrences(record.partition, record.data["event_id"], start, start + timedelta(days=120))
    assert after[1].start != before[1].start and after[0].start == before[0].start


def test_wegrow_cycle_json_summary_is_the_last_line(graph: GraphEmulator, azurite: str) -> None:
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "WEGROW_GRAPH_BASE_URL": graph.base_url, "WEGROW_STORAGE_CONNECTION": azurite}
    command = [sys.executable, "-c", "from shared.cli.main import run; run()", "cycle", "--steps", "sync,plan,schedule"]
    done = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, timeout=240, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["pairs"] > 10 and summary["graph_round_trips"] >= 1
    assert summary["series_created"] + summary["no_slot"] > 0
    bad = subprocess.run([*command, "--steps", "sync,bogus"], env=env, capture_output=True, text=True, check=False)
    assert bad.returncode != 0 and "bogus" in bad.stderr


def test_first_cycle_costs_at_most_half_a_round_trip_per_pair_and_a_rerun_next_to_none() -> None:
    """Counts from the emulator's request log on a 300-person tenant (see docs/performance.md)."""
    from tests.bench.round_trips import measure

    figures = measure(people=300, seed=7)
    assert figures.pairs > 250 and figures.created > figures.pairs // 2
    assert figures.first_per_pair <= 0.5, figures
    assert figures.rerun_per_pair <= 0.02, figures
    # one POST per series, and one per planning conversation added for a milestone
    assert figures.first_operations.get("POST /users/{id}/events", 0) == figures.created + figures.extras
