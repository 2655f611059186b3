"""Graph JSON (documentation examples) parsed by msgraph-sdk and mapped to WeGrow domain types."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstack.reference_files import GRAPH_EXAMPLES
from shared.adapters.graph.calendar_requests import schedule_windows
from shared.adapters.graph.mapping import to_iana, windows_zones
from shared.adapters.graph.mapping_events import (
    SERIES_PROPERTY_ID,
    busy_from_schedule,
    event_for,
    occurrence_from,
    recurrence_from,
    series_event_from,
    series_filter,
    transaction_id,
)
from shared.adapters.graph.mapping_users import change_from_item, is_removed_item
from shared.adapters.graph.mapping_zones import working_hours_from
from shared.domain.calendar import Busy, Recurrence, RecurrenceKind, Response, SeriesSpec
from shared.domain.custom_zones import UnmatchedCustomZone
from shared.domain.people import WORKWEEK, Person, Weekday

pytestmark = pytest.mark.unit

EXAMPLES = GRAPH_EXAMPLES


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def response_body(name: str) -> Any:
    return example(name)["response"]["body"]


@given(st.sampled_from(sorted(windows_zones())))
def test_every_cldr_windows_zone_maps_to_a_loadable_iana_zone(windows_name: str) -> None:
    iana = to_iana(windows_name)
    assert iana is not None
    assert ZoneInfo(iana).key == iana


@pytest.mark.parametrize(
    ("given_name", "expected"),
    [
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("Europe/Paris", "Europe/Paris"),
        ("UTC", "UTC"),
        ("Mars", None),
    ],
)
def test_zone_names(given_name: str, expected: str | None) -> None:
    assert to_iana(given_name) == expected


def test_delta_example_maps_to_a_full_change() -> None:
    item = response_body("user-delta__user_delta")["value"][0]
    person = change_from_item(item, full=True).applied_to(None)
    assert (person.id, person.upn, person.display_name, person.job_title) == (
        "id-value",
        "userprincipalname-value",
        "displayName-value",
        "jobTitle-value",
    )
    assert person.manager_id is None and person.account_enabled is True


def test_the_minimal_delta_example_changes_only_what_it_carries() -> None:
    item = {"id": "u1", **response_body("user-delta__user_delta_minimal")["value"][0]}
    stored = Person("u1", "ann@contoso.com", "Ann", manager_id="m1", department="Sales", job_title="Lead")
    after = change_from_item(item, full=False).applied_to(stored)
    assert after == replace(stored, display_name="displayName-value", job_title=None)


def test_delta_item_with_manager_hire_date_and_removed_marker() -> None:
    item = {
        "id": "u2",
        "userPrincipalName": "Ann@Contoso.com",
        "mail": "Ann.B@Contoso.com",
        "displayName": "Ann",
        "employeeHireDate": "2019-03-04T00:00:00Z",
        "accountEnabled": False,
        "manager@delta": [{"@odata.type": "#microsoft.graph.user", "id": "m1"}],
    }
    person = change_from_item(item, full=False).applied_to(None)
    assert (person.upn, person.mail, person.manager_id, person.hire_date, person.account_enabled) == (
        "ann@contoso.com",
        "ann.b@contoso.com",
        "m1",
        date(2019, 3, 4),
        False,
    )
    assert person.address == "ann.b@contoso.com"
    assert is_removed_item({"id": "u3", "@removed": {"reason": "deleted"}})
    assert not is_removed_item(item)


def test_a_removed_manager_link_clears_the_manager_and_an_absent_one_keeps_it() -> None:
    stored = Person("u2", "ann@contoso.com", "Ann", manager_id="m1")
    removed = {"id": "u2", "manager@delta": [{"id": "m1", "@removed": {"reason": "deleted"}}]}
    assert change_from_item(removed, full=False).applied_to(stored).manager_id is None
    assert change_from_item({"id": "u2", "jobTitle": "Lead"}, full=False).applied_to(stored).manager_id == "m1"
    assert change_from_item({"id": "u2", "jobTitle": "Lead"}, full=True).applied_to(stored).manager_id is None


GRAPH_PROPERTIES = {
    "userPrincipalName": st.emails(),
    "mail": st.one_of(st.none(), st.emails()),
    "displayName": st.text(max_size=20),
    "department": st.one_of(st.none(), st.text(max_size=10)),
    "jobTitle": st.one_of(st.none(), st.text(max_size=10)),
    "accountEnabled": st.booleans(),
}


@given(st.fixed_dictionaries({}, optional=GRAPH_PROPERTIES))  # type: ignore[arg-type]
def test_a_later_round_item_leaves_every_absent_property_as_stored(item: dict[str, Any]) -> None:
    stored = Person("u9", "old@contoso.com", "Old", manager_id="m1", department="D", job_title="T", mail="o@c.com")
    after = change_from_item({"id": "u9", **item}, full=False).applied_to(stored)
    sent = {GRAPH_TO_FIELD[k] for k in item}
    for name in ("upn", "mail", "display_name", "department", "job_title", "account_enabled", "manager_id"):
        if name not in sent:
            assert getattr(after, name) == getattr(stored, name), name
    if "jobTitle" in item:
        assert after.job_title == item["jobTitle"]


GRAPH_TO_FIELD = {
    "userPrincipalName": "upn",
    "mail": "mail",
    "displayName": "display_name",
    "department": "department",
    "jobTitle": "job_title",
    "accountEnabled": "account_enabled",
}


def test_mailbox_settings_example_maps_windows_zone_to_iana() -> None:
    settings = response_body("user-get-mailboxsettings__get_mailboxsettings_1")
    hours = working_hours_from(settings)
    assert hours.time_zone == "America/Los_Angeles"
    assert (hours.start, hours.end, hours.days) == (time(8, 0), time(17, 0), WORKWEEK)


def test_a_custom_time_zone_is_not_replaced_by_the_mailbox_zone_name() -> None:
    """The docs' custom zone (UTC-3:20) is not Berlin time, whatever ``timeZone`` says: it is refused."""
    working = response_body("user-get-mailboxsettings__get_mailboxsettings_3")
    settings = {"timeZone": "W. Europe Standard Time", "workingHours": working}
    with pytest.raises(UnmatchedCustomZone):
        working_hours_from(settings)


