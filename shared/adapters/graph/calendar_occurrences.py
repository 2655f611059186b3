"""Instances of many series and moves of many instances, in JSON ``$batch``es of up to 20 requests.

``occurrences`` lists one series' instances page by page (no batch). ``occurrences_many`` sends one
``GET /users/{organiser}/events/{master}/instances`` per series and follows each ``@odata.nextLink`` in the
next round (event: instances, "List instances": paged like other event lists).
``move_occurrences_many`` sends one ``PATCH /users/{organiser}/events/{instance}`` with the new start/end per
move (PATCH of an instance makes it an exception; a PATCH by id is idempotent, so a re-sent item is safe).
Like the other calendar batches, a batch holds each mailbox's Outlook slots while it is in flight, and an item
still throttled after every attempt is raised. 403 (application access policy) and 404 on the mailbox are
per-item ``MailboxUnavailable`` answers. ``cancel_occurrences_many`` sends one ``POST .../events/{instance}/cancel``
per instance; an instance already gone (404 ``ErrorItemNotFound``) counts as cancelled.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

from shared.adapters.graph import batch_items as items
from shared.adapters.graph import calendar_requests as req
from shared.adapters.graph.batch import BatchCall, BatchResult, chunked, send_batch
from shared.adapters.graph.calendar_batch import BatchItemError, SeriesBatches, _raise_if_throttled, _unavailable
from shared.adapters.graph.mapping_events import occurrence_from
from shared.adapters.graph.raw import next_link, page_of, send_json
from shared.adapters.graph.retry import RETRYABLE_STATUSES
from shared.adapters.graph.wire import objects
from shared.domain.calendar import Occurrence, OccurrenceCancel, OccurrenceMove
from shared.ports.calendar import OccurrenceQuery, OccurrencesAnswer
from shared.ports.directory import MailboxUnavailable

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

OnMailbox = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]
ITEM_NOT_FOUND = "ErrorItemNotFound"  # the mailbox exists, the event does not (any more)


async def _send(
    client: GraphServiceClient, batches: SeriesBatches, calls: Sequence[tuple[str, BatchCall]]
) -> dict[str, BatchResult]:
    """(mailbox, call) pairs in ``$batch``es of 20, each holding its mailboxes' slots; throttled items raise."""
    results: dict[str, BatchResult] = {}
    for chunk in chunked(calls):
        async with batches.holding(mailbox for mailbox, _ in chunk):
            answered = await send_batch(client, [call for _, call in chunk], policy=batches.policy, stats=batches.stats)
        _raise_if_throttled(r for r in answered.values() if r.status in RETRYABLE_STATUSES)
        results |= answered
    return results


async def occurrences(
    events: Any, organizer_id: str, event_id: str, span: tuple[datetime, datetime], on_mailbox: OnMailbox
) -> list[Occurrence]:
    """One series' instances over ``span``, page after page (``@odata.nextLink``), each under the mailbox's slot."""
    instances = events.by_event_id(event_id).instances
    builder, config = instances, req.instances_config(*span)
    found: list[Occurrence] = []
    while True:
        page = page_of(await on_mailbox(organizer_id, partial(_get, builder, config)), "event instances")
        found += [occurrence_from(event) for event in objects(page, "value")]
        link = next_link(page)
        if not link:
            return found
        builder, config = instances.with_url(link), req.utc_config()


async def _get(builder: Any, config: Any) -> Any:
    return await send_json(builder, builder.to_get_request_information(config))


