"""Two guards of issue 15 on the Graph emulator, with every HTTP request the SDK sends recorded on the wire:

- a job-title-only change, which users delta (``Prefer: return=minimal``) reports as ``{"id", "jobTitle"}`` and no
  ``manager@delta``, cancels nothing: sync, plan and the pair-changed handling leave the series as it was;
- repair over a 366-day horizon never asks getSchedule for a window over 62 days (Exchange answers 400
  ``ErrorTimeIntervalTooBig``), neither alone nor inside ``$batch``.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import httpx
import pytest

from shared.adapters.config_file import load_company_config
from shared.adapters.graph.calendar import GraphCalendar
from shared.adapters.graph.client import aclose_graph_client, build_graph_client
from shared.adapters.graph.directory import GraphDirectory
from shared.adapters.graph.retry import RetryStats
from shared.config import load_settings
from shared.container.scheduling import planner_from, policy_from
from shared.domain.people import Pair
from shared.services.repair import repair_occurrences
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_records import SERIES
from tests.contract.test_graph_adapter_support import FAST_POLICY, GraphAdapters
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration
MAX_WINDOW = timedelta(days=62)


@dataclass
class Sent:
    method: str
    path: str  # without the /v1.0 prefix for inner $batch requests as for outer ones
    body: Any
    status: int | None = None
    answer: Any = None


@dataclass
class Wire(httpx.AsyncBaseTransport):
    """A transport that records each request (and each inner ``$batch`` request) with its status and JSON answer."""

    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    sent: list[Sent] = field(default_factory=list)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = _json(await request.aread())
        response = await self.inner.handle_async_request(request)
        answer = _json(await response.aread())
        path = _path(str(request.url))
        if path == "/$batch" and isinstance(body, dict):
            replies = {str(r.get("id")): r for r in (answer or {}).get("responses", [])}
            for item in body.get("requests", []):
                reply = replies.get(str(item.get("id")), {})
                inner_path = _path(str(item.get("url", "")))
                self.sent.append(Sent(item.get("method", ""), inner_path, item.get("body"), reply.get("status"),
                                      reply.get("body")))  # fmt: skip
        else:
            self.sent.append(Sent(request.method, path, body, response.status_code, answer))
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()

    def named(self, method: str, ending: str) -> list[Sent]:
        return [s for s in self.sent if s.method == method and s.path.split("?")[0].endswith(ending)]


def _path(url: str) -> str:
    """``/users/{id}/...`` from an absolute or relative URL, without the version prefix or query."""
    return "/" + httpx.URL(url).path.lstrip("/").removeprefix("v1.0").lstrip("/")


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw) if raw else None
    except ValueError:
        return None


@asynccontextmanager
async def recorded_adapters(base_url: str) -> AsyncIterator[tuple[GraphAdapters, Wire]]:
    wire = Wire()
    settings = load_settings(storage_connection="UseDevelopmentStorage=true", graph_base_url=base_url)
    client = build_graph_client(settings, http_client=httpx.AsyncClient(timeout=60, transport=wire))
    stats = RetryStats()
    try:
        directory = GraphDirectory(client, policy=FAST_POLICY, stats=stats)
        yield GraphAdapters(directory, GraphCalendar(client, policy=FAST_POLICY, stats=stats), stats), wire
    finally:
        await aclose_graph_client(client)


def context(adapters: GraphAdapters, store: Any, azurite: str, horizon_days: int, now: datetime) -> ScheduleContext:
    """The context as the functions build it, with WEGROW_HORIZON_DAYS set."""
    company = load_company_config()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("WEGROW_HORIZON_DAYS", str(horizon_days))
        env.setenv("WEGROW_STORAGE_CONNECTION", azurite)
        settings = load_settings()
    policy = policy_from(SimpleNamespace(settings=settings, company=company))  # type: ignore[arg-type]
    assert policy.horizon_days == horizon_days
    return ScheduleContext(adapters.calendar, adapters.directory, store, policy, now, "guards")


def planner() -> Any:
    return planner_from(SimpleNamespace(company=load_company_config()))  # type: ignore[arg-type]


def retitle(graph: GraphEmulator, people: list[str]) -> None:
    """PATCH only the job title of these users through Graph (the directory change an HR system makes)."""
    for person in people:
        answer = httpx.patch(f"{graph.base_url}/users/{person}", json={"jobTitle": "Principal Gardener"}, timeout=30)
        assert answer.status_code == 204, answer.text


def window_of(sent: Sent) -> timedelta:
    """The getSchedule window (the SDK writes ``StartTime``/``EndTime``; Graph reads the names case-insensitively)."""
    body = {str(k).lower(): v for k, v in sent.body.items()}
    start, end = body["starttime"], body["endtime"]
    assert start.get("timeZone") == end.get("timeZone"), sent.body
    return datetime.fromisoformat(str(end["dateTime"])[:19]) - datetime.fromisoformat(str(start["dateTime"])[:19])


def started(sent: Sent) -> str:
    return str({str(k).lower(): v for k, v in sent.body.items()}["starttime"]["dateTime"])


def ended(sent: Sent) -> datetime:
    return datetime.fromisoformat(str({str(k).lower(): v for k, v in sent.body.items()}["endtime"]["dateTime"])[:19])


async def test_a_job_title_only_change_in_a_minimal_delta_cancels_nothing(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any, azurite: str
) -> None:
    now = datetime.now(UTC)
    async with recorded_adapters(graph.base_url) as (adapters, wire):
        ctx = context(adapters, azurite_store, azurite, 120, now)
        await run_cycle(ctx, azurite_queues, planner())
        before = {(r.partition, r.row): dict(r.data) for r in azurite_store.query(SERIES)}
        active = sorted(k for k, data in before.items() if data["state"] == "active")
        assert active, "the first cycle scheduled nobody"
        managers = {m for m, _ in active}
        retitled = [r for _, r in active if r not in managers][:3] + sorted(managers)[:1]  # reports and a manager
        retitle(graph, retitled)
        graph.clear_log()
        wire.sent.clear()
        later = ScheduleContext(ctx.calendar, ctx.directory, ctx.store, ctx.policy, now + timedelta(minutes=5), "w2")
        summary = await run_cycle(later, azurite_queues, planner())
        gone = [key for key in active if await adapters.calendar.find_series(key[0], before[key]["series_id"]) is None]

    delta_items = [
        i
        for s in wire.named("GET", "/users/delta()") + wire.named("GET", "/users/delta")
        for i in (s.answer or {}).get("value", [])
    ]
    changed = {i["id"]: i for i in delta_items if i.get("id") in retitled}
    assert set(changed) == set(retitled), f"users delta did not report the job-title changes: {delta_items}"
    for item in changed.values():
        assert "manager@delta" not in item and "displayName" not in item, f"the delta was not minimal: {item}"
    assert summary.cancelled == 0, summary.as_json()
    cancels = [f"{s.method} {s.path}" for s in wire.sent if s.method == "DELETE" or s.path.endswith("/cancel")]
    assert not cancels, f"a job-title change cancelled or deleted events: {cancels}"
    after = {(r.partition, r.row): dict(r.data) for r in azurite_store.query(SERIES)}
    for key in active:
        assert after[key]["state"] == "active", (key, after[key])
        assert after[key]["series_id"] == before[key]["series_id"] and after[key]["event_id"] == before[key]["event_id"]
    assert not gone, f"series gone from the managers' calendars after a job-title change: {gone}"


def sample_of_managers(active: list[Any], per_manager: int = 1) -> list[Any]:
    """The first active series of each manager: every manager's calendar and horizon, at a fraction of the repairs."""
    chosen: dict[str, list[Any]] = {}
    for record in sorted(active, key=lambda r: (r.partition, r.row)):
        picked = chosen.setdefault(record.partition, [])
        if len(picked) < per_manager:
            picked.append(record)
    return [record for picked in chosen.values() for record in picked]


