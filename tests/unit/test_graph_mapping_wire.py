"""Graph's JSON read straight into our types: absent, null and odd fields, dateTimeTimeZone in any zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.graph.calendar_events_read import mailbox_event_from
from shared.adapters.graph.mapping_events import (
    SERIES_PROPERTY_ID,
    busy_from_schedule,
    occurrence_from,
    recurrence_from,
    series_event_from,
)
from shared.adapters.graph.mapping_zones import working_hours_from
from shared.adapters.graph.wire import instant, utc_from
from shared.domain.calendar import Busy, RecurrenceKind, Response
from shared.domain.mailbox_events import EventKind
from shared.domain.people import WORKWEEK, Weekday, WorkingHours

pytestmark = pytest.mark.unit

# Zone names as Graph sends them (Windows names from mailboxes and Exchange, IANA names we wrote) -> IANA.
ZONES = {
    "UTC": "UTC",
    "W. Europe Standard Time": "Europe/Berlin",
    "Pacific Standard Time": "America/Los_Angeles",
    "India Standard Time": "Asia/Kolkata",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "Europe/London": "Europe/London",
    "America/Sao_Paulo": "America/Sao_Paulo",
}
START = {"dateTime": "2030-03-04T09:00:00.0000000", "timeZone": "UTC"}
END = {"dateTime": "2030-03-04T09:30:00.0000000", "timeZone": "UTC"}


def graph_wall(moment: datetime, zone: str) -> dict[str, str]:
    """A dateTimeTimeZone the way Exchange writes it: wall clock in the zone, 7 fractional digits."""
    wall = moment.astimezone(ZoneInfo(ZONES[zone])).replace(tzinfo=None)
    return {"dateTime": wall.strftime("%Y-%m-%dT%H:%M:%S.%f") + "0", "timeZone": zone}


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2060, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(sorted(ZONES)),
)
def test_a_date_time_in_any_zone_reads_back_as_the_same_wall_clock_in_utc(moment: datetime, zone: str) -> None:
    sent = graph_wall(moment, zone)
    read = utc_from(sent)
    assert read.tzinfo is UTC
    local = ZoneInfo(ZONES[zone])
    assert read.astimezone(local).replace(tzinfo=None) == moment.astimezone(local).replace(tzinfo=None)
    ambiguous = (
        moment.astimezone(local).replace(fold=0).utcoffset() != moment.astimezone(local).replace(fold=1).utcoffset()
    )
    if not ambiguous:  # a wall time that happens twice (clocks going back) may be either instant
        assert read == moment


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ({"dateTime": "2030-03-04T09:00:00Z", "timeZone": "UTC"}, datetime(2030, 3, 4, 9, tzinfo=UTC)),
        ({"dateTime": "2030-03-04T09:00:00", "timeZone": None}, datetime(2030, 3, 4, 9, tzinfo=UTC)),
        ({"dateTime": "2030-03-04T09:00:00", "timeZone": "Mars/Olympus"}, datetime(2030, 3, 4, 9, tzinfo=UTC)),
        (
            {"dateTime": "2030-03-04T09:00:00.1234567+01:00", "timeZone": "UTC"},
            datetime(2030, 3, 4, 8, 0, 0, 123456, tzinfo=UTC),
        ),
        (
            {"dateTime": "2030-07-04T09:00:00", "timeZone": "W. Europe Standard Time"},
            datetime(2030, 7, 4, 7, tzinfo=UTC),
        ),
    ],
)
def test_date_time_time_zone_variants(sent: dict[str, Any], expected: datetime) -> None:
    assert utc_from(sent) == expected


@pytest.mark.parametrize("sent", [None, {}, {"dateTime": None, "timeZone": "UTC"}, {"timeZone": "UTC"}, "2030-03-04"])
def test_a_date_time_without_its_date_time_is_a_clear_error(sent: Any) -> None:
    with pytest.raises(ValueError, match="without dateTime"):
        utc_from(sent)


def test_date_time_offsets_read_as_utc_and_bad_ones_as_absent() -> None:
    assert instant({"at": "2030-03-04T09:00:00.0000000Z"}, "at") == datetime(2030, 3, 4, 9, tzinfo=UTC)
    assert instant({"at": "2030-03-04T10:00:00+01:00"}, "at") == datetime(2030, 3, 4, 9, tzinfo=UTC)
    assert instant({"at": "2030-03-04T09:00:00"}, "at") == datetime(2030, 3, 4, 9, tzinfo=UTC)
    assert instant({"at": "soon"}, "at") is None and instant({"at": None}, "at") is None and instant({}, "at") is None


def test_a_bare_event_keeps_every_optional_field_empty() -> None:
    for extra in ({}, dict.fromkeys(["recurrence", "attendees", "onlineMeeting", "iCalUId", "subject", "id"])):
        series = series_event_from({"start": START, "end": END, **extra})
        assert (series.event_id, series.series_id, series.subject, series.duration_minutes) == ("", "", "", 30)
        assert series.recurrence is None and series.attendee_upns == () and series.join_url is None
        assert series.ical_uid is None and series.is_cancelled is False


def test_series_fields_come_from_the_tag_the_meeting_and_the_attendees() -> None:
    event = {
        "id": "e1",
        "start": START,
        "end": END,
        "isCancelled": True,
        "onlineMeeting": {"joinUrl": "https://teams.example/join"},
        "iCalUId": "uid-1",
        "singleValueExtendedProperties": [
            {"id": "String {x} Name Other", "value": "no"},
            {"id": SERIES_PROPERTY_ID.upper(), "value": "s-1"},
        ],
        "attendees": [
            {"emailAddress": {"address": "Ann@Contoso.com"}},
            {"emailAddress": None},
            {"emailAddress": {"address": ""}},
            "junk",
        ],
    }
    series = series_event_from(event)
    assert (series.series_id, series.join_url, series.ical_uid, series.is_cancelled) == (
        "s-1",
        "https://teams.example/join",
        "uid-1",
        True,
    )
    assert series.attendee_upns == ("ann@contoso.com",)


def test_recurrence_reads_only_the_patterns_we_schedule() -> None:
    weekly = {
        "pattern": {
            "type": "weekly",
            "interval": 2,
            "daysOfWeek": ["monday", "someday"],
            "dayOfMonth": 0,
            "index": "first",
        },
        "range": {
            "type": "numbered",
            "startDate": "2030-03-04",
            "endDate": "0001-01-01",
            "numberOfOccurrences": 6,
            "recurrenceTimeZone": None,
        },
    }
    read = recurrence_from(weekly, "Pacific Standard Time")
    assert read is not None
    assert (read.kind, read.interval, read.days_of_week, read.day_of_month) == (
        RecurrenceKind.WEEKLY,
        2,
        (Weekday.MONDAY,),
        None,
    )
    assert (read.index, read.end_date, read.occurrences, read.time_zone) == (None, None, 6, "America/Los_Angeles")
    relative = {
        "pattern": {"type": "relativeMonthly", "interval": None, "daysOfWeek": ["tuesday"], "index": "last"},
        "range": {"type": "endDate", "startDate": "2030-03-04", "endDate": "2030-12-31"},
    }
    read = recurrence_from(relative)
    assert read is not None and (read.interval, read.index, read.end_date, read.time_zone) == (
        1,
        "last",
        date(2030, 12, 31),
        "UTC",
    )
    for unreadable in (
        None,
        {},
        {"pattern": {"type": "absoluteYearly"}, "range": {"startDate": "2030-03-04"}},
        {"pattern": {"type": "daily"}, "range": {}},
    ):
        assert recurrence_from(unreadable) is None


def test_attendee_responses_and_proposals_tolerate_absent_and_null_parts() -> None:
    later = {
        "start": {"dateTime": "2030-03-05T10:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2030-03-05T10:30:00", "timeZone": "UTC"},
    }
    event = {
        "id": "o1",
        "seriesMasterId": None,
        "start": START,
        "end": END,
        "attendees": [
            {"emailAddress": {"address": "a@x.com"}, "status": {"response": "declined"}, "proposedNewTime": later},
            {"emailAddress": {"address": "b@x.com"}, "status": None, "proposedNewTime": None},
            {"emailAddress": {"address": "c@x.com"}, "status": {"response": "maybeLater"}},
            {
                "emailAddress": {"address": "d@x.com"},
                "status": {"response": "tentativelyAccepted"},
                "proposedNewTime": {"start": None, "end": None},
            },
        ],
    }
    occurrence = occurrence_from(event)
    assert occurrence.series_master_id == "" and occurrence.is_cancelled is False
    assert occurrence.attendee_responses == {
        "a@x.com": Response.DECLINED,
        "b@x.com": Response.NONE,
        "c@x.com": Response.NONE,
        "d@x.com": Response.TENTATIVE,
    }
    assert occurrence.proposed_new_times == {
        "a@x.com": (datetime(2030, 3, 5, 10, tzinfo=UTC), datetime(2030, 3, 5, 10, 30, tzinfo=UTC))
    }


def test_schedule_items_with_null_or_new_statuses_count_as_busy() -> None:
    window = (datetime(2030, 3, 4, tzinfo=UTC), datetime(2030, 3, 5, tzinfo=UTC))
    items = [
        {"status": None, "start": START, "end": END},
        {"status": "somethingNew", "start": START, "end": END},
        {"status": "workingElsewhere", "start": START, "end": END},
        {"status": "free", "start": START, "end": END},
        "junk",
    ]
    busy = busy_from_schedule({"scheduleId": "a@x.com", "scheduleItems": items, "error": None}, window)
    assert sorted(b.status for b in busy) == ["busy", "busy", "workingElsewhere"]
    assert busy_from_schedule({"scheduleItems": None}, window) == []
    assert busy_from_schedule({"error": {"message": "no"}, "scheduleItems": items}, window) == [
        Busy(*window, "unknown")
    ]


def test_a_mailbox_event_reads_its_kind_response_and_original_start() -> None:
    event = {
        "id": "i1",
        "type": "exception",
        "start": START,
        "end": END,
        "responseStatus": {"response": "accepted"},
        "originalStart": "2030-03-04T08:00:00.0000000Z",
        "isOrganizer": False,
    }
    read = mailbox_event_from(event)
    assert (read.kind, read.own_response, read.original_start) == (
        EventKind.EXCEPTION,
        Response.ACCEPTED,
        datetime(2030, 3, 4, 8, tzinfo=UTC),
    )
    bare = mailbox_event_from({"start": START, "end": END, "type": "newKind", "responseStatus": None})
    assert (bare.kind, bare.own_response, bare.original_start, bare.ical_uid) == (
        EventKind.SINGLE,
        Response.NONE,
        None,
        None,
    )


# ---------------------------------------------------------------- random payloads

MAYBE = st.sampled_from(["absent", "null", "junk"])
JUNK: list[Any] = [0, "", [], {}, True, "x"]


def scribble(draw: st.DrawFn, payload: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """Drop, null or garble some of the optional keys (start and end stay well-formed)."""
    for key in keys:
        if draw(st.booleans()):
            how = draw(MAYBE)
            if how == "absent":
                payload.pop(key, None)
            else:
                payload[key] = None if how == "null" else draw(st.sampled_from(JUNK))
    return payload


@st.composite
def events(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2040, 1, 1), timezones=st.just(UTC)))
    minutes = draw(st.integers(min_value=0, max_value=24 * 60))
    zone = draw(st.sampled_from(sorted(ZONES)))
    attendee = {
        "emailAddress": {"address": "a@x.com"},
        "status": {"response": draw(st.sampled_from(["accepted", "declined", "none", "?"]))},
    }
    payload = {
        "id": "e1",
        "type": draw(st.sampled_from(["seriesMaster", "occurrence", "exception", "singleInstance", "other"])),
        "start": graph_wall(start, zone),
        "end": graph_wall(start + timedelta(minutes=minutes), zone),
        "recurrence": {
            "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
            "range": {"type": "noEnd", "startDate": "2030-03-04"},
        },
        "attendees": [scribble(draw, attendee, ["status", "emailAddress"])],
        "singleValueExtendedProperties": [{"id": SERIES_PROPERTY_ID, "value": "s-1"}],
        "onlineMeeting": {"joinUrl": "https://join"},
        "responseStatus": {"response": "organizer"},
        "originalStart": start.isoformat(),
    }
    optional = ["id", "type", "recurrence", "attendees", "singleValueExtendedProperties", "onlineMeeting"]
    return scribble(draw, payload, [*optional, "responseStatus", "originalStart", "iCalUId", "isCancelled"])


@given(events())
def test_any_event_graph_could_send_maps_without_surprises(event: dict[str, Any]) -> None:
    """Whatever optional part is missing, null or garbled, every mapper still answers with the same times."""
    series, occurrence, seen = series_event_from(event), occurrence_from(event), mailbox_event_from(event)
    assert series.first_start == occurrence.start == seen.start
    assert series.first_start + timedelta(minutes=series.duration_minutes) == occurrence.end == seen.end
    assert set(occurrence.attendee_responses) <= {"a@x.com"} and series.attendee_upns in {(), ("a@x.com",)}
    assert series.series_id in {"", "s-1"} and series.join_url in {None, "https://join"}


def test_mailbox_settings_fill_what_the_mailbox_leaves_out_with_graphs_defaults() -> None:
    default = WorkingHours()
    bare = working_hours_from({"timeZone": "Pacific Standard Time", "workingHours": None})
    assert (bare.time_zone, bare.start, bare.end, bare.days) == (
        "America/Los_Angeles",
        default.start,
        default.end,
        WORKWEEK,
    )
    hours = {
        "daysOfWeek": ["Monday", "funday", None],
        "startTime": "07:30:00.0000000",
        "endTime": None,
        "timeZone": None,
    }
    read = working_hours_from({"timeZone": "Tokyo Standard Time", "workingHours": hours})
    assert (read.time_zone, read.start, read.end, read.days) == (
        "Asia/Tokyo",
        time(7, 30),
        default.end,
        {Weekday.MONDAY},
    )
    named = working_hours_from({"workingHours": {"timeZone": {"name": "Mars Standard Time"}, "daysOfWeek": []}})
    assert (named.time_zone, named.days) == ("UTC", WORKWEEK)
