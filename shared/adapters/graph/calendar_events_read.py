"""Read one event (``GET /users/{id}/events/{event id}``), or one series' instances, in a mailbox as it sees them.

Change notifications name the event by its id in the watched mailbox: the organiser's series master, one of its
occurrences (an instance id, which ``GET .../events/{id}`` answers like any event: event: get), or an attendee's
own copy. ``$select`` keeps the answer to what mapping a notice to a pair needs, and ``Prefer: outlook.timezone``
makes start and end UTC. A 404 (deleted, never there) and a 400 (an id Exchange cannot parse,
``ErrorInvalidIdMalformed``) are both "not there": the notice named nothing WeGrow can read.
``mailbox_occurrences`` lists ``.../events/{id}/instances`` with the same fields plus ``originalStart``, following
``@odata.nextLink``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from functools import partial
from typing import Any

from shared.adapters.graph.calendar_requests import PREFER_UTC, utc_config, utc_text
from shared.adapters.graph.mapping_events import response_of
from shared.adapters.graph.raw import next_link, page_of, send_json
from shared.adapters.graph.retry import status_of
from shared.adapters.graph.wire import flag, instant, obj, objects, text, utc_from
from shared.domain.mailbox_events import EventKind, MailboxEvent

OnMailbox = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
EVENT_FIELDS = (
    "id",
    "type",
    "start",
    "end",
    "iCalUId",
    "seriesMasterId",
    "isOrganizer",
    "responseStatus",
    "isCancelled",
)
NOT_THERE = frozenset({400, 404})
KINDS = {kind.value: kind for kind in EventKind}


def _instances_config(start: datetime, end: datetime) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.item.instances.instances_request_builder import InstancesRequestBuilder

    query = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time=utc_text(start) + "Z",
        end_date_time=utc_text(end) + "Z",
        select=[*EVENT_FIELDS, "originalStart"],
    )
    config = RequestConfiguration(query_parameters=query)
    config.headers.add("Prefer", PREFER_UTC)
    return config


def _get_config() -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.item.event_item_request_builder import EventItemRequestBuilder

    query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(select=list(EVENT_FIELDS))
    config = RequestConfiguration(query_parameters=query)
    config.headers.add("Prefer", PREFER_UTC)
    return config


async def _get(builder: Any, config: Any) -> Any:
    return await send_json(builder, builder.to_get_request_information(config))


async def get_event(events: Any, user_id: str, event_id: str, on_mailbox: OnMailbox) -> MailboxEvent | None:
    """The event ``event_id`` in ``user_id``'s mailbox (``events`` is that user's events builder), or None."""
    try:
        found = await on_mailbox(user_id, partial(_get, events.by_event_id(event_id), _get_config()))
    except Exception as error:
        if status_of(error) in NOT_THERE:
            return None
        raise
    return mailbox_event_from(found) if isinstance(found, Mapping) else None


async def mailbox_occurrences(
    events: Any, user_id: str, event_id: str, start: datetime, end: datetime, on_mailbox: OnMailbox
) -> list[MailboxEvent]:
    """The instances of ``event_id`` in ``user_id``'s mailbox over [start, end); empty when the series is not there."""
    instances = events.by_event_id(event_id).instances
    builder, config = instances, _instances_config(start, end)
    found: list[MailboxEvent] = []
    try:
        while True:
            page = page_of(await on_mailbox(user_id, partial(_get, builder, config)), "event instances")
            found += [mailbox_event_from(event) for event in objects(page, "value")]
            link = next_link(page)
            if not link:
                return found
            builder, config = instances.with_url(link), utc_config()
    except Exception as error:
        if status_of(error) in NOT_THERE:
            return []
        raise


def mailbox_event_from(event: Mapping[str, Any]) -> MailboxEvent:
    """An event's JSON as the mailbox sees it; a ``type`` Graph adds later reads as a single event."""
    return MailboxEvent(
        event_id=text(event, "id") or "",
        kind=KINDS.get(text(event, "type") or "", EventKind.SINGLE),
        start=utc_from(event.get("start")),
        end=utc_from(event.get("end")),
        ical_uid=text(event, "iCalUId"),
        series_master_id=text(event, "seriesMasterId"),
        is_organizer=flag(event, "isOrganizer"),
        own_response=response_of(obj(event, "responseStatus")),
        is_cancelled=flag(event, "isCancelled"),
        original_start=instant(event, "originalStart"),
    )