async def test_repair_over_a_366_day_horizon_never_asks_get_schedule_for_more_than_62_days(
    graph: GraphEmulator, azurite_store: Any, azurite_queues: Any, azurite: str
) -> None:
    now = datetime.now(UTC)
    async with recorded_adapters(graph.base_url) as (adapters, wire):
        ctx = context(adapters, azurite_store, azurite, 366, now)
        await run_cycle(ctx, azurite_queues, planner())
        active = [r for r in azurite_store.query(SERIES) if r.data["state"] == "active"]
        assert active, "the first cycle scheduled nobody"
        graph.clear_log()
        wire.sent.clear()
        week_later = ScheduleContext(ctx.calendar, ctx.directory, ctx.store, ctx.policy, now + timedelta(days=8), "w2")
        for record in sample_of_managers(active):
            await repair_occurrences(week_later, Pair(record.partition, record.row, "unassigned"))
        log = graph.log()

    asked = wire.named("POST", "/calendar/getSchedule")
    assert asked, "repair read no free/busy"
    too_long = [f"{window_of(s)} from {started(s)}" for s in asked if window_of(s) > MAX_WINDOW]
    assert not too_long, f"{len(too_long)} of {len(asked)} getSchedule windows over 62 days: {too_long[:10]}"
    reach = max(ended(s) for s in asked)
    horizon_end = (now + timedelta(days=8 + 366)).replace(tzinfo=None)
    assert reach >= horizon_end - timedelta(days=1), f"repair read free/busy only up to {reach}, horizon {horizon_end}"
    refused = [f"{s.method} {s.path}: {s.status} {s.answer}" for s in wire.sent if s.status == 400]
    assert not refused, f"400 answers during repair: {refused[:5]}"
    assert log["statuses"].get("400", 0) == 0, log["statuses"]
    schedule_ops = {op: n for op, n in log["operations"].items() if op.endswith("/getSchedule")}
    assert sum(schedule_ops.values()) == len(asked), (schedule_ops, len(asked))
