"""The ``graph-notifications`` queue handler: repair the pair a changed event belongs to, keep subscriptions alive.

A change runs the same repair as the poll (``repair_occurrences``), under the pair's lease, within minutes of the
change. It is idempotent: repair moves only what is wrong now, so a duplicate, late or out-of-order notice finds
nothing to do. A pair leased by another worker sends the notice back, hidden until the lease expires (at most
``MAX_ATTEMPTS`` times; after that the poll is the backstop). What is matched, and how: ``notification_pairs``.

- A decline the report sent without a response (or an occurrence they deleted) shows only in their own copy, and
  Graph names the copy's series master, not the occurrence. So a notice from the report's mailbox about their copy
  compares both lists of instances (``mailbox_events.silent_declines``) and passes the declined (start, end) to the
  repair as a hint (see ``occurrence_repair``): two more Graph reads, only for notices from a report's mailbox.
- The organiser's series master deleted (the manager deleted the series in Outlook): the pair is queued as a
  ``schedule-pair`` check at once, the path that records ``removed-by-organiser`` and leaves it deleted.
- Lifecycle: ``reauthorizationRequired`` renews the subscription, ``subscriptionRemoved`` re-creates it, and
  ``missed`` queues a ``schedule-pair`` check for every live pair of that mailbox (as the poll would).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from shared.domain.mailbox_events import EventKind, MailboxEvent, silent_declines
from shared.domain.notification_items import ChangeNotice, LifecycleNotice
from shared.domain.notifications import NOTIFICATIONS_QUEUE
from shared.ports.directory import MailboxUnavailable
from shared.ports.storage import Queues
from shared.services.notification_messages import attempt_of, change_from, change_message, lifecycle_from
from shared.services.notification_pairs import Watched, live_pairs, overlapped, owner_of, stored_master
from shared.services.occurrence_repair import DeclinedTimes, repair_occurrences
from shared.services.repair_audit import settling_moves
from shared.services.schedule_context import ScheduleContext
from shared.services.scheduling_messages import REQUEUE_MARGIN_S, SCHEDULE_PAIR, manager_messages
from shared.services.scheduling_records import lease_wait

MAX_ATTEMPTS = 6  # sends of one notice while its pair is leased; then the poll is the backstop
MAX_RESYNC_PAIRS = 200  # pairs one ``missed`` lifecycle event queues (a manager's reports, plus their own pair)
DELETED_REASON = "the series was deleted in Outlook (change notification)"
MISSED_REASON = "Graph missed change notifications for a mailbox"
log = logging.getLogger(__name__)


class SubscriptionUpkeep(Protocol):
    async def renew(self, subscription_id: str) -> str: ...

    async def recreate(self, user_id: str) -> str: ...


@dataclass(frozen=True, slots=True)
class NotificationDeps:
    ctx: ScheduleContext
    queues: Queues
    upkeep: SubscriptionUpkeep


async def handle_notification(deps: NotificationDeps, body: dict[str, Any]) -> str:
    """One queue message; returns a short outcome for the run record (never personal data)."""
    if (change := change_from(body)) is not None:
        return await handle_change(deps, change, attempt_of(body))
    if (lifecycle := lifecycle_from(body)) is not None:
        return await handle_lifecycle(deps, lifecycle)
    log.info("graph-notifications: dropped a message of unknown shape")
    return "malformed"


async def handle_change(deps: NotificationDeps, notice: ChangeNotice, attempt: int = 0) -> str:
    ctx = deps.ctx
    candidates = live_pairs(ctx.store, notice.user_id)
    if not candidates:
        return "not ours"
    if notice.change_type == "deleted":
        return _on_deleted(deps, notice, candidates)
    try:
        event = await ctx.calendar.get_event(notice.user_id, notice.event_id)
        owner = await owner_of(ctx.calendar, notice.user_id, event, candidates) if event is not None else None
        declined = await _copy_declines(ctx, notice.user_id, owner, event) if owner and event else frozenset()
    except MailboxUnavailable:
        return "mailbox unavailable"
    if event is None:
        return "gone"
    if owner is not None:
        return await _repair(deps, notice, [owner], attempt, declined)
    hit = overlapped(candidates, event, ctx.policy.rhythm_weeks, ctx.policy.rules.duration)
    if not hit:
        log.debug("graph-notifications: an event that is not WeGrow's")
        return "not ours"
    return await _repair(deps, notice, hit, attempt, frozenset())


async def handle_lifecycle(deps: NotificationDeps, notice: LifecycleNotice) -> str:
    if notice.lifecycle_event == "reauthorizationRequired":
        return f"renew: {await deps.upkeep.renew(notice.subscription_id)}"
    if notice.user_id is None:
        return "no mailbox"
    if notice.lifecycle_event == "subscriptionRemoved":
        return f"recreate: {await deps.upkeep.recreate(notice.user_id)}"
    queued = queue_checks(deps.queues, live_pairs(deps.ctx.store, notice.user_id), MISSED_REASON)
    return f"missed: {queued} pair(s) queued for a check"


def queue_checks(queues: Queues, watched: Sequence[Watched], reason: str) -> int:
    """Queue a ``schedule-pair`` check (the poll's path: reconcile, then repair) for each pair, by manager."""
    bodies = [
        {"manager_id": w.pair.manager_id, "report_id": w.pair.report_id, "org_unit": w.pair.org_unit}
        | {"action": "check", "reason": reason}
        for w in watched[:MAX_RESYNC_PAIRS]
    ]
    for message in manager_messages(bodies):
        queues.send(SCHEDULE_PAIR, message)
    return len(bodies)


def _on_deleted(deps: NotificationDeps, notice: ChangeNotice, candidates: list[Watched]) -> str:
    """Only the organiser's series master can be matched once deleted (nothing is left to read)."""
    owner = stored_master(candidates, notice.event_id)
    if owner is None or owner.pair.manager_id != notice.user_id:
        return "deleted: not a series master of ours"
    queue_checks(deps.queues, [owner], DELETED_REASON)
    return "series deleted: queued for a check"


async def _copy_declines(ctx: ScheduleContext, user_id: str, owner: Watched, event: MailboxEvent) -> DeclinedTimes:
    """The occurrences the report's copy declined without telling the organiser (none for the organiser's notices)."""
    copy_master = event.event_id if event.kind is EventKind.SERIES_MASTER else event.series_master_id
    if user_id != owner.pair.report_id or not copy_master or not owner.master_id:
        return frozenset()
    window = (ctx.now, ctx.now + ctx.policy.horizon)
    copy = await ctx.calendar.mailbox_occurrences(user_id, copy_master, *window)
    organiser = await ctx.calendar.mailbox_occurrences(owner.pair.manager_id, owner.master_id, *window)
    settling = settling_moves(ctx, owner.pair, [occurrence.event_id for occurrence in organiser])
    return silent_declines(organiser, copy, settling)


async def _repair(
    deps: NotificationDeps, notice: ChangeNotice, targets: list[Watched], attempt: int, declined: DeclinedTimes
) -> str:
    moved, leased = 0, None
    for target in targets:
        outcome = await repair_occurrences(deps.ctx, target.pair, declined)
        moved += len(outcome.moved)
        leased = target if outcome.leased else leased
    if leased is not None:
        return _send_back(deps, notice, attempt, leased)
    return f"repaired: moved {moved}"


def _send_back(deps: NotificationDeps, notice: ChangeNotice, attempt: int, leased: Watched) -> str:
    """Hidden until the lease expires: re-handling repeats only what is still needed (idempotent)."""
    if attempt + 1 >= MAX_ATTEMPTS:
        log.warning("graph-notifications: pair leased %d times; left to the poll", MAX_ATTEMPTS)
        return "leased: left to the poll"
    wait = lease_wait(deps.ctx.store, leased.pair.key, deps.ctx.now) + REQUEUE_MARGIN_S
    deps.queues.send(NOTIFICATIONS_QUEUE, change_message(notice) | {"attempt": attempt + 1}, delay=wait)
    return "leased: sent back"