def test_recurring_event_example_maps_to_a_series() -> None:
    series = series_event_from(response_body("user-post-events__create_event_recurring"))
    pacific = ZoneInfo("America/Los_Angeles")
    assert series.first_start == datetime(2017, 9, 4, 12, 0, tzinfo=pacific).astimezone(UTC)
    assert series.duration_minutes == 120
    assert series.attendee_upns == ("adelev@contoso.onmicrosoft.com",)
    assert series.recurrence == Recurrence(
        kind=RecurrenceKind.WEEKLY,
        interval=1,
        start_date=date(2017, 9, 4),
        days_of_week=(Weekday.MONDAY,),
        end_date=date(2017, 12, 31),
        time_zone="America/Los_Angeles",
    )


def test_get_event_example_maps_to_an_occurrence_with_responses() -> None:
    occurrence = occurrence_from(response_body("event-get__get_event"))
    assert occurrence.start == datetime(2014, 11, 3, 17, 0, tzinfo=UTC)
    assert occurrence.attendee_responses["irvins@m365x214355.onmicrosoft.com"] is Response.NONE


def spec() -> SeriesSpec:
    rec = Recurrence(
        kind=RecurrenceKind.WEEKLY,
        interval=2,
        start_date=date(2026, 3, 2),
        days_of_week=(Weekday.MONDAY,),
        occurrences=6,
        time_zone="Europe/Berlin",
    )
    return SeriesSpec(
        series_id="s-1",
        organizer_id="m1",
        attendee_upn="ann@contoso.com",
        attendee_name="Ann",
        subject="Growth conversation",
        body_html="<p>Your growth agenda</p>",
        first_start=datetime(2026, 3, 2, 9, 0, tzinfo=UTC),
        duration_minutes=30,
        recurrence=rec,
    )


