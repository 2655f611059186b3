"""Org sync against the fake directory: pairs stored, changes emitted, an unchanged org costs one round trip."""

from __future__ import annotations

from datetime import time

import pytest

from shared.domain.people import WorkingHours
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, active_pairs, load_person
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.unit.scheduling_world import World

pytestmark = pytest.mark.unit


async def test_first_sync_stores_pairs_and_counts_new_pairs_without_queueing_them() -> None:
    """Planning schedules a new pair; a ``pair-changed`` message for it would cost a send and a complete for nothing."""
    world = World()
    summary = await sync_org(world.directory, world.store, world.queues)
    assert {(p.manager_id, p.report_id, p.org_unit) for p in active_pairs(world.store)} == {
        ("m1", "r1", "Sales"),
        ("m1", "r2", "Sales"),
        ("m2", "r3", "R&D"),
    }
    assert sorted((e["kind"], e["report_id"]) for e in summary.events) == [
        ("new-pair", "r1"), ("new-pair", "r2"), ("new-pair", "r3")
    ]  # fmt: skip
    assert world.drain(PAIR_CHANGED) == []
    assert summary.round_trips == 1


async def test_unchanged_org_costs_one_delta_round_trip_and_no_events() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    world.directory.calls.clear()
    summary = await sync_org(world.directory, world.store, world.queues)
    assert world.directory.calls == ["delta"] and summary.events == [] and summary.people_changed == 0


async def test_manager_change_leaver_and_disabled_account_are_emitted() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    world.directory.change("r1", manager_id="m2")
    world.directory.remove("r2")
    world.directory.change("r3", account_enabled=False)
    await sync_org(world.directory, world.store, world.queues)
    events = {(e["kind"], e["manager_id"], e["report_id"]) for e in world.drain(PAIR_CHANGED)}
    assert events == {("manager-change", "m2", "r1"), ("leaver", "m1", "r2"), ("disabled", "m2", "r3")}
    assert {(p.manager_id, p.report_id) for p in active_pairs(world.store)} == {("m2", "r1")}


async def test_a_job_title_change_without_a_manager_link_keeps_the_pair() -> None:
    """Graph's later rounds carry only what changed: no ``manager@delta`` means the manager is unchanged."""
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.drain(PAIR_CHANGED)
    world.directory.change("r1", job_title="Principal")
    summary = await sync_org(world.directory, world.store, world.queues)
    assert summary.events == [] and world.drain(PAIR_CHANGED) == []
    stored = load_person(world.store, "r1")
    assert stored is not None and (stored.manager_id, stored.job_title) == ("m1", "Principal")
    assert ("m1", "r1") in {(p.manager_id, p.report_id) for p in active_pairs(world.store)}


async def test_sync_stores_each_persons_mailbox_zone_and_hours() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    for person_id, person in world.directory.people.items():
        stored = load_person(world.store, person_id)
        assert stored is not None and stored.working_hours == person.working_hours


async def test_an_unreadable_mailbox_keeps_the_stored_hours_and_no_mailbox_is_recorded() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    before = load_person(world.store, "r1")
    world.directory.unreadable.add("r1")
    world.directory.no_mailbox.add("r2")
    tokyo = WorkingHours("Asia/Tokyo", time(9), time(18))
    world.directory.change("r1", job_title="Lead", working_hours=tokyo)
    world.directory.change("r2", job_title="Lead")
    await sync_org(world.directory, world.store, world.queues)
    after = load_person(world.store, "r1")
    assert before is not None and after is not None and after.working_hours == before.working_hours
    row = world.store.find(PEOPLE, PEOPLE_PARTITION, "r2")
    assert row is not None and str(row.data["mailbox"]).startswith("no mailbox")
