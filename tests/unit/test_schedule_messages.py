"""schedule-pair messages: one per manager (at most 20 pairs each), handled as a group; a pair leased by a
crashed worker is sent back delayed instead of failing the delivery, so it never reaches the poison queue."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from shared.domain.people import Pair, Person
from shared.services.plan_cycle import plan_cycle
from shared.services.schedule_pair import SCHEDULE_PAIR
from shared.services.scheduling_handlers import CycleSummary, drain, handle_schedule_message
from shared.services.scheduling_messages import PAIRS_PER_MESSAGE, manager_messages, pair_bodies
from shared.services.scheduling_records import SERIES, acquire_lease
from shared.services.sync_org import sync_org
from tests.fakes.storage import InMemoryQueues
from tests.unit.scheduling_world import NOW, World
from tests.unit.test_plan_cycle import everyone

pytestmark = pytest.mark.unit

VISIBILITY_S, MAX_DEQUEUE = 30, 5  # host.json: queues.visibilityTimeout and maxDequeueCount
POISON = f"{SCHEDULE_PAIR}-poison"


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def _synced(*extra: Person) -> World:
    world = World()
    for person in extra:
        world.directory.put(person)
        world.calendar.upns[person.id] = person.upn
    await sync_org(world.directory, world.store, world.queues)
    return world


async def test_plan_sends_one_message_per_manager_with_its_pairs() -> None:
    world = await _synced()
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy)
    messages = world.drain(SCHEDULE_PAIR)
    assert sorted((m["manager_id"], sorted(p["report_id"] for p in m["pairs"])) for m in messages) == [  # type: ignore[attr-defined]
        ("m1", ["r1", "r2"]),
        ("m2", ["r3"]),
    ]
    assert {p["action"] for m in messages for p in m["pairs"]} == {"create"}  # type: ignore[attr-defined]


async def test_a_manager_with_more_than_twenty_pairs_gets_several_messages() -> None:
    reports = [Person(f"b{i:02}", f"b{i}@x.test", f"B {i}", manager_id="boss", department="Ops") for i in range(45)]
    world = await _synced(Person("boss", "boss@x.test", "Boss", department="Ops"), *reports)
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy)
    sizes = sorted(len(m["pairs"]) for m in world.drain(SCHEDULE_PAIR) if m["manager_id"] == "boss")  # type: ignore[arg-type]
    assert sizes == [5, PAIRS_PER_MESSAGE, PAIRS_PER_MESSAGE]


def test_pair_bodies_round_trip_and_the_one_pair_shape_still_works() -> None:
    bodies = [
        {"manager_id": "m", "report_id": f"r{i}", "org_unit": "U", "action": "create", "reason": "x"} for i in (1, 2)
    ]
    [message] = manager_messages(bodies)
    assert pair_bodies(message) == bodies
    assert pair_bodies(bodies[0]) == [bodies[0]]


async def test_a_group_message_is_scheduled_with_one_look_up_and_one_create_batch() -> None:
    world = await _synced()
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy)
    [m1] = [m for m in world.drain(SCHEDULE_PAIR) if m["manager_id"] == "m1"]
    outcomes = await handle_schedule_message(world.ctx(), world.queues, m1)
    assert [o.status for o in outcomes] == ["created", "created"]
    calls = world.calendar.calls
    windows = -(-world.policy.horizon_days // 62)  # one getSchedule per window of <= 62 days over the horizon
    assert (calls.count("find_series_many"), calls.count("create_series_many"), calls.count("busy_times")) == (
        1,
        1,
        windows,
    )


async def _host_delivers(world: World, clock: Clock, worker: str) -> list[str]:
    """What the Functions host does: deliver visible messages; a raised one returns after 30 s, then poison."""
    statuses: list[str] = []
    for message in world.queues.receive(SCHEDULE_PAIR, 16, VISIBILITY_S):
        try:
            outcomes = await handle_schedule_message(world.ctx(worker, now=clock.now), world.queues, message.body)
        except Exception:
            if message.dequeue_count >= MAX_DEQUEUE:
                world.queues.send(POISON, message.body)
                world.queues.complete(SCHEDULE_PAIR, message)
            continue
        statuses += [o.status for o in outcomes]
        world.queues.complete(SCHEDULE_PAIR, message)
    return statuses


async def test_a_pair_leased_by_a_crashed_worker_is_scheduled_by_another_within_minutes() -> None:
    clock = Clock()
    world = await _synced()
    world.queues = InMemoryQueues(now=clock)
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy)
    # worker w1 took m1/r1 and died holding the lease (300 s), before creating anything
    assert acquire_lease(world.store, Pair("m1", "r1", "Sales").key, "w1", NOW, timedelta(seconds=300))
    seen: list[str] = []
    for _ in range(20):  # 20 polls, 30 s apart: 10 minutes
        seen += await _host_delivers(world, clock, "w2")
        clock.now += timedelta(seconds=VISIBILITY_S)
    assert world.queues.length(POISON) == 0 and world.queues.length(SCHEDULE_PAIR) == 0
    assert seen.count("leased") == 1 and seen.count("created") == 3
    record = world.store.get(SERIES, "m1", "r1").data
    assert record["state"] == "active" and datetime.fromisoformat(record["checked_at"]) <= NOW + timedelta(minutes=6)
    assert len(world.calendar.live_series("m1")) == 2


async def test_drain_sends_a_leased_pair_back_instead_of_dropping_it() -> None:
    clock = Clock()
    world = await _synced()
    world.queues = InMemoryQueues(now=clock)
    plan_cycle(world.store, world.queues, everyone, NOW, world.policy)
    assert acquire_lease(world.store, Pair("m1", "r2", "Sales").key, "dead", NOW, timedelta(seconds=300))
    first = CycleSummary()
    await drain(world.ctx("w2"), world.queues, first)
    assert first.outcomes == {"created": 2, "leased": 1} and world.queues.length(SCHEDULE_PAIR) == 1
    clock.now += timedelta(seconds=306)
    later = CycleSummary()
    await drain(world.ctx("w2", now=clock.now), world.queues, later)
    assert later.outcomes == {"created": 1} and world.queues.length(SCHEDULE_PAIR) == 0
