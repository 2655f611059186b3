"""Repair through the real stack: a new conflict moves one occurrence; a series the manager moved is respected.

The Graph adapters (msgraph-sdk) talk to the Graph emulator over HTTP; records live in Azurite.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest

from shared.domain.people import Pair
from shared.services.plan_cycle import Planned
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_handlers import run_cycle
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES
from tests.contract.test_graph_adapter_support import adapters_for
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.integration
HORIZON = timedelta(days=120)


class _Due:
    reason = "regular check-in, every 6 weeks"


def everyone(pair: Pair, start: date, end: date) -> Sequence[Planned]:
    return [_Due()]  # type: ignore[list-item]


@pytest.fixture
async def stack(graph: GraphEmulator, azurite_store: Any, azurite_queues: Any) -> AsyncIterator[dict[str, Any]]:
    async with adapters_for(graph.base_url) as adapters:
        yield {"graph": graph, "adapters": adapters, "store": azurite_store, "queues": azurite_queues}


def ctx(stack: dict[str, Any], days_later: int = 0) -> ScheduleContext:
    now = datetime.now(UTC) + timedelta(days=days_later)
    calendar, directory = stack["adapters"].calendar, stack["adapters"].directory
    return ScheduleContext(calendar, directory, stack["store"], SchedulingPolicy(), now, "w1")


def graph_time(instant: datetime) -> dict[str, str]:
    return {"dateTime": instant.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


async def first_active_series(stack: dict[str, Any]) -> Any:
    await run_cycle(ctx(stack), stack["queues"], everyone)
    return next(r for r in stack["store"].query(SERIES) if r.data["state"] == "active")


async def occurrences_of(stack: dict[str, Any], record: Any) -> list[Any]:
    start = datetime.now(UTC)
    found = await stack["adapters"].calendar.occurrences(
        record.partition, record.data["event_id"], start, start + HORIZON
    )
    return list(found)


async def test_a_new_conflict_moves_only_that_occurrence_off_the_busy_time(stack: dict[str, Any]) -> None:
    graph = stack["graph"]
    record = await first_active_series(stack)
    report = next(p for p in graph.tenant()["people"] if p["id"] == record.row)
    before = await occurrences_of(stack, record)
    clash = before[1]
    graph._call(
        "POST",
        f"calendar/{report['id']}/events",
        {"subject": "Customer escalation", "showAs": "busy", "start": graph_time(clash.start),
         "end": graph_time(clash.end)},
    )  # fmt: skip
    summary = await run_cycle(ctx(stack, days_later=8), stack["queues"], everyone, steps=("plan", "schedule"))
    after = await occurrences_of(stack, record)
    assert summary.repaired >= 1
    assert after[0].start == before[0].start
    moved = next(o for o in after if o.event_id == clash.event_id)
    assert moved.start != clash.start
    assert moved.end <= clash.start or moved.start >= clash.end, "the moved occurrence still overlaps the clash"


async def test_a_series_the_manager_moved_by_hand_is_respected(stack: dict[str, Any]) -> None:
    graph = stack["graph"]
    record = await first_active_series(stack)
    event = await stack["adapters"].calendar.find_series(record.partition, record.data["series_id"])
    assert event is not None
    new_start = event.first_start + timedelta(hours=1)
    end = new_start + timedelta(minutes=event.duration_minutes)
    async with httpx.AsyncClient(timeout=30) as client:  # the manager's own Outlook edit, not WeGrow's
        patched = await client.patch(
            f"{graph.base_url}/users/{record.partition}/events/{event.event_id}",
            json={"start": graph_time(new_start), "end": graph_time(end)},
        )
    assert patched.status_code == 200, patched.text

    await run_cycle(ctx(stack, days_later=8), stack["queues"], everyone, steps=("plan", "schedule"))

    kept = await stack["adapters"].calendar.find_series(record.partition, record.data["series_id"])
    assert kept is not None and kept.event_id == event.event_id
    assert kept.first_start == new_start, "WeGrow moved the manager's hand edit back"
    stored = stack["store"].get(SERIES, record.partition, record.row)
    assert stored.data["first_start"] == new_start.isoformat()
    assert "respected-edit" in stored.data["why"]
