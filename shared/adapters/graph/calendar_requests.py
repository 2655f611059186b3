"""Request bodies (plain JSON), query configurations (msgraph-sdk request builders) and ``$batch`` items
(plain data, :mod:`batch_items`) for the calendar adapter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from itertools import chain
from operator import attrgetter
from typing import Any

from shared.adapters.graph import batch_items as items
from shared.adapters.graph.batch_items import BatchRequest
from shared.adapters.graph.mapping_events import series_expand, series_filter
from shared.domain.calendar import Busy

PREFER_UTC = 'outlook.timezone="UTC"'
# WeGrow reads scheduleItems only, never the availabilityView digits: one digit per day (1440, the longest interval
# getSchedule accepts) instead of per half hour (the default 30: 2,976 digits per mailbox over a 62-day window,
# a quarter of a first cycle's getSchedule bytes)
AVAILABILITY_VIEW_MINUTES = 1440
INSTANCE_FIELDS = ("id", "start", "end", "attendees", "seriesMasterId", "isCancelled", "type")


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _prefer_utc(config: Any) -> Any:
    config.headers.add("Prefer", PREFER_UTC)
    return config


def utc_config() -> Any:
    """A request configuration with nothing but ``Prefer: outlook.timezone="UTC"`` (e.g. for a nextLink)."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    return _prefer_utc(RequestConfiguration())


MAX_SCHEDULE_WINDOW = timedelta(days=62)  # Exchange: 400 ErrorTimeIntervalTooBig beyond this


def schedule_windows(start: datetime, end: datetime) -> list[tuple[datetime, datetime]]:
    """[start, end) cut into consecutive spans of at most 62 days, the longest window getSchedule accepts."""
    spans, cursor = [], start
    while cursor < end:
        spans.append((cursor, min(end, cursor + MAX_SCHEDULE_WINDOW)))
        cursor = spans[-1][1]
    return spans


def merge_busy(parts: Sequence[Sequence[Busy]]) -> list[Busy]:
    """Busy lists of consecutive windows as one: an item that spans a cut comes back from both sides once."""
    return sorted(set(chain.from_iterable(parts)), key=_BUSY_ORDER)


_BUSY_ORDER = attrgetter("start", "end", "status")


def schedule_body(schedules: Sequence[str], start: datetime, end: datetime) -> dict[str, Any]:
    """The getSchedule body for up to 20 mailboxes."""
    return {
        "schedules": list(schedules),
        "startTime": {"dateTime": utc_text(start), "timeZone": "UTC"},
        "endTime": {"dateTime": utc_text(end), "timeZone": "UTC"},
        "availabilityViewInterval": AVAILABILITY_VIEW_MINUTES,
    }


def schedule_request(schedules: Sequence[str], start: datetime, end: datetime) -> tuple[dict[str, Any], Any]:
    """The getSchedule body for up to 20 mailboxes, and a configuration asking for UTC times."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration

    return schedule_body(schedules, start, end), _prefer_utc(RequestConfiguration())


def find_series_config(series_id: str) -> Any:
    """GET events filtered on the series property, with the property expanded, times in UTC."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

    query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
        filter=series_filter(series_id), expand=[series_expand()]
    )
    return _prefer_utc(RequestConfiguration(query_parameters=query))


def find_series_item(organizer_id: str, series_id: str) -> BatchRequest:
    """The ``$batch`` item of :func:`find_series_config`'s GET on the organiser's events."""
    query = [("$expand", [series_expand()]), ("$filter", series_filter(series_id))]
    return items.get(items.with_query(items.user_path(organizer_id, "events"), query), {"prefer": PREFER_UTC})


def instances_item(organizer_id: str, event_id: str, start: datetime, end: datetime) -> BatchRequest:
    """The ``$batch`` item of :func:`instances_config`'s GET on one series' instances."""
    query = [
        ("endDateTime", utc_text(end) + "Z"),
        ("startDateTime", utc_text(start) + "Z"),
        ("$select", INSTANCE_FIELDS),
    ]
    url = items.with_query(items.event_path(organizer_id, event_id, "instances"), query)
    return items.get(url, {"prefer": PREFER_UTC})


def next_page_item(link: str) -> BatchRequest:
    """The ``$batch`` item following an ``@odata.nextLink``, times in UTC."""
    return items.get(items.relative_url(link), {"prefer": PREFER_UTC})


def schedule_item(organizer_id: str, schedules: Sequence[str], start: datetime, end: datetime) -> BatchRequest:
    """The ``$batch`` item of a getSchedule POST on the organiser's calendar, times in UTC."""
    url = items.user_path(organizer_id, "calendar", "getSchedule")
    return items.send("POST", url, schedule_body(schedules, start, end), {"prefer": PREFER_UTC})


def instances_config(start: datetime, end: datetime) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.item.instances.instances_request_builder import InstancesRequestBuilder

    query = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time=utc_text(start) + "Z", end_date_time=utc_text(end) + "Z", select=list(INSTANCE_FIELDS)
    )
    return _prefer_utc(RequestConfiguration(query_parameters=query))


def cancel_body(comment: str) -> dict[str, Any]:
    return {"comment": comment}


def move_body(start: datetime, end: datetime, body_html: str | None = None) -> dict[str, Any]:
    """A PATCH body moving one instance (times sent in UTC), with the instance's own HTML body when given."""
    event: dict[str, Any] = {
        "start": {"dateTime": utc_text(start), "timeZone": "UTC"},
        "end": {"dateTime": utc_text(end), "timeZone": "UTC"},
    }
    if body_html is not None:
        event["body"] = {"contentType": "html", "content": body_html}
    return event
