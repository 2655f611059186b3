"""What a ``Store.read_ahead`` block read, served to the reads the block makes later (the Store adapters share it).

The block's reads are made at once when it begins (Table Storage: one wait for all of them). Later, in the same task
or thread, the first ``find`` of each entity, and the first ``query`` of each partition read, is answered from them;
a row of a partition read answers its first ``find`` too. A write through the same store forgets what it touches
(a row, and any partition read it belongs to), so the block always sees its own writes. Answers are served once: a
second read of the same entity goes to the service again (a loop that re-reads must see new data).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from shared.ports.storage import EntityKey, Record

PartitionKey = tuple[str, str]  # table, partition


@dataclass
class _Partition:
    rows: dict[str, Record]
    queried: bool = False  # its query was answered
    found: set[str] = field(default_factory=set)  # rows whose find was answered


class Ahead:
    """One block's reads that nobody has used yet."""

    def __init__(
        self,
        owner: object,
        entities: Mapping[EntityKey, Record | None],
        partitions: Mapping[PartitionKey, list[Record]],
    ) -> None:
        self.owner = owner
        self._entities = dict(entities)
        self._partitions = {key: _Partition({r.row: r for r in records}) for key, records in partitions.items()}

    def find(self, key: EntityKey) -> tuple[bool, Record | None]:
        """(True, the record or None) when the block read it and nobody used it yet, else (False, None)."""
        if key in self._entities:
            return True, self._entities.pop(key)
        partition = self._partitions.get(key[:2])
        if partition is None or key[2] in partition.found:
            return False, None
        partition.found.add(key[2])
        return True, partition.rows.get(key[2])

    def query(self, table: str, partition: str) -> list[Record] | None:
        """The partition's records, sorted by row, when the block read it and nobody queried it yet."""
        read = self._partitions.get((table, partition))
        if read is None or read.queried:
            return None
        read.queried = True
        return [read.rows[row] for row in sorted(read.rows)]

    def forget(self, table: str, partition: str, row: str) -> None:
        self._entities.pop((table, partition, row), None)
        self._partitions.pop((table, partition), None)


_CURRENT: ContextVar[Ahead | None] = ContextVar("store_read_ahead", default=None)


def _current(owner: object) -> Ahead | None:
    """The innermost block of this task or thread, if it reads through ``owner`` (a Store)."""
    ahead = _CURRENT.get()
    return ahead if ahead is not None and ahead.owner is owner else None


def served_find(owner: object, key: EntityKey) -> tuple[bool, Record | None]:
    """``owner``'s find of ``key`` answered by the current block: (True, the record or None), else (False, None)."""
    ahead = _current(owner)
    return ahead.find(key) if ahead is not None else (False, None)


def served_query(owner: object, table: str, partition: str | None) -> list[Record] | None:
    """``owner``'s query of one partition answered by the current block, else None (read it from the service)."""
    ahead = _current(owner) if partition is not None else None
    return ahead.query(table, partition) if ahead is not None and partition is not None else None


def forget(owner: object, table: str, partition: str, row: str) -> None:
    """A write through ``owner``: what the current block read of that row (and its partition) is stale now."""
    ahead = _current(owner)
    if ahead is not None:
        ahead.forget(table, partition, row)


@contextmanager
def serving(ahead: Ahead) -> Iterator[None]:
    token = _CURRENT.set(ahead)
    try:
        yield
    finally:
        _CURRENT.reset(token)
