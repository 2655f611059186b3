"""schedule_pair on fakes: create, idempotent re-run, crash recovery, concurrency, hand edits, no-slot, zones."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

import pytest

from shared.domain.people import Pair, WorkingHours
from shared.domain.series import series_id
from shared.services.schedule_pair import schedule_pair, schedule_pairs
from shared.services.scheduling_records import SERIES
from shared.services.sync_org import sync_org
from tests.fakes.calendar import FakeCalendar, SimulatedCrash
from tests.fakes.directory import FakeDirectory
from tests.unit.scheduling_world import NOW, World, people

pytestmark = pytest.mark.unit

PAIR = Pair("m1", "r1", "Sales")


async def _world() -> World:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    return world


async def test_create_then_rerun_changes_nothing() -> None:
    world = await _world()
    first = await schedule_pair(world.ctx(), PAIR)
    assert first.status == "created" and "Europe/Berlin" in first.detail
    [series] = world.calendar.live_series("m1")
    assert series.series_id == series_id("local", "m1", "r1", "v1") and series.attendee_upns == ("bob@x.test",)
    assert series.recurrence is not None and series.recurrence.interval == 6
    assert world.store.get(SERIES, "m1", "r1").data["event_id"] == series.event_id
    calls_before = list(world.calendar.calls)
    again = await schedule_pair(world.ctx(), PAIR)
    assert again.status == "unchanged"
    assert world.calendar.calls[len(calls_before) :] == ["find_series_many"]
    assert len(world.calendar.live_series("m1")) == 1


async def test_two_reports_of_one_manager_share_one_get_schedule_and_do_not_collide() -> None:
    world = await _world()
    ctx = world.ctx()
    await schedule_pair(ctx, PAIR)
    windows = world.calendar.calls.count("busy_times")  # the horizon in getSchedule windows of <= 62 days
    await schedule_pair(ctx, Pair("m1", "r2", "Sales"))
    assert windows == -(-ctx.policy.horizon_days // 62)
    assert world.calendar.calls.count("busy_times") == windows  # the second pair reuses the manager's view
    first, second = world.calendar.live_series("m1")
    assert abs(first.first_start - second.first_start) >= timedelta(minutes=45)


async def test_crash_between_create_and_record_leaves_one_series_after_rerun() -> None:
    world = await _world()
    world.calendar.crash_after_create = True
    with pytest.raises(SimulatedCrash):
        await schedule_pair(world.ctx(), PAIR)
    assert world.store.find(SERIES, "m1", "r1") is None
    world.calendar.crash_after_create = False
    rerun = await schedule_pair(world.ctx(), PAIR)
    assert rerun.status == "recovered"
    assert len(world.calendar.live_series("m1")) == 1
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "active"


async def test_two_concurrent_workers_leave_one_series() -> None:
    world = await _world()
    outcomes = await asyncio.gather(
        schedule_pair(world.ctx("w1"), PAIR), schedule_pair(world.ctx("w2"), PAIR), schedule_pair(world.ctx("w3"), PAIR)
    )
    assert len(world.calendar.live_series("m1")) == 1
    assert sorted(o.status for o in outcomes).count("created") == 1


async def test_a_held_lease_blocks_a_second_worker_until_it_expires() -> None:
    world = await _world()
    from shared.services.scheduling_records import acquire_lease

    assert acquire_lease(world.store, PAIR.key, "crashed-worker", NOW, timedelta(minutes=5)) is not None
    blocked = await schedule_pair(world.ctx("w2"), PAIR)
    assert blocked.status == "leased" and world.calendar.live_series("m1") == []
    later = await schedule_pair(world.ctx("w2", now=NOW + timedelta(minutes=6)), PAIR)
    assert later.status == "created"


async def test_hand_edited_series_is_respected_not_moved_back() -> None:
    world = await _world()
    created = await schedule_pair(world.ctx(), PAIR)
    assert created.event_id is not None
    [series] = world.calendar.live_series("m1")
    moved = series.first_start + timedelta(days=1, hours=2)
    world.calendar.hand_edit_series(created.event_id, moved)
    outcome = await schedule_pair(world.ctx(), PAIR)
    assert outcome.status == "respected-edit"
    assert world.calendar.live_series("m1")[0].first_start == moved
    assert "update_series" not in world.calendar.calls
    assert world.store.get(SERIES, "m1", "r1").data["first_start"] == moved.isoformat()


async def test_a_series_runs_without_an_end_so_a_later_run_never_rewrites_its_master() -> None:
    world = await _world()
    await schedule_pair(world.ctx(), PAIR)
    [before] = world.calendar.live_series("m1")
    assert before.recurrence is not None and before.recurrence.end_date is None
    assert before.recurrence.occurrences is None and before.recurrence.time_zone == "Europe/Berlin"
    outcome = await schedule_pair(world.ctx(now=NOW + timedelta(days=300)), PAIR)
    [after] = world.calendar.live_series("m1")
    assert outcome.status == "unchanged" and after == before
    assert "update_series" not in world.calendar.calls


async def test_zones_nine_hours_apart_report_no_slot_and_book_nothing() -> None:
    world = World()
    world.directory.change("r1", working_hours=WorkingHours(time_zone="Pacific Standard Time"))
    winter = NOW.replace(month=11, day=9)
    await sync_org(world.directory, world.store, world.queues)
    outcome = await schedule_pair(world.ctx(now=winter), PAIR)
    assert outcome.status == "no-slot" and outcome.detail == "no overlap of working hours: 9 hours apart"
    assert world.calendar.live_series("m1") == []
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "no-overlap"


async def test_fully_booked_manager_gets_no_double_booking() -> None:
    world = await _world()
    world.calendar.add_busy("ann@x.test", NOW, NOW + timedelta(days=30))
    outcome = await schedule_pair(world.ctx(), PAIR)
    assert outcome.status == "no-slot" and outcome.detail == "fully booked in window"
    assert world.calendar.live_series("m1") == []


async def test_an_unknown_mailbox_zone_is_a_pair_state_never_a_guess_at_utc() -> None:
    world = World()
    world.directory.change("r1", working_hours=WorkingHours(time_zone="Mars Standard Time"))
    await sync_org(world.directory, world.store, world.queues)
    outcome = await schedule_pair(world.ctx(), PAIR)
    assert outcome.status == "zone-unknown" and "Mars Standard Time" in outcome.detail
    assert world.calendar.live_series("m1") == []
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "zone-unknown"


async def test_a_group_of_pairs_shares_one_look_up_one_create_batch_and_one_schedule_per_manager() -> None:
    world = await _world()
    requests = [(Pair("m1", "r1", "Sales"), "a"), (Pair("m1", "r2", "Sales"), "b"), (Pair("m2", "r3", "R&D"), "c")]
    outcomes = await schedule_pairs(world.ctx(), [*requests, requests[0]])
    assert [o.status for o in outcomes] == ["created", "created", "created", "duplicate"]
    assert outcomes[3].event_id == outcomes[0].event_id
    calls = world.calendar.calls
    windows = -(-world.policy.horizon_days // 62)  # getSchedule windows of <= 62 days over the horizon
    assert (calls.count("find_series_many"), calls.count("create_series_many")) == (1, 1)
    assert calls.count("busy_times") == 2 * windows  # one per manager per window
    first, second = world.calendar.live_series("m1")
    assert abs(first.first_start - second.first_start) >= timedelta(minutes=45)
    again = await schedule_pairs(world.ctx(), requests)
    assert [o.status for o in again] == ["unchanged"] * 3 and len(world.calendar.live_series("m1")) == 2


async def test_an_unavailable_mailbox_skips_only_that_managers_pairs() -> None:
    world = await _world()
    world.calendar.out_of_scope.add("m2")
    requests = [(Pair("m1", "r1", "Sales"), "a"), (Pair("m2", "r3", "R&D"), "c")]
    created, skipped = await schedule_pairs(world.ctx(), requests)
    assert created.status == "created" and skipped.status == "skipped" and "access policy" in skipped.detail
    record = world.store.get(SERIES, "m2", "r3").data  # a pair state with its reason, retried by planning
    assert record["state"] == "mailbox-unavailable" and "access policy" in record["reason"]
    assert "event_id" not in record


async def test_a_manager_who_is_also_a_report_is_never_double_booked_within_one_group() -> None:
    everyone = [replace(p, manager_id="m1") if p.id == "m2" else p for p in people()]
    world = World()
    world.directory = FakeDirectory(everyone)
    world.calendar = FakeCalendar({p.id: p.upn for p in everyone})
    await sync_org(world.directory, world.store, world.queues)
    requests = [(Pair("m1", "m2", "R&D"), "Dee as a report"), (Pair("m2", "r3", "R&D"), "Dee as a manager")]
    outcomes = await schedule_pairs(world.ctx(), requests)
    assert [o.status for o in outcomes] == ["created", "created"]
    [as_report] = [s for s in world.calendar.live_series("m1") if "dee@x.test" in s.attendee_upns]
    [as_manager] = world.calendar.live_series("m2")
    length = timedelta(minutes=as_report.duration_minutes)
    assert as_report.first_start + length <= as_manager.first_start or as_manager.first_start + length <= (
        as_report.first_start
    ), "Dee has two growth conversations at the same time"
