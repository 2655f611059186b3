"""Card fan-out on the real send path: prep cards to many people through the ``send-card`` handler.

The path is the production one: ``card_queue.handle_send_card`` (what the trigger runs: the run record, ops
telemetry) -> ``card_delivery.deliver_card`` -> ``send_cards.send_card`` (one shared
``CardRateLimiter``, as the container keeps one per worker) -> ``TeamsMessenger`` (Agents SDK) against
``python -m devstack.connector_emulator`` (per-conversation windows and the global per-app limit on), with the
Teams app installed through ``python -m devstack.graph_emulator`` (latency on). Messages are handled
``CONCURRENCY`` at a time, as the Functions host runs a queue trigger's batch (host.json ``batchSize`` 16).

Two passes over the same recipients: a first card (install + open the conversation + send) and a second
card (the stored conversation: send only). The figure is connector operations accepted per second over the
connector's configured per-app limit; opening a conversation counts against that limit like a message. Graph
HTTP round trips per card (``$batch`` POSTs and the catalog lookup) are counted by the emulator.

Tables are the product's ``TableStore`` on Azurite in its own processes (issue 20: the worker's own CPU, with the
Table client's share in it); ``--store memory`` swaps in the in-memory fake, to see what storage costs. The Table
requests per card sent are counted by method and table (``table_requests``; none with ``--store memory``), and
the wall time they took (``table_wait_ms_per_card``: the Store is synchronous and the send path calls it on the
event loop, so every card in flight waits that long).
The cards are delivered with the dependencies the container gives the ``send-card`` trigger
(``shared.container.cards.card_deps_from``): the recipient's language is read per card, and the channel is Teams
(no email sender configured, so the channel costs no read).

The worker's CPU per card sent (this process: the services, the Table client, the Agents SDK, msgraph-sdk) is
measured per pass, and the emulators' CPU apart (Graph, connector, Azurite; ``azurite_cpu_ms_per_card`` alone).
With ``--busy-core-s`` a bounded busy loop takes one of the cores meanwhile, so the figure shows whether fan-out
keeps the connector's limit busy on a worker with less than a core to itself.

    python -m tests.bench.card_fanout --recipients 300 [--busy-core-s 600] [--store memory] [--profile f.prof]

``--profile FILE`` runs the first pass (``--profile-pass warm``: the later one) under cProfile on process time and
writes its stats to FILE (read them with ``pstats``); the profiler roughly doubles that pass's CPU, so read its
shares, not its figures.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from devstack.connector_emulator.client import ConnectorEmulatorClient
from shared.adapters.config_file import load_company_config
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.retry import RetryStats
from shared.adapters.graph.teamwork import GraphTeamsInstaller, InstallRefused
from shared.adapters.storage.tables import TableStore
from shared.adapters.teams.agent import connection_manager
from shared.adapters.teams.http import FunctionsAdapter
from shared.adapters.teams.messenger import TeamsMessenger
from shared.config import load_settings
from shared.container.cards import render_kind
from shared.domain.people import Person
from shared.ports.storage import Store
from shared.ports.telemetry import NullEvents
from shared.services.card_channels import channel_for
from shared.services.card_delivery import CardDeps
from shared.services.card_queue import handle_send_card
from shared.services.card_rate import CardRateLimiter
from shared.services.card_records import CardKind
from shared.services.due_cards import DueCard, occurrence_key
from shared.services.languages import language_for
from shared.services.scheduling_records import PEOPLE, PEOPLE_PARTITION, person_row
from tests.bench.card_action import start_azurite
from tests.bench.cpu import Meter, busy_core, child_pids, cpu_of, measured
from tests.contract.test_graph_adapter_support import FAST_POLICY
from tests.fakes.storage import InMemoryStore
from tests.fixtures.graph import GraphEmulator, start_emulator, stop_emulator
from tests.integration.test_send_cards_support import START, TEAMS_APP, FixedClock

ROOT = Path(__file__).resolve().parents[2]
CONCURRENCY = 16
GLOBAL_RPS = 30
GRAPH_LATENCY_MS = 50
CONNECTOR_LATENCY_MS = 20


@dataclass
class Tables:
    """The store the worker writes to, the Table requests it sent (by method and table), Azurite's processes."""

    store: Store
    requests: Counter[str] = field(default_factory=Counter)
    azurite_pids: frozenset[int] = frozenset()
    # wall time spent in Table requests, and the waits (a request alone, or several sent at once)
    waited_s: list[float] = field(default_factory=lambda: [0.0, 0.0])

    def clear(self) -> None:
        self.requests.clear()
        self.waited_s[:] = [0.0, 0.0]

    def azurite_cpu_s(self) -> float:
        return sum(cpu_of(self.azurite_pids).values())


