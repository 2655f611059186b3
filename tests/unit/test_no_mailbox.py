"""A person without a mailbox: the pair is recorded as ``no-mailbox`` with the reason, gets no series, and is
not planned again until the directory changes for that person or the slow retry interval has passed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from shared.services.plan_cycle import plan_cycle
from shared.services.schedule_pair import SCHEDULE_PAIR
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_records import SERIES
from tests.unit.scheduling_world import NOW, World
from tests.unit.test_plan_cycle import everyone

pytestmark = pytest.mark.unit


def _planned_reports(world: World, days_later: int = 0) -> list[str]:
    plan = plan_cycle(world.store, None, everyone, NOW + timedelta(days=days_later), world.policy)
    return sorted(item.pair.report_id for item in plan.items)


async def test_report_without_mailbox_gets_a_clear_state_and_no_series() -> None:
    world = World()
    world.directory.no_mailbox.add("r2")
    summary = await run_cycle(world.ctx(), world.queues, everyone)
    record = world.store.get(SERIES, "m1", "r2").data
    assert record["state"] == "no-mailbox" and "Cy" in record["reason"] and "no mailbox" in record["reason"]
    assert summary.outcomes.get("no-mailbox") == 1 and summary.series_created == 2
    assert [s.attendee_upns for s in world.calendar.live_series("m1")] == [("bob@x.test",)]


async def test_manager_without_mailbox_records_each_pair_and_creates_nothing() -> None:
    world = World()
    world.calendar.no_mailbox.add("m1")
    summary = await run_cycle(world.ctx(), world.queues, everyone)
    states = {r.row: r.data["state"] for r in world.store.query(SERIES, "m1")}
    assert states == {"r1": "no-mailbox", "r2": "no-mailbox"}
    assert "Ann Manager (manager)" in world.store.get(SERIES, "m1", "r1").data["reason"]
    assert world.calendar.live_series("m1") == [] and summary.series_created == 1


async def test_unchanged_rerun_neither_plans_nor_looks_up_the_no_mailbox_pair() -> None:
    world = World()
    world.directory.no_mailbox.add("r2")
    await run_cycle(world.ctx(), world.queues, everyone)
    calendar_calls, directory_calls = len(world.calendar.calls), len(world.directory.calls)
    again = await run_cycle(world.ctx(), world.queues, everyone)
    assert again.outcomes == {} and world.queues.length(SCHEDULE_PAIR) == 0
    assert len(world.calendar.calls) == calendar_calls and world.directory.calls[directory_calls:] == ["delta"]
    assert _planned_reports(world, days_later=6) == []


async def test_directory_change_for_that_person_retries_and_then_schedules() -> None:
    world = World()
    world.directory.no_mailbox.add("r2")
    await run_cycle(world.ctx(), world.queues, everyone)
    world.directory.no_mailbox.discard("r2")
    world.directory.change("r2", display_name="Cy (mailbox now)")
    later = await run_cycle(world.ctx(now=NOW + timedelta(days=1)), world.queues, everyone)
    assert later.series_created == 1 and world.store.get(SERIES, "m1", "r2").data["state"] == "active"


async def test_an_unrelated_directory_change_does_not_retry_it() -> None:
    world = World()
    world.directory.no_mailbox.add("r2")
    await run_cycle(world.ctx(), world.queues, everyone)
    world.directory.change("r3", display_name="Eve Renamed")
    await run_cycle(world.ctx(), world.queues, everyone)
    assert world.store.get(SERIES, "m1", "r2").data.get("recheck") is None
    assert _planned_reports(world, days_later=1) == []


async def test_slow_interval_retries_without_a_directory_change() -> None:
    world = World()
    world.directory.no_mailbox.add("r2")
    await run_cycle(world.ctx(), world.queues, everyone)
    assert "r2" not in _planned_reports(world, days_later=world.policy.no_mailbox_retry_days - 1)
    assert "r2" in _planned_reports(world, days_later=world.policy.no_mailbox_retry_days)
