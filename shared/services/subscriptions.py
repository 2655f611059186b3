"""Keep one Graph subscription on the events of every mailbox with an active WeGrow series, so a change is repaired
in minutes; the daily poll stays as the safety net for every mailbox Graph refused or a notification missed.

``ensure_subscriptions`` is the whole pass (the ``subscribe`` timer and ``wegrow cycle --steps subscribe``): create
where missing, renew once less than half the lifetime is left, re-create what Graph removed, delete what is no
longer wanted (leavers, ended pairs; everything when notifications are off). A refused mailbox is recorded and asked
again at most once a day (``shared.domain.subscriptions``). Once a create fails the notification URL's validation
handshake, the pass stops creating: the URL is unreachable for every mailbox alike.

The notification endpoint uses ``renew_subscription`` (lifecycle ``reauthorizationRequired``),
``recreate_subscription`` (``subscriptionRemoved``) and ``watched_user`` (whose subscription a notification is for).
Row shapes: ``subscriptions_records``.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.domain.notifications import CHANGE_TYPES, client_state_for
from shared.domain.subscriptions import DEFAULT_LIFETIME, Step, refusal_pending, step_for
from shared.ports.storage import Record, Store
from shared.ports.subscriptions import (
    REFUSED_VALIDATION,
    SubscriptionGone,
    SubscriptionRefused,
    Subscriptions,
    SubscriptionSpec,
)
from shared.services import subscriptions_records as rows

log = logging.getLogger(__name__)

GRAPH_CONCURRENCY = 8  # subscription calls in flight during a pass
PROGRESS_EVERY = 500  # mailboxes between progress lines
COUNTED = ("created", "renewed", "recreated", "removed", "kept", "skipped", "failed")
REFUSED = "refused:"


@dataclass(frozen=True)
class SubscriptionDeps:
    subscriptions: Subscriptions
    store: Store
    notification_url: str  # "" when notifications are off
    lifecycle_url: str
    secret: bytes  # the clientState key (WEGROW_NOTIFICATION_SECRET)
    lifetime: timedelta = DEFAULT_LIFETIME
    concurrency: int = GRAPH_CONCURRENCY

    @property
    def enabled(self) -> bool:
        return bool(self.notification_url and self.lifecycle_url and self.secret)


@dataclass
class SubscribeSummary:
    mailboxes: int = 0  # wanted this pass
    created: int = 0
    renewed: int = 0
    recreated: int = 0
    removed: int = 0
    kept: int = 0  # live, more than half its lifetime left
    skipped: int = 0  # refused less than a day ago, or not tried after the URL failed validation
    failed: int = 0
    refused_by_reason: Counter[str] = field(default_factory=Counter)

    def tally(self, status: str) -> None:
        if status.startswith(REFUSED):
            self.refused_by_reason[status.removeprefix(REFUSED)] += 1
        elif status in COUNTED:
            setattr(self, status, getattr(self, status) + 1)

    @property
    def refused(self) -> int:
        return sum(self.refused_by_reason.values())

    def as_json(self) -> dict[str, Any]:
        counts = {name: getattr(self, name) for name in ("mailboxes", *COUNTED)}
        return counts | {"refused": self.refused, "refused_by_reason": dict(sorted(self.refused_by_reason.items()))}

    def line(self) -> str:
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.refused_by_reason.items())) or "none"
        return (
            f"subscriptions for {self.mailboxes} mailboxes: created {self.created}, renewed {self.renewed}, "
            f"recreated {self.recreated}, removed {self.removed}, kept {self.kept}, skipped {self.skipped}, "
            f"failed {self.failed}, refused {self.refused} ({reasons})"
        )


async def ensure_subscriptions(deps: SubscriptionDeps, now: datetime) -> SubscribeSummary:
    """One pass over every wanted or stored mailbox; converges, and a re-run changes nothing."""
    wanted = rows.watched_mailboxes(deps.store) if deps.enabled else set()
    stored = rows.stored_mailboxes(deps.store)
    users = sorted(wanted | stored.keys())
    log.info("subscriptions: %d mailboxes wanted, %d stored", len(wanted), len(stored))
    run = _Pass(deps, now, SubscribeSummary(mailboxes=len(wanted)), len(users))
    await asyncio.gather(*(run.settle(user, stored.get(user), user in wanted) for user in users))
    log.info("%s", run.summary.line())
    return run.summary


async def renew_subscription(deps: SubscriptionDeps, subscription_id: str, now: datetime) -> str:
    """Renew (and so reauthorize) one subscription; re-create it when Graph says it is gone.

    Returns ``renewed``, ``recreated``, ``refused:<reason>``, ``stale`` (ours, but replaced since: deleted),
    ``unknown`` (not a subscription WeGrow keeps) or ``off`` (notifications are off).
    """
    user_id = rows.user_of(deps.store, subscription_id)
    if user_id is None:
        return "unknown"
    record = rows.find_mailbox(deps.store, user_id)
    if rows.subscription_of(record) != subscription_id:
        await deps.subscriptions.delete(subscription_id)
        rows.unindex(deps.store, subscription_id)
        return "stale"
    if not deps.enabled:
        return "off"
    return await _renew(deps, user_id, record, now)


async def recreate_subscription(deps: SubscriptionDeps, user_id: str, now: datetime) -> str:
    """Replace the mailbox's subscription after Graph removed one (never leaving two).

    Returns ``recreated``, ``created``, ``refused:<reason>``, ``skipped`` (refused less than a day ago), ``unknown``
    (not a mailbox WeGrow watches: the next pass subscribes it if it should) or ``off``.
    """
    if not deps.enabled:
        return "off"
    record = rows.find_mailbox(deps.store, user_id)
    watch = rows.watch_from(record)
    if record is None or watch is None:
        return "unknown"
    if refusal_pending(watch, now):
        return "skipped"
    if old := rows.subscription_of(record):
        await deps.subscriptions.delete(old)  # the removed one, or a live one: a no-op or one less
    return await _create(deps, user_id, record, now)


def watched_user(store: Store, subscription_id: str) -> str | None:
    """The user whose mailbox this subscription watches; None when it is not one WeGrow keeps (one point read)."""
    return rows.user_of(store, subscription_id)


class _Pass:
    """One ``ensure_subscriptions`` run: bounded Graph concurrency, progress lines, the validation breaker."""

    def __init__(self, deps: SubscriptionDeps, now: datetime, summary: SubscribeSummary, total: int) -> None:
        self.deps, self.now, self.summary, self.total = deps, now, summary, total
        self.gate = asyncio.Semaphore(deps.concurrency)
        self.url_refused = False
        self.done = 0

    async def settle(self, user_id: str, record: Record | None, wanted: bool) -> None:
        step = step_for(rows.watch_from(record), wanted, self.now, self.deps.lifetime)
        status = {Step.KEEP: "kept", Step.WAIT: "skipped", Step.NOTHING: "nothing"}.get(step)
        if status is None:
            async with self.gate:
                status = await self._act(user_id, record, step)
        self.summary.tally(status)
        self.done += 1
        if self.done % PROGRESS_EVERY == 0:
            log.info("subscriptions: %d of %d mailboxes settled", self.done, self.total)

    async def _act(self, user_id: str, record: Record | None, step: Step) -> str:
        if step is Step.CREATE and self.url_refused:
            return "skipped"
        try:
            status = await _ACTIONS[step](self.deps, user_id, record, self.now)
        except Exception as error:  # one mailbox's failure must not stop the pass; the poll still covers it
            log.warning("subscription %s failed: %s", step.value, type(error).__name__)
            rows.save(self.deps.store, record, user_id, rows.failed_row(record, type(error).__name__, self.now))
            return "failed"
        self.url_refused = self.url_refused or status == REFUSED + REFUSED_VALIDATION
        return status


async def _create(deps: SubscriptionDeps, user_id: str, record: Record | None, now: datetime) -> str:
    old = rows.subscription_of(record)
    secret = client_state_for(deps.secret, user_id)
    spec = SubscriptionSpec(
        user_id, CHANGE_TYPES, deps.notification_url, deps.lifecycle_url, secret, now + deps.lifetime
    )
    try:
        created = await deps.subscriptions.create(spec)
    except SubscriptionRefused as refused:
        return _refuse(deps, user_id, record, refused.reason, now)
    rows.index(deps.store, created.id, user_id)
    if not rows.save(deps.store, record, user_id, rows.ok_row(created, now)):
        await deps.subscriptions.delete(created.id)  # another writer settled this mailbox meanwhile: keep theirs
        rows.unindex(deps.store, created.id)
        return "skipped"
    if old and old != created.id:
        rows.unindex(deps.store, old)
    return "recreated" if old else "created"


async def _renew(deps: SubscriptionDeps, user_id: str, record: Record | None, now: datetime) -> str:
    subscription_id = rows.subscription_of(record)
    try:
        renewed = await deps.subscriptions.renew(subscription_id, now + deps.lifetime)
    except SubscriptionGone:
        return await _create(deps, user_id, record, now)
    except SubscriptionRefused as refused:
        await _delete_quietly(deps, subscription_id)  # refused rows hold no subscription
        return _refuse(deps, user_id, record, refused.reason, now)
    rows.save(deps.store, record, user_id, rows.ok_row(renewed, now))  # lost to another writer: theirs is as new
    return "renewed"


async def _remove(deps: SubscriptionDeps, user_id: str, record: Record | None, now: datetime) -> str:
    subscription_id = rows.subscription_of(record)
    if subscription_id:
        await deps.subscriptions.delete(subscription_id)
    rows.forget(deps.store, user_id, subscription_id)
    return "removed" if subscription_id else "nothing"


async def _delete_quietly(deps: SubscriptionDeps, subscription_id: str) -> None:
    """Best effort: a subscription Graph will not renew lapses by itself within its lifetime anyway."""
    try:
        await deps.subscriptions.delete(subscription_id)
    except Exception as error:  # the refusal is what matters; the leftover expires on its own
        log.warning("could not delete a refused subscription: %s", type(error).__name__)


def _refuse(deps: SubscriptionDeps, user_id: str, record: Record | None, reason: str, now: datetime) -> str:
    if old := rows.subscription_of(record):
        rows.unindex(deps.store, old)
    rows.save(deps.store, record, user_id, rows.refused_row(reason, now))
    log.info("subscription refused (%s): that mailbox is polled only", reason)
    return REFUSED + reason


def _spec_for(deps: SubscriptionDeps, user_id: str, now: datetime) -> SubscriptionSpec:
    state = client_state_for(deps.secret, user_id)
    return SubscriptionSpec(
        user_id, CHANGE_TYPES, deps.notification_url, deps.lifecycle_url, state, now + deps.lifetime
    )


_ACTIONS = {Step.CREATE: _create, Step.RENEW: _renew, Step.REMOVE: _remove}
