"""Helpers for the Graph adapter contract tests: our adapters over the real msgraph-sdk, pointed at the emulator."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

from shared.adapters.graph.calendar import GraphCalendar
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.directory import GraphDirectory
from shared.adapters.graph.retry import RetryPolicy, RetryStats
from shared.config import load_settings

# Short waits so throttled runs finish quickly; Retry-After from the emulator is honoured up to this cap.
FAST_POLICY = RetryPolicy(max_attempts=10, max_retry_after=2.0, backoff_min=0.05, backoff_max=0.5, sleep=asyncio.sleep)


@dataclass
class GraphAdapters:
    directory: GraphDirectory
    calendar: GraphCalendar
    stats: RetryStats = field(default_factory=RetryStats)


@asynccontextmanager
async def adapters_for(base_url: str) -> AsyncIterator[GraphAdapters]:
    """Adapters on one msgraph-sdk client whose httpx client is closed afterwards."""
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=30))
    stats = RetryStats()
    try:
        yield GraphAdapters(
            directory=GraphDirectory(client, policy=FAST_POLICY, stats=stats),
            calendar=GraphCalendar(client, policy=FAST_POLICY, stats=stats),
            stats=stats,
        )
    finally:
        await aclose_graph_client(client)


def pairs(tenant: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(manager, report) for every report whose manager and self have a mailbox and an enabled account."""
    people = {p["id"]: p for p in tenant["people"]}
    usable = {uid for uid, p in people.items() if p["hasMailbox"] and p["accountEnabled"]}
    return [(people[p["managerId"]], p) for p in tenant["people"] if p["id"] in usable and p.get("managerId") in usable]


def count(log: dict[str, Any], operation: str) -> int:
    return int(log["operations"].get(operation, 0))