def counting(store: TableStore, requests_by: Counter[str], waited_s: list[float]) -> TableStore:
    """``store`` with every request it sends counted by method and table (at its HTTP client's entry points: one
    request, or several at once), and the wall time they took added up (module docstring)."""
    http = store._http  # the bench counts what goes on the wire; the product has no hook for it
    send = http.request

    def request(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> Any:
        requests_by[f"{method} {re.split(r'[(?]', path.lstrip('/'), maxsplit=1)[0]}"] += 1
        started = time.perf_counter()
        try:
            return send(method, path, body, headers)
        finally:
            waited_s[0] += time.perf_counter() - started
            waited_s[1] += 1

    at_once = http.at_once

    def sent_at_once(requests: Sequence[Any]) -> Any:  # several requests, one wait: each counted, the wait once
        for method, path, _, _ in requests:
            requests_by[f"{method} {re.split(r'[(?]', path.lstrip('/'), maxsplit=1)[0]}"] += 1
        started = time.perf_counter()
        try:
            return at_once(requests)
        finally:
            waited_s[0] += time.perf_counter() - started
            waited_s[1] += 1

    http.request = request  # type: ignore[method-assign]
    http.at_once = sent_at_once  # type: ignore[method-assign]
    return store


@contextmanager
def tables(kind: str) -> Iterator[Tables]:
    """``azurite``: the product's TableStore on Azurite (its own processes); ``memory``: the in-memory fake."""
    if kind == "memory":
        yield Tables(InMemoryStore())
        return
    from azure.data.tables import TableServiceClient

    before = child_pids()
    azurite = start_azurite()
    try:
        requests: Counter[str] = Counter()
        waited_s = [0.0, 0.0]
        service = TableServiceClient.from_connection_string(azurite.connection_string)
        yield Tables(
            counting(TableStore(service), requests, waited_s), requests, frozenset(child_pids() - before), waited_s
        )
    finally:
        azurite.stop()


def pairs_from(tenant: dict[str, Any], count: int) -> list[tuple[Person, Person]]:
    """(employee, manager) for ``count`` enabled employees whose manager is enabled too."""
    rows = [p for p in tenant["people"] if p["accountEnabled"]]
    by_id = {p["id"]: p for p in rows}
    chosen = [p for p in rows if p.get("managerId") in by_id][:count]

    def person(p: dict[str, Any], manager_id: str | None) -> Person:
        upn = p["userPrincipalName"].lower()
        mail = str(p.get("mail") or "").lower()
        return Person(id=p["id"], upn=upn, display_name=p["displayName"], manager_id=manager_id, mail=mail)

    return [(person(p, p["managerId"]), person(by_id[p["managerId"]], None)) for p in chosen]


@asynccontextmanager
async def sender(graph_url: str, connector_url: str, store: Store) -> AsyncIterator[CardDeps]:
    settings = load_settings(
        storage_connection="UseDevelopmentStorage=true", graph_base_url=graph_url, connector_url=connector_url
    )
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    installer = GraphTeamsInstaller(client, TEAMS_APP, policy=FAST_POLICY, stats=RetryStats())
    limiter = CardRateLimiter(global_rate=GLOBAL_RPS)
    messenger = TeamsMessenger(
        FunctionsAdapter(connection_manager(settings)),
        installer,
        store,
        bot_app_id=settings.bot_app_id,
        service_url=connector_url,
        tenant_id="00000000-0000-4000-8000-00000000e111",
        refused=(InstallRefused,),
        open_slot=limiter.app_slot,
    )
    clock = FixedClock(START - timedelta(days=2))
    config = load_company_config(None)
    try:
        yield CardDeps(
            store, messenger, clock, limiter, config, render_kind,
            language_of=lambda person: language_for(store, person, config.default_language),
            channel_of=lambda person: channel_for(store, config, person, email_available=False),
        )  # fmt: skip
    finally:
        await aclose_graph_client(client)


async def fan_out(deps: CardDeps, bodies: Sequence[dict[str, Any]]) -> tuple[float, dict[str, int]]:
    """Deliver every body, ``CONCURRENCY`` at a time; (seconds, results by name)."""
    gate = asyncio.Semaphore(CONCURRENCY)
    results: dict[str, int] = {}

    async def one(body: dict[str, Any]) -> None:
        async with gate:
            try:
                name = await handle_send_card(deps.store, deps.clock, lambda: (deps, NullEvents()), body, 1)
            except Exception as error:  # counted, never hidden
                name = f"error:{type(error).__name__}"
            results[name] = results.get(name, 0) + 1

    started = time.perf_counter()
    await asyncio.gather(*(one(b) for b in bodies))
    return time.perf_counter() - started, results


def _bodies(pairs: Sequence[tuple[Person, Person]], event: str) -> list[dict[str, Any]]:
    return [
        DueCard(CardKind.PREP, occurrence_key(f"{event}-{e.id}"), e.id, e.id, m.id, START).message() for e, m in pairs
    ]


async def measure_on(
    graph: GraphEmulator,
    connector: ConnectorEmulatorClient,
    recipients: int,
    storage: Tables,
    exclude: frozenset[int] = frozenset(),
    profile: str | None = None,
    profile_pass: str = "first",
    history: int = 0,
) -> dict[str, Any]:
    store = storage.store
    pairs = pairs_from(graph.tenant(), recipients)
    for employee, manager in pairs:
        for person in (employee, manager):
            store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, person_row(person))
    if history:
        seed_history(store, pairs, history)
    figures: dict[str, Any] = {"recipients": len(pairs), "global_rps": GLOBAL_RPS, "concurrency": CONCURRENCY}
    async with sender(graph.base_url, connector.url, store) as deps:
        for name, event in (("first", "week-1"), ("warm", "week-2")):
            before, graph_before = connector.log(), graph.log()["http_round_trips"]
            profiler = cProfile.Profile(time.process_time) if profile and name == profile_pass else None
            storage.clear()
            azurite_before = storage.azurite_cpu_s()
            with measured(Meter(exclude=exclude)) as cpu, profiler or nullcontext():
                seconds, results = await fan_out(deps, _bodies(pairs, event))
            azurite_s = storage.azurite_cpu_s() - azurite_before
            if profiler is not None and profile:
                profiler.dump_stats(profile)
            after, graph_trips = connector.log(), graph.log()["http_round_trips"] - graph_before
            delta = {k: after[k] - before.get(k, 0) for k in after}
            operations = delta["accepted"] + delta["conversations"]
            sent = max(results.get("sent", 0), 1)
            figures[name] = {"seconds": seconds, "results": results, "connector": delta,
                             "ops_per_s": operations / seconds, "messages_per_s": len(pairs) / seconds,
                             "fraction_of_limit": operations / seconds / GLOBAL_RPS,
                             "graph_round_trips_per_card": graph_trips / sent,
                             "worker_cpu_ms_per_card": cpu[0].worker_s * 1000 / sent,
                             "emulators_cpu_ms_per_card": cpu[0].emulators_s * 1000 / sent,
                             "azurite_cpu_ms_per_card": azurite_s * 1000 / sent,
                             "table_requests_per_card": sum(storage.requests.values()) / sent,
                             "table_wait_ms_per_card": storage.waited_s[0] * 1000 / sent,
                             "table_waits_per_card": storage.waited_s[1] / sent,
                             "table_requests": dict(sorted(storage.requests.items()))}  # fmt: skip
    return figures


