"""Repair on fakes: decline and conflict move one instance, org changes cancel, hand deletions are respected."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest

from shared.domain.people import Pair
from shared.services.plan_cycle import plan_cycle
from shared.services.repair import AUDIT, handle_pair_changed, repair_occurrences
from shared.services.schedule_pair import SCHEDULE_PAIR, schedule_pair
from shared.services.scheduling_records import SERIES
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.unit

PAIR = Pair("m1", "r1", "Sales")


@dataclass(frozen=True)
class _Conversation:
    reason: str


def _due(pair: Pair, start: date, end: date) -> list[_Conversation]:
    return [_Conversation("new manager")]


async def _scheduled() -> World:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    assert (await schedule_pair(world.ctx(), PAIR)).status == "created"
    return world


async def _first_occurrence(world: World):  # type: ignore[no-untyped-def]
    [series] = world.calendar.live_series("m1")
    occurrences = await world.calendar.occurrences("m1", series.event_id, NOW, NOW + timedelta(days=120))
    return series, occurrences


async def test_declined_occurrence_is_moved_and_both_are_told() -> None:
    world = await _scheduled()
    _, occurrences = await _first_occurrence(world)
    world.calendar.decline(occurrences[1].event_id, "bob@x.test")
    outcome = await repair_occurrences(world.ctx(), PAIR)
    assert outcome.moved == [occurrences[1].event_id]
    _, after = await _first_occurrence(world)
    assert after[1].start != occurrences[1].start and after[0].start == occurrences[0].start
    [note] = world.store.query(AUDIT)
    assert note.data["to"] == "ann@x.test,bob@x.test" and "declined" in note.data["message"]


async def test_new_conflict_moves_only_that_occurrence_off_the_busy_time() -> None:
    world = await _scheduled()
    _, occurrences = await _first_occurrence(world)
    clash = occurrences[2]
    world.calendar.add_busy("ann@x.test", clash.start - timedelta(minutes=15), clash.end)
    outcome = await repair_occurrences(world.ctx(), PAIR)
    assert outcome.moved == [clash.event_id]
    _, after = await _first_occurrence(world)
    moved = after[2]
    assert not (moved.start < clash.end and clash.start - timedelta(minutes=15) < moved.end)


async def test_a_meeting_at_exactly_the_time_of_an_unanswered_occurrence_is_a_conflict() -> None:
    """The report's own copy is tentative until answered: the foreign busy meeting is the one that counts."""
    world = await _scheduled()
    _, occurrences = await _first_occurrence(world)
    clash = occurrences[1]
    world.calendar.add_busy("bob@x.test", clash.start, clash.end)
    outcome = await repair_occurrences(world.ctx(), PAIR)
    assert outcome.moved == [clash.event_id]


async def test_nothing_to_repair_moves_nothing() -> None:
    world = await _scheduled()
    outcome = await repair_occurrences(world.ctx(), PAIR)
    assert outcome.moved == [] and outcome.unresolved == [] and outcome.hand_cancelled == 0
    assert "move_occurrence" not in world.calendar.calls


async def test_occurrence_deleted_by_hand_is_counted_and_left_deleted() -> None:
    world = await _scheduled()
    _, occurrences = await _first_occurrence(world)
    world.calendar.delete_occurrence(occurrences[1].event_id)
    outcome = await repair_occurrences(world.ctx(), PAIR)
    assert outcome.hand_cancelled == 1 and outcome.moved == []
    _, after = await _first_occurrence(world)
    assert len(after) == len(occurrences) - 1


async def test_manager_change_cancels_kindly_and_schedules_the_new_pair() -> None:
    world = await _scheduled()
    [old] = world.calendar.live_series("m1")
    world.directory.change("r1", manager_id="m2")
    await sync_org(world.directory, world.store, world.queues)
    [event] = world.drain(PAIR_CHANGED)
    assert await handle_pair_changed(world.ctx(), event) == "cancelled"
    assert world.calendar.events[old.event_id].cancelled
    assert "Thank you" in world.calendar.events[old.event_id].cancel_comment
    plan = plan_cycle(world.store, world.queues, _due, NOW, world.policy)
    moved = [(i.pair.manager_id, i.action) for i in plan.items if i.pair.report_id == "r1"]
    assert moved == [("m2", "create")]
    assert (await schedule_pair(world.ctx(), Pair("m2", "r1"))).status == "created"
    assert world.calendar.live_series("m1") == [] and len(world.calendar.live_series("m2")) == 1


@pytest.mark.parametrize("change", ["leaver", "disabled"])
async def test_leaver_or_disabled_account_cancels_the_series(change: str) -> None:
    world = await _scheduled()
    if change == "leaver":
        world.directory.remove("r1")
    else:
        world.directory.change("r1", account_enabled=False)
    await sync_org(world.directory, world.store, world.queues)
    [event] = world.drain(PAIR_CHANGED)
    assert await handle_pair_changed(world.ctx(), event) == "cancelled"
    assert world.calendar.live_series("m1") == []
    assert world.store.get(SERIES, "m1", "r1").data["state"] == "cancelled"
    assert world.drain(SCHEDULE_PAIR) == []
