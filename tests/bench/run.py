"""``make bench``: run each benchmark, write out/bench.json (one key per figure) and the Benchmarks section of
docs/performance.md (other sections are kept). Figures are ratios within one run, or counts.

    python -m tests.bench.run [--cycle-people 300 1000 10000] [--plan-sizes 1000 10000 50000] [--only cycle bot]
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime

from tests.bench import figures as f
from tests.bench.report import Figure, write_reports

ROOT = f.ROOT
GROUPS = ("cold_start", "plan", "cycle", "cards", "bot", "workbook", "notifications")


def plan(args: argparse.Namespace) -> dict[str, Callable[[], list[Figure]]]:
    return {
        "cold_start": f.cold_start_figures,
        "plan": lambda: f.plan_figures(args.plan_sizes),
        "cycle": lambda: f.cycle_figures(args.cycle_people),
        "cards": lambda: f.card_fanout_figures(args.recipients),
        "bot": lambda: f.bot_figures(args.clients),
        "workbook": f.workbook_figures,
        "notifications": lambda: f.decline_repair_figures(args.declines),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="WeGrow benchmarks")
    parser.add_argument("--cycle-people", type=int, nargs="+", default=[300, 1000, 10000])
    parser.add_argument("--plan-sizes", type=int, nargs="+", default=[1000, 10000, 50000])
    parser.add_argument("--recipients", type=int, default=300)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--declines", type=int, default=10)
    parser.add_argument("--only", nargs="+", choices=GROUPS, default=list(GROUPS), help="keep the other figures")
    args = parser.parse_args(argv)
    measured: list[Figure] = []
    for name, run in plan(args).items():
        if name in args.only:
            measured += run()
            print(f"{name}: done", flush=True)
    partial = set(args.only) != set(GROUPS)
    write_reports(measured, datetime.now(UTC).date().isoformat(), ROOT, keep_others=partial)
    for figure in measured:
        print(figure.row())


if __name__ == "__main__":
    main()
