"""A scheduling run reads each stored row it needs once: people once per run (not again to record conversations),
the series record once per pair, a lease freed and fix-ups marked done by the ETag of the row as written, a refused
claim's buckets in one read (and the buckets it had taken freed in one transaction)."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import cast

import pytest

from shared.domain.calendar import SeriesEvent, SeriesSpec
from shared.domain.people import Pair, pair_key
from shared.domain.planning import YearPlan
from shared.domain.tenure import tenure_stage
from shared.ports.storage import Record, Store, Where
from shared.services.conversation_lifecycle import OUTCOMES
from shared.services.schedule_create import _marked_done, _marked_together
from shared.services.schedule_pair import schedule_pairs
from shared.services.scheduling_bookings import BOOKINGS, _release_held, claim, claim_many
from shared.services.scheduling_records import LEASES, PEOPLE, SERIES, acquire_lease, release_lease
from shared.services.scheduling_records import PAIRS as PAIRS_TABLE
from shared.services.scheduling_records_plan import FIXUPS
from shared.services.series_fixups import NewSeries
from shared.services.sync_org import sync_org
from tests.bench.round_trips import Counted
from tests.fakes.storage import InMemoryStore
from tests.unit.scheduling_world import NOW, World

pytestmark = pytest.mark.unit
PAIRS = [Pair("m1", "r1", "Sales"), Pair("m1", "r2", "Sales"), Pair("m2", "r3", "R&D")]


async def test_a_run_reads_each_person_once_and_each_series_record_once() -> None:
    world = World()
    hired = date(2024, 9, 2)
    world.directory.change("r1", hire_date=hired)
    await sync_org(world.directory, world.store, world.queues)
    counted = Counted(world.store)
    ctx = world.ctx()
    ctx.store = cast(Store, counted)
    outcomes = await schedule_pairs(ctx, [(pair, "regular check-in") for pair in PAIRS])
    assert [o.status for o in outcomes] == ["created"] * 3
    calls = counted.take_counts()
    assert calls[f"find {PEOPLE}"] == 5  # m1, r1, r2, m2, r3: recording the conversations reads no one again
    assert calls.get(f"find {PAIRS_TABLE}", 0) == 0  # their org unit is the run's (conversation_lifecycle.PairFacts)
    assert calls[f"find {SERIES}"] == 3
    assert calls[f"find {LEASES}"] == 3  # taken after a read; freed by ETag
    assert all(world.store.get(LEASES, "pair", p.key).data["holder"] == "" for p in PAIRS)
    assert all(world.store.get(SERIES, p.manager_id, p.report_id).data[FIXUPS] == "done" for p in PAIRS)
    recorded = [r.data for r in world.store.query(OUTCOMES, pair_key("m1", "r1")) if r.row.startswith("conversation")]
    assert recorded and all(r["org_unit"] == "Sales" for r in recorded)  # the conversations say what the rows say
    stages = {
        r["tenure_stage"] == str(tenure_stage(hired, date.fromisoformat(r["conversation_date"]))) for r in recorded
    }
    assert stages == {True}


async def test_claiming_reads_leases_and_people_at_once_and_a_series_record_only_under_its_lease() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    world.store.read_ahead_calls.clear()
    outcomes = await schedule_pairs(world.ctx(), [(pair, "regular check-in") for pair in PAIRS])
    assert [o.status for o in outcomes] == ["created"] * 3
    claim_block, series_block, *later = world.store.read_ahead_calls
    leases = [(LEASES, "pair", p.key) for p in PAIRS]
    assert claim_block == ([*leases, *((PEOPLE, "people", who) for who in ("m1", "m2", "r1", "r2", "r3"))], [])
    assert series_block == ([(SERIES, p.manager_id, p.report_id) for p in PAIRS], [])  # once the leases are held
    assert not [key for keys, _ in [claim_block, *later] for key in keys if key[0] == SERIES]


async def test_a_pair_whose_lease_another_worker_holds_has_its_series_record_left_unread() -> None:
    world = World()
    await sync_org(world.directory, world.store, world.queues)
    held = acquire_lease(world.store, PAIRS[0].key, "another-worker", NOW, timedelta(minutes=5))
    assert held is not None
    world.store.read_ahead_calls.clear()
    outcomes = await schedule_pairs(world.ctx(), [(pair, "regular check-in") for pair in PAIRS])
    assert [o.status for o in outcomes] == ["leased", "created", "created"]
    _, series_block, *_ = world.store.read_ahead_calls
    assert series_block == ([(SERIES, p.manager_id, p.report_id) for p in PAIRS[1:]], [])


def test_a_lease_taken_over_meanwhile_is_left_to_its_new_holder() -> None:
    store, ttl = World().store, timedelta(seconds=30)
    lease = acquire_lease(store, "m1|r1", "w1", NOW, ttl)
    assert lease is not None and lease.written is not None
    assert acquire_lease(store, "m1|r1", "w2", NOW + 2 * ttl, ttl) is not None  # w1's lease expired
    release_lease(store, lease)
    assert store.get(LEASES, "pair", "m1|r1").data["holder"] == "w2"


def test_a_lease_freed_by_etag_reads_nothing() -> None:
    world = World()
    counted = Counted(world.store)
    lease = acquire_lease(cast(Store, counted), "m1|r1", "w1", NOW, timedelta(seconds=30))
    assert lease is not None
    counted.take_counts()
    release_lease(cast(Store, counted), lease)
    assert counted.take_counts() == {f"update {LEASES}": 1}
    assert world.store.get(LEASES, "pair", "m1|r1").data == {"holder": "", "expires": ""}


def test_fixups_are_marked_done_only_on_the_record_as_written() -> None:
    store = World().store
    written = store.upsert(SERIES, "m1", "r1", {"state": "active", FIXUPS: "pending"})
    changed = store.upsert(SERIES, "m1", "r1", {"state": "active", FIXUPS: "pending", "why": "edited"})
    assert not _marked_done(store, written, {})
    assert store.get(SERIES, "m1", "r1").data == changed.data
    assert _marked_done(store, changed, {"extras": "[]"})
    assert store.get(SERIES, "m1", "r1").data == {**changed.data, FIXUPS: "done", "extras": "[]"}


def test_a_refused_claim_reads_the_persons_buckets_once_and_frees_its_own_in_one_transaction() -> None:
    world, nine = World(), NOW + timedelta(days=1, hours=3)  # ann's buckets go in first, then bob's are refused
    assert claim(world.store, ["bob"], nine + timedelta(minutes=30), nine + timedelta(minutes=45), "series-b")
    counted = Counted(world.store)
    spans = [(nine, nine + timedelta(minutes=45)), (nine + timedelta(days=42), nine + timedelta(days=42, minutes=45))]
    assert not claim_many(cast(Store, counted), ["ann", "bob"], spans, "series-a")
    calls: Counter[str] = Counter(counted.take_counts())
    assert calls[f"query {BOOKINGS}"] == 2 and calls[f"find {BOOKINGS}"] == 0  # bob's buckets, then ann's to free
    assert calls[f"transact {BOOKINGS}"] == 3 and calls[f"delete {BOOKINGS}"] == 0  # ann's in, bob's refused, ann's out
    assert world.store.query(BOOKINGS, "ann") == []
    assert [r.data["series_id"] for r in world.store.query(BOOKINGS, "bob")] == ["series-b"]


class _LosesARowAfterReading(InMemoryStore):
    """A store where another worker deletes one bucket right after the partition is read."""

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        found = super().query(table, partition, where)
        if found:
            self.delete(table, found[0].partition, found[0].row)
        return found


def test_buckets_freed_one_at_a_time_when_one_went_meanwhile() -> None:
    store, nine = _LosesARowAfterReading(), NOW + timedelta(days=1, hours=3)
    assert claim(store, ["ann"], nine, nine + timedelta(minutes=45), "series-a")
    assert claim(store, ["ann"], nine + timedelta(hours=1), nine + timedelta(hours=2), "series-b")
    rows = [r.row for r in InMemoryStore.query(store, BOOKINGS, "ann")]
    _release_held(store, "ann", rows, "series-a")
    assert {r.data["series_id"] for r in InMemoryStore.query(store, BOOKINGS, "ann")} == {"series-b"}


def _new(store: Store, report_id: str, fixups: str = "pending") -> NewSeries:
    record = store.upsert(SERIES, "m1", report_id, {"state": "active", FIXUPS: fixups})
    return NewSeries(cast(SeriesEvent, None), cast(YearPlan, None), cast(SeriesSpec, None), report_id, record)


def test_a_managers_pending_fixups_are_marked_done_in_one_transaction() -> None:
    world = World()
    items = [(_new(world.store, "r1"), {}), (_new(world.store, "r2"), {"extras": "[]"})]
    counted = Counted(world.store)
    assert _marked_together(cast(Store, counted), "m1", items) == []
    assert counted.take_counts() == {f"transact {SERIES}": 1}
    assert [world.store.get(SERIES, "m1", r).data[FIXUPS] for r in ("r1", "r2")] == ["done", "done"]
    assert world.store.get(SERIES, "m1", "r2").data["extras"] == "[]"


def test_a_record_changed_since_leaves_the_managers_records_to_mark_one_by_one() -> None:
    world = World()
    items = [(_new(world.store, "r1"), {}), (_new(world.store, "r2"), {})]
    world.store.upsert(SERIES, "m1", "r2", {"state": "active", FIXUPS: "pending", "why": "edited"})
    assert _marked_together(world.store, "m1", items) == items
    assert [world.store.get(SERIES, "m1", r).data[FIXUPS] for r in ("r1", "r2")] == ["pending", "pending"]
