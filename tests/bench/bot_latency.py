"""Bot endpoint latency: Action.Execute (``prep.submit``) at 50 concurrent clients, on loopback.

The app is ``function_app`` served by the local Functions runner (``python -m devstack.functions_host``) with
tables on Azurite (in memory), anonymous local auth (``WEGROW_ENV=local``, ``WEGROW_BOT_AUTH=anonymous``: JWT
validation is covered by tests/integration/test_bot_endpoint.py, not timed here). Each client submits its own
prep cards one after the other; a submission validates the card's owner, stores the agenda items, marks the
card submitted and answers with the updated card (four Table storage calls). The cold first request is taken
before the clock starts. The same is then measured with one client alone: the service time without queueing.

    python -m tests.bench.bot_latency [--clients 50] [--requests 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from devstack.azurite import Azurite, free_port
from shared.services.card_records import CardKind, CardRecord, CardStatus, card_id, insert_card, mark_sent

ROOT = Path(__file__).resolve().parents[2]
BOT = "00000000-0000-0000-0000-000000000000"
TENANT = "00000000-0000-0000-0000-0000000000aa"  # the local stack's WEGROW_TENANT_ID (devstack/stack.py)


def action(user: str, card: str) -> dict[str, Any]:
    data = {"cardId": card, "newMicroNeed": f"Pairing with SRE ({card[:6]})", "wantsCoach": "false"}
    return {
        "type": "invoke",
        "name": "adaptiveCard/action",
        "id": f"act-{card[:8]}",
        "channelId": "msteams",
        "serviceUrl": "http://127.0.0.1/",
        "from": {"id": f"29:{user}", "aadObjectId": user, "name": user},
        "recipient": {"id": f"28:{BOT}", "name": "WeGrow"},
        "conversation": {"id": f"a:{user}", "conversationType": "personal", "tenantId": TENANT},
        "channelData": {"tenant": {"id": TENANT}},
        "value": {"action": {"type": "Action.Execute", "verb": "prep.submit", "data": data}, "trigger": "manual"},
    }


def seed_cards(
    connection: str, clients: int, requests: int, tag: str, as_sent: bool = False
) -> list[list[dict[str, Any]]]:
    """One prep card per request, sent to the client's user; the bodies each client will post, in order.

    ``as_sent``: the card as the timer sends it, with its manager and the conversation's start (a week ahead), and
    the two people and their pair in the directory, so an action checks the pair and answers with the card to edit
    again. Without it the card names no manager: no pair check, and a short "saved" answer.
    """
    from azure.data.tables import TableServiceClient

    from shared.adapters.storage.tables import TableStore
    from tests.unit.test_outcomes_world import seed_pair

    store = TableStore(TableServiceClient.from_connection_string(connection))
    start = (datetime.now(UTC) + timedelta(days=7)).isoformat()
    plan: list[list[dict[str, Any]]] = []
    for c in range(clients + 1):  # the extra one warms the app up
        user = f"bench-{tag}-{c:03d}"
        ids = {"managerId": f"{user}-mgr", "start": start} if as_sent else {}
        if as_sent:
            seed_pair(store, f"{user}-mgr", user)
        bodies = []
        for r in range(requests):
            occurrence = f"occ-{tag}-{c:03d}-{r:03d}"
            record = CardRecord(card_id(occurrence, CardKind.PREP), CardKind.PREP, occurrence, user, user,
                                CardStatus.PENDING, ids)  # fmt: skip
            mark_sent(store, insert_card(store, record), datetime.now(UTC))  # as the send path leaves it
            bodies.append(action(user, record.card_id))
        plan.append(bodies)
    return plan


Timings = list[tuple[float, bool]]


async def client_run(session: aiohttp.ClientSession, url: str, bodies: list[dict[str, Any]]) -> Timings:
    results: Timings = []
    for body in bodies:
        started = time.perf_counter()
        try:
            async with session.post(url, json=body) as response:
                text = await response.text()
                ok = response.status == 200 and "Saved" in text
        except aiohttp.ClientError:
            ok = False
        results.append((time.perf_counter() - started, ok))
    return results


async def load(url: str, plan: list[list[dict[str, Any]]]) -> dict[str, Any]:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        warm = await client_run(session, url, plan[0][:1])
        started = time.perf_counter()
        runs = await asyncio.gather(*(client_run(session, url, bodies) for bodies in plan[1:]))
        wall = time.perf_counter() - started
    latencies = sorted(s for run in runs for s, _ in run)
    errors = sum(1 for run in runs for _, ok in run if not ok)
    p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
    return {"clients": len(plan) - 1, "requests": len(latencies), "errors": errors, "cold_first_ms": warm[0][0] * 1000,
            "p50_ms": statistics.median(latencies) * 1000, "p99_ms": p99 * 1000,
            "throughput_per_s": len(latencies) / wall}  # fmt: skip


def start_host(connection: str, *options: str) -> tuple[subprocess.Popen[str], str]:
    """The local Functions runner on ``connection``; ``options`` go to ``devstack.functions_host``."""
    port = free_port()
    env = {**os.environ, "WEGROW_ENV": "local", "WEGROW_BOT_AUTH": "anonymous", "WEGROW_STORAGE_CONNECTION": connection,
           "WEGROW_TENANT_ID": TENANT, "PYTHONUNBUFFERED": "1"}  # fmt: skip
    profile = os.environ.get("WEGROW_BENCH_PROFILE")  # a path: run the host under pyinstrument, text report there
    profiler = ["-m", "pyinstrument", "-r", "text", "-o", profile] if profile else []
    if profile and profile.endswith(".prof"):  # cProfile's stats instead (pstats), every function's own time
        profiler = ["-m", "cProfile", "-o", profile]
    host = ["-m", "devstack.functions_host", "--port", str(port), "--no-schedule", *options]
    command = [sys.executable, *profiler, *host]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("ready "):
        process.terminate()
        raise RuntimeError(f"functions host did not start: {line!r}")
    return process, line.removeprefix("ready ") + "/api/messages"


def run(clients: int, requests: int) -> dict[str, Any]:
    """``clients`` concurrent clients, then one client alone (the service time without queueing)."""
    with Azurite() as azurite:
        plan = seed_cards(azurite.connection_string, clients, requests, "many")
        alone = seed_cards(azurite.connection_string, 1, 50, "alone")
        process, url = start_host(azurite.connection_string)
        try:
            figures = asyncio.run(load(url, plan))
            return {**figures, "one_client": asyncio.run(load(url, alone))}
        finally:
            process.terminate()
            process.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=10)
    args = parser.parse_args()
    print(json.dumps(run(args.clients, args.requests)))
