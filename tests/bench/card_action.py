"""Card actions (``prep.submit``) on one worker: CPU per action, Table round trips per action, sustained rate.

The worker is ``function_app`` in the local Functions runner (``python -m devstack.functions_host``), tables and
queues on Azurite, anonymous local auth (as tests/bench/bot_latency.py). Three measurements:

- round trips: a runner whose table endpoint is a counting proxy (tests/bench/table_proxy.py) takes a few
  actions one after the other; every request it makes to the table service is counted;
- one client: actions one after the other on a runner talking to Azurite directly (the service time);
- open loop: actions arrive at ``--rate`` per second for ``--seconds`` whatever the answers, latency counted from
  each action's scheduled time (so a stall is not hidden by a client that waits). The worker's CPU (psutil on
  the runner) per action comes from this phase, Azurite's CPU apart.

The runner polls no queue during the measurement (``--poll-interval 600``): in Azure the Functions host, not the
Python worker, watches the queues, and a ``prep.submit`` sends nothing to a queue. Polling the app's queues every
0.5 s cost the local runner about 40 ms of CPU per second, which the worker's CPU per action counted before.

    python -m tests.bench.card_action [--rate 100] [--seconds 5] [--runs 3] [--as-sent]

``--as-sent``: the prep card as the timer sends it (its manager and start, the pair in the directory): the action
also checks the pair and answers with the card rebuilt to edit again. Without it, the card names no manager.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any

import aiohttp

from devstack.azurite import Azurite, connection_string
from tests.bench.bot_latency import client_run, seed_cards, start_host
from tests.bench.cpu import Meter, measured
from tests.bench.stats import percentile
from tests.bench.table_proxy import TableProxy

COUNTED_ACTIONS = 10
ONE_CLIENT_ACTIONS = 40
NO_QUEUE_POLLING = ("--poll-interval", "600")


async def _post(session: aiohttp.ClientSession, url: str, body: dict[str, Any]) -> bool:
    try:
        async with session.post(url, json=body) as response:
            return response.status == 200 and "Saved" in await response.text()
    except aiohttp.ClientError:
        return False


async def open_loop(url: str, bodies: list[dict[str, Any]], rate: float) -> dict[str, Any]:
    """Post ``bodies`` at ``rate`` per second; latency from each one's scheduled start."""
    loop = asyncio.get_running_loop()
    latencies: list[float] = []
    failed = 0
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
        started = loop.time() + 0.2

        async def one(index: int, body: dict[str, Any]) -> None:
            nonlocal failed
            due = started + index / rate
            await asyncio.sleep(max(0.0, due - loop.time()))
            ok = await _post(session, url, body)
            latencies.append(loop.time() - due)
            failed += 0 if ok else 1

        await asyncio.gather(*(one(i, b) for i, b in enumerate(bodies)))
        wall = loop.time() - started
    return {"requests": len(bodies), "errors": failed, "offered_per_s": rate,
            "achieved_per_s": len(bodies) / wall, "p50_ms": statistics.median(latencies) * 1000,
            "p99_ms": percentile(latencies, 0.99) * 1000}  # fmt: skip


async def one_client(url: str, bodies: list[dict[str, Any]]) -> dict[str, float]:
    async with aiohttp.ClientSession() as session:
        timings = await client_run(session, url, bodies)
    seconds = [s for s, _ in timings]
    return {"p50_ms": statistics.median(seconds) * 1000, "p99_ms": percentile(seconds, 0.99) * 1000}


def count_round_trips(azurite: Azurite, as_sent: bool) -> dict[str, Any]:
    """Table requests per action, through the counting proxy (after one warm-up action)."""
    proxy = TableProxy(f"http://127.0.0.1:{azurite.ports['table']}").start()
    plan = seed_cards(azurite.connection_string, 1, COUNTED_ACTIONS, "counted", as_sent)
    process, url = start_host(connection_string(proxy.port, azurite.ports["queue"]), *NO_QUEUE_POLLING)
    try:
        asyncio.run(one_client(url, plan[0][:1]))
        proxy.counts.clear()
        asyncio.run(one_client(url, plan[1]))
        return {"per_action": proxy.total() / COUNTED_ACTIONS, "operations": dict(proxy.counts)}
    finally:
        process.terminate()
        process.wait(timeout=10)
        proxy.stop()


def measure_runs(azurite: Azurite, rate: float, seconds: float, runs: int, as_sent: bool) -> list[dict[str, Any]]:
    per_run = max(1, int(rate * seconds))
    # one card per person: 100 actions a second come from 100 people (one person's cards at once race on their agenda)
    plans = [seed_cards(azurite.connection_string, per_run, 1, f"run{n}", as_sent) for n in range(runs)]
    singles = seed_cards(azurite.connection_string, ONE_CLIENT_ACTIONS * runs, 1, "alone", as_sent)[1:]
    alone = [body for person in singles for body in person]  # one card each: no agenda fills up and refuses
    process, url = start_host(azurite.connection_string, *NO_QUEUE_POLLING)
    results = []
    try:
        asyncio.run(one_client(url, plans[0][0][:2]))  # the cold first request is not measured
        for n, plan in enumerate(plans):
            bodies = [body for client in plan[1:] for body in client][:per_run]
            client_cpu = time.process_time()  # the load generator shares the cores too
            with measured(Meter(worker_pid=process.pid)) as cpu:
                loaded = asyncio.run(open_loop(url, bodies, rate))
            client_cpu = time.process_time() - client_cpu
            served = max(loaded["requests"] - loaded["errors"], 1)
            chunk = alone[n * ONE_CLIENT_ACTIONS : (n + 1) * ONE_CLIENT_ACTIONS]
            results.append({**loaded, "worker_cpu_ms_per_action": cpu[0].worker_s * 1000 / served,
                            "azurite_cpu_ms_per_action": cpu[0].emulators_s * 1000 / served,
                            "client_cpu_ms_per_action": client_cpu * 1000 / served,
                            "one_client": asyncio.run(one_client(url, chunk))})  # fmt: skip
    finally:
        process.terminate()
        process.wait(timeout=10)
    return results


def start_azurite(attempts: int = 3) -> Azurite:
    """Azurite, started again when node takes longer than its 20 s to open a port (a loaded machine)."""
    for attempt in range(attempts):
        azurite = Azurite()
        try:
            return azurite.start()
        except TimeoutError:
            azurite.stop()
            if attempt == attempts - 1:
                raise
    raise AssertionError("unreachable")


def run(rate: float, seconds: float, runs: int, as_sent: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    azurite = start_azurite()  # started already: ``with`` would start a second pair and leave this one running
    try:
        trips = count_round_trips(azurite, as_sent)
        results = measure_runs(azurite, rate, seconds, runs, as_sent)
    finally:
        azurite.stop()
    card = "as sent (manager, start, pair)" if as_sent else "no manager (no pair check)"
    return {"card": card, "table_round_trips": trips, "runs": results, "seconds": time.perf_counter() - started}


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100.0)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--as-sent", action="store_true", help="the card as the timer sends it (see above)")
    args = parser.parse_args()
    print(json.dumps(run(args.rate, args.seconds, args.runs, args.as_sent)))
