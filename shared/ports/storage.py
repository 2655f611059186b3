"""Storage ports: entity tables with optimistic concurrency, and work queues."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

JsonDict = dict[str, Any]
EntityKey = tuple[str, str, str]  # table, partition, row
Where = Mapping[str, Sequence[str]]  # a query's filter: property name -> the texts it may hold
# a read_ahead partition: (table, partition), or (table, partition, where) for the rows a where keeps
PartitionRead = tuple[str, str] | tuple[str, str, Where]


# ---------------------------------------------------------------- storage


class StoreError(Exception):
    """Base class for storage failures the services handle."""


class AlreadyExists(StoreError):
    """An insert hit an existing key (Table Storage 409)."""


class NotFound(StoreError):
    """No entity with that key."""


class StaleWrite(StoreError):
    """An update carried an ETag that no longer matches (Table Storage 412): re-read and retry."""


@dataclass(frozen=True, slots=True)
class Record:
    """One stored entity: its keys, its data and the ETag that guards updates."""

    table: str
    partition: str
    row: str
    data: Mapping[str, Any]
    etag: str | None = None


def matches(data: Mapping[str, Any], where: Where) -> bool:
    """Whether a row's data passes a query's ``where``: each named property is text, and one of the texts given."""
    return all(isinstance(data.get(name), str) and data[name] in texts for name, texts in where.items())


TRANSACTION_LIMIT = 100  # operations in one entity group transaction (Table Storage's limit)


@dataclass(frozen=True, slots=True)
class TransactionOp:
    """One operation of an atomic batch within a single partition."""

    kind: str  # "insert" | "upsert" | "update" | "delete"
    row: str
    data: Mapping[str, Any] = field(default_factory=dict)
    etag: str | None = None


@dataclass(frozen=True, slots=True)
class Write:
    """One of :meth:`Store.write_at_once`'s writes: ``op`` (an insert, upsert or update) on ``table``/``partition``."""

    table: str
    partition: str
    op: TransactionOp


WRITE_KINDS = frozenset({"insert", "upsert", "update"})
Batch = tuple[str, str, Sequence[TransactionOp]]  # one transaction of ``transact_at_once``: table, partition, ops


def check_batches(batches: Sequence[Batch]) -> None:
    """``transact_at_once``'s refusal: two transactions on one partition (their order would be the service's)."""
    partitions = [(table, partition) for table, partition, _ in batches]
    if len(set(partitions)) != len(partitions):
        raise ValueError("two transactions on one partition at once")


def check_writes(
    writes: Sequence[Write], keys: Sequence[EntityKey] = (), partitions: Sequence[tuple[str, str]] = ()
) -> None:
    """``write_at_once``'s refusals, before anything is sent: a kind it does not take, an update without an ETag,
    two writes to one row (their order would be the service's), a write to a row or partition read at the same time
    (``read_ahead``'s ``keys`` and ``partitions``: what the read saw would depend on which landed first)."""
    read_rows, read_partitions = set(keys), set(partitions)
    seen: set[EntityKey] = set()
    for write in writes:
        key = (write.table, write.partition, write.op.row)
        if write.op.kind not in WRITE_KINDS:
            raise ValueError(f"write_at_once takes inserts, upserts and updates, not {write.op.kind!r}")
        if write.op.kind == "update" and write.op.etag is None:
            raise ValueError("an update needs the ETag of the record it replaces")
        if key in seen:
            raise ValueError(f"two writes to {'/'.join(key)} at once")
        if key in read_rows or key[:2] in read_partitions:
            raise ValueError(f"a write to {'/'.join(key)}, which the same block reads")
        seen.add(key)


