"""Org sync against the fake directory: pairs stored, changes emitted, an unchanged org costs one round trip."""

from __future__ import annotations

from datetime import time
from typing import cast

import pytest

from shared.domain.directory import DirectoryDelta, PersonChange
from shared.domain.people import Person, WorkingHours
from shared.ports.storage import Store
from shared.services.languages import LANGUAGES, TEAMS, language_for, remember
from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION, SYNC, active_pairs, load_person
from shared.services.sync_org import DELTA_PARTITION, DELTA_ROW, LEAVERS_PARTITION, PAIR_CHANGED, sync_org
from tests.bench.round_trips import Counted
from tests.fakes.directory import FakeDirectory
from tests.fakes.storage import InMemoryQueues, InMemoryStore
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


async def test_a_full_sync_reads_the_people_and_languages_once_not_per_person() -> None:
    """A first sync touches everyone: one query of the people partition and one of the languages table, no point
    reads of either (thousands fewer round trips on a big tenant's first cycle)."""
    world = World()
    world.directory.languages["r1"] = "de-DE"
    counted = Counted(world.store)
    await sync_org(world.directory, cast(Store, counted), world.queues)
    calls = counted.take_counts()
    assert (calls[f"query {PEOPLE}"], calls[f"query {LANGUAGES}"]) == (1, 1)
    assert calls.get(f"find {PEOPLE}", 0) == 0 and calls.get(f"find {LANGUAGES}", 0) == 0
    assert calls[f"write_at_once {LANGUAGES}"] == 1 and calls.get(f"upsert {LANGUAGES}", 0) == 0  # one wait
    assert [r.partition for r in world.store.query(LANGUAGES)] == ["r1"]  # only r1's mailbox has a language
    assert language_for(world.store, "r1", "en") == "de"
    assert len(active_pairs(world.store)) == 3


async def test_a_full_resync_finds_leavers_and_keeps_what_was_stored() -> None:
    """After an expired token: whoever the full listing leaves out has gone (tombstone, pairs closed); a Teams
    language stays; a mailbox language that did not change is not written again."""
    world = World()
    world.directory.languages["r3"] = "ja-JP"
    await sync_org(world.directory, world.store, world.queues)
    remember(world.store, "r1", TEAMS, "de-AT")
    world.directory.remove("r2")
    world.store.delete(SYNC, DELTA_PARTITION, DELTA_ROW)  # the token expired: the next round lists everyone
    counted = Counted(world.store)
    summary = await sync_org(world.directory, cast(Store, counted), world.queues)
    calls = counted.take_counts()
    assert ("leaver", "m1", "r2") in {(e["kind"], e["manager_id"], e["report_id"]) for e in summary.events}
    assert world.store.get(PEOPLE, LEAVERS_PARTITION, "r2").data == {"upn": "cy@x.test"}
    assert load_person(world.store, "r2") is None
    assert {(p.manager_id, p.report_id) for p in active_pairs(world.store)} == {("m1", "r1"), ("m2", "r3")}
    assert calls.get(f"upsert {LANGUAGES}", 0) == 0  # r3's mailbox language is unchanged
    assert (language_for(world.store, "r1", "en"), language_for(world.store, "r3", "en")) == ("de", "ja")


async def test_a_person_listed_twice_in_a_full_sync_gets_both_changes() -> None:
    """Graph may list an object again on a later page: the second change applies over the first, not over what
    was stored before the round."""
    world = World()
    person = world.directory.people["r1"]
    first, second = PersonChange.full(person), PersonChange("r1", {"job_title": "Principal"})

    class TwiceDirectory(FakeDirectory):
        async def delta(self, delta_token: str | None) -> DirectoryDelta:
            return DirectoryDelta(people=[first, second], delta_token="1", round_trips=1, full=True)

    await sync_org(TwiceDirectory(list(world.directory.people.values())), world.store, world.queues)
    stored = load_person(world.store, "r1")
    assert stored is not None and (stored.manager_id, stored.upn, stored.job_title) == ("m1", person.upn, "Principal")


async def test_a_full_sync_stores_the_people_a_hundred_rows_per_transaction() -> None:
    """The people share one partition: a first sync of 250 people stores them in 3 transactions, not 250 writes,
    and every row is there afterwards, a person listed twice with their second change."""
    everyone = [Person("m0", "boss@x.test", "Boss")] + [
        Person(f"p{n:03}", f"p{n:03}@x.test", f"Person {n}", manager_id="m0") for n in range(249)
    ]
    twice = PersonChange("p007", {"job_title": "Principal"})

    class TwiceDirectory(FakeDirectory):
        async def delta(self, delta_token: str | None) -> DirectoryDelta:
            found = await super().delta(delta_token)
            return DirectoryDelta([*found.people, twice], found.removed_ids, "1", found.round_trips, full=True)

    store = InMemoryStore()
    counted = Counted(store)
    await sync_org(TwiceDirectory(everyone), cast(Store, counted), InMemoryQueues())
    calls = counted.take_counts()
    assert calls[f"transact {PEOPLE}"] == 3 and f"upsert {PEOPLE}" not in calls
    assert len(list(store.query(PEOPLE, PEOPLE_PARTITION))) == 250
    stored = load_person(store, "p007")
    assert stored is not None and (stored.manager_id, stored.job_title) == ("m0", "Principal")
    assert len(active_pairs(store)) == 249


async def test_a_first_sync_with_disabled_managers_reads_the_pairs_once() -> None:
    """Closing a person's pairs needs every pair they are in; that was a query of the whole pairs table per
    disabled account or leaver, so a first sync grew with the square of the tenant. Now one query per sync, and the
    pairs opened earlier in the same sync are closed too (disabled managers applied after their reports)."""
    managers = [Person(f"z{n}", f"z{n}@x.test", f"Manager {n}", account_enabled=False) for n in range(3)]
    reports = [
        Person(f"a{n:02}", f"a{n:02}@x.test", f"Report {n}", manager_id=f"z{n % 3}", department="Ops")
        for n in range(12)
    ]
    store = InMemoryStore()
    counted = Counted(store)
    summary = await sync_org(FakeDirectory([*managers, *reports]), cast(Store, counted), InMemoryQueues())
    calls = counted.take_counts()
    assert calls[f"query {PAIRS}"] == 1
    closed = sorted((e["manager_id"], e["report_id"]) for e in summary.events if e["kind"] == "disabled")
    assert closed == sorted((r.manager_id or "", r.id) for r in reports)
    assert active_pairs(store) == []


async def test_a_sync_that_closes_no_pair_reads_no_pairs() -> None:
    world = World()
    counted = Counted(world.store)
    await sync_org(world.directory, cast(Store, counted), world.queues)
    assert f"query {PAIRS}" not in counted.take_counts()
