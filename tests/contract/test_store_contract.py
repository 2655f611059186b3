"""One Store suite, run against the in-memory fake and TableStore on Azurite."""

from __future__ import annotations

import pytest

from shared.ports.storage import AlreadyExists, NotFound, Record, StaleWrite, Store, TransactionOp
from tests.fixtures.stores import store_of

pytestmark = pytest.mark.contract


@pytest.fixture(params=["fake", "sweep-reads", "azurite"])
def store(request: pytest.FixtureRequest) -> Store:
    return store_of(request, request.param)


def test_implements_the_port(store: Store) -> None:
    assert isinstance(store, Store)


def test_insert_then_get_round_trips_json_values(store: Store) -> None:
    data = {
        "name": "Ada",
        "age": 36,
        "ratio": 0.5,
        "active": True,
        "big": 2**40,
        "none": None,
        "tags": ["a", "b"],
        "nested": {"k": [1, {"x": "y"}]},
        "when": "2025-03-30T01:00:00+00:00",
    }
    inserted = store.insert("people", "p1", "r1", data)
    got = store.get("people", "p1", "r1")
    assert got.data == data
    assert inserted.data == data
    assert got.etag and got.etag == inserted.etag
    assert (got.table, got.partition, got.row) == ("people", "p1", "r1")


def test_non_json_values_and_reserved_names_are_refused(store: Store) -> None:
    from datetime import UTC, datetime

    with pytest.raises(TypeError):
        store.insert("people", "p", "r", {"when": datetime(2025, 1, 1, tzinfo=UTC)})
    with pytest.raises(ValueError, match="reserved"):
        store.insert("people", "p", "r", {"RowKey": "x"})
    assert store.find("people", "p", "r") is None


def test_invalid_table_name_is_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="table name"):
        store.insert("not-valid", "p", "r", {})


def test_find_and_get_of_missing_entity(store: Store) -> None:
    assert store.find("people", "nobody", "none") is None
    with pytest.raises(NotFound):
        store.get("people", "nobody", "none")
    store.insert("people", "p", "r", {"x": 1})
    assert store.find("people", "p", "other") is None


def test_insert_on_existing_key_conflicts(store: Store) -> None:
    store.insert("pairs", "p", "r", {"v": 1})
    with pytest.raises(AlreadyExists):
        store.insert("pairs", "p", "r", {"v": 2})
    assert store.get("pairs", "p", "r").data == {"v": 1}


def test_upsert_creates_then_replaces_whole_entity(store: Store) -> None:
    first = store.upsert("pairs", "p", "r", {"a": 1, "b": 2})
    second = store.upsert("pairs", "p", "r", {"a": 3})
    assert store.get("pairs", "p", "r").data == {"a": 3}
    assert first.etag != second.etag


def test_update_with_current_etag_replaces_and_changes_etag(store: Store) -> None:
    record = store.insert("series", "p", "r", {"n": 1, "gone": "soon"})
    updated = store.update(record, {"n": 2})
    assert updated.etag != record.etag
    assert store.get("series", "p", "r").data == {"n": 2}
    assert store.get("series", "p", "r").etag == updated.etag


def test_stale_etag_two_readers_one_writer_wins(store: Store) -> None:
    store.insert("series", "p", "r", {"n": 0})
    reader_a = store.get("series", "p", "r")
    reader_b = store.get("series", "p", "r")
    store.update(reader_a, {"n": 1, "by": "a"})
    with pytest.raises(StaleWrite):
        store.update(reader_b, {"n": 1, "by": "b"})
    assert store.get("series", "p", "r").data == {"n": 1, "by": "a"}
    fresh = store.get("series", "p", "r")
    store.update(fresh, {"n": 2, "by": "b"})
    assert store.get("series", "p", "r").data == {"n": 2, "by": "b"}


def test_update_of_deleted_entity_fails(store: Store) -> None:
    record = store.insert("series", "p", "r", {"n": 0})
    store.delete("series", "p", "r")
    with pytest.raises((NotFound, StaleWrite)):
        store.update(record, {"n": 1})


def test_update_needs_an_etag(store: Store) -> None:
    with pytest.raises(ValueError, match="ETag"):
        store.update(Record("series", "p", "r", {}), {"n": 1})


def test_delete_is_idempotent(store: Store) -> None:
    store.insert("cards", "p", "r", {"x": 1})
    store.delete("cards", "p", "r")
    store.delete("cards", "p", "r")
    store.delete("nevercreated", "p", "r")
    assert store.find("cards", "p", "r") is None


def test_query_by_partition_and_whole_table_sorted(store: Store) -> None:
    for partition, row in [("b", "2"), ("a", "2"), ("b", "1"), ("a", "1")]:
        store.insert("runs", partition, row, {"k": f"{partition}{row}"})
    assert [r.data["k"] for r in store.query("runs", "a")] == ["a1", "a2"]
    assert [(r.partition, r.row) for r in store.query("runs")] == [("a", "1"), ("a", "2"), ("b", "1"), ("b", "2")]
    assert all(r.etag for r in store.query("runs"))
    assert store.query("runs", "zzz") == []
    assert store.query("missingtable") == []


