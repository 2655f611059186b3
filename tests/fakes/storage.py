"""In-memory fakes of the Store and Queues ports, with the same semantics as the Azure adapters.

ETags change on every write, insert on an existing key raises AlreadyExists (409), an update with a
stale ETag raises StaleWrite (412), ``transact`` is all-or-nothing, and queue messages carry dequeue
counts and become invisible for ``visibility_timeout`` seconds of the injected clock.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.storage import read_ahead
from shared.adapters.storage.codec import RESERVED, check_table_name
from shared.ports.storage import (
    AlreadyExists,
    Batch,
    EntityKey,
    JsonDict,
    NotFound,
    PartitionRead,
    QueueMessage,
    Record,
    StaleWrite,
    StoreError,
    TransactionOp,
    Where,
    Write,
    check_batches,
    check_writes,
    matches,
)

Key = tuple[str, str]
Entry = tuple[dict[str, Any], str]
_ENCODER = json.JSONEncoder(allow_nan=False)  # ``json.dumps(..., allow_nan=False)`` builds one on every call


def _json_text(data: Mapping[str, Any]) -> str:
    """``codec.json_copy``'s checks (reserved names, JSON-safe values) and the JSON text it copies through."""
    clash = RESERVED.intersection(data)
    if clash:
        raise ValueError(f"reserved property name(s): {sorted(clash)}")
    return _ENCODER.encode(dict(data))


def _copy(stored: dict[str, Any]) -> dict[str, Any]:
    """A deep copy of data already stored (JSON-safe, so the default encoder gives the same text)."""
    copied: dict[str, Any] = json.loads(json.dumps(stored))
    return copied


