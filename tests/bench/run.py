"""``make bench``: run each benchmark, write out/bench.json (one key per figure) and the Benchmarks section of
docs/performance.md (other sections are kept). CPU figures are per unit and the median of ``--runs`` runs.

    python -m tests.bench.run [--runs 3] [--cycle-people 300] [--plan-sizes 1000 10000] [--only cycle cards]

``BENCH_QUICK=1`` (or ``--quick``): one run of each at small sizes, written to out/bench-quick.json only, for
iterating; the docs keep the last full run's figures.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime

from tests.bench import figures as f
from tests.bench.report import Figure, write_quick, write_reports

ROOT = f.ROOT
GROUPS = ("cold_start", "plan", "cycle", "cards", "card_actions", "workbook", "notifications")
QUICK = {"runs": 1, "cycle_people": [60], "plan_sizes": [1000], "recipients": 60, "action_rate": 50.0,
         "action_seconds": 2.0, "outcomes": 100, "declines": 2}  # fmt: skip


def plan(args: argparse.Namespace) -> dict[str, Callable[[], list[Figure]]]:
    return {
        "cold_start": lambda: f.cold_start_figures(args.runs + 2),
        "plan": lambda: f.plan_figures(args.plan_sizes),
        "cycle": lambda: f.cycle_figures(args.cycle_people, args.runs),
        "cards": lambda: f.card_fanout_figures(args.recipients, args.runs),
        "card_actions": lambda: f.card_action_figures(args.action_rate, args.action_seconds, args.runs),
        "workbook": lambda: f.workbook_figures(args.outcomes, args.runs),
        "notifications": lambda: f.decline_repair_figures(args.declines),
    }


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="WeGrow benchmarks")
    parser.add_argument("--quick", action="store_true", default=os.environ.get("BENCH_QUICK", "") not in ("", "0"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cycle-people", type=int, nargs="+", default=[300])
    parser.add_argument("--plan-sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--recipients", type=int, default=300)
    # offered above the 100/s target: the rate served is actions over the time from the first start to the last answer
    parser.add_argument("--action-rate", type=float, default=110.0)
    parser.add_argument("--action-seconds", type=float, default=5.0)
    parser.add_argument("--outcomes", type=int, default=500)
    parser.add_argument("--declines", type=int, default=10)
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS), help="keep the other figures")
    args = parser.parse_args(argv)
    if args.quick:
        vars(args).update(QUICK)
    return args


def attempt(name: str, run: Callable[[], list[Figure]], tries: int = 2) -> list[Figure] | None:
    """The group's figures; a benchmark child that fails (a loaded machine: a stack that starts too slowly) gets
    one more try, then the group is reported as failed and keeps its earlier figures."""
    for n in range(1, tries + 1):
        started = time.perf_counter()
        try:
            figures = run()
        except subprocess.CalledProcessError as error:
            tail = "\n".join(str(error.stderr or "").splitlines()[-8:])
            print(f"{name}: failed (try {n} of {tries}, exit {error.returncode}):\n{tail}", flush=True)
            continue
        print(f"{name}: done in {time.perf_counter() - started:.0f} s", flush=True)
        return figures
    return None


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    measured: list[Figure] = []
    failed = []
    for name, run in plan(args).items():
        if name in args.only:
            figures = attempt(name, run)
            measured += figures or []
            failed += [] if figures is not None else [name]
    day = datetime.now(UTC).date().isoformat()
    if args.quick:
        print(f"quick run: {write_quick(measured, day, ROOT)} (docs unchanged)")
    else:
        write_reports(measured, day, ROOT, keep_others=bool(failed) or set(args.only) != set(GROUPS))
    for figure in measured:
        print(figure.row())
    if failed:
        print(f"failed: {', '.join(failed)} (their earlier figures are kept)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
