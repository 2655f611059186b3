"""One Calendar contract suite, run against FakeCalendar and GraphCalendar on the Graph emulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from shared.domain.calendar import Recurrence, RecurrenceKind, SeriesSpec
from shared.domain.people import Weekday
from shared.domain.series import body_teaser, series_id
from shared.ports.calendar import Calendar
from tests.fakes.calendar import FakeCalendar

pytestmark = pytest.mark.contract

FIRST = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)  # Tuesday 10:00 in Berlin
WINDOW = (datetime(2027, 3, 1, tzinfo=UTC), datetime(2027, 5, 1, tzinfo=UTC))


@dataclass
class Subject:
    calendar: Calendar
    manager_id: str
    manager_upn: str
    report_upn: str


@pytest.fixture(params=["fake", "graph"])
async def subject(request: pytest.FixtureRequest) -> AsyncIterator[Subject]:
    if request.param == "fake":
        yield Subject(FakeCalendar({"m1": "ann@x.test"}), "m1", "ann@x.test", "bob@x.test")
        return
    from tests.contract.test_graph_adapter_support import adapters_for, pairs

    graph = request.getfixturevalue("graph")
    manager, report = pairs(graph.tenant())[0]
    async with adapters_for(graph.base_url) as adapters:
        yield Subject(adapters.calendar, manager["id"], manager["userPrincipalName"], report["userPrincipalName"])


def spec_for(subject: Subject, sid: str) -> SeriesSpec:
    recurrence = Recurrence(
        RecurrenceKind.WEEKLY,
        2,
        date(2027, 3, 2),
        (Weekday.TUESDAY,),
        end_date=date(2027, 4, 27),
        time_zone="Europe/Berlin",
    )
    return SeriesSpec(
        series_id=sid,
        organizer_id=subject.manager_id,
        attendee_upn=subject.report_upn,
        attendee_name="Report",
        subject="Growth conversation: contract",
        body_html=body_teaser("Report", "contract test"),
        first_start=FIRST,
        duration_minutes=45,
        recurrence=recurrence,
    )


async def test_find_create_find_returns_the_tagged_series(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v1")
    assert await subject.calendar.find_series(subject.manager_id, sid) is None
    created = await subject.calendar.create_series(spec_for(subject, sid))
    found = await subject.calendar.find_series(subject.manager_id, sid)
    assert found is not None and (found.event_id, found.series_id) == (created.event_id, sid)
    assert found.first_start == FIRST and found.duration_minutes == 45
    assert subject.report_upn.lower() in {u.lower() for u in found.attendee_upns}


async def test_occurrences_follow_the_pattern_and_one_can_be_moved(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v2")
    created = await subject.calendar.create_series(spec_for(subject, sid))
    before = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    berlin = ZoneInfo("Europe/Berlin")  # 10:00 local on every occurrence, across the 28 March DST change
    assert [o.start.astimezone(berlin).strftime("%a %H:%M") for o in before] == ["Tue 10:00"] * 5
    assert [o.start.date() for o in before] == [date(2027, 3, 2) + timedelta(weeks=2 * k) for k in range(5)]
    target = FIRST + timedelta(days=1, hours=2)
    await subject.calendar.move_occurrence(
        subject.manager_id, before[0].event_id, target, target + timedelta(minutes=45)
    )
    after = await subject.calendar.occurrences(subject.manager_id, created.event_id, *WINDOW)
    assert after[0].start == target and [o.start for o in after[1:]] == [o.start for o in before[1:]]


async def test_series_time_shows_as_busy_and_cancel_removes_it(subject: Subject) -> None:
    sid = series_id("contract", subject.manager_id, subject.report_upn, "v3")
    created = await subject.calendar.create_series(spec_for(subject, sid))
    busy = await subject.calendar.busy_times(
        subject.manager_id, [subject.manager_upn], FIRST, FIRST + timedelta(hours=1)
    )
    assert any(b.start <= FIRST < b.end for b in busy[subject.manager_upn.lower()])
    await subject.calendar.cancel(subject.manager_id, created.event_id, "Thank you for the conversations.")
    assert await subject.calendar.find_series(subject.manager_id, sid) is None
