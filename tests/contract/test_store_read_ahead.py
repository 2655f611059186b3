"""``Store.read_ahead`` on every Store: a block answers as plain reads would, sees its own writes, and serves what
it read when it began once, to its own task or thread only."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from shared.ports.storage import Record, Store
from tests.fixtures.stores import store_of

pytestmark = pytest.mark.contract

A, MISSING, PARTITION = ("people", "p", "a"), ("people", "p", "missing"), ("outcomes", "pair")


@pytest.fixture(params=["fake", "sweep-reads", "azurite"])
def store(request: pytest.FixtureRequest) -> Store:
    return store_of(request, request.param)


@pytest.fixture(params=["fake", "azurite"])
def plain_store(request: pytest.FixtureRequest) -> Store:
    """The stores that read again on a second find (the sweep view keeps its first read by design)."""
    return store_of(request, request.param)


def seeded(store: Store) -> None:
    store.insert(*A, {"name": "Ada"})
    for row in ("o1", "o2", "o3"):
        store.insert(*PARTITION, row, {"n": int(row[1])})
    store.insert("outcomes", "other", "o9", {"n": 9})


def in_another_thread(work: Callable[[], Any]) -> Any:
    """``work()`` run in a new thread (a fresh context: no read_ahead block), its result."""
    out: list[Any] = []
    thread = threading.Thread(target=lambda: out.append(work()))
    thread.start()
    thread.join(timeout=60)
    return out[0]


def same(records: list[Record]) -> list[tuple[str, str, str, dict[str, Any], str | None]]:
    return [(r.table, r.partition, r.row, dict(r.data), r.etag) for r in records]


def test_a_block_answers_as_plain_reads_would(store: Store) -> None:
    seeded(store)
    plain = [store.find(*A), store.find(*MISSING), store.find(*PARTITION, "o2"), store.find(*PARTITION, "o7")]
    plain_query = store.query(*PARTITION)
    with store.read_ahead([A, MISSING], [PARTITION, ("outcomes", "empty"), ("nosuchtable", "x")]):
        served = [store.find(*A), store.find(*MISSING), store.find(*PARTITION, "o2"), store.find(*PARTITION, "o7")]
        assert same(store.query(*PARTITION)) == same(plain_query)
        assert store.query("outcomes", "empty") == [] and store.query("nosuchtable", "x") == []
    assert same([r for r in served if r]) == same([r for r in plain if r])
    assert [r is None for r in served] == [False, True, False, True]
    assert [r.row for r in plain_query] == ["o1", "o2", "o3"]


def test_a_block_sees_its_own_writes(store: Store) -> None:
    seeded(store)
    with store.read_ahead([A, MISSING], [PARTITION]):
        found = store.find(*A)
        assert found is not None
        store.update(found, {"name": "Ada L."})
        store.insert(*MISSING, {"name": "new"})
        store.upsert(*PARTITION, "o4", {"n": 4})
        assert store.get(*A).data == {"name": "Ada L."}
        assert store.get(*MISSING).data == {"name": "new"}
        assert [r.row for r in store.query(*PARTITION)] == ["o1", "o2", "o3", "o4"]


def test_a_write_in_the_block_makes_the_next_read_of_it_go_to_the_store(store: Store) -> None:
    seeded(store)
    with store.read_ahead([A], [PARTITION]):
        store.delete(*A)
        store.delete(*PARTITION, "o1")
        assert store.find(*A) is None
        assert [r.row for r in store.query(*PARTITION)] == ["o2", "o3"]
        assert store.find(*PARTITION, "o1") is None


def test_what_the_block_read_is_served_once_and_to_its_own_thread_only(plain_store: Store) -> None:
    store = plain_store
    seeded(store)
    with store.read_ahead([A], [PARTITION]):
        in_another_thread(lambda: store.upsert(*A, {"name": "changed elsewhere"}))
        in_another_thread(lambda: store.upsert(*PARTITION, "o5", {"n": 5}))
        assert in_another_thread(lambda: store.get(*A).data) == {"name": "changed elsewhere"}  # not served there
        assert store.get(*A).data == {"name": "Ada"}  # read when the block began
        assert store.get(*A).data == {"name": "changed elsewhere"}  # served once: read again
        assert [r.row for r in store.query(*PARTITION)] == ["o1", "o2", "o3"]
        assert [r.row for r in store.query(*PARTITION)] == ["o1", "o2", "o3", "o5"]
    assert store.get(*A).data == {"name": "changed elsewhere"}


OPEN = {"state": ["open"]}


def seeded_states(store: Store) -> None:
    for row, state in (("s1", "open"), ("s2", "closed"), ("s3", "open"), ("s4", None)):
        store.insert(*PARTITION, row, {"state": state})


def test_a_filtered_partition_read_answers_its_own_query_as_the_service_would(store: Store) -> None:
    seeded_states(store)
    plain = same(store.query(*PARTITION, where=OPEN))
    with store.read_ahead([], [(*PARTITION, OPEN)]):
        assert same(store.query(*PARTITION, where=OPEN)) == plain
    assert [row for _, _, row, _, _ in plain] == ["s1", "s3"]


def test_a_whole_partition_read_answers_a_filtered_query_too(store: Store) -> None:
    seeded_states(store)
    plain = same(store.query(*PARTITION, where=OPEN))
    with store.read_ahead([], [PARTITION]):
        assert same(store.query(*PARTITION, where=OPEN)) == plain
        assert [r.row for r in store.query(*PARTITION)] == ["s1", "s2", "s3", "s4"]


def test_a_filtered_read_answers_only_its_where_once(plain_store: Store) -> None:
    """Rows outside the filter were never read: a find, a whole query or another filter goes to the service."""
    store = plain_store
    seeded_states(store)
    with store.read_ahead([], [(*PARTITION, OPEN)]):
        in_another_thread(lambda: store.upsert(*PARTITION, "s5", {"state": "open"}))
        closed = store.find(*PARTITION, "s2")
        assert closed is not None and closed.data == {"state": "closed"}
        assert [r.row for r in store.query(*PARTITION, where={"state": ["closed"]})] == ["s2"]
        assert [r.row for r in store.query(*PARTITION)] == ["s1", "s2", "s3", "s4", "s5"]
        assert [r.row for r in store.query(*PARTITION, where=OPEN)] == ["s1", "s3"]  # read when the block began
        assert [r.row for r in store.query(*PARTITION, where=OPEN)] == ["s1", "s3", "s5"]  # served once


def test_a_write_to_the_partition_makes_a_filtered_query_go_to_the_store(store: Store) -> None:
    seeded_states(store)
    with store.read_ahead([], [(*PARTITION, OPEN)]):
        store.upsert(*PARTITION, "s2", {"state": "open"})
        assert [r.row for r in store.query(*PARTITION, where=OPEN)] == ["s1", "s2", "s3"]
