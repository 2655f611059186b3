"""Each benchmark's figures for ``make bench``: a benchmark runs in a child process and prints JSON last."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.bench import cold_start, plan_scale
from tests.bench.report import Figure

ROOT = Path(__file__).resolve().parents[2]


def child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` and parse the JSON it prints last (one line, or an indented block)."""
    command = [sys.executable, "-m", module, *args]
    lines = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("{"))
    return dict(json.loads("\n".join(lines[start:])))


def cold_start_figures() -> list[Figure]:
    r = cold_start.measure()
    cmd = "python -m tests.bench.cold_start"
    return [
        Figure("cold_start_extra_s", r["extra_s"], "<= 1.0", cmd, f"import + first bot turn ({r['first_status']})"),
        Figure("cold_start_unauthenticated_extra_s", r["unauthenticated_extra_s"], "report", cmd,
               f"import + first request without a token ({r['unauthenticated_status']})"),
    ]  # fmt: skip


def plan_figures(sizes: list[int]) -> list[Figure]:
    rows = [plan_scale.measure(n) for n in sizes]
    base = rows[0]
    cmd = "python -m tests.bench.run --plan-sizes " + " ".join(map(str, sizes))
    figures = []
    for row in rows:
        n = row["people"]
        for kind in ("plan", "dry_run"):
            per_pair = row[f"{kind}_us_per_pair"]
            figures.append(Figure(f"{kind}_us_per_pair_{n}", per_pair, "report", cmd, f"{row['pairs']:,} pairs"))
            growth = per_pair / base[f"{kind}_us_per_pair"]
            figures.append(Figure(f"{kind}_cost_growth_{n}", growth, "~1 (linear)", cmd, f"per pair vs {sizes[0]:,}"))
    return figures


def cycle_figures(sizes: list[int]) -> list[Figure]:
    figures, base = [], None
    for people in sizes:
        r = child("tests.bench.cycle", "--people", str(people))
        cmd, size = f"python -m tests.bench.cycle --people {people}", f"{r['pairs']:,} pairs"
        per_pair_ms = r["wall_s"] / max(r["pairs"], 1) * 1000
        base = base or per_pair_ms
        figures += [
            Figure(f"cycle_wall_over_lower_bound_{people}", r["wall_over_bound"], "<= 1.5", cmd, f"first, {size}"),
            Figure(f"cycle_round_trips_per_pair_{people}", r["round_trips_per_pair"], "<= 0.5", cmd, size),
            Figure(f"rerun_round_trips_per_pair_{people}", r["rerun_round_trips_per_pair"], "<= 0.02", cmd, size),
            Figure(f"cycle_ms_per_pair_{people}", per_pair_ms, "report", cmd, f"wall; growth {per_pair_ms / base:.2f}"),
            Figure(f"cycle_peak_rss_mib_{people}", r["peak_rss_mib"], "report", cmd, "worker + in-thread emulator"),
        ]
    return figures


def card_fanout_figures(recipients: int) -> list[Figure]:
    r = child("tests.bench.card_fanout", "--recipients", str(recipients))
    cmd = f"python -m tests.bench.card_fanout --recipients {recipients}"
    first, warm = r["first"], r["warm"]
    throttled = first["connector"]["throttled"] + warm["connector"]["throttled"]
    return [
        Figure("card_fanout_fraction_of_limit", warm["fraction_of_limit"], ">= 0.9", cmd,
               f"{recipients} cards, stored conversations, limit {r['global_rps']}/s"),
        Figure("card_fanout_first_fraction_of_limit", first["fraction_of_limit"], ">= 0.9", cmd,
               "first cards: opening the conversation + the card, both under the limit"),
        Figure("card_fanout_429s", throttled, "0", cmd, "connector 429 answers, both passes"),
    ]  # fmt: skip


def bot_figures(clients: int) -> list[Figure]:
    r = child("tests.bench.bot_latency", "--clients", str(clients))
    cmd, alone = f"python -m tests.bench.bot_latency --clients {clients}", r["one_client"]
    load = f"{r['requests']} prep.submit, {clients} clients, {r['throughput_per_s']:.0f}/s"
    return [
        Figure("bot_p50_ms", r["p50_ms"], "report", cmd, load),
        Figure("bot_p99_ms", r["p99_ms"], "<= 50", cmd, load),
        Figure("bot_errors", r["errors"], "0", cmd, load),
        Figure("bot_one_client_p50_ms", alone["p50_ms"], "report", cmd, f"{alone['requests']} requests, one client"),
        Figure("bot_one_client_p99_ms", alone["p99_ms"], "report", cmd, f"{alone['requests']} requests, one client"),
    ]


def workbook_figures() -> list[Figure]:
    r = child("tests.bench.workbook_export")
    cmd, first, retry = "python -m tests.bench.workbook_export", r["first_export"], r["retried_export"]
    return [
        Figure("workbook_export_round_trips", first["round_trips"], f"<= {first['rows'] // 500}", cmd,
               f"first export, {first['rows']:,} rows"),
        Figure("workbook_retry_round_trips", retry["round_trips"], f"<= {retry['rows'] // 500}", cmd,
               f"retried export, {retry['rows']:,} rows already there"),
    ]  # fmt: skip


def decline_repair_figures(declines: int) -> list[Figure]:
    r = child("tests.bench.decline_repair", "--declines", str(declines))
    cmd = f"python -m tests.bench.decline_repair --declines {declines}"
    poll = f"poll: every {r['poll_interval_days']} days, backstop every {r['backstop_interval_days']} days"
    note = f"{declines} declines, notifications; {poll}"
    return [
        Figure("decline_to_repair_median_s", r["median_s"], "<= 60", cmd, note),
        Figure("decline_to_repair_p95_s", r["p95_s"], "<= 60", cmd, note),
    ]