def test_a_query_where_a_text_property_is_one_of_some_texts(store: Store) -> None:
    """The service filters: each named property must be text and one of the texts given; quotes in a text are
    data; a row without the property, or with a non-text value, never matches; no texts match nothing."""
    rows = [("p1", "a", "pending"), ("p1", "b", "exported"), ("p2", "c", "pending"), ("p2", "d", "o'clock"),
            ("p3", "e", None), ("p3", "f", 7)]  # fmt: skip
    for partition, row, status in rows:
        store.insert("outcomes", partition, row, {"status": status, "kind": "x" if row < "c" else "y"})
    store.insert("outcomes", "p3", "g", {"kind": "x"})

    def keys(found: list[Record]) -> list[tuple[str, str]]:
        return [(r.partition, r.row) for r in found]

    assert keys(store.query("outcomes", where={"status": ["pending"]})) == [("p1", "a"), ("p2", "c")]
    assert keys(store.query("outcomes", "p2", where={"status": ["pending", "o'clock"]})) == [("p2", "c"), ("p2", "d")]
    assert keys(store.query("outcomes", where={"status": ["pending"], "kind": ["y"]})) == [("p2", "c")]
    assert store.query("outcomes", where={"status": ["7", "null", "None"]}) == []
    assert store.query("outcomes", where={"status": []}) == []
    assert store.query("missingtable", where={"status": ["pending"]}) == []
    [found] = store.query("outcomes", "p1", where={"status": ["exported"]})
    assert found.data == {"status": "exported", "kind": "x"} and found.etag


def test_a_filtered_query_is_never_answered_from_a_block_of_reads(store: Store) -> None:
    store.insert("outcomes", "p1", "a", {"status": "pending"})
    store.insert("outcomes", "p1", "b", {"status": "exported"})
    with store.read_ahead([], [("outcomes", "p1")]):
        assert [r.row for r in store.query("outcomes", "p1", where={"status": ["pending"]})] == ["a"]
        assert [r.row for r in store.query("outcomes", "p1")] == ["a", "b"]


def test_find_rows_answers_the_rows_that_exist_in_one_partition(store: Store) -> None:
    ours = {row: store.insert("agendas", "ada", row, {"row": row}) for row in ("current", "card-1", "o'brien")}
    store.insert("agendas", "grace", "card-2", {"row": "card-2"})
    found = store.find_rows("agendas", "ada", ["current", "card-1", "card-2", "o'brien", "missing"])
    assert sorted(found) == ["card-1", "current", "o'brien"]
    assert {row: (r.partition, dict(r.data), r.etag) for row, r in found.items()} == {
        row: ("ada", dict(r.data), r.etag) for row, r in ours.items()
    }
    assert store.find_rows("agendas", "ada", []) == {}
    assert store.find_rows("agendas", "nobody", ["current"]) == {}
    assert store.find_rows("missingtable", "ada", ["current"]) == {}


def test_find_rows_sees_the_latest_write(store: Store) -> None:
    written = store.insert("agendas", "ada", "current", {"v": 1})
    assert store.find_rows("agendas", "ada", ["current", "card-1"])["current"].data["v"] == 1
    store.update(written, {"v": 2})
    store.insert("agendas", "ada", "card-1", {"v": 3})
    found = store.find_rows("agendas", "ada", ["current", "card-1"])
    assert (found["current"].data["v"], found["card-1"].data["v"]) == (2, 3)
    store.update(found["current"], {"v": 4})  # the ETag it answered with guards an update


def test_transact_applies_all_ops(store: Store) -> None:
    kept = store.insert("outbox", "p", "keep", {"v": 1})
    store.insert("outbox", "p", "drop", {"v": 1})
    store.transact(
        "outbox",
        "p",
        [
            TransactionOp("insert", "new", {"v": 2}),
            TransactionOp("upsert", "up", {"v": 3}),
            TransactionOp("update", "keep", {"v": 4}, etag=kept.etag),
            TransactionOp("delete", "drop"),
        ],
    )
    assert {r.row: r.data["v"] for r in store.query("outbox", "p")} == {"new": 2, "up": 3, "keep": 4}
    current = store.get("outbox", "p", "keep")
    store.transact("outbox", "p", [TransactionOp("delete", "keep", etag=current.etag)])
    assert store.find("outbox", "p", "keep") is None


@pytest.mark.parametrize("failing", ["insert-existing", "stale-update", "delete-missing", "stale-delete"])
def test_transact_rolls_back_everything_when_one_op_fails(store: Store, failing: str) -> None:
    record = store.insert("outbox", "p", "existing", {"v": 1})
    store.update(record, {"v": 2})  # ``record`` now carries a stale ETag
    bad = {
        "insert-existing": TransactionOp("insert", "existing", {"v": 9}),
        "stale-update": TransactionOp("update", "existing", {"v": 9}, etag=record.etag),
        "delete-missing": TransactionOp("delete", "absent"),
        "stale-delete": TransactionOp("delete", "existing", etag=record.etag),  # only the row as it was read
    }[failing]
    expected = {"insert-existing": AlreadyExists, "stale-update": StaleWrite, "delete-missing": NotFound,
                "stale-delete": StaleWrite}[failing]  # fmt: skip
    with pytest.raises(expected):
        store.transact("outbox", "p", [TransactionOp("insert", "first", {"v": 1}), bad])
    assert store.find("outbox", "p", "first") is None
    assert store.get("outbox", "p", "existing").data == {"v": 2}


def test_transact_keeps_keys_and_values_as_written(store: Store) -> None:
    """Keys with quotes and URL characters (Graph ids carry '=', '+', '-'), and every JSON value kind, in a batch."""
    partition, rows = "emp'1 +x=", ["AAMkAG+a/b=".replace("/", "_"), "it's", "occ-1 %20"]
    data = {"text": "x'y \u00e9", "count": 3, "ratio": 2.5, "flag": True, "list": [1, "a"], "none": None}
    store.transact("outbox", partition, [TransactionOp("upsert", row, data) for row in rows])
    assert [(r.row, r.data) for r in store.query("outbox", partition)] == [(row, data) for row in sorted(rows)]
    first = store.get("outbox", partition, rows[0])
    store.transact("outbox", partition, [TransactionOp("update", rows[0], {"v": 1}, etag=first.etag)])
    assert store.get("outbox", partition, rows[0]).data == {"v": 1}
