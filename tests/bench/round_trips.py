"""Graph round trips per pair for a first scheduling cycle and for an unchanged re-run.

Runs ``sync, plan, schedule`` (the handlers ``wegrow cycle`` uses) with the real msgraph-sdk adapters
against an in-process Graph emulator, with in-memory tables and queues (storage is not Graph, so it
does not change the count). Every pair is due, so the first cycle schedules the whole tenant.
The figures are counts from the emulator's ``/_emulator/log``, not timings. ``tests.bench.cycle`` runs the same
cycle with the product's Table and Queue adapters on Azurite (:class:`Storage`), and counts their calls.

    python -m tests.bench.round_trips --people 300 1000 [--seed 7] [--horizon-days 366] [--json]

The policy is the bundled company's (cadence, caps, fiscal milestones) with the given horizon: every
occurrence of the horizon is planned, so free/busy covers it in 62-day getSchedule windows, and weeks that
move, milestones and cancelled weeks are fix-ups after the creates.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any, cast

import httpx

from shared.domain.people import Pair
from shared.ports.storage import Queues, Store
from shared.services.plan_cycle import Planned
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import extras_from_row
from tests.bench.cpu import CpuSample, Meter, cpu_of, measured
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fakes.storage import InMemoryQueues, InMemoryStore


@dataclass(frozen=True)
class _Due:
    reason: str


def every_pair_is_due(pair: Pair, start: date, end: date) -> Sequence[Planned]:
    return [_Due("regular check-in")]


def _where(method: str, args: tuple[Any, ...]) -> str:
    """The table or queue a counted call touches; a read-ahead block (its rows read in one wait) counts as one, and so
    do writes sent at once."""
    if method == "read_ahead":
        return "blocks"
    if method == "write_at_once":  # several writes in one wait: counted once, by the tables they write
        return ",".join(sorted({write.table for write in args[0]})) or "nothing"
    if method == "transact_at_once":  # several transactions in one wait: likewise
        return ",".join(sorted({table for table, _, _ in args[0]})) or "nothing"
    return str(args[0].table if method == "update" else args[0] if args else "")


class Counted:
    """A Store or Queues that counts its calls by "method table-or-queue" (one storage request each, but a
    query's further pages). The cycle sees it through the port, so only the port's methods are counted."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.counts: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Callable[..., Any]:
        method = getattr(self._inner, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            where = _where(name, args)
            self.counts[f"{name} {where}"] += 1
            return method(*args, **kwargs)

        return counted

    def take_counts(self) -> dict[str, int]:
        counts, self.counts = dict(self.counts), Counter()
        return counts


@dataclass(frozen=True)
class Storage:
    """Where the cycle keeps its tables and queues: in memory, or Azurite (its processes' CPU is counted apart)."""

    store: Store
    queues: Queues
    pids: frozenset[int] = frozenset()  # the storage emulator's processes, left out of the Graph emulator's CPU
    name: str = "memory"

    @classmethod
    def in_memory(cls) -> Storage:
        return cls(InMemoryStore(), InMemoryQueues())


@dataclass(frozen=True)
class RoundTrips:
    people: int
    pairs: int
    created: int
    no_slot: int
    first_cycle: int
    first_operations: dict[str, int]
    rerun: int
    extras: int = 0  # single planning conversations created for milestones no occurrence could reach
    first_cpu: CpuSample | None = None  # wall, worker CPU, Graph emulator's CPU (only an emulator subprocess counts)
    rerun_cpu: CpuSample | None = None
    storage: str = "memory"
    storage_cpu_s: float = 0.0  # the storage emulator's processes, both cycles (0 in memory)
    first_storage_calls: dict[str, int] | None = None  # Store and Queues calls by "method table-or-queue"
    rerun_storage_calls: dict[str, int] | None = None

    @property
    def first_per_pair(self) -> float:
        return self.first_cycle / max(self.pairs, 1)

    @property
    def rerun_per_pair(self) -> float:
        return self.rerun / max(self.pairs, 1)

    def as_json(self) -> dict[str, Any]:
        return {**asdict(self), "first_per_pair": self.first_per_pair, "rerun_per_pair": self.rerun_per_pair}

    def cpu_ms_per_pair(self, sample: CpuSample | None) -> float:
        return (sample.worker_s if sample else 0.0) * 1000 / max(self.pairs, 1)


def _log(root: str, clear: bool = False) -> dict[str, Any]:
    response = httpx.request("POST" if clear else "GET", f"{root}/_emulator/log{'/clear' if clear else ''}")
    response.raise_for_status()
    return dict(response.json())


def company_policy(horizon_days: int) -> SchedulingPolicy:
    """The bundled company's cadence and fiscal milestones over ``horizon_days``."""
    from shared.adapters.config_file import load_company_config

    company = load_company_config()
    return SchedulingPolicy.from_cadence(company.cadence, fiscal=company.fiscal_calendar, horizon_days=horizon_days)


async def measure_on(
    base_url: str, root: str, people: int, horizon_days: int = 366, storage: Storage | None = None
) -> RoundTrips:
    """First cycle, then an unchanged re-run, on the emulator at ``base_url`` (its log is cleared first)."""
    storage = storage or Storage.in_memory()
    counted_store, counted_queues = Counted(storage.store), Counted(storage.queues)
    store, queues, policy = cast(Store, counted_store), cast(Queues, counted_queues), company_policy(horizon_days)
    storage_before = sum(cpu_of(storage.pids).values())
    async with adapters_for(base_url) as graph:

        def context() -> ScheduleContext:
            now = datetime.now(UTC)
            return ScheduleContext(graph.calendar, graph.directory, store, policy, now, "bench")

        _log(root, clear=True)
        with measured(Meter(exclude=storage.pids)) as first_cpu:
            first = await run_cycle(context(), queues, every_pair_is_due)
        first_log, first_calls = _log(root), counted_store.take_counts() | counted_queues.take_counts()
        _log(root, clear=True)
        with measured(Meter(exclude=storage.pids)) as rerun_cpu:
            await run_cycle(context(), queues, every_pair_is_due)
        rerun_log, rerun_calls = _log(root), counted_store.take_counts() | counted_queues.take_counts()
    return RoundTrips(
        people=people,
        pairs=first.pairs,
        created=first.series_created,
        no_slot=first.no_slot,
        first_cycle=int(first_log["http_round_trips"]),
        first_operations=dict(first_log["operations"]),
        rerun=int(rerun_log["http_round_trips"]),
        extras=sum(len(extras_from_row(r.data)) for r in store.query(SERIES)),
        first_cpu=first_cpu[0],
        rerun_cpu=rerun_cpu[0],
        storage=storage.name,
        storage_cpu_s=sum(cpu_of(storage.pids).values()) - storage_before,
        first_storage_calls=first_calls,
        rerun_storage_calls=rerun_calls,
    )


def measure(people: int, seed: int = 7, horizon_days: int = 366) -> RoundTrips:
    """Start an emulator with ``people`` people, measure, stop it."""
    from devstack.graph_emulator import serve_in_thread

    emulator = serve_in_thread(people=people, seed=seed)
    try:
        return asyncio.run(measure_on(emulator.base_url, emulator.root, people, horizon_days))
    finally:
        emulator.stop()


def table(rows: Sequence[RoundTrips]) -> str:
    lines = [
        "| people | pairs | created | no slot | first cycle: round trips | per pair | re-run: round trips | per pair |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r.people:,} | {r.pairs:,} | {r.created:,} | {r.no_slot:,} | {r.first_cycle:,} | "
            f"{r.first_per_pair:.3f} | {r.rerun:,} | {r.rerun_per_pair:.4f} |"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--people", type=int, nargs="+", default=[300, 1000])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--horizon-days", type=int, default=366)
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = parser.parse_args(argv)
    rows = [measure(n, args.seed, args.horizon_days) for n in args.people]
    if args.json:
        print(json.dumps([r.as_json() for r in rows], indent=2))
        return
    print(table(rows))
    for r in rows:
        operations = ", ".join(f"{k}: {v}" for k, v in sorted(r.first_operations.items()))
        print(f"\n{r.people} people, first cycle operations: {operations}")


if __name__ == "__main__":
    main()
