"""The graph-notifications handler on fakes: which pair an event is, the repair it runs, and lifecycle routing."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from shared.domain.calendar import Occurrence, SeriesEvent, SeriesSpec
from shared.domain.notification_items import ChangeNotice
from shared.domain.notifications import NOTIFICATIONS_QUEUE
from shared.domain.people import Pair
from shared.services.notification_handling import NotificationDeps, handle_notification
from shared.services.notification_messages import change_message
from shared.services.repair import repair_occurrences
from shared.services.schedule_pair import SCHEDULE_PAIR, schedule_pair
from shared.services.scheduling_records import SERIES, acquire_lease
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.fakes.storage import InMemoryQueues
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.unit

PAIR = Pair("m1", "r1", "Sales")
HORIZON = (NOW, NOW + timedelta(days=120))


class Upkeep:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []

    async def renew(self, subscription_id: str) -> str:
        self.calls.append(("renew", subscription_id))
        return "renewed"

    async def recreate(self, user_id: str) -> str:
        self.calls.append(("recreate", user_id))
        return "recreated"


async def scheduled() -> tuple[World, NotificationDeps, Upkeep]:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    assert (await schedule_pair(world.ctx(), PAIR)).status == "created"
    upkeep = Upkeep()
    return world, NotificationDeps(world.ctx(), world.queues, upkeep), upkeep


async def occurrences(world: World) -> tuple[SeriesEvent, list[Occurrence]]:
    """The pair's series (as recorded) and its occurrences in the horizon."""
    event_id = world.store.get(SERIES, "m1", "r1").data["event_id"]
    [series] = [s for s in world.calendar.live_series("m1") if s.event_id == event_id]
    return series, await world.calendar.occurrences("m1", series.event_id, *HORIZON)


def change(user_id: str, event_id: str, change_type: str = "updated") -> dict[str, object]:
    return change_message(ChangeNotice("sub-1", user_id, event_id, change_type, None))


def queued_pairs(message: dict[str, object]) -> list[dict[str, str]]:
    pairs = message["pairs"]
    assert isinstance(pairs, list)
    return pairs


def moves(world: World) -> int:
    return world.calendar.calls.count("move_occurrence")


async def test_a_declined_occurrence_named_in_the_organisers_mailbox_is_moved() -> None:
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    world.calendar.decline(found[1].event_id, "bob@x.test")
    assert await handle_notification(deps, change("m1", found[1].event_id)) == "repaired: moved 1"
    _, after = await occurrences(world)
    assert after[1].start != found[1].start and after[0].start == found[0].start


async def test_the_organisers_series_master_maps_without_reading_the_event_twice() -> None:
    world, deps, _ = await scheduled()
    series, _ = await occurrences(world)
    world.calendar.calls.clear()
    assert await handle_notification(deps, change("m1", series.event_id)) == "repaired: moved 0"
    assert world.calendar.calls.count("get_event") == 1


async def test_the_reports_copy_maps_by_the_iCalUId_of_its_series() -> None:
    world, deps, _ = await scheduled()
    series, found = await occurrences(world)
    world.calendar.calls.clear()
    assert await handle_notification(deps, change("r1", world.calendar.copy_id(series.event_id))) == "repaired: moved 0"
    assert world.calendar.calls.count("get_event") == 1
    world.calendar.calls.clear()
    assert await handle_notification(deps, change("r1", world.calendar.copy_id(found[1].event_id))) == (
        "repaired: moved 0"
    )
    assert world.calendar.calls.count("get_event") == 2  # an occurrence has its own iCalUId: its master is read
    assert moves(world) == 0


async def test_a_message_of_another_shape_is_dropped() -> None:
    _, deps, _ = await scheduled()
    assert await handle_notification(deps, {"kind": "lifecycle", "lifecycle_event": "renewed"}) == "malformed"
    assert await handle_notification(deps, {"kind": "change", "user_id": "m1"}) == "malformed"


async def test_a_silent_decline_in_the_reports_copy_moves_that_occurrence() -> None:
    """The organiser's view shows no answer; only the report's own copy says declined."""
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    world.calendar.decline_silently(found[2].event_id, "bob@x.test")
    assert (await repair_occurrences(world.ctx(), PAIR)).moved == []  # the poll cannot see it
    copy = world.calendar.copy_id(found[2].event_id)
    assert await handle_notification(deps, change("r1", copy)) == "repaired: moved 1"
    _, after = await occurrences(world)
    assert after[2].start != found[2].start


async def test_a_silent_decline_named_by_the_copys_series_master_is_found_by_comparing_instances() -> None:
    """Graph names the series master of the mailbox whose copy changed, not the occurrence."""
    world, deps, _ = await scheduled()
    series, found = await occurrences(world)
    world.calendar.decline_silently(found[1].event_id, "bob@x.test")
    assert await handle_notification(deps, change("r1", world.calendar.copy_id(series.event_id))) == "repaired: moved 1"
    assert await handle_notification(deps, change("r1", world.calendar.copy_id(series.event_id))) == "repaired: moved 0"
    _, after = await occurrences(world)
    assert [a.start != f.start for a, f in zip(after, found, strict=True)] == [False, True, False]


async def test_duplicate_and_out_of_order_notices_move_each_occurrence_exactly_once() -> None:
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    world.calendar.decline_silently(found[1].event_id, "bob@x.test")
    world.calendar.decline_silently(found[2].event_id, "bob@x.test")
    first, later = (change("r1", world.calendar.copy_id(found[i].event_id)) for i in (1, 2))
    for body in (later, first, later, first, change("m1", found[1].event_id)):
        await handle_notification(deps, body)
    assert moves(world) == 2
    _, after = await occurrences(world)
    assert [a.start != f.start for a, f in zip(after, found, strict=True)] == [False, True, True]


