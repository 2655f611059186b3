"""``make bench``: run each benchmark, write out/bench.json (one key per figure) and the Benchmarks section of
docs/performance.md (other sections are kept). Figures are ratios within one run, or counts.

    python -m tests.bench.run [--cycle-people 300] [--plan-sizes 1000 10000 50000]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.bench import cold_start, plan_scale
from tests.bench.report import Figure, write_reports

ROOT = Path(__file__).resolve().parents[2]


def cycle_figures(people: int) -> list[Figure]:
    command = [sys.executable, "-m", "tests.bench.cycle", "--people", str(people)]
    out = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout
    r: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    cmd = f"python -m tests.bench.cycle --people {people}"
    size = f"{r['pairs']:,} pairs ({people:,} people)"
    return [
        Figure("cycle_wall_over_lower_bound", r["wall_over_bound"], "<= 1.5", cmd, f"first cycle, {size}"),
        Figure("cycle_round_trips_per_pair", r["round_trips_per_pair"], "<= 0.5", cmd, f"first cycle, {size}"),
        Figure("rerun_round_trips_per_pair", r["rerun_round_trips_per_pair"], "<= 0.02", cmd, f"re-run, {size}"),
        Figure("cycle_peak_rss_mib", r["peak_rss_mib"], "report", cmd, "worker + in-thread emulator"),
    ]


def plan_figures(sizes: list[int]) -> list[Figure]:
    rows = [plan_scale.measure(n) for n in sizes]
    base = rows[0]
    figures = []
    for row in rows:
        n = row["people"]
        cmd = "python -m tests.bench.run --plan-sizes " + " ".join(map(str, sizes))
        for kind in ("plan", "dry_run"):
            per_pair = row[f"{kind}_us_per_pair"]
            figures.append(Figure(f"{kind}_us_per_pair_{n}", per_pair, "report", cmd, f"{row['pairs']:,} pairs"))
            growth = per_pair / base[f"{kind}_us_per_pair"]
            figures.append(Figure(f"{kind}_cost_growth_{n}", growth, "~1 (linear)", cmd, f"per pair vs {sizes[0]:,}"))
    return figures


def cold_start_figures() -> list[Figure]:
    r = cold_start.measure()
    cmd = "python -m tests.bench.run (cold_start)"
    return [Figure("cold_start_extra_s", r["extra_s"], "<= 1.0", cmd, f"first request answered {r['first_status']}")]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="WeGrow benchmarks")
    parser.add_argument("--cycle-people", type=int, default=300)
    parser.add_argument("--plan-sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    args = parser.parse_args(argv)
    figures = [*cold_start_figures(), *plan_figures(args.plan_sizes), *cycle_figures(args.cycle_people)]
    write_reports(figures, datetime.now(UTC).date().isoformat(), ROOT)
    for figure in figures:
        print(figure.row())


if __name__ == "__main__":
    main()