async def occurrences_many(
    client: GraphServiceClient,
    batches: SeriesBatches,
    queries: Sequence[OccurrenceQuery],
    start: datetime,
    end: datetime,
) -> dict[str, OccurrencesAnswer]:
    """Each series master's instances in [start, end), keyed by master event id.

    A master that no longer exists (404 ``ErrorItemNotFound``) has no instances: an empty list."""
    unique = list(dict.fromkeys(queries))
    found: dict[str, list[Occurrence]] = {event_id: [] for _, event_id in unique}
    answers: dict[str, OccurrencesAnswer] = {}
    pending = [
        (organizer, event_id, req.instances_item(organizer, event_id, start, end)) for organizer, event_id in unique
    ]
    while pending:
        calls = [(organizer, BatchCall(str(i), info)) for i, (organizer, _, info) in enumerate(pending)]
        results = await _send(client, batches, calls)
        follow = []
        for i, (organizer, event_id, _) in enumerate(pending):
            result = results[str(i)]
            if result.status == 404 and result.error_code == ITEM_NOT_FOUND:
                continue
            unavailable = _unavailable(result, organizer)
            if unavailable is not None:
                answers[event_id] = unavailable
                continue
            link = _collect(result, found[event_id], f"instances of an event on {organizer}")
            if link:
                follow.append((organizer, event_id, req.next_page_item(link)))
        pending = follow
    return {event_id: answers.get(event_id, found[event_id]) for _, event_id in unique}


def _collect(result: BatchResult, into: list[Occurrence], what: str) -> str | None:
    """Append a page's instances to ``into``; the page's next link, if any."""
    if not result.ok or not isinstance(result.body, dict):
        raise BatchItemError(result.status, result.error_code, what)
    into += [occurrence_from(event) for event in objects(result.body, "value")]
    return next_link(result.body)


async def move_occurrences_many(
    client: GraphServiceClient, batches: SeriesBatches, moves: Sequence[OccurrenceMove]
) -> dict[str, MailboxUnavailable | None]:
    """PATCH each instance's start/end (sent in UTC), keyed by occurrence id; None when it moved."""
    unique = list({move.occurrence_id: move for move in moves}.values())
    calls = [
        (
            move.organizer_id,
            BatchCall(
                str(i),
                items.send(
                    "PATCH",
                    items.event_path(move.organizer_id, move.occurrence_id),
                    req.move_body(move.start, move.end, move.body_html),
                ),
            ),
        )
        for i, move in enumerate(unique)
    ]
    results = await _send(client, batches, calls)
    moved: dict[str, MailboxUnavailable | None] = {}
    for i, move in enumerate(unique):
        result = results[str(i)]
        missing = result.status == 404 and result.error_code == ITEM_NOT_FOUND  # the instance, not the mailbox
        unavailable = None if result.ok or missing else _unavailable(result, move.organizer_id)
        if not result.ok and unavailable is None:
            raise BatchItemError(result.status, result.error_code, f"move an occurrence on {move.organizer_id}")
        moved[move.occurrence_id] = unavailable
    return moved


async def cancel_occurrences_many(
    client: GraphServiceClient, batches: SeriesBatches, cancels: Sequence[OccurrenceCancel]
) -> dict[str, MailboxUnavailable | None]:
    """POST each instance's cancel (the attendee gets the comment), keyed by occurrence id; None when cancelled."""
    unique = list({cancel.occurrence_id: cancel for cancel in cancels}.values())
    calls = [
        (
            cancel.organizer_id,
            BatchCall(
                str(i),
                items.send(
                    "POST",
                    items.event_path(cancel.organizer_id, cancel.occurrence_id, "cancel"),
                    req.cancel_body(cancel.comment),
                ),
            ),
        )
        for i, cancel in enumerate(unique)
    ]
    results = await _send(client, batches, calls)
    answers: dict[str, MailboxUnavailable | None] = {}
    for i, cancel in enumerate(unique):
        result = results[str(i)]
        gone = result.status == 404 and result.error_code == ITEM_NOT_FOUND
        unavailable = None if result.ok or gone else _unavailable(result, cancel.organizer_id)
        if not result.ok and not gone and unavailable is None:
            raise BatchItemError(result.status, result.error_code, f"cancel an occurrence on {cancel.organizer_id}")
        answers[cancel.occurrence_id] = unavailable
    return answers
