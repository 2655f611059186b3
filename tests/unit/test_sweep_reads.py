"""The cards sweep's store view: a row is read once, and a write through the view is seen at once."""

from __future__ import annotations

from typing import Any

import pytest

from shared.ports.storage import NotFound, Record, TransactionOp
from shared.services.sweep_reads import SweepReads
from tests.fakes.storage import InMemoryStore

pytestmark = pytest.mark.unit


class CountingStore(InMemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.finds = 0

    def find(self, table: str, partition: str, row: str) -> Record | None:
        self.finds += 1
        return super().find(table, partition, row)


def test_repeated_reads_of_a_row_cost_one_read() -> None:
    inner = CountingStore()
    inner.insert("cards", "c1", "card", {"status": "sent"})
    reads = SweepReads(inner)
    answers = [reads.find("cards", "c1", "card") for _ in range(5)] + [reads.get("cards", "c1", "card")]
    assert {a.data["status"] for a in answers if a} == {"sent"}
    assert reads.find("cards", "missing", "card") is None and reads.find("cards", "missing", "card") is None
    assert inner.finds == 2


def test_a_missing_row_read_through_get_raises_not_found() -> None:
    with pytest.raises(NotFound):
        SweepReads(InMemoryStore()).get("cards", "nope", "card")


@pytest.mark.parametrize(
    "write",
    [
        lambda s, r: s.upsert("cards", "c1", "card", {"status": "submitted"}),
        lambda s, r: s.update(r, {"status": "submitted"}),
        lambda s, r: s.transact("cards", "c1", [TransactionOp("upsert", "card", {"status": "submitted"})]),
    ],
    ids=["upsert", "update", "transact"],
)
def test_a_write_through_the_view_is_seen_by_the_next_read(write: Any) -> None:
    inner = CountingStore()
    inner.insert("cards", "c1", "card", {"status": "sent"})
    reads = SweepReads(inner)
    before = reads.get("cards", "c1", "card")
    write(reads, before)
    after = reads.find("cards", "c1", "card")
    assert after is not None and after.data["status"] == "submitted"
    assert inner.finds == 2


def test_delete_and_insert_through_the_view_are_seen() -> None:
    reads = SweepReads(InMemoryStore())
    assert reads.find("outcomes", "p", "r") is None
    reads.insert("outcomes", "p", "r", {"status": "overdue"})
    found = reads.find("outcomes", "p", "r")
    assert found is not None and found.data["status"] == "overdue"
    reads.delete("outcomes", "p", "r")
    assert reads.find("outcomes", "p", "r") is None
