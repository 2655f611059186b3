"""A store view for one sweep of the ``cards`` timer (or one card action and its answer, ``card_answer``): each row
is read at most once while it runs.

The sweep looks at every conversation in its window, and for each one it asks about the same few rows several
times (the prep, outcome and reminder cards, the two people, the pair). ``SweepReads`` answers a repeated
``find``/``get`` from what it read before, and forgets a row (or a whole table, for a transaction) as soon as it is
written through it, so the sweep always sees its own writes. Writes made elsewhere while the sweep runs are seen
by the next sweep, as they would be if they had landed a moment later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import Any

from shared.ports.storage import (
    Batch,
    EntityKey,
    NotFound,
    PartitionRead,
    Record,
    Store,
    StoreError,
    TransactionOp,
    Where,
    Write,
)


class SweepReads:
    """A :class:`Store` that remembers point reads until a write through it touches the row."""

    def __init__(self, inner: Store) -> None:
        self._inner = inner
        self._seen: dict[EntityKey, Record | None] = {}

    def find(self, table: str, partition: str, row: str) -> Record | None:
        key = (table, partition, row)
        if key not in self._seen:
            self._seen[key] = self._inner.find(table, partition, row)
        return self._seen[key]

    def find_rows(self, table: str, partition: str, rows: Sequence[str]) -> dict[str, Record]:
        unread = [row for row in rows if (table, partition, row) not in self._seen]
        if unread:
            found = self._inner.find_rows(table, partition, unread)
            self._seen.update({(table, partition, row): found.get(row) for row in unread})
        return {row: seen for row in rows if (seen := self._seen[table, partition, row]) is not None}

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        for write in writes:
            self._forget(write.table, write.partition, write.op.row)
        return self._inner.read_ahead([key for key in keys if key not in self._seen], partitions, writes)

    def get(self, table: str, partition: str, row: str) -> Record:
        found = self.find(table, partition, row)
        if found is None:
            raise NotFound(f"{table}/{partition}/{row}")
        return found

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        self._forget(table, partition, row)
        return self._inner.insert(table, partition, row, data)

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        self._forget(table, partition, row)
        return self._inner.upsert(table, partition, row, data)

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        self._forget(record.table, record.partition, record.row)
        return self._inner.update(record, data)

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        for write in writes:
            self._forget(write.table, write.partition, write.op.row)
        return self._inner.write_at_once(writes)

    def delete(self, table: str, partition: str, row: str) -> None:
        self._forget(table, partition, row)
        self._inner.delete(table, partition, row)

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        return self._inner.query(table, partition, where)

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        self._seen = {key: found for key, found in self._seen.items() if key[:2] != (table, partition)}
        self._inner.transact(table, partition, ops)

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        touched = {(table, partition) for table, partition, _ in batches}
        self._seen = {key: found for key, found in self._seen.items() if key[:2] not in touched}
        return self._inner.transact_at_once(batches)

    def _forget(self, table: str, partition: str, row: str) -> None:
        self._seen.pop((table, partition, row), None)
