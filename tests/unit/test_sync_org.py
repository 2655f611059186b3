"""Org sync against the fake directory: pairs stored, changes emitted, an unchanged org costs one round trip."""

from __future__ import annotations

import pytest

from shared.services.scheduling_records import active_pairs
from shared.services.sync_org import PAIR_CHANGED, sync_org
from tests.unit.scheduling_world import World

pytestmark = pytest.mark.unit


async def test_first_sync_stores_pairs_and_emits_new_pairs() -> None:
    world = World()
    summary = await sync_org(world.directory, world.store, world.queues)
    assert {(p.manager_id, p.report_id, p.org_unit) for p in active_pairs(world.store)} == {
        ("m1", "r1", "Sales"),
        ("m1", "r2", "Sales"),
        ("m2", "r3", "R&D"),
    }
    assert sorted(e["report_id"] for e in world.drain(PAIR_CHANGED)) == ["r1", "r2", "r3"]
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