def serialize(body: dict[str, Any]) -> dict[str, Any]:
    """The body as it goes on the wire."""
    return dict(json.loads(json.dumps(body)))


def test_create_body_is_a_tagged_teams_meeting_with_a_deterministic_transaction_id() -> None:
    body = serialize(event_for(spec()))
    assert body["start"] == {"dateTime": "2026-03-02T10:00:00", "timeZone": "Europe/Berlin"}
    assert body["end"]["dateTime"] == "2026-03-02T10:30:00"
    assert body["isOnlineMeeting"] is True and body["onlineMeetingProvider"] == "teamsForBusiness"
    assert body["singleValueExtendedProperties"] == [{"id": SERIES_PROPERTY_ID, "value": "s-1"}]
    assert body["transactionId"] == transaction_id("s-1") != transaction_id("s-2")
    assert body["recurrence"]["pattern"] == {"daysOfWeek": ["monday"], "interval": 2, "type": "weekly"}
    assert body["recurrence"]["range"]["type"] == "numbered"
    assert body["recurrence"]["range"]["numberOfOccurrences"] == 6
    assert body["attendees"][0]["emailAddress"]["address"] == "ann@contoso.com"


def test_patch_body_leaves_the_tag_and_meeting_settings_alone() -> None:
    body = serialize(event_for(spec(), for_create=False))
    assert "transactionId" not in body and "singleValueExtendedProperties" not in body
    assert "isOnlineMeeting" not in body


def test_round_trip_of_the_recurrence_through_graph_shapes() -> None:
    sent = spec().recurrence
    assert recurrence_from(serialize(event_for(spec()))["recurrence"]) == sent


def test_series_filter_escapes_quotes() -> None:
    assert "ep/value eq 'o''brien'" in series_filter("o'brien")


def test_schedule_items_become_sorted_utc_busy_blocks_without_free_time() -> None:
    info = {
        "scheduleId": "ann@contoso.com",
        "scheduleItems": [
            {
                "status": "tentative",
                "start": {"dateTime": "2026-03-02T15:00:00.0000000", "timeZone": "UTC"},
                "end": {"dateTime": "2026-03-02T15:30:00.0000000", "timeZone": "UTC"},
            },
            {
                "status": "busy",
                "start": {"dateTime": "2026-03-02T09:00:00.0000000", "timeZone": "UTC"},
                "end": {"dateTime": "2026-03-02T10:00:00.0000000", "timeZone": "UTC"},
            },
            {
                "status": "free",
                "start": {"dateTime": "2026-03-02T11:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2026-03-02T12:00:00", "timeZone": "UTC"},
            },
        ],
    }
    window = (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC))
    busy = busy_from_schedule(info, window)
    assert [(b.start.hour, b.status) for b in busy] == [(9, "busy"), (15, "tentative")]
    assert all(b.start.tzinfo is not None for b in busy)


def test_a_schedule_error_is_unknown_time_over_the_window_never_free() -> None:
    error = {"message": "The mailbox was not found.", "responseCode": "ErrorMailRecipientNotFound"}
    info = {"scheduleId": "ann@contoso.com", "scheduleItems": [], "error": error}
    window = (datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 9, tzinfo=UTC))
    assert busy_from_schedule(info, window) == [Busy(*window, "unknown")]


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    st.integers(min_value=1, max_value=400 * 24 * 60),
)
def test_schedule_windows_tile_the_range_in_spans_of_at_most_62_days(start: datetime, minutes: int) -> None:
    end = start + timedelta(minutes=minutes)
    spans = schedule_windows(start, end)
    assert spans[0][0] == start and spans[-1][1] == end
    assert all(a[1] == b[0] for a, b in itertools.pairwise(spans))
    assert all(timedelta(0) < b - a <= timedelta(days=62) for a, b in spans)
    assert len(spans) == -(-(end - start) // timedelta(days=62))