async def test_a_stale_decline_for_the_old_time_does_not_move_the_occurrence_again() -> None:
    """The hint holds the copy's times; once moved, the occurrence no longer matches it."""
    world, _, _ = await scheduled()
    _, found = await occurrences(world)
    stale = frozenset({(found[1].start, found[1].end)})
    assert len((await repair_occurrences(world.ctx(), PAIR, stale)).moved) == 1
    assert (await repair_occurrences(world.ctx(), PAIR, stale)).moved == []
    assert moves(world) == 1


async def test_a_foreign_event_is_dropped_without_a_repair() -> None:
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    spec = SeriesSpec("other", "m1", "dee@x.test", "Dee", "Budget", "", found[0].start + timedelta(days=2), 30, None)
    other = await world.calendar.create_series(spec)
    world.calendar.calls.clear()
    assert await handle_notification(deps, change("m1", other.event_id)) == "not ours"
    assert "occurrences" not in world.calendar.calls


async def test_a_foreign_meeting_moved_onto_a_conversation_repairs_that_pair() -> None:
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    spec = SeriesSpec("other", "m1", "dee@x.test", "Dee", "Budget", "", found[2].start, 30, None)
    other = await world.calendar.create_series(spec)
    assert await handle_notification(deps, change("m1", other.event_id)) == "repaired: moved 1"
    _, after = await occurrences(world)
    assert after[2].start != found[2].start


async def test_a_mailbox_without_a_live_series_costs_no_graph_call() -> None:
    world, deps, _ = await scheduled()
    world.calendar.calls.clear()
    assert await handle_notification(deps, change("m2", "evt-99")) == "not ours"
    assert world.calendar.calls == []


async def test_a_deleted_series_master_goes_to_the_removed_by_organiser_path() -> None:
    world, deps, _ = await scheduled()
    series, _ = await occurrences(world)
    await world.calendar.cancel("m1", series.event_id, "")
    outcome = await handle_notification(deps, change("m1", series.event_id, "deleted"))
    assert outcome == "series deleted: queued for a check"
    [message] = world.drain(SCHEDULE_PAIR)
    assert message["manager_id"] == "m1" and [p["report_id"] for p in queued_pairs(message)] == ["r1"]
    assert await handle_notification(deps, change("r1", "copy-whatever", "deleted")) == (
        "deleted: not a series master of ours"
    )


async def test_a_leased_pair_sends_the_notice_back_hidden_until_the_lease_ends() -> None:
    world, deps, _ = await scheduled()
    clock = [NOW]
    deps = replace(deps, queues=InMemoryQueues(now=lambda: clock[0]))
    _, found = await occurrences(world)
    world.calendar.decline(found[1].event_id, "bob@x.test")
    assert acquire_lease(world.store, PAIR.key, "poll", NOW, timedelta(seconds=300)) is not None
    assert await handle_notification(deps, change("m1", found[1].event_id)) == "leased: sent back"
    assert moves(world) == 0 and deps.queues.receive(NOTIFICATIONS_QUEUE) == []
    clock[0] = NOW + timedelta(seconds=310)
    [message] = deps.queues.receive(NOTIFICATIONS_QUEUE)
    assert message.body == change("m1", found[1].event_id) | {"attempt": 1}
    later = replace(deps, ctx=world.ctx(now=clock[0]))
    assert await handle_notification(later, message.body) == "repaired: moved 1"


async def test_a_notice_leased_too_often_is_left_to_the_poll() -> None:
    world, deps, _ = await scheduled()
    series, _ = await occurrences(world)
    acquire_lease(world.store, PAIR.key, "poll", NOW, timedelta(seconds=300))
    body = change("m1", series.event_id) | {"attempt": 5}
    assert await handle_notification(deps, body) == "leased: left to the poll"
    assert world.queues.length(NOTIFICATIONS_QUEUE) == 0


async def test_lifecycle_events_renew_recreate_or_resync_the_mailbox() -> None:
    world, deps, upkeep = await scheduled()
    await schedule_pair(world.ctx(), Pair("m1", "r2", "Sales"))
    base = {"kind": "lifecycle", "subscription_id": "sub-7", "user_id": "m1"}
    assert await handle_notification(deps, base | {"lifecycle_event": "reauthorizationRequired"}) == "renew: renewed"
    assert await handle_notification(deps, base | {"lifecycle_event": "subscriptionRemoved"}) == "recreate: recreated"
    assert upkeep.calls == [("renew", "sub-7"), ("recreate", "m1")]
    assert (
        await handle_notification(deps, base | {"lifecycle_event": "missed"}) == "missed: 2 pair(s) queued for a check"
    )
    [message] = world.drain(SCHEDULE_PAIR)
    assert {p["report_id"] for p in queued_pairs(message)} == {"r1", "r2"}
    assert {p["action"] for p in queued_pairs(message)} == {"check"}
    report = base | {"user_id": "r1", "lifecycle_event": "missed"}
    assert await handle_notification(deps, report) == "missed: 1 pair(s) queued for a check"


async def test_a_pair_no_longer_active_is_not_repaired() -> None:
    world, deps, _ = await scheduled()
    _, found = await occurrences(world)
    record = world.store.get(SERIES, "m1", "r1")
    world.store.upsert(SERIES, "m1", "r1", {**record.data, "state": "cancelled"})
    world.calendar.decline(found[1].event_id, "bob@x.test")
    assert await handle_notification(deps, change("m1", found[1].event_id)) == "not ours"
    assert moves(world) == 0