def seed_history(store: Store, pairs: Sequence[tuple[Person, Person]], conversations: int) -> None:
    """Each pair's ``outcomes`` partition as it stands part-way through a year: ``conversations`` fortnightly
    conversations held before ``START``, each with an outcome of one open action (written as the outcome card
    writes it), and as many scheduled after it. A card reads the pair's partition."""
    from shared.services.card_submissions import OutcomeLog
    from shared.services.conversation_lifecycle import record_conversation
    from shared.services.record_outcome import store_outcome

    fortnight, now = timedelta(days=14), START - timedelta(days=2)
    action = {"text": "Pair on the release checklist", "quadrant": "sweet_spot", "type": "stretch",
              "gap": "knowledge", "owner": "employee", "due": (START + fortnight * 4).date().isoformat()}  # fmt: skip
    log = OutcomeLog.model_validate({"actions": [action]})
    for employee, manager in pairs:
        for n in range(1, conversations + 1):
            store_outcome(store, manager.id, employee.id, (START - fortnight * n).date(), log, now)
            record_conversation(store, manager.id, employee.id, (START + fortnight * n).date(), "scheduled", now)


def start_connector() -> tuple[subprocess.Popen[str], ConnectorEmulatorClient]:
    command = [sys.executable, "-m", "devstack.connector_emulator", "--port", "0", "--global-rps", str(GLOBAL_RPS)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    if not line.startswith("ready "):
        process.terminate()
        raise RuntimeError(f"connector emulator did not start: {line!r}")
    client = ConnectorEmulatorClient(line.removeprefix("ready "))
    client.configure(latency_ms=CONNECTOR_LATENCY_MS, strict_conversations=True)
    return process, client


def run(
    recipients: int,
    busy_s: float = 0.0,
    profile: str | None = None,
    store: str = "azurite",
    profile_pass: str = "first",
    history: int = 0,
) -> dict[str, Any]:
    """Both passes; with ``busy_s`` a child spins one core meanwhile (at most that long); ``history``: conversations
    held (each with an outcome) and as many scheduled, per pair, before the passes (:func:`seed_history`)."""
    with tables(store) as storage:
        graph = start_emulator("--latency-ms", str(GRAPH_LATENCY_MS), "--throttle", people=max(recipients * 2, 200))
        process, connector = start_connector()
        try:
            with busy_core(busy_s) as busy:
                exclude = frozenset({busy} if busy else ())
                measure = measure_on(graph, connector, recipients, storage, exclude, profile, profile_pass, history)
                figures = asyncio.run(measure)
                profiled = {"profiled_first_pass": profile is not None and profile_pass == "first"}
                done = {"busy_core": busy is not None, **profiled, "store": store, "history": history}
                return {**figures, **done}
        finally:
            stop(graph, process, connector)


def stop(graph: GraphEmulator, process: subprocess.Popen[str], connector: ConnectorEmulatorClient) -> None:
    connector.close()
    process.terminate()
    process.wait(timeout=10)
    stop_emulator(graph.process)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=300)
    parser.add_argument("--busy-core-s", type=float, default=0.0, help="spin one core meanwhile, at most this long")
    parser.add_argument("--profile", default=None, help="cProfile a pass (process time) into this file")
    parser.add_argument("--profile-pass", choices=("first", "warm"), default="first", help="the pass to profile")
    parser.add_argument("--store", choices=("azurite", "memory"), default="azurite", help="tables: Azurite or a dict")
    parser.add_argument("--history", type=int, default=0, help="conversations held (and scheduled) per pair before")
    args = parser.parse_args()
    print(json.dumps(run(args.recipients, args.busy_core_s, args.profile, args.store, args.profile_pass, args.history)))
