"""The booking ledger: a time booked for one conversation is refused to another, for everyone or nobody."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.ports.storage import AlreadyExists, Batch, StoreError, TransactionOp
from shared.services.scheduling_bookings import BOOKINGS, buckets, claim, claim_many, claim_plan, release
from tests.bench.round_trips import Counted
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit
NINE = datetime(2026, 6, 2, 9, 0, tzinfo=UTC)
END = NINE + timedelta(minutes=45)


def test_a_second_conversation_cannot_take_a_persons_booked_time() -> None:
    store = InMemoryStore()
    assert claim(store, ["ann", "bob"], NINE, END, "series-a")
    assert not claim(store, ["bob", "cy"], NINE + timedelta(minutes=30), END + timedelta(minutes=30), "series-b")
    assert store.query(BOOKINGS, "cy") == [], "a refused claim books nobody"
    assert claim(store, ["bob", "cy"], END, END + timedelta(minutes=45), "series-b")


def test_a_rerun_of_the_same_series_keeps_its_own_booking() -> None:
    store = InMemoryStore()
    assert claim(store, ["ann", "bob"], NINE, END, "series-a")
    assert claim(store, ["ann", "bob"], NINE, END, "series-a")
    assert len(store.query(BOOKINGS, "ann")) == len(buckets(NINE, END))


def test_release_frees_only_its_own_series() -> None:
    store = InMemoryStore()
    assert claim(store, ["ann"], NINE, END, "series-a")
    release(store, ["ann"], NINE, END, "series-b")
    assert not claim(store, ["ann"], NINE, END, "series-b")
    release(store, ["ann"], NINE, END, "series-a")
    assert claim(store, ["ann"], NINE, END, "series-b")


@given(
    st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)).map(lambda d: d.replace(tzinfo=UTC)),
    st.integers(min_value=15, max_value=120),
)
def test_buckets_cover_the_whole_slot_in_quarter_hours(start: datetime, minutes: int) -> None:
    keys = buckets(start, start + timedelta(minutes=minutes))
    first = datetime.strptime(keys[0], "%Y%m%dT%H%M").replace(tzinfo=UTC)
    last = datetime.strptime(keys[-1], "%Y%m%dT%H%M").replace(tzinfo=UTC)
    assert first <= start < first + timedelta(minutes=15)
    assert last < start + timedelta(minutes=minutes) <= last + timedelta(minutes=15)
    assert len(keys) == len(set(keys))


def test_a_replanned_series_keeps_the_buckets_it_already_holds_and_takes_the_new_ones() -> None:
    store = InMemoryStore()
    assert claim(store, ["ann", "bob"], NINE, END, "series-a")
    later = END + timedelta(minutes=15)
    assert claim_many(store, ["ann", "bob"], [(NINE + timedelta(minutes=30), later)], "series-a")
    assert len(store.query(BOOKINGS, "ann")) == len(buckets(NINE, later))
    assert not claim(store, ["bob"], END, later, "series-b")


def test_a_new_plan_gives_back_the_buckets_of_the_series_previous_plan() -> None:
    store = InMemoryStore()
    week = timedelta(weeks=1)
    assert claim_plan(store, ["ann", "bob"], [(NINE, END), (NINE + week, END + week)], "series-a") == []
    assert claim_plan(store, ["ann", "bob"], [(NINE, END), (NINE + 2 * week, END + 2 * week)], "series-a") == []
    assert claim(store, ["ann", "bob"], NINE + week, END + week, "series-b"), "the old week was given back"
    assert not claim(store, ["ann"], NINE + 2 * week, END + 2 * week, "series-b")
    assert not claim(store, ["bob"], NINE, END, "series-b")


def test_a_claim_that_meets_another_series_gives_back_only_what_it_inserted() -> None:
    store = InMemoryStore()
    assert claim(store, ["bob"], END, END + timedelta(minutes=45), "series-b")
    assert claim(store, ["ann"], NINE, END, "series-a")  # held before: must stay after the refused claim
    assert not claim_many(store, ["ann", "bob"], [(NINE, END + timedelta(minutes=15))], "series-a")
    assert len(store.query(BOOKINGS, "ann")) == len(buckets(NINE, END))
    assert {r.data["series_id"] for r in store.query(BOOKINGS, "bob")} == {"series-b"}


def test_a_refused_plan_names_the_buckets_another_conversation_holds() -> None:
    store = InMemoryStore()
    assert claim(store, ["bob"], NINE, NINE + timedelta(minutes=15), "series-b")
    taken = claim_plan(store, ["ann", "bob"], [(NINE, END)], "series-a")
    assert taken == [("bob", NINE.strftime("%Y%m%dT%H%M"))]
    assert store.query(BOOKINGS, "ann") == [], "nothing kept from a refused plan"


class StepByStep(InMemoryStore):
    """Claims as they were before transactions went at once: every at-once attempt is refused, writing nothing."""

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        return [AlreadyExists("step by step") for _ in batches]


class Waits(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.at_once = 0
        self.transactions = 0

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        self.at_once += 1
        return super().transact_at_once(batches)

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        self.transactions += 1
        super().transact(table, partition, ops)


def test_a_new_series_claims_both_people_and_its_plan_in_one_wait() -> None:
    store = Waits()
    week = timedelta(weeks=1)
    assert claim_plan(store, ["ann", "bob"], [(NINE, END), (NINE + week, END + week)], "series-a") == []
    assert (store.at_once, store.transactions) == (1, 3)  # the fake applies each of the 3 batches with transact
    assert len(store.query(BOOKINGS, "ann")) == len(store.query(BOOKINGS, "bob")) == 2 * len(buckets(NINE, END))
    assert store.find(BOOKINGS, "plans", "series-a") is not None


SLOTS = st.lists(st.integers(0, 12), min_size=1, max_size=4, unique=True)


@given(theirs=st.lists(st.tuples(st.sampled_from(["ann", "bob"]), st.integers(0, 12)), max_size=3),
       before=st.one_of(st.none(), SLOTS), plan=SLOTS)  # fmt: skip
def test_claiming_at_once_leaves_what_claiming_step_by_step_leaves(
    theirs: list[tuple[str, int]], before: list[int] | None, plan: list[int]
) -> None:
    """Another series' buckets, this series' earlier plan (a re-plan) or none, then a plan: the same answer and the
    same bookings table whether the claim went at once or step by step."""

    def spans(slots: list[int]) -> list[tuple[datetime, datetime]]:
        return [(NINE + timedelta(hours=n), NINE + timedelta(hours=n, minutes=45)) for n in slots]

    results, tables = [], []
    for store in (InMemoryStore(), StepByStep()):
        for person, slot in theirs:
            claim(store, [person], *spans([slot])[0], "series-b")
        if before is not None:
            claim_plan(store, ["ann", "bob"], spans(before), "series-a")
        results.append(claim_plan(store, ["ann", "bob"], spans(plan), "series-a"))
        tables.append({(r.partition, r.row): dict(r.data) for r in store.query(BOOKINGS)})
    assert results[0] == results[1]
    assert tables[0] == tables[1]


def test_the_bench_counts_a_claim_at_once_as_one_wait_on_the_bookings_table() -> None:
    counted = Counted(InMemoryStore())
    assert claim_plan(counted, ["ann", "bob"], [(NINE, END)], "series-a") == []  # type: ignore[arg-type]
    assert counted.take_counts() == {f"transact_at_once {BOOKINGS}": 1}
