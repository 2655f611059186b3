"""``python -m tests.bench.slot_choice``: worker CPU per pair spent choosing slots (``plan_year``), apart from I/O.

One first cycle runs on an in-process Graph emulator (``tests.bench.round_trips``, no latency) and records every
year request the scheduler hands to ``plan_year``, copied at the call (later pairs see earlier pairs' bookings,
exactly as in the cycle). The requests are then replayed ``--runs`` times and timed with ``time.process_time``,
so neither the emulator nor a busy neighbour moves the figure. It prints the median ms of CPU per pair and the
spread. ``--dump FILE`` writes one line per plan (its repr), to compare two versions of the planner choice by choice;
``--requests FILE`` keeps the recorded requests (a pickle) and replays them on the next run instead of a new cycle.

    python -m tests.bench.slot_choice [--people 300] [--runs 3] [--dump out/plans.txt] [--requests out/req.pickle]
"""

from __future__ import annotations

import argparse
import copy
import json
import pickle
import statistics
import time
from pathlib import Path
from typing import Any

from shared.domain.planning import YearPlan, YearRequest, plan_year


def record_requests(people: int, seed: int, horizon_days: int) -> list[YearRequest]:
    """The year requests of one first cycle over a generated tenant, in the order the scheduler made them."""
    from shared.services import scheduling_slots
    from tests.bench.round_trips import measure

    recorded: list[YearRequest] = []
    original = scheduling_slots.plan_year

    def recording(request: YearRequest) -> YearPlan:
        recorded.append(copy.deepcopy(request))
        return original(request)

    scheduling_slots.plan_year = recording  # type: ignore[assignment]
    try:
        measure(people, seed=seed, horizon_days=horizon_days)
    finally:
        scheduling_slots.plan_year = original
    return recorded


def cpu_ms_per_pair(requests: list[YearRequest]) -> tuple[float, list[YearPlan]]:
    started = time.process_time()
    plans = [plan_year(request) for request in requests]
    return 1000 * (time.process_time() - started) / max(len(requests), 1), plans


def load_or_record(people: int, seed: int, horizon_days: int, saved: Path | None) -> list[YearRequest]:
    """The recorded requests, from ``saved`` when it exists (a pickle this script wrote), else from a cycle."""
    if saved is not None and saved.exists():
        loaded: list[YearRequest] = pickle.loads(saved.read_bytes())  # a file this script wrote
        return loaded
    requests = record_requests(people, seed, horizon_days)
    if saved is not None:
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(pickle.dumps(requests))
    return requests


def run(people: int, seed: int, horizon_days: int, runs: int, paths: tuple[Path | None, Path | None]) -> dict[str, Any]:
    saved, dump = paths
    requests = load_or_record(people, seed, horizon_days, saved)
    figures, plans = [], list[YearPlan]()
    for _ in range(runs):
        figure, plans = cpu_ms_per_pair(requests)
        figures.append(figure)
    if dump is not None:
        dump.parent.mkdir(parents=True, exist_ok=True)
        dump.write_text("".join(f"{plan!r}\n" for plan in plans), encoding="utf-8")
    return {
        "people": people,
        "pairs": len(requests),
        "slot_choice_cpu_ms_per_pair": round(statistics.median(figures), 2),
        "spread_ms": [round(min(figures), 2), round(max(figures), 2)],
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench.slot_choice", description=__doc__)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--horizon-days", type=int, default=366)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", type=Path, default=None)
    parser.add_argument("--requests", type=Path, default=None, help="pickle of recorded requests: reused if present")
    args = parser.parse_args()
    print(json.dumps(run(args.people, args.seed, args.horizon_days, args.runs, (args.requests, args.dump))))


if __name__ == "__main__":
    main()
