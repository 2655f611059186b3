"""Planning and a whole cycle on fakes: what gets queued, dry runs, and an unchanged re-run doing no work."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shared.domain.people import Pair
from shared.services.plan_cycle import Planned, plan_cycle
from shared.services.schedule_pair import SCHEDULE_PAIR
from shared.services.scheduling_handlers import run_cycle
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.unit


@dataclass(frozen=True)
class _Conversation:
    reason: str


def every_pair_but_rnd(pair: Pair, start: date, end: date) -> Sequence[Planned]:
    return [] if pair.org_unit == "R&D" else [_Conversation("regular check-in, every 6 weeks")]


def everyone(pair: Pair, start: date, end: date) -> Sequence[Planned]:
    return [_Conversation("before FY27 Q3 planning")]


async def test_dry_run_counts_per_unit_and_queues_nothing() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    plan = plan_cycle(world.store, None, every_pair_but_rnd, NOW, world.policy)
    assert plan.pairs == 3 and plan.summary()["per_unit"] == {"Sales": {"create": 2}}
    assert [(i.pair.report_id, i.action, i.reason) for i in plan.first(1)] == [
        ("r1", "create", "regular check-in, every 6 weeks")
    ]
    assert world.queues.length(SCHEDULE_PAIR) == 0 and world.calendar.calls == []


async def test_plan_queues_each_pair_with_work_in_its_managers_message() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    ticks: list[tuple[int, int]] = []
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy, progress=lambda d, t: ticks.append((d, t)))
    messages = world.drain(SCHEDULE_PAIR)
    assert sorted(p["report_id"] for m in messages for p in m["pairs"]) == ["r1", "r2", "r3"]  # type: ignore[attr-defined]
    assert len(messages) == 2  # one per manager
    assert ticks[-1] == (3, 3)


async def test_full_cycle_then_unchanged_rerun_touches_no_calendar() -> None:
    world = World()
    first = await run_cycle(world.ctx(), world.queues, everyone)
    assert (first.pairs, first.series_created, first.no_slot) == (3, 3, 0)
    assert world.queues.length(PAIR_CHANGED) == 0 and world.queues.length(SCHEDULE_PAIR) == 0
    calls = len(world.calendar.calls)
    again = await run_cycle(world.ctx(), world.queues, everyone)
    assert (again.series_created, again.cancelled, again.graph_round_trips) == (0, 0, 1)
    assert len(world.calendar.calls) == calls


async def test_week_later_check_repairs_a_decline_and_a_series_needs_no_extension() -> None:
    world = World()
    await run_cycle(world.ctx(), world.queues, everyone)
    [series] = [s for s in world.calendar.live_series("m1") if s.attendee_upns == ("bob@x.test",)]
    [_, second, *_] = await world.calendar.occurrences("m1", series.event_id, NOW, NOW + timedelta(days=120))
    world.calendar.decline(second.event_id, "bob@x.test")
    later = await run_cycle(world.ctx(now=NOW + timedelta(days=8)), world.queues, everyone)
    assert later.repaired == 1 and later.series_created == 0
    plan = plan_cycle(world.store, None, everyone, NOW + timedelta(days=90), world.policy)
    assert {i.action for i in plan.items} == {"check"}  # no end date: nothing to extend, ever
