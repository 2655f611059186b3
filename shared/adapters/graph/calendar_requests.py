"""Request bodies and query configurations for the calendar adapter (msgraph-sdk objects)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.adapters.graph.mapping_events import series_expand, series_filter
from shared.domain.calendar import Busy

PREFER_UTC = 'outlook.timezone="UTC"'
AVAILABILITY_VIEW_MINUTES = 30
INSTANCE_FIELDS = ("id", "start", "end", "attendees", "seriesMasterId", "isCancelled", "type")


def utc_text(instant: datetime) -> str:
    return instant.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _prefer_utc(config: Any) -> Any:
    config.headers.add("Prefer", PREFER_UTC)
    return config


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
    return sorted(set(item for part in parts for item in part), key=lambda b: (b.start, b.end, b.status))


def schedule_request(schedules: Sequence[str], start: datetime, end: datetime) -> tuple[Any, Any]:
    """The getSchedule body for up to 20 mailboxes, and a configuration asking for UTC times."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.users.item.calendar.get_schedule.get_schedule_post_request_body import (
        GetSchedulePostRequestBody,
    )

    body = GetSchedulePostRequestBody(
        schedules=list(schedules),
        start_time=DateTimeTimeZone(date_time=utc_text(start), time_zone="UTC"),
        end_time=DateTimeTimeZone(date_time=utc_text(end), time_zone="UTC"),
        availability_view_interval=AVAILABILITY_VIEW_MINUTES,
    )
    return body, _prefer_utc(RequestConfiguration())


def find_series_config(series_id: str) -> Any:
    """GET events filtered on the series property, with the property expanded, times in UTC."""
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

    query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
        filter=series_filter(series_id), expand=[series_expand()]
    )
    return _prefer_utc(RequestConfiguration(query_parameters=query))


def instances_config(start: datetime, end: datetime) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.item.instances.instances_request_builder import InstancesRequestBuilder

    query = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time=utc_text(start) + "Z", end_date_time=utc_text(end) + "Z", select=list(INSTANCE_FIELDS)
    )
    return _prefer_utc(RequestConfiguration(query_parameters=query))


def cancel_body(comment: str) -> Any:
    from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import CancelPostRequestBody

    return CancelPostRequestBody(comment=comment)


def move_body(start: datetime, end: datetime, body_html: str | None = None) -> Any:
    """A PATCH body moving one instance (times sent in UTC), with the instance's own HTML body when given."""
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.item_body import ItemBody

    event = Event(
        start=DateTimeTimeZone(date_time=utc_text(start), time_zone="UTC"),
        end=DateTimeTimeZone(date_time=utc_text(end), time_zone="UTC"),
    )
    if body_html is not None:
        event.body = ItemBody(content_type=BodyType.Html, content=body_html)
    return event