class InMemoryStore:
    """The Store port in a dict of tables."""

    def __init__(self) -> None:
        self.tables: dict[str, dict[Key, Entry]] = {}
        self._etags = itertools.count(1)
        self._table_names: set[str] = set()  # names ``check_table_name`` passed
        self._rows_of: dict[tuple[str, str], set[str]] = {}  # (table, partition): its row keys, for ``query``
        self.read_ahead_calls: list[tuple[list[EntityKey], list[tuple[str, str]]]] = []  # each block's reads

    def get(self, table: str, partition: str, row: str) -> Record:
        found = self.find(table, partition, row)
        if found is None:
            raise NotFound(f"{table}/{partition}/{row}")
        return found

    def find(self, table: str, partition: str, row: str) -> Record | None:
        answered, record = read_ahead.served_find(self, (table, partition, row))
        return record if answered else self._stored(table, partition, row)

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        """As Table Storage: all read now (and the writes made), then served as ``read_ahead`` says."""
        reads = [read_ahead.parts(partition) for partition in partitions]
        check_writes(writes, keys, [(table, partition) for table, partition, _ in reads])
        self.read_ahead_calls.append((list(keys), list(partitions)))
        read = {key: self._stored(*key) for key in keys}
        whole = {(table, partition): self._queried(table, partition) for table, partition, where in reads if not where}
        filtered = {
            ((table, partition), read_ahead.where_key(where)): [
                r for r in self._queried(table, partition) if matches(r.data, where)
            ]
            for table, partition, where in reads
            if where
        }
        written = self.write_at_once(writes) if writes else []
        return read_ahead.serving(read_ahead.Ahead(self, read, whole, filtered), written)

    def _stored(self, table: str, partition: str, row: str) -> Record | None:
        entry = self.tables.get(table, {}).get((partition, row))
        return None if entry is None else Record(table, partition, row, _copy(entry[0]), entry[1])

    def find_rows(self, table: str, partition: str, rows: Sequence[str]) -> dict[str, Record]:
        return {row: found for row in set(rows) if (found := self.find(table, partition, row)) is not None}

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self._record(table, partition, row, self._insert(table, partition, row, data))

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record:
        return self._record(table, partition, row, self._put(table, partition, row, data))

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        if record.etag is None:
            raise ValueError("update needs a record read from the store (it carries the ETag)")
        self._check_etag(record.table, record.partition, record.row, record.etag)
        return self._record(record.table, record.partition, record.row, self._put(*_keys(record), data))

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        """As Table Storage: each write lands or fails on its own (applied here in the order given)."""
        check_writes(writes)
        for write in writes:  # a value Table Storage cannot hold is refused before anything is written
            check_table_name(write.table)
            _json_text(write.op.data)
        return [self._write_or_error(write) for write in writes]

    def _write_or_error(self, write: Write) -> Record | StoreError:
        op = write.op
        try:
            if op.kind == "insert":
                return self.insert(write.table, write.partition, op.row, op.data)
            if op.kind == "upsert":
                return self.upsert(write.table, write.partition, op.row, op.data)
            return self.update(Record(write.table, write.partition, op.row, {}, op.etag), op.data)
        except StoreError as error:
            return error

    def delete(self, table: str, partition: str, row: str) -> None:
        read_ahead.forget(self, table, partition, row)
        self.tables.get(table, {}).pop((partition, row), None)
        self._rows_of.get((table, partition), set()).discard(row)

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        read = read_ahead.served_query(self, table, partition, where)
        if read is not None:
            return read
        if where:  # the service filters
            return [r for r in self._queried(table, partition) if matches(r.data, where)]
        return self._queried(table, partition)

    def _queried(self, table: str, partition: str | None) -> list[Record]:
        rows = self.tables.get(table, {})
        keys = sorted(rows) if partition is None else [(partition, row) for row in self._rows_in(table, partition)]
        return [Record(table, p, r, _copy(rows[p, r][0]), rows[p, r][1]) for p, r in keys]

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        rows = self.tables.get(table)
        # a transaction touches one table and its own rows only: those rows as they were, to roll back
        before = None if rows is None else {(partition, op.row): rows.get((partition, op.row)) for op in ops}
        try:
            for op in ops:
                self._apply(table, partition, op)
        except Exception:
            self._roll_back(table, before)
            raise

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        """As Table Storage: each transaction applied or rolled back on its own (here in the order given)."""
        check_batches(batches)
        verdicts: list[StoreError | None] = []
        for table, partition, ops in batches:
            try:
                self.transact(table, partition, ops)
                verdicts.append(None)
            except StoreError as error:
                verdicts.append(error)
        return verdicts

    def _roll_back(self, table: str, before: dict[Key, Entry | None] | None) -> None:
        if before is None:
            for partition, row in self.tables.pop(table, {}):
                self._rows_of[table, partition].discard(row)
            return
        rows = self.tables[table]
        for key, entry in before.items():
            if entry is None:
                rows.pop(key, None)
                self._rows_of.get((table, key[0]), set()).discard(key[1])
            else:
                rows[key] = entry
                self._rows_of.setdefault((table, key[0]), set()).add(key[1])

    def _apply(self, table: str, partition: str, op: TransactionOp) -> None:
        exists = (partition, op.row) in self.tables.get(table, {})
        if op.kind == "insert":
            self._insert(table, partition, op.row, op.data)
        elif op.kind == "upsert":
            self._put(table, partition, op.row, op.data)
        elif op.kind in {"update", "delete"}:
            if not exists:
                raise NotFound(f"{table}/{partition}/{op.row}")
            if op.etag is not None:
                self._check_etag(table, partition, op.row, op.etag)
            if op.kind == "update":
                self._put(table, partition, op.row, op.data)
            else:
                self.delete(table, partition, op.row)
        else:
            raise ValueError(f"unknown transaction op kind: {op.kind!r}")

    def _check_etag(self, table: str, partition: str, row: str, etag: str) -> None:
        entry = self.tables.get(table, {}).get((partition, row))
        if entry is None:
            raise NotFound(f"{table}/{partition}/{row}")
        if entry[1] != etag:
            raise StaleWrite(f"{table}/{partition}/{row}: changed since read")

    def _insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> tuple[str, str]:
        if (partition, row) in self.tables.get(table, {}):
            raise AlreadyExists(f"{table}/{partition}/{row}")
        return self._put(table, partition, row, data)

    def _put(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> tuple[str, str]:
        """Store a copy of ``data``: its JSON text and the new ETag."""
        read_ahead.forget(self, table, partition, row)
        if table not in self._table_names:
            check_table_name(table)
            self._table_names.add(table)
        text = _json_text(data)
        etag = f'W/"{next(self._etags)}"'
        self.tables.setdefault(table, {})[(partition, row)] = (json.loads(text), etag)
        self._rows_of.setdefault((table, partition), set()).add(row)
        return text, etag

    def _rows_in(self, table: str, partition: str) -> list[str]:
        return sorted(self._rows_of.get((table, partition), ()))

    @staticmethod
    def _record(table: str, partition: str, row: str, written: tuple[str, str]) -> Record:
        text, etag = written
        return Record(table, partition, row, json.loads(text), etag)


def _keys(record: Record) -> tuple[str, str, str]:
    return record.table, record.partition, record.row


_EPOCH = datetime.min.replace(tzinfo=UTC)


@dataclass
class _Held:
    id: str
    text: str
    dequeue_count: int = 0
    visible_at: datetime = _EPOCH
    pop_receipt: str = ""


class InMemoryQueues:
    """The Queues port in lists; visibility follows ``now`` (a clock function) so tests can move time."""

    def __init__(self, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.queues: dict[str, list[_Held]] = {}
        self._now = now
        self._ids = itertools.count(1)

    def send(self, queue: str, body: JsonDict, delay: int = 0) -> None:
        text = json.dumps(body, allow_nan=False)
        visible_at = self._now() + timedelta(seconds=delay) if delay else _EPOCH
        self.queues.setdefault(queue, []).append(_Held(id=f"m{next(self._ids)}", text=text, visible_at=visible_at))

    def receive(self, queue: str, max_messages: int = 16, visibility_timeout: int = 30) -> list[QueueMessage]:
        now = self._now()
        taken: list[QueueMessage] = []
        for held in self.queues.get(queue, []):
            if len(taken) >= max_messages:
                break
            if held.visible_at > now:
                continue
            held.dequeue_count += 1
            held.visible_at = now + timedelta(seconds=visibility_timeout)
            held.pop_receipt = f"r{next(self._ids)}"
            taken.append(QueueMessage(held.id, held.pop_receipt, json.loads(held.text), held.dequeue_count))
        return taken

    def complete(self, queue: str, message: QueueMessage) -> None:
        held = self._held(queue, message)
        self.queues[queue].remove(held)

    def release(self, queue: str, message: QueueMessage, delay: int = 0) -> None:
        held = self._held(queue, message)
        held.visible_at = self._now() + timedelta(seconds=delay)
        held.pop_receipt = f"r{next(self._ids)}"

    def length(self, queue: str) -> int:
        return len(self.queues.get(queue, []))

    def _held(self, queue: str, message: QueueMessage) -> _Held:
        for held in self.queues.get(queue, []):
            if held.id == message.id and held.pop_receipt == message.pop_receipt:
                return held
        raise NotFound(f"{queue}/{message.id}: no such message or its pop receipt is stale")
