"""Each benchmark's figures for ``make bench``: a benchmark runs in a child process and prints JSON last.

A figure measured ``runs`` times is the median of the runs, with their spread (tests/bench/stats.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench import cold_start, plan_scale
from tests.bench.report import Figure

ROOT = Path(__file__).resolve().parents[2]
BUSY_CORE_BOUND_S = 900  # the fan-out's busy loop ends with the run, and after this at the latest


def child(module: str, *args: str) -> dict[str, Any]:
    """Run ``python -m module args`` and parse the JSON it prints last (one line, or an indented block)."""
    command = [sys.executable, "-m", module, *args]
    lines = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True).stdout.splitlines()
    start = max(i for i, line in enumerate(lines) if line.startswith("{"))
    return dict(json.loads("\n".join(lines[start:])))


def repeated(runs: int, module: str, *args: str) -> list[dict[str, Any]]:
    return [child(module, *args) for _ in range(runs)]


def over(rows: list[dict[str, Any]], pick: Callable[[dict[str, Any]], float]) -> list[float]:
    return [float(pick(row)) for row in rows]


def cold_start_figures(runs: int) -> list[Figure]:
    r = cold_start.measure(runs)
    cmd = f"python -m tests.bench.cold_start --runs {runs}"
    return [
        Figure.over_runs("cold_start_extra_cpu_s", r["extra_cpu_runs_s"], "<= 0.5", cmd,
                         f"CPU: import + first bot turn ({r['first_status']}) over a bare `import azure.functions`"),
        Figure("cold_start_extra_s", r["extra_s"], "report", cmd, "wall, median; moves with machine load"),
        Figure("cold_start_unauthenticated_extra_cpu_s", r["unauthenticated_extra_cpu_s"], "report", cmd,
               f"CPU: import + first request without a token ({r['unauthenticated_status']})"),
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


def cycle_figures(sizes: list[int], runs: int) -> list[Figure]:
    figures = []
    for people in sizes:
        rows = repeated(runs, "tests.bench.cycle", "--people", str(people))
        cmd, size = f"python -m tests.bench.cycle --people {people}", f"{rows[0]['pairs']:,} pairs"
        wall_ms = over(rows, lambda r: r["wall_s"] / max(r["pairs"], 1) * 1000)
        figures += [
            Figure.over_runs(f"cycle_cpu_ms_per_pair_{people}", over(rows, lambda r: r["first_cpu_ms_per_pair"]),
                             "<= 10", cmd, f"worker CPU, first cycle, {size}"),
            Figure.over_runs(f"rerun_cpu_ms_per_pair_{people}", over(rows, lambda r: r["rerun_cpu_ms_per_pair"]),
                             "<= 1", cmd, f"worker CPU, unchanged re-run, {size}"),
            Figure.over_runs(f"cycle_emulator_cpu_ms_per_pair_{people}",
                             over(rows, lambda r: r["emulator_cpu_ms_per_pair"]), "report", cmd,
                             "Graph emulator process CPU, both cycles"),
            Figure.over_runs(f"cycle_storage_cpu_ms_per_pair_{people}",
                             over(rows, lambda r: r.get("storage_cpu_ms_per_pair", 0.0)), "report", cmd,
                             "Azurite processes' CPU, both cycles"),
            Figure.over_runs(f"cycle_storage_calls_per_pair_{people}",
                             over(rows, lambda r: r.get("storage_calls_per_pair", 0.0)), "report", cmd,
                             "Table and Queue calls per pair, first cycle"),
            Figure.over_runs(f"cycle_wall_over_lower_bound_{people}", over(rows, lambda r: r["wall_over_bound"]),
                             "<= 1.5", cmd, f"first + re-run, {size}"),
            Figure(f"cycle_round_trips_per_pair_{people}", rows[0]["round_trips_per_pair"], "<= 0.5", cmd, size),
            Figure(f"rerun_round_trips_per_pair_{people}", rows[0]["rerun_round_trips_per_pair"], "<= 0.02", cmd, size),
            Figure.over_runs(f"cycle_ms_per_pair_{people}", wall_ms, "report", cmd, "wall, first + re-run"),
            Figure.over_runs(f"cycle_peak_rss_mib_{people}", over(rows, lambda r: r["peak_rss_mib"]), "report", cmd,
                             "worker only (the emulator is its own process)"),
        ]  # fmt: skip
    return figures


def card_fanout_figures(recipients: int, runs: int) -> list[Figure]:
    args = ("--recipients", str(recipients), "--busy-core-s", str(BUSY_CORE_BOUND_S))
    rows = repeated(runs, "tests.bench.card_fanout", *args)
    cmd = "python -m tests.bench.card_fanout " + " ".join(args)
    limit, busy = f"limit {rows[0]['global_rps']}/s", "one core busy"
    throttled = max(r["first"]["connector"]["throttled"] + r["warm"]["connector"]["throttled"] for r in rows)
    return [
        Figure.over_runs("card_cpu_ms_per_card_first", over(rows, lambda r: r["first"]["worker_cpu_ms_per_card"]),
                         "<= 5", cmd, "worker CPU, first card: app install + conversation + send"),
        Figure.over_runs("card_cpu_ms_per_card", over(rows, lambda r: r["warm"]["worker_cpu_ms_per_card"]),
                         "<= 5", cmd, "worker CPU, later cards (stored conversation)"),
        Figure.over_runs("card_emulators_cpu_ms_per_card",
                         over(rows, lambda r: r["first"]["emulators_cpu_ms_per_card"]), "report", cmd,
                         "Graph and connector emulators and Azurite, first pass"),
        Figure.over_runs("card_azurite_cpu_ms_per_card",
                         over(rows, lambda r: r["first"].get("azurite_cpu_ms_per_card", 0.0)), "report", cmd,
                         "Azurite processes alone, first pass"),
        Figure.over_runs("card_table_requests_per_card",
                         over(rows, lambda r: r["warm"].get("table_requests_per_card", 0.0)), "report", cmd,
                         "Table requests per later card (first cards: one more, the stored conversation)"),
        Figure.over_runs("card_table_waits_per_card",
                         over(rows, lambda r: r["warm"].get("table_waits_per_card", 0.0)), "report", cmd,
                         "Table waits per later card: a request alone, or several sent at once"),
        Figure.over_runs("card_fanout_fraction_of_limit", over(rows, lambda r: r["warm"]["fraction_of_limit"]),
                         ">= 0.9", cmd, f"{recipients} cards, stored conversations, {limit}, {busy}"),
        Figure.over_runs("card_fanout_first_fraction_of_limit",
                         over(rows, lambda r: r["first"]["fraction_of_limit"]), ">= 0.9", cmd,
                         f"first cards: opening the conversation + the card, {busy}"),
        Figure("card_fanout_429s", throttled, "0", cmd, "connector 429 answers, both passes, worst run"),
        late_year_card_figure(recipients // 2, LATE_YEAR_HISTORY),
    ]  # fmt: skip


LATE_YEAR_HISTORY = 13  # fortnightly conversations held (each with an outcome) and as many scheduled: half a year


def late_year_card_figure(recipients: int, history: int) -> Figure:
    """A later card when each pair already holds half a year of conversations and outcomes (one run: a report)."""
    args = ("--recipients", str(recipients), "--history", str(history))
    row = child("tests.bench.card_fanout", *args)
    cmd = "python -m tests.bench.card_fanout " + " ".join(args)
    note = f"worker CPU, later cards, {history} conversations held (each with an open action) and {history} ahead"
    return Figure("card_cpu_ms_per_card_late_year", float(row["warm"]["worker_cpu_ms_per_card"]), "report", cmd, note)


def card_action_figures(rate: float, seconds: float, runs: int) -> list[Figure]:
    r = child("tests.bench.card_action", "--rate", str(rate), "--seconds", str(seconds), "--runs", str(runs))
    cmd = f"python -m tests.bench.card_action --rate {rate:g} --seconds {seconds:g} --runs {runs}"
    rows, trips = r["runs"], r["table_round_trips"]
    load = f"prep.submit offered at {rate:g}/s for {seconds:g} s, one worker"
    operations = ", ".join(f"{k.split(' /devstoreaccount1/')[0]} {k.split('/')[-1]} x{v}"
                           for k, v in sorted(trips["operations"].items()))  # fmt: skip
    return [
        Figure.over_runs("card_action_cpu_ms", over(rows, lambda x: x["worker_cpu_ms_per_action"]), "<= 5", cmd,
                         f"worker (Functions host) CPU per action; {load}"),
        Figure("card_action_table_round_trips", trips["per_action"], "<= 2", cmd, f"per action: {operations}"),
        Figure.over_runs("card_action_rate_per_s", over(rows, lambda x: x["achieved_per_s"]), ">= 100", cmd, load),
        Figure.over_runs("card_action_p99_ms", over(rows, lambda x: x["p99_ms"]), "<= 250", cmd,
                         f"{load}; from each action's scheduled time"),
        Figure.over_runs("card_action_p50_ms", over(rows, lambda x: x["p50_ms"]), "report", cmd, load),
        Figure("card_action_errors", sum(x["errors"] for x in rows), "0", cmd, "all runs"),
        Figure.over_runs("card_action_one_client_p50_ms", over(rows, lambda x: x["one_client"]["p50_ms"]), "report",
                         cmd, "one client, one action after the other (the service time)"),
        Figure.over_runs("card_action_azurite_cpu_ms", over(rows, lambda x: x["azurite_cpu_ms_per_action"]),
                         "report", cmd, "Azurite processes' CPU per action"),
        *card_as_sent_figures(rate, seconds, runs),
    ]  # fmt: skip


def card_as_sent_figures(rate: float, seconds: float, runs: int) -> list[Figure]:
    """The same bench on the card as the timer sends it: the pair check and the card rebuilt in the answer."""
    args = ("--rate", str(rate), "--seconds", str(seconds), "--runs", str(runs), "--as-sent")
    r = child("tests.bench.card_action", *args)
    cmd = f"python -m tests.bench.card_action --rate {rate:g} --seconds {seconds:g} --runs {runs} --as-sent"
    rows, trips = r["runs"], r["table_round_trips"]
    operations = ", ".join(f"{k.split(' /devstoreaccount1/')[0]} {k.split('/')[-1]} x{v}"
                           for k, v in sorted(trips["operations"].items()))  # fmt: skip
    card = "the card as sent (manager, start): pair check and the editable card in the answer"
    return [
        Figure.over_runs("card_action_as_sent_cpu_ms", over(rows, lambda x: x["worker_cpu_ms_per_action"]), "report",
                         cmd, f"worker CPU per action; {card}"),
        Figure("card_action_as_sent_table_round_trips", trips["per_action"], "report", cmd, f"{card}: {operations}"),
        Figure.over_runs("card_action_as_sent_p99_ms", over(rows, lambda x: x["p99_ms"]), "report", cmd,
                         f"offered {rate:g}/s; {card}"),
    ]  # fmt: skip


def workbook_figures(outcomes: int, runs: int) -> list[Figure]:
    rows = repeated(runs, "tests.bench.workbook_export", "--outcomes", str(outcomes))
    cmd, first, retry = f"python -m tests.bench.workbook_export --outcomes {outcomes}", rows[0]["first_export"], \
        rows[0]["retried_export"]  # fmt: skip
    return [
        Figure.over_runs("workbook_cpu_ms_per_row", over(rows, lambda r: r["first_export"]["worker_cpu_ms_per_row"]),
                         "report", cmd, f"worker CPU, first export, {first['rows']:,} rows"),
        Figure.over_runs("workbook_emulator_cpu_ms_per_row",
                         over(rows, lambda r: r["first_export"]["emulator_cpu_ms_per_row"]), "report", cmd,
                         "Graph emulator process CPU, first export"),
        Figure("workbook_export_round_trips", first["round_trips"], f"<= {max(first['rows'] // 500, 3)}", cmd,
               f"first export, {first['rows']:,} rows"),
        Figure("workbook_retry_round_trips", retry["round_trips"], f"<= {max(retry['rows'] // 500, 3)}", cmd,
               f"retried export: {retry['rows']:,} rows appended or skipped"),
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
