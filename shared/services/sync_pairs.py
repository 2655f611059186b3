"""The ``pairs`` table as one directory sync sees it: each pair's row, who is in which pairs, and the sync's writes.

Closing a person's pairs (they left, or their account was disabled) must find every active pair they are in, as
manager (their partition) or as report (a row in their manager's partition, whichever manager that is). That was a
query of the whole table per such person: on a first sync of a large tenant, one per disabled account, so the sync
grew with the square of the tenant (issue 20). Now the table is read once per sync, when the first pair is closed,
and every write this sync makes goes through here, so a later close also sees the pairs opened earlier in the run.
A sync that closes nothing reads nothing. The writes are stored together at the end (``flush``): one transaction
per manager's partition.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.ports.storage import TRANSACTION_LIMIT, Store, TransactionOp
from shared.services.scheduling_records import PAIRS

PairKey = tuple[str, str]  # (manager id, report id): the row's partition and row keys


def pair_event(kind: str, manager_id: str, report_id: str, **extra: str) -> dict[str, Any]:
    """What sync tells about a pair that opened or closed (``pair-changed`` messages carry the ending ones)."""
    return {"kind": kind, "manager_id": manager_id, "report_id": report_id, **extra}


class SyncedPairs:
    """Pairs read once (on the first close) and kept in step with the sync's own writes."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._rows: dict[PairKey, Mapping[str, Any]] | None = None
        self._of_person: dict[str, set[PairKey]] = {}
        self._pending: dict[PairKey, Mapping[str, Any]] = {}  # written by this sync, not stored yet (``flush``)

    def write(self, manager_id: str, report_id: str, data: Mapping[str, Any]) -> None:
        """The pair's row as it is to be stored (an upsert, by ``flush``), and remembered when the table was read."""
        self._pending[manager_id, report_id] = dict(data)
        if self._rows is not None:
            self._remember((manager_id, report_id), data)

    def flush(self) -> None:
        """Store the rows written since the last flush: a manager's pairs share a partition, so one transaction
        per manager (of up to ``TRANSACTION_LIMIT``) instead of one request per pair (issue 20)."""
        by_manager: dict[str, list[TransactionOp]] = {}
        for (manager_id, report_id), data in self._pending.items():
            by_manager.setdefault(manager_id, []).append(TransactionOp("upsert", report_id, data))
        for manager_id, ops in by_manager.items():
            for start in range(0, len(ops), TRANSACTION_LIMIT):
                self._store.transact(PAIRS, manager_id, ops[start : start + TRANSACTION_LIMIT])
        self._pending.clear()

    def close_all(self, person_id: str, kind: str) -> list[dict[str, Any]]:
        """Mark every active pair the person is in (as manager or report) inactive, closed by ``kind``; each one's
        pair event, in the table's order (partition, then row)."""
        rows = self._read()
        events = []
        for manager_id, report_id in sorted(self._of_person.get(person_id, ())):
            data = rows[manager_id, report_id]
            if data.get("active"):
                self.write(manager_id, report_id, {**data, "active": False, "closed": kind})
                events.append(pair_event(kind, manager_id, report_id))
        return events

    def _read(self) -> dict[PairKey, Mapping[str, Any]]:
        if self._rows is None:
            self._rows = {}
            for record in self._store.query(PAIRS):
                self._remember((record.partition, record.row), record.data)
            for key, data in self._pending.items():  # this sync's writes, over what was stored
                self._remember(key, data)
        return self._rows

    def _remember(self, key: PairKey, data: Mapping[str, Any]) -> None:
        assert self._rows is not None
        self._rows[key] = dict(data)
        for person_id in key:
            self._of_person.setdefault(person_id, set()).add(key)
