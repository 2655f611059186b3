"""getSchedule for several managers in one JSON ``$batch`` (20 inner requests per round trip).

Each inner request is still one Outlook request against its manager's mailbox (throttling counts it
separately), so a batch holds one of that mailbox's 4 concurrent slots per request, as series batches do.
Throttled items are re-sent by ``send_batch``; an item still throttled after the last attempt is raised.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from shared.adapters.graph import calendar_requests as req
from shared.adapters.graph.batch import BatchCall, BatchResult, chunked, send_batch
from shared.adapters.graph.calendar_batch import BatchItemError, SeriesBatches, _raise_if_throttled
from shared.adapters.graph.mapping_events import busy_from_schedule
from shared.adapters.graph.raw import json_request, send_json
from shared.adapters.graph.retry import RETRYABLE_STATUSES
from shared.adapters.graph.wire import objects, text
from shared.domain.calendar import Busy
from shared.ports.calendar import BusyAnswer, ScheduleQuery
from shared.ports.directory import MailboxUnavailable, NoMailbox

if TYPE_CHECKING:
    from msgraph.graph_service_client import GraphServiceClient

log = logging.getLogger(__name__)

SCHEDULES_PER_CALL = 20
BusyByOrganizer = dict[str, BusyAnswer]
OnMailbox = Callable[[str, Callable[[], Awaitable[Any]]], Awaitable[Any]]


async def busy_times(
    client: GraphServiceClient,
    on_mailbox: OnMailbox,
    organizer_id: str,
    addresses: Sequence[str],
    start: datetime,
    end: datetime,
) -> dict[str, list[Busy]]:
    """getSchedule in chunks of 20 schedules and windows of at most 62 days (in UTC), keyed by address.

    Each call runs through ``on_mailbox`` (the organiser's Outlook slot and the retry policy). An address Graph
    cannot resolve to a mailbox is ``unknown`` time over the window, never free.
    """
    schedule = client.users.by_user_id(organizer_id).calendar.get_schedule
    unique = list(dict.fromkeys(a.lower() for a in addresses))

    async def one_call(chunk: Sequence[str], span: tuple[datetime, datetime]) -> dict[str, list[Busy]]:
        body, config = req.schedule_request(chunk, *span)
        answer = await on_mailbox(organizer_id, lambda: send_json(client, _post(schedule, body, config)))
        found: dict[str, list[Busy]] = {}
        for info in objects(answer, "value"):
            schedule_id = text(info, "scheduleId")
            if schedule_id:
                if info.get("error") is not None:
                    log.info("getSchedule could not read one mailbox (%s)", text(info.get("error"), "message"))
                found[schedule_id.lower()] = busy_from_schedule(info, span)
        return found

    spans = req.schedule_windows(start, end)
    calls = [(chunk, span) for span in spans for chunk in chunked(unique, SCHEDULES_PER_CALL)]
    answers = await asyncio.gather(*(one_call(chunk, span) for chunk, span in calls))
    return {a: req.merge_busy([part.get(a, []) for part in answers]) for a in unique if any(a in p for p in answers)}


async def busy_times_many(
    client: GraphServiceClient,
    batches: SeriesBatches,
    queries: Sequence[ScheduleQuery],
    start: datetime,
    end: datetime,
) -> BusyByOrganizer:
    """Free/busy per organiser: each organiser's addresses in getSchedule calls of 20 schedules and at most 62
    days, the calls in ``$batch``es. An address Graph cannot resolve is ``unknown`` time, never free."""
    calls: list[tuple[str, list[str], tuple[datetime, datetime]]] = []
    for span in req.schedule_windows(start, end):
        for organizer, addresses in queries:
            unique = list(dict.fromkeys(a.lower() for a in addresses))
            calls += [(organizer, list(chunk), span) for chunk in chunked(unique, SCHEDULES_PER_CALL)]
    answers: BusyByOrganizer = {organizer: {} for organizer, _ in queries}
    parts: dict[str, dict[str, list[list[Busy]]]] = {organizer: {} for organizer, _ in queries}
    for chunk in chunked(list(enumerate(calls))):
        batch = [
            BatchCall(str(i), req.schedule_item(organizer, addresses, *span))
            for i, (organizer, addresses, span) in chunk
        ]
        async with batches.holding(organizer for _, (organizer, _, _) in chunk):
            results = await send_batch(client, batch, policy=batches.policy, stats=batches.stats)
        _raise_if_throttled(r for r in results.values() if r.status in RETRYABLE_STATUSES)
        for i, (organizer, _, span) in chunk:
            _collect(answers, parts[organizer], organizer, results[str(i)], span)
    for organizer, answer in answers.items():
        if not isinstance(answer, MailboxUnavailable):  # each address's windows merged once, at the end
            answer.update({address: req.merge_busy(found) for address, found in parts[organizer].items()})
    return answers


def _post(schedule: Any, body: dict[str, Any], config: Any) -> Any:
    """The getSchedule POST with its JSON body and the configuration's headers (``Prefer``: UTC times)."""
    request = json_request(schedule, "POST", body)
    request.headers.add_all(config.headers)
    return request


def _collect(
    answers: BusyByOrganizer,
    parts: dict[str, list[list[Busy]]],
    organizer: str,
    result: BatchResult,
    span: tuple[datetime, datetime],
) -> None:
    """One getSchedule answer: its busy lists added to ``parts`` by address, or the organiser's mailbox marked
    unavailable in ``answers``."""
    if isinstance(answers[organizer], MailboxUnavailable):
        return
    if result.status == 403:
        answers[organizer] = MailboxUnavailable(f"mailbox {organizer} is outside the app's access policy")
        return
    if result.status == 404:
        answers[organizer] = NoMailbox(f"mailbox {organizer} is not available ({result.error_code or 'not found'})")
        return
    if not result.ok:
        raise BatchItemError(result.status, result.error_code, f"getSchedule on {organizer}")
    for info in objects(result.body, "value"):
        schedule_id = text(info, "scheduleId")
        if schedule_id:
            parts.setdefault(schedule_id.lower(), []).append(busy_from_schedule(info, span))
