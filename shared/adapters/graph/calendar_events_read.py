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

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.graph.calendar_requests import PREFER_UTC, utc_text
from shared.adapters.graph.mapping import to_utc
from shared.adapters.graph.retry import status_of
from shared.domain.calendar import Response
from shared.domain.mailbox_events import EventKind, MailboxEvent

if TYPE_CHECKING:
    from msgraph.generated.models.event import Event

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


async def get_event(events: Any, user_id: str, event_id: str, on_mailbox: OnMailbox) -> MailboxEvent | None:
    """The event ``event_id`` in ``user_id``'s mailbox (``events`` is that user's events builder), or None."""
    item, config = events.by_event_id(event_id), _get_config()
    try:
        found = await on_mailbox(user_id, lambda: item.get(request_configuration=config))
    except Exception as error:
        if status_of(error) in NOT_THERE:
            return None
        raise
    return mailbox_event_from(found) if found is not None else None


async def mailbox_occurrences(
    events: Any, user_id: str, event_id: str, start: datetime, end: datetime, on_mailbox: OnMailbox
) -> list[MailboxEvent]:
    """The instances of ``event_id`` in ``user_id``'s mailbox over [start, end); empty when the series is not there."""
    instances, config = events.by_event_id(event_id).instances, _instances_config(start, end)
    found: list[MailboxEvent] = []
    try:
        page = await on_mailbox(user_id, lambda: instances.get(request_configuration=config))
        while page is not None:
            found += [mailbox_event_from(event) for event in page.value or []]
            link = page.odata_next_link
            page = await on_mailbox(user_id, instances.with_url(link).get) if link else None
    except Exception as error:
        if status_of(error) in NOT_THERE:
            return []
        raise
    return found


def mailbox_event_from(event: Event) -> MailboxEvent:
    kinds = {kind.value: kind for kind in EventKind}
    kind = kinds.get(str(event.type.value) if event.type is not None else "", EventKind.SINGLE)
    status = event.response_status.response if event.response_status is not None else None
    return MailboxEvent(
        event_id=event.id or "",
        kind=kind,
        start=to_utc(event.start),
        end=to_utc(event.end),
        ical_uid=event.i_cal_u_id or None,
        series_master_id=event.series_master_id or None,
        is_organizer=bool(event.is_organizer),
        own_response=Response(str(status.value)) if status is not None else Response.NONE,
        is_cancelled=bool(event.is_cancelled),
        original_start=_utc(event.original_start),
    )


def _utc(instant: datetime | None) -> datetime | None:
    if instant is None:
        return None
    return instant.replace(tzinfo=UTC) if instant.tzinfo is None else instant.astimezone(UTC)
