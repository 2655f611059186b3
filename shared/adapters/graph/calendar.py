"""``Calendar`` over Microsoft Graph: getSchedule free/busy and the tagged conversation series.

Permissions (application): ``Calendars.ReadWrite`` (events, instances, cancel, getSchedule).
Every request on a mailbox holds one of its 4 Outlook concurrency slots (:class:`MailboxLimiter`)
and runs under the shared retry policy. ``find_series_many`` and ``create_series_many`` batch many pairs
(see :mod:`calendar_batch`); one item goes as a plain request. Creating a series is idempotent twice over: a
deterministic ``transactionId``, and a look-up by the series property before any re-sent POST.
A 403 (application access policy) raises :class:`MailboxUnavailable`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.graph import calendar_requests as req
from shared.adapters.graph.calendar_batch import SeriesBatches, with_series_id
from shared.adapters.graph.limits import MailboxLimiter
from shared.adapters.graph.mapping_events import event_for, series_event_from
from shared.adapters.graph.raw import json_request, send_json
from shared.adapters.graph.retry import DEFAULT_POLICY, STATS, RetryPolicy, RetryStats, status_of, with_retries
from shared.adapters.graph.wire import flag, objects
from shared.domain.calendar import Busy, Occurrence, OccurrenceCancel, OccurrenceMove, SeriesEvent, SeriesSpec
from shared.domain.mailbox_events import MailboxEvent
from shared.ports.calendar import (
    BusyAnswer,
    CreatedSeries,
    FoundSeries,
    OccurrenceQuery,
    OccurrencesAnswer,
    ScheduleQuery,
    SeriesLookup,
)
from shared.ports.directory import MailboxUnavailable, NoMailbox

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

log = logging.getLogger(__name__)


@contextlib.contextmanager
def mailbox_errors(mailbox: str) -> Any:
    """Turn Graph's 403 (out of the app's access policy) into MailboxUnavailable."""
    try:
        yield
    except Exception as error:
        if status_of(error) == 403:
            raise MailboxUnavailable(f"mailbox {mailbox} is outside the app's access policy") from error
        raise


def as_unavailable(error: Exception, mailbox: str) -> MailboxUnavailable:
    """For the one-item batch operations: an unavailable mailbox (403, or 404 on its events) is an answer."""
    if isinstance(error, MailboxUnavailable):
        return error
    if status_of(error) == 404:
        return NoMailbox(f"mailbox {mailbox} is not available (404)")
    raise error


class GraphCalendar:
    def __init__(
        self,
        client: GraphServiceClient,
        *,
        policy: RetryPolicy = DEFAULT_POLICY,
        stats: RetryStats = STATS,
        limiter: MailboxLimiter | None = None,
    ) -> None:
        self._client = client
        self._policy = policy
        self._stats = stats
        self._limiter = limiter or MailboxLimiter()
        self._batches = SeriesBatches(client, self._limiter, policy, stats)

    async def _on_mailbox[T](self, mailbox: str, operation: Callable[[], Awaitable[T]]) -> T:
        async with self._limiter.mailbox(mailbox):
            with mailbox_errors(mailbox):
                return await with_retries(operation, policy=self._policy, stats=self._stats)

    def _events(self, organizer_id: str) -> Any:
        return self._client.users.by_user_id(organizer_id).events

    async def _get(self, builder: Any, config: Any) -> Any:
        return await send_json(builder, builder.to_get_request_information(config))

    async def _send(self, builder: Any, method: str, body: Any = None) -> Any:
        """``method`` on ``builder``'s URL with a JSON body; the JSON answer (see :mod:`raw`)."""
        return await send_json(self._client, json_request(builder, method, body))

    async def busy_times(
        self, organizer_id: str, addresses: Sequence[str], start: datetime, end: datetime
    ) -> dict[str, list[Busy]]:
        """getSchedule in chunks of 20 schedules and windows of at most 62 days (in UTC), keyed by address.

        An address Graph cannot resolve to a mailbox is ``unknown`` time over the window, never free.
        """
        from shared.adapters.graph.calendar_schedules import busy_times

        return await busy_times(self._client, self._on_mailbox, organizer_id, addresses, start, end)

    async def busy_times_many(
        self, queries: Sequence[ScheduleQuery], start: datetime, end: datetime
    ) -> dict[str, BusyAnswer]:
        from shared.adapters.graph.calendar_schedules import busy_times_many

        return await busy_times_many(self._client, self._batches, queries, start, end)

    async def find_series(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        return await self._on_mailbox(organizer_id, lambda: self._find_unlimited(organizer_id, series_id))

    async def find_series_many(self, lookups: Sequence[SeriesLookup]) -> dict[str, FoundSeries]:
        if len(lookups) != 1:
            return await self._batches.find_many(lookups)
        organizer_id, series_id = lookups[0]
        try:
            return {series_id: await self.find_series(organizer_id, series_id)}
        except Exception as error:
            return {series_id: as_unavailable(error, organizer_id)}

    async def create_series_many(self, specs: Sequence[SeriesSpec]) -> dict[str, CreatedSeries]:
        if len(specs) != 1:
            return await self._batches.create_many(specs)
        try:
            return {specs[0].series_id: await self.create_series(specs[0])}
        except Exception as error:
            return {specs[0].series_id: as_unavailable(error, specs[0].organizer_id)}

    async def create_series(self, spec: SeriesSpec) -> SeriesEvent:
        """POST the series; a re-sent attempt first looks for the series it may already have made."""
        body = event_for(spec)
        attempts = 0

        async def create() -> SeriesEvent:
            nonlocal attempts
            attempts += 1
            if attempts > 1:
                existing = await self._find_unlimited(spec.organizer_id, spec.series_id)
                if existing is not None:
                    return existing
            created = await self._send(self._events(spec.organizer_id), "POST", body)
            if not isinstance(created, dict):
                raise RuntimeError("Graph returned no event for a POST")
            return with_series_id(series_event_from(created), spec.series_id)

        return await self._on_mailbox(spec.organizer_id, create)

    async def _find_unlimited(self, organizer_id: str, series_id: str) -> SeriesEvent | None:
        """find_series inside an operation that already holds the mailbox slot."""
        page = await self._get(self._events(organizer_id), req.find_series_config(series_id))
        masters = [event for event in objects(page, "value") if not flag(event, "isCancelled")]
        return series_event_from(masters[0]) if masters else None

    async def update_series(self, event_id: str, spec: SeriesSpec) -> SeriesEvent:
        body = event_for(spec, for_create=False)
        item = self._events(spec.organizer_id).by_event_id(event_id)
        updated = await self._on_mailbox(spec.organizer_id, lambda: self._send(item, "PATCH", body))
        if not isinstance(updated, dict):
            raise RuntimeError("Graph returned no event for a PATCH")
        return with_series_id(series_event_from(updated), spec.series_id)

    async def cancel(self, organizer_id: str, event_id: str, comment: str) -> None:
        """Cancel the series (attendees get ``comment``); an event already gone counts as cancelled."""
        item = self._events(organizer_id).by_event_id(event_id)
        try:
            await self._on_mailbox(organizer_id, lambda: self._send(item.cancel, "POST", req.cancel_body(comment)))
        except Exception as error:
            if status_of(error) != 404:
                raise
            log.info("cancel: event already gone")

    async def occurrences(self, organizer_id: str, event_id: str, start: datetime, end: datetime) -> list[Occurrence]:
        from shared.adapters.graph.calendar_occurrences import occurrences

        return await occurrences(self._events(organizer_id), organizer_id, event_id, (start, end), self._on_mailbox)

    async def move_occurrence(self, organizer_id: str, occurrence_id: str, start: datetime, end: datetime) -> None:
        item = self._events(organizer_id).by_event_id(occurrence_id)
        await self._on_mailbox(organizer_id, lambda: self._send(item, "PATCH", req.move_body(start, end)))

    async def occurrences_many(
        self, queries: Sequence[OccurrenceQuery], start: datetime, end: datetime
    ) -> dict[str, OccurrencesAnswer]:
        from shared.adapters.graph.calendar_occurrences import occurrences_many

        return await occurrences_many(self._client, self._batches, queries, start, end)

    async def move_occurrences_many(self, moves: Sequence[OccurrenceMove]) -> dict[str, MailboxUnavailable | None]:
        from shared.adapters.graph.calendar_occurrences import move_occurrences_many

        return await move_occurrences_many(self._client, self._batches, moves)

    async def cancel_occurrences_many(
        self, cancels: Sequence[OccurrenceCancel]
    ) -> dict[str, MailboxUnavailable | None]:
        from shared.adapters.graph.calendar_occurrences import cancel_occurrences_many

        return await cancel_occurrences_many(self._client, self._batches, cancels)

    async def cancel_occurrence(self, organizer_id: str, occurrence_id: str, comment: str) -> None:
        """POST .../events/{instance id}/cancel: the instance alone is cancelled (event: cancel)."""
        await self.cancel(organizer_id, occurrence_id, comment)

    async def remove_attendee_copy(self, attendee_id: str, ical_uid: str) -> bool:
        from shared.adapters.graph.calendar_copies import remove_attendee_copy

        return await remove_attendee_copy(self._events(attendee_id), attendee_id, ical_uid, self._on_mailbox)

    async def get_event(self, user_id: str, event_id: str) -> MailboxEvent | None:
        from shared.adapters.graph.calendar_events_read import get_event

        return await get_event(self._events(user_id), user_id, event_id, self._on_mailbox)

    async def mailbox_occurrences(
        self, user_id: str, event_id: str, start: datetime, end: datetime
    ) -> list[MailboxEvent]:
        from shared.adapters.graph.calendar_events_read import mailbox_occurrences

        return await mailbox_occurrences(self._events(user_id), user_id, event_id, start, end, self._on_mailbox)