@runtime_checkable
class Store(Protocol):
    """Entities in named tables, keyed by (partition, row), with optimistic concurrency.

    ``data`` holds JSON values only (pass datetimes as ISO-8601 strings); nested values round-trip.
    ``delete`` of a missing entity is a no-op; ``query`` returns records sorted by (partition, row).
    """

    def get(self, table: str, partition: str, row: str) -> Record: ...

    def find(self, table: str, partition: str, row: str) -> Record | None: ...

    def find_rows(self, table: str, partition: str, rows: Sequence[str]) -> dict[str, Record]:
        """Those of ``rows`` that exist in one partition, keyed by row key, read in one round trip.

        Table Storage answers a filter of OR'ed row keys by scanning the partition (it is not a point read), so
        this is for small partitions only (one person's agenda), never for the directory's single partition.
        """
        ...

    def read_ahead(
        self, keys: Sequence[EntityKey], partitions: Sequence[PartitionRead] = (), writes: Sequence[Write] = ()
    ) -> AbstractContextManager[list[Record | StoreError]]:
        """A block whose ``find`` of one of ``keys`` (or of a row of a ``(table, partition)``), and ``query`` of one
        of ``partitions``, may be answered from reads made when it began.

        For a path that will read several entities one after another (a card: two people, a language, a
        conversation, the pair's outcomes): Table Storage reads them all at once, one wait instead of one each.
        Only the block's own task or thread is served, each read once, and a write through this store makes the
        next read of what it touched go to the service; other writers are seen as had they landed a moment later
        (``shared.adapters.storage.read_ahead``). A partition is read whole: small ones only (a pair's outcomes),
        never the directory's single partition. A ``(table, partition, where)`` reads the rows ``where`` keeps (the
        service filters) and answers only a ``query`` with that ``where``.

        ``writes`` go with the reads, in the same wait, as :meth:`write_at_once` sends them; the block gives their
        results. A write may not touch a row the block reads, nor a partition it reads (ValueError before anything
        is sent): what the reads saw must not depend on which landed first.
        """
        ...

    def insert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record: ...

    def upsert(self, table: str, partition: str, row: str, data: Mapping[str, Any]) -> Record: ...

    def update(self, record: Record, data: Mapping[str, Any]) -> Record:
        """Replace ``record``'s data if its ETag still matches, else raise StaleWrite."""
        ...

    def write_at_once(self, writes: Sequence[Write]) -> list[Record | StoreError]:
        """Writes to different rows that do not depend on one another, sent together: one wait for all of them.

        Not a transaction: each lands or fails on its own, in no given order. Each place of the answer holds that
        write's new Record, or the StoreError it met (AlreadyExists, StaleWrite, NotFound); an error that is not
        about one write (the service unreachable after the retries) is raised. Two writes to one row, or a kind other
        than insert, upsert or update, raise ValueError before anything is sent.
        """
        ...

    def delete(self, table: str, partition: str, row: str) -> None: ...

    def query(self, table: str, partition: str | None = None, where: Where | None = None) -> list[Record]:
        """The table's rows (or one partition's), in key order. ``where``: only the rows whose text property ``name``
        is one of its values, for each name given; the service filters, so a scan of a big table for a few rows
        (pending outbox entries, conversations awaiting an outcome) sends back only those."""
        ...

    def transact(self, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        """Apply all ops atomically within one partition, or none."""
        ...

    def transact_at_once(self, batches: Sequence[Batch]) -> list[StoreError | None]:
        """Transactions on different partitions sent together: one wait for all of them. Each is all or nothing on
        its own, in no given order with the others; each place of the answer is None (applied) or the StoreError
        that rolled it back. Two batches on one partition raise ValueError before anything is sent."""
        ...


@dataclass(frozen=True, slots=True)
class QueueMessage:
    id: str
    pop_receipt: str
    body: JsonDict
    dequeue_count: int


@runtime_checkable
class Queues(Protocol):
    """Work queues (Azure Queue Storage). Messages are JSON objects."""

    def send(self, queue: str, body: JsonDict, delay: int = 0) -> None:
        """Queue ``body``; with ``delay`` it becomes visible only after that many seconds."""
        ...

    def receive(self, queue: str, max_messages: int = 16, visibility_timeout: int = 30) -> list[QueueMessage]: ...

    def complete(self, queue: str, message: QueueMessage) -> None: ...

    def release(self, queue: str, message: QueueMessage, delay: int = 0) -> None:
        """Give up a received message: it becomes visible again after ``delay`` seconds (a failed attempt)."""
        ...

    def length(self, queue: str) -> int: ...
