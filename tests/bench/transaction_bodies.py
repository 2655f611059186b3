"""``python -m tests.bench.transaction_bodies``: worker CPU to write a first cycle's Table transactions, apart from I/O.

One first cycle runs on an in-process Graph emulator with in-memory tables (``tests.bench.round_trips``) and records
every transaction the scheduler makes (table, partition, operations: bookings, outcomes, series). They are then
written ``--runs`` times with ``table_batch.submit`` against a stub connection that answers every batch with 202,
and timed with ``time.process_time``: what building the multipart bodies costs the worker, per pair and per row, by
table, with neither Azurite nor a busy neighbour in the figure.

    python -m tests.bench.transaction_bodies [--people 300] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from shared.adapters.storage import table_batch
from shared.adapters.storage.table_http import TableHttp
from shared.ports.storage import TransactionOp

Transaction = tuple[str, str, list[TransactionOp]]


@dataclass(frozen=True)
class _Accepted:
    status: int = 202
    body: bytes = b"HTTP/1.1 204 No Content\r\n"


class StubHttp:
    """Takes every request and answers as Table Storage answers a transaction that applied."""

    base_url = "http://127.0.0.1:10002/devstoreaccount1"

    def request(self, method: str, path: str, body: bytes = b"", headers: Mapping[str, str] | None = None) -> Any:
        return _Accepted()


def record_transactions(people: int, seed: int) -> tuple[int, list[Transaction]]:
    """The pairs and the transactions of one first cycle over a generated tenant, in the order they were made."""
    from tests.bench.round_trips import measure
    from tests.fakes.storage import InMemoryStore

    recorded: list[Transaction] = []
    original = InMemoryStore.transact

    def recording(self: InMemoryStore, table: str, partition: str, ops: Sequence[TransactionOp]) -> None:
        recorded.append((table, partition, list(ops)))
        original(self, table, partition, ops)

    InMemoryStore.transact = recording  # type: ignore[method-assign]
    try:
        trips = measure(people, seed=seed)
    finally:
        InMemoryStore.transact = original  # type: ignore[method-assign]
    return trips.pairs, recorded


def write_all(transactions: list[Transaction]) -> dict[str, float]:
    """CPU seconds to write each table's transactions once."""
    http, spent = cast(TableHttp, StubHttp()), defaultdict[str, float](float)
    for table, partition, ops in transactions:
        started = time.process_time()
        table_batch.submit(http, table, partition, ops)
        spent[table] += time.process_time() - started
    return dict(spent)


def run(people: int, seed: int, runs: int) -> dict[str, Any]:
    pairs, transactions = record_transactions(people, seed)
    rows: dict[str, int] = defaultdict(int)
    for table, _, ops in transactions:
        rows[table] += len(ops)
    samples = [write_all(transactions) for _ in range(runs)]
    per_pair = [1000 * sum(sample.values()) / max(pairs, 1) for sample in samples]
    by_table = {
        table: round(statistics.median(1e6 * sample.get(table, 0.0) / count for sample in samples), 1)
        for table, count in sorted(rows.items())
    }
    return {
        "people": people,
        "pairs": pairs,
        "transactions": len(transactions),
        "rows": dict(sorted(rows.items())),
        "transaction_bodies_cpu_ms_per_pair": round(statistics.median(per_pair), 3),
        "spread_ms": [round(min(per_pair), 3), round(max(per_pair), 3)],
        "us_per_row": by_table,
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.transaction_bodies", description=__doc__)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.seed, args.runs)))


if __name__ == "__main__":
    main()
