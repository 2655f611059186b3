"""GraphCalendar through the real msgraph-sdk against the Graph emulator: getSchedule chunks, series lifecycle."""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest

from shared.domain.calendar import Recurrence, RecurrenceKind, Response, SeriesSpec
from shared.domain.people import Weekday
from tests.contract.test_graph_adapter_support import adapters_for, count, pairs
from tests.fixtures.graph import GraphEmulator

pytestmark = pytest.mark.contract

START = datetime(2030, 3, 4, 14, 0, tzinfo=UTC)  # a Monday, far from any seeded meeting


def spec_for(manager: dict[str, str], report: dict[str, str], series_id: str, weeks: int = 4) -> SeriesSpec:
    recurrence = Recurrence(
        kind=RecurrenceKind.WEEKLY,
        interval=1,
        start_date=date(2030, 3, 4),
        days_of_week=(Weekday.MONDAY,),
        occurrences=weeks,
        time_zone="UTC",
    )
    return SeriesSpec(
        series_id=series_id,
        organizer_id=manager["id"],
        attendee_upn=report["mail"],
        attendee_name=report["displayName"],
        subject="Growth conversation",
        body_html="<p>Growth agenda &amp; goals</p>",
        first_start=START,
        duration_minutes=30,
        recurrence=recurrence,
    )


async def test_get_schedule_is_chunked_by_twenty_and_keyed_by_upn(graph: GraphEmulator) -> None:
    tenant = [p for p in graph.tenant()["people"] if p["hasMailbox"]]
    upns = [p["mail"] for p in tenant[:45]]
    async with adapters_for(graph.base_url) as graph_adapters:
        graph.clear_log()
        busy = await graph_adapters.calendar.busy_times(tenant[0]["id"], upns, START, START + timedelta(days=14))
    assert count(graph.log(), "POST /users/{id}/calendar/getSchedule") == math.ceil(len(upns) / 20)
    assert set(busy) == {u.lower() for u in upns}
    for blocks in busy.values():
        assert all(b.start.tzinfo is not None and b.start < b.end for b in blocks)


async def test_series_create_find_update_cancel_is_idempotent(graph: GraphEmulator) -> None:
    manager, report = pairs(graph.tenant())[0]
    spec = spec_for(manager, report, "series-idem-1")
    async with adapters_for(graph.base_url) as graph_adapters:
        calendar = graph_adapters.calendar
        assert await calendar.find_series(manager["id"], spec.series_id) is None
        created = await calendar.create_series(spec)
        found = await calendar.find_series(manager["id"], spec.series_id)
        assert found is not None and found.event_id == created.event_id
        assert (found.series_id, found.first_start, found.duration_minutes) == (spec.series_id, START, 30)
        assert found.attendee_upns == (report["mail"].lower(),)

        moved = replace(spec, subject="Growth conversation (moved)")
        updated = await calendar.update_series(created.event_id, moved)
        assert updated.subject == "Growth conversation (moved)" and updated.event_id == created.event_id
        assert await calendar.find_series(manager["id"], "series-other") is None

        await calendar.cancel(manager["id"], created.event_id, "Replaced by a new series")
        await calendar.cancel(manager["id"], created.event_id, "Replaced by a new series")  # a re-run is harmless
        assert await calendar.find_series(manager["id"], spec.series_id) is None


async def test_occurrences_show_a_decline_and_a_moved_instance(graph: GraphEmulator) -> None:
    manager, report = pairs(graph.tenant())[1]
    spec = spec_for(manager, report, "series-decline-1")
    async with adapters_for(graph.base_url) as graph_adapters:
        calendar = graph_adapters.calendar
        created = await calendar.create_series(spec)
        window = (START - timedelta(days=1), START + timedelta(weeks=5))
        first = await calendar.occurrences(manager["id"], created.event_id, *window)
        assert [o.start for o in first] == [START + timedelta(weeks=n) for n in range(4)]

        declined = first[1]
        async with httpx.AsyncClient() as control:
            answer = await control.post(
                f"{graph.root}/_emulator/respond",
                json={"user": report["id"], "event_id": declined.event_id, "response": "declined"},
            )
        answer.raise_for_status()
        again = {o.event_id: o for o in await calendar.occurrences(manager["id"], created.event_id, *window)}
        attendee = report["mail"].lower()
        assert again[declined.event_id].attendee_responses[attendee] is Response.DECLINED
        assert again[first[0].event_id].attendee_responses[attendee] is not Response.DECLINED

        new_start = declined.start + timedelta(days=1)
        await calendar.move_occurrence(manager["id"], declined.event_id, new_start, new_start + timedelta(minutes=30))
        after = await calendar.occurrences(manager["id"], created.event_id, *window)
        assert new_start in {o.start for o in after}
        assert all(o.series_master_id == created.event_id for o in after)
