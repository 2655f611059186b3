"""What a ``Store.read_ahead`` block read, served to the reads the block makes later (the Store adapters share it).

The block's reads are made at once when it begins (Table Storage: one wait for all of them). Later, in the same task
or thread, the first ``find`` of each entity, and the first ``query`` of each partition read, is answered from them;
a row of a partition read answers its first ``find`` too. A partition read with a ``where`` (only the rows it keeps
come back) answers the first query with that same ``where``, and nothing else; a whole partition read also answers
the first query of each ``where`` (filtered here, as the service would). A write through the same store forgets what
it touches (a row, and any partition read it belongs to), so the block always sees its own writes. Answers are
served once: a second read of the same entity goes to the service again (a loop that re-reads must see new data).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from shared.ports.storage import EntityKey, PartitionRead, Record, StoreError, Where, matches

PartitionKey = tuple[str, str]  # table, partition
WhereKey = tuple[tuple[str, tuple[str, ...]], ...]  # a where, hashable: () for the whole partition


def where_key(where: Where | None) -> WhereKey:
    return tuple(sorted((name, tuple(sorted(texts))) for name, texts in (where or {}).items()))


def parts(read: PartitionRead) -> tuple[str, str, Where | None]:
    """A read_ahead partition as (table, partition, where or None for the whole partition)."""
    return (read[0], read[1], read[2] or None) if len(read) == 3 else (read[0], read[1], None)


@dataclass
class _Partition:
    rows: dict[str, Record]
    queried: set[WhereKey] = field(default_factory=set)  # the queries answered (by their where)
    found: set[str] = field(default_factory=set)  # rows whose find was answered


class Ahead:
    """One block's reads that nobody has used yet."""

    def __init__(
        self,
        owner: object,
        entities: Mapping[EntityKey, Record | None],
        partitions: Mapping[PartitionKey, list[Record]],
        filtered: Mapping[tuple[PartitionKey, WhereKey], list[Record]] | None = None,
    ) -> None:
        self.owner = owner
        self._entities = dict(entities)
        self._partitions = {key: _Partition({r.row: r for r in records}) for key, records in partitions.items()}
        self._filtered = {key: list(records) for key, records in (filtered or {}).items()}

    def find(self, key: EntityKey) -> tuple[bool, Record | None]:
        """(True, the record or None) when the block read it and nobody used it yet, else (False, None)."""
        if key in self._entities:
            return True, self._entities.pop(key)
        partition = self._partitions.get(key[:2])
        if partition is None or key[2] in partition.found:
            return False, None
        partition.found.add(key[2])
        return True, partition.rows.get(key[2])

    def query(self, table: str, partition: str, where: Where | None = None) -> list[Record] | None:
        """The partition's records (those ``where`` keeps), sorted by row, when the block read them and nobody
        asked this query yet."""
        wanted = where_key(where)
        kept = self._filtered.pop(((table, partition), wanted), None) if wanted else None
        if kept is not None:
            return sorted(kept, key=lambda record: record.row)
        read = self._partitions.get((table, partition))
        if read is None or wanted in read.queried:
            return None
        read.queried.add(wanted)
        rows = [read.rows[row] for row in sorted(read.rows)]
        return [record for record in rows if matches(record.data, where)] if where else rows

    def forget(self, table: str, partition: str, row: str) -> None:
        self._entities.pop((table, partition, row), None)
        self._partitions.pop((table, partition), None)
        for key in [key for key in self._filtered if key[0] == (table, partition)]:
            del self._filtered[key]


_CURRENT: ContextVar[Ahead | None] = ContextVar("store_read_ahead", default=None)


def _current(owner: object) -> Ahead | None:
    """The innermost block of this task or thread, if it reads through ``owner`` (a Store)."""
    ahead = _CURRENT.get()
    return ahead if ahead is not None and ahead.owner is owner else None


def served_find(owner: object, key: EntityKey) -> tuple[bool, Record | None]:
    """``owner``'s find of ``key`` answered by the current block: (True, the record or None), else (False, None)."""
    ahead = _current(owner)
    return ahead.find(key) if ahead is not None else (False, None)


def served_query(owner: object, table: str, partition: str | None, where: Where | None = None) -> list[Record] | None:
    """``owner``'s query of one partition answered by the current block, else None (read it from the service)."""
    ahead = _current(owner) if partition is not None else None
    return ahead.query(table, partition, where) if ahead is not None and partition is not None else None


def forget(owner: object, table: str, partition: str, row: str) -> None:
    """A write through ``owner``: what the current block read of that row (and its partition) is stale now."""
    ahead = _current(owner)
    if ahead is not None:
        ahead.forget(table, partition, row)


@contextmanager
def serving(ahead: Ahead, written: Sequence[Record | StoreError] = ()) -> Iterator[list[Record | StoreError]]:
    """The block: ``ahead`` serves this task's or thread's reads; it gives the results of the writes sent with it."""
    token = _CURRENT.set(ahead)
    try:
        yield list(written)
    finally:
        _CURRENT.reset(token)
