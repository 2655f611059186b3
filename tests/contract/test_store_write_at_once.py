"""``Store.write_at_once`` on every Store: each write lands or fails on its own, as it would alone; its place in the
answer holds its record or its error; what it cannot take is refused before anything is written."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.ports.storage import AlreadyExists, NotFound, Record, StaleWrite, Store, StoreError, TransactionOp, Write
from tests.fakes.storage import InMemoryStore
from tests.fixtures.stores import store_of

pytestmark = pytest.mark.contract

_examples = itertools.count()


@pytest.fixture(params=["fake", "sweep-reads", "azurite"])
def store(request: pytest.FixtureRequest) -> Store:
    return store_of(request, request.param)


def write(kind: str, row: str, data: dict[str, Any], etag: str | None = None, table: str = "cards") -> Write:
    return Write(table, "p", TransactionOp(kind, row, data, etag))


def stored(store: Store, row: str, table: str = "cards") -> dict[str, Any] | None:
    found = store.find(table, "p", row)
    return dict(found.data) if found is not None else None


def test_each_write_lands_or_fails_on_its_own(store: Store) -> None:
    old = store.insert("cards", "p", "old", {"n": 1})
    taken = store.insert("cards", "p", "taken", {"n": 2})
    moved = store.insert("cards", "p", "moved", {"n": 3})
    store.update(moved, {"n": 4})  # its ETag is stale now
    results = store.write_at_once(
        [
            write("insert", "new", {"n": 10}),
            write("insert", "taken", {"n": 11}),
            write("update", "old", {"n": 12}, old.etag),
            write("update", "moved", {"n": 13}, moved.etag),
            write("update", "gone", {"n": 14}, old.etag),
            write("upsert", "up", {"n": 15}, table="agendas"),
        ]
    )
    kinds = [type(result) for result in results]
    assert kinds == [Record, AlreadyExists, Record, StaleWrite, NotFound, Record]
    landed = [r for r in results if isinstance(r, Record)]
    assert [(r.table, r.row, dict(r.data)) for r in landed] == [
        ("cards", "new", {"n": 10}), ("cards", "old", {"n": 12}), ("agendas", "up", {"n": 15})
    ]  # fmt: skip
    assert [stored(store, row) for row in ("new", "taken", "old", "moved", "gone")] == [
        {"n": 10}, {"n": 2}, {"n": 12}, {"n": 4}, None
    ]  # fmt: skip
    assert stored(store, "up", "agendas") == {"n": 15}
    assert all(r.etag for r in landed) and landed[1].etag != old.etag
    assert store.update(landed[1], {"n": 16}).data == {"n": 16}  # the ETag it gave is the row's
    assert taken.etag == store.get("cards", "p", "taken").etag


@pytest.mark.parametrize(
    "writes",
    [
        [write("insert", "a", {"n": 1}), write("upsert", "a", {"n": 2})],
        [write("insert", "a", {"n": 1}), write("delete", "b", {})],
        [write("insert", "a", {"n": 1}), write("update", "b", {"n": 2})],
        [write("insert", "a", {"n": 1}), write("insert", "b", {"PartitionKey": "x"})],
    ],
    ids=["one row twice", "a delete", "an update without an ETag", "a reserved name"],
)
def test_what_it_cannot_take_is_refused_before_anything_is_written(store: Store, writes: list[Write]) -> None:
    with pytest.raises(ValueError):
        store.write_at_once(writes)
    assert stored(store, "a") is None and stored(store, "b") is None


def test_a_read_ahead_block_sees_what_it_wrote(store: Store) -> None:
    first = store.insert("cards", "p", "a", {"n": 1})
    with store.read_ahead([("cards", "p", "a"), ("cards", "p", "b")]):
        store.write_at_once([write("update", "a", {"n": 2}, first.etag), write("insert", "b", {"n": 3})])
        assert stored(store, "a") == {"n": 2} and stored(store, "b") == {"n": 3}


ROWS = ("r0", "r1", "r2", "r3")
KINDS = ("insert", "upsert", "update-current", "update-stale")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seeded=st.sets(st.sampled_from(ROWS)),
    planned=st.dictionaries(st.sampled_from(ROWS), st.tuples(st.sampled_from(KINDS), st.integers(0, 99)), min_size=1),
)
def test_at_once_is_each_write_alone(store: Store, seeded: set[str], planned: dict[str, tuple[str, int]]) -> None:
    """Whatever mix of writes and rows: the same records, errors and stored rows as the writes made one by one on a
    fresh fake (the rows differ, so their order cannot matter)."""
    partition = f"p{next(_examples)}"
    alone = InMemoryStore()
    writes: dict[str, list[Write]] = {"at once": [], "alone": []}
    for name, target in (("at once", store), ("alone", alone)):
        seeds = {row: target.insert("cards", partition, row, {"seed": row}) for row in sorted(seeded)}
        for row, (kind, n) in planned.items():
            etag = seeds[row].etag if row in seeds else "W/\"datetime'2020-01-01T00%3A00%3A00Z'\""
            op = TransactionOp(kind.split("-")[0], row, {"n": n}, None if kind in KINDS[:2] else etag)
            if kind == "update-stale" and row in seeds:
                target.update(seeds[row], {"moved": True})
            writes[name].append(Write("cards", partition, op))
    results = store.write_at_once(writes["at once"])
    expected = [_alone(alone, w) for w in writes["alone"]]
    assert [_shape(r) for r in results] == [_shape(r) for r in expected]
    assert {r.row: dict(r.data) for r in store.query("cards", partition)} == {
        r.row: dict(r.data) for r in alone.query("cards", partition)
    }


def _alone(store: Store, w: Write) -> Record | StoreError:
    try:
        if w.op.kind == "insert":
            return store.insert(w.table, w.partition, w.op.row, w.op.data)
        if w.op.kind == "upsert":
            return store.upsert(w.table, w.partition, w.op.row, w.op.data)
        return store.update(Record(w.table, w.partition, w.op.row, {}, w.op.etag), w.op.data)
    except StoreError as error:
        return error


def _shape(result: Record | StoreError) -> tuple[str, Any]:
    if isinstance(result, Record):
        return "record", (result.row, dict(result.data), bool(result.etag))
    return type(result).__name__, None


def test_a_read_ahead_block_sends_writes_with_its_reads_and_gives_their_results(store: Store) -> None:
    store.insert("people", "p", "ada", {"name": "Ada"})
    store.insert("cards", "p", "taken", {"n": 1})
    claims = [write("insert", "new", {"n": 2}), write("insert", "taken", {"n": 3})]
    with store.read_ahead([("people", "p", "ada"), ("people", "p", "nobody")], [("outcomes", "p")], claims) as done:
        assert [type(result) for result in done] == [Record, AlreadyExists]
        assert stored(store, "ada", "people") == {"name": "Ada"} and stored(store, "nobody", "people") is None
        assert store.query("outcomes", "p") == []
    assert stored(store, "new") == {"n": 2} and stored(store, "taken") == {"n": 1}
    with store.read_ahead([("people", "p", "ada")]) as nothing_written:
        assert nothing_written == []


@pytest.mark.parametrize(
    "reads",
    [([("cards", "p", "a")], []), ([], [("cards", "p")])],
    ids=["a row it reads", "a partition it reads"],
)
def test_a_block_refuses_a_write_to_what_it_reads(store: Store, reads: tuple[list[Any], list[Any]]) -> None:
    with pytest.raises(ValueError), store.read_ahead(*reads, [write("insert", "a", {"n": 1})]):
        pass
    assert stored(store, "a") is None


def test_transactions_at_once_each_apply_or_roll_back_on_their_own(store: Store) -> None:
    stale = store.insert("bookings", "b", "x", {"n": 1})
    store.update(stale, {"n": 2})
    verdicts = store.transact_at_once(
        [
            (
                "bookings",
                "a",
                [TransactionOp("insert", "r1", {"s": "one"}), TransactionOp("insert", "r2", {"s": "one"})],
            ),
            (
                "bookings",
                "b",
                [TransactionOp("insert", "y", {"n": 3}), TransactionOp("update", "x", {"n": 9}, stale.etag)],
            ),
            ("bookings", "c", []),
        ]
    )
    assert [type(v) for v in verdicts] == [type(None), StaleWrite, type(None)]
    assert {r.row for r in store.query("bookings", "a")} == {"r1", "r2"}
    assert {r.row: dict(r.data) for r in store.query("bookings", "b")} == {"x": {"n": 2}}  # all of b rolled back
    with pytest.raises(ValueError):
        store.transact_at_once([("bookings", "d", [TransactionOp("insert", "r", {})]), ("bookings", "d", [])])
    assert store.query("bookings", "d") == []
