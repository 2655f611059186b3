"""An attendee's own copy of a meeting: found by ``iCalUId``, deleted from the attendee's calendar.

``iCalUId`` is "a unique identifier for an event across calendars" (event resource, graph-v1.0-subset.openapi.yaml):
the organiser's event and every attendee's copy carry the same value, so ``GET /users/{attendee}/events`` with
``$filter=iCalUId eq '...'`` finds the copy (v1.0 filters on it: the Graph Explorer query in
microsoftgraph/microsoft-graph-docs-contrib#6348; only beta's ``uid`` is not filterable). Instances have their own
iCalUId, so the filter finds the attendee's series master or single event, which /events lists.
``DELETE /users/{attendee}/events/{id}`` removes the copy from the attendee's calendar only (event: delete says a
delete on the *organiser's* calendar cancels the meeting for attendees; nothing is said to reach the organiser
when an attendee deletes, and the emulator keeps the organiser's series, as the contract tests check).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from shared.adapters.graph.calendar_requests import PREFER_UTC
from shared.adapters.graph.raw import send_json
from shared.adapters.graph.retry import status_of
from shared.adapters.graph.wire import flag, objects, text

OnMailbox = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]


def ical_uid_filter(ical_uid: str) -> str:
    return "iCalUId eq '{}'".format(ical_uid.replace("'", "''"))


def _copies_config(ical_uid: str) -> Any:
    from kiota_abstractions.base_request_configuration import RequestConfiguration
    from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

    query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
        filter=ical_uid_filter(ical_uid), select=["id", "iCalUId", "isOrganizer"]
    )
    config = RequestConfiguration(query_parameters=query)
    config.headers.add("Prefer", PREFER_UTC)
    return config


async def remove_attendee_copy(events: Any, attendee_id: str, ical_uid: str, on_mailbox: OnMailbox) -> bool:
    """Delete the attendee's copies carrying ``ical_uid``; True when one was removed, False when none was found.

    An event the attendee organises is never touched (it is not a copy). A copy gone between the look-up and
    the delete (404) counts as not removed."""
    config = _copies_config(ical_uid)
    page = await on_mailbox(attendee_id, lambda: send_json(events, events.to_get_request_information(config)))
    copies = [text(e, "id") for e in objects(page, "value") if not flag(e, "isOrganizer")]
    removed = False
    for event_id in filter(None, copies):
        item = events.by_event_id(event_id)
        try:
            await on_mailbox(attendee_id, item.delete)  # no answer body: nothing to parse
            removed = True
        except Exception as error:
            if status_of(error) != 404:
                raise
    return removed
