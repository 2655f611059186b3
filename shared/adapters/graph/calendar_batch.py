"""Series look-ups and creates for many pairs in few round trips: JSON ``$batch`` of up to 20 requests.

Mailboxes may differ within a batch. Graph runs a batch's requests for one mailbox at most 4 at a time, so
while a batch is in flight it holds, for each mailbox it touches, as many of that mailbox's 4 Outlook slots
as it has requests there (at most 4). Multi-slot acquisition is serialised by a lock, so two batches never
deadlock on half-taken slots; single requests take one slot and never wait on that lock.

Creates stay idempotent: each POST carries ``transactionId = uuid5(series id)``, and every re-sent round
(after a throttled item, a 503/504 or a dropped connection) first looks up the series still pending, so a
create that landed but lost its answer is returned instead of made twice.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from shared.adapters.graph import batch_items as items
from shared.adapters.graph import calendar_requests as req
from shared.adapters.graph.batch import BatchCall, BatchResult, chunked, send_batch
from shared.adapters.graph.limits import OUTLOOK_CONCURRENT_PER_MAILBOX, MailboxLimiter
from shared.adapters.graph.mapping_events import event_for, series_event_from
from shared.adapters.graph.retry import (
    RETRYABLE_STATUSES,
    RetryableStatus,
    RetryPolicy,
    RetryStats,
    header,
    parse_retry_after,
    with_retries,
)
from shared.adapters.graph.wire import flag, objects
from shared.domain.calendar import SeriesEvent, SeriesSpec
from shared.ports.calendar import CreatedSeries, FoundSeries, SeriesLookup
from shared.ports.directory import MailboxUnavailable, NoMailbox

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient


class BatchItemError(Exception):
    """A ``$batch`` item failed with a status that is not retried (and is not a 403 out-of-scope mailbox)."""

    def __init__(self, status: int, code: str | None, what: str) -> None:
        super().__init__(f"{what}: Graph answered {status} ({code or 'no code'})")
        self.response_status_code = status


def with_series_id(event: SeriesEvent, series_id: str) -> SeriesEvent:
    return event if event.series_id else replace(event, series_id=series_id)


class SeriesBatches:
    def __init__(self, client: GraphServiceClient, limiter: MailboxLimiter, policy: RetryPolicy, stats: RetryStats):
        self._client, self._limiter, self._policy, self._stats = client, limiter, policy, stats
        self.policy, self.stats = policy, stats
        self._once = replace(policy, max_attempts=1)
        self._acquiring = asyncio.Lock()

    async def find_many(self, lookups: Sequence[SeriesLookup]) -> dict[str, FoundSeries]:
        found: dict[str, FoundSeries] = {}
        for chunk in chunked(list(dict.fromkeys(lookups))):
            async with self._holding(organizer for organizer, _ in chunk):
                settled, throttled = await self._lookup(chunk, self._policy)
            _raise_if_throttled(throttled)  # still throttled after every attempt
            found |= settled
        return found

    async def create_many(self, specs: Sequence[SeriesSpec]) -> dict[str, CreatedSeries]:
        unique = list({spec.series_id: spec for spec in specs}.values())
        created: dict[str, CreatedSeries] = {}
        for chunk in chunked(unique):
            async with self._holding(spec.organizer_id for spec in chunk):
                created |= await self._create_chunk(chunk)
        return created

    def holding(self, mailboxes: Iterable[str]) -> contextlib.AbstractAsyncContextManager[None]:
        """Hold, for each mailbox, one of its Outlook slots per request a batch sends there (at most 4)."""
        return self._holding(mailboxes)

    @contextlib.asynccontextmanager
    async def _holding(self, mailboxes: Iterable[str]) -> AsyncIterator[None]:
        wanted = Counter(mailbox.lower() for mailbox in mailboxes)
        async with contextlib.AsyncExitStack() as held:
            async with self._acquiring:
                for mailbox in sorted(wanted):
                    for _ in range(min(wanted[mailbox], OUTLOOK_CONCURRENT_PER_MAILBOX)):
                        await held.enter_async_context(self._limiter.mailbox(mailbox))
            yield

    async def _lookup(
        self, lookups: Sequence[SeriesLookup], policy: RetryPolicy
    ) -> tuple[dict[str, FoundSeries], list[BatchResult]]:
        """One batch of look-ups: the settled answers by series id, and the items that were throttled."""
        calls = [BatchCall(str(i), req.find_series_item(organizer, sid)) for i, (organizer, sid) in enumerate(lookups)]
        answers = await send_batch(self._client, calls, policy=policy, stats=self._stats)
        found: dict[str, FoundSeries] = {}
        throttled: list[BatchResult] = []
        for i, (organizer, sid) in enumerate(lookups):
            answer = answers[str(i)]
            if answer.status in RETRYABLE_STATUSES:
                throttled.append(answer)
            else:
                found[sid] = _unavailable(answer, organizer) or _master_in(answer, f"find series on {organizer}")
        return found, throttled

    async def _create_chunk(self, specs: Sequence[SeriesSpec]) -> dict[str, CreatedSeries]:
        pending = {spec.series_id: spec for spec in specs}
        done: dict[str, CreatedSeries] = {}
        rounds = 0

        async def round_trip() -> None:
            nonlocal rounds
            rounds += 1
            to_post, throttled = dict(pending), list[BatchResult]()
            if rounds > 1:  # a re-sent create first looks for the series it may already have made
                found, throttled = await self._lookup([(s.organizer_id, sid) for sid, s in pending.items()], self._once)
                done.update({sid: event for sid, event in found.items() if event is not None})
                to_post = {sid: pending[sid] for sid, event in found.items() if event is None}
                for sid in set(done) & set(pending):
                    pending.pop(sid)
            if to_post:
                throttled += await self._post_creates(to_post, done, pending)
            if pending:
                _raise_if_throttled(throttled)

        await with_retries(round_trip, policy=self._policy, stats=self._stats)
        return done

    async def _post_creates(
        self, to_post: dict[str, SeriesSpec], done: dict[str, CreatedSeries], pending: dict[str, SeriesSpec]
    ) -> list[BatchResult]:
        """One ``$batch`` of POSTs; settled items move from ``pending`` to ``done``; returns the throttled ones."""
        specs = list(to_post.values())
        calls = [
            BatchCall(str(i), items.send("POST", items.user_path(spec.organizer_id, "events"), event_for(spec)))
            for i, spec in enumerate(specs)
        ]
        answers = await send_batch(self._client, calls, policy=self._once, stats=self._stats)
        throttled: list[BatchResult] = []
        for i, spec in enumerate(specs):
            answer = answers[str(i)]
            if answer.status in RETRYABLE_STATUSES:
                throttled.append(answer)
                continue
            done[spec.series_id] = _unavailable(answer, spec.organizer_id) or _created(answer, spec)
            pending.pop(spec.series_id)
        return throttled


def _unavailable(answer: BatchResult, mailbox: str) -> MailboxUnavailable | None:
    """403: outside the application access policy; 404 on a mailbox's events: no such user or no mailbox."""
    if answer.status == 403:
        return MailboxUnavailable(f"mailbox {mailbox} is outside the app's access policy")
    if answer.status == 404:
        return NoMailbox(f"mailbox {mailbox} is not available ({answer.error_code or 'not found'})")
    return None


def _created(answer: BatchResult, spec: SeriesSpec) -> SeriesEvent:
    if not answer.ok or not isinstance(answer.body, dict):
        raise BatchItemError(answer.status, answer.error_code, f"create series on {spec.organizer_id}")
    return with_series_id(series_event_from(answer.body), spec.series_id)


def _master_in(answer: BatchResult, what: str) -> SeriesEvent | None:
    """The first live event of an events page (the series master carrying the tag), if any."""
    if not answer.ok:
        raise BatchItemError(answer.status, answer.error_code, what)
    for event in objects(answer.body, "value"):
        if not flag(event, "isCancelled"):
            return series_event_from(event)
    return None


def _raise_if_throttled(answers: Iterable[BatchResult]) -> None:
    throttled = [a for a in answers if a.status in RETRYABLE_STATUSES]
    if throttled:
        waits = [w for w in (parse_retry_after(header(a.headers, "retry-after")) for a in throttled) if w is not None]
        status = max(a.status for a in throttled)
        raise RetryableStatus(status, max(waits) if waits else None, f"{len(throttled)} batch item(s)")
