"""What to do about one mailbox's Graph subscription (pure): create, renew, keep, wait, remove.

Graph keeps a subscription on Outlook resources for at most 4,230 minutes (the stricter of the documented values;
``concepts/outlook-change-notifications-overview.md``), so WeGrow asks for a little less (``DEFAULT_LIFETIME``) and
renews once less than half of its lifetime is left: a timer every few hours then always renews in time, with a
day of slack for a missed run. A mailbox Graph refused (out of the access policy, no mailbox, the 1,000
subscriptions per mailbox all apps share, a notification URL that failed validation) is asked again at most once a
day; meanwhile the daily poll covers it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

OUTLOOK_MAX_LIFETIME = timedelta(minutes=4230)
LIFETIME_MARGIN = timedelta(minutes=30)  # clock skew between us and Graph, and the request's own time
DEFAULT_LIFETIME = OUTLOOK_MAX_LIFETIME - LIFETIME_MARGIN
REFUSED_RETRY_AFTER = timedelta(days=1)
PER_MAILBOX_LIMIT = 1000  # active subscriptions per mailbox, for all applications together


class Step(StrEnum):
    CREATE = "create"  # wanted, and no live subscription (none yet, expired, or the refusal is a day old)
    RENEW = "renew"  # wanted, live, less than half its lifetime left
    KEEP = "keep"  # wanted, live, at least half its lifetime left
    WAIT = "wait"  # wanted, refused less than a day ago: polling only for now
    REMOVE = "remove"  # stored but no longer wanted (leaver, ended pair, notifications off)
    NOTHING = "nothing"  # neither wanted nor stored


@dataclass(frozen=True, slots=True)
class Watch:
    """What is stored about one mailbox's subscription."""

    subscription_id: str | None = None
    expires: datetime | None = None  # aware; as Graph answered
    refused_at: datetime | None = None  # aware; set while the mailbox is refused


def renewal_due(expires: datetime, now: datetime, lifetime: timedelta = DEFAULT_LIFETIME) -> bool:
    """True once less than half of ``lifetime`` is left before ``expires``."""
    return expires - now < lifetime / 2


def is_live(watch: Watch, now: datetime) -> bool:
    """A subscription id that has not expired yet (Graph deletes expired subscriptions)."""
    return bool(watch.subscription_id) and watch.expires is not None and watch.expires > now


def refusal_pending(watch: Watch, now: datetime) -> bool:
    """Refused less than ``REFUSED_RETRY_AFTER`` ago (a refusal dated in the future counts as now)."""
    return watch.refused_at is not None and now - watch.refused_at < REFUSED_RETRY_AFTER


def step_for(watch: Watch | None, wanted: bool, now: datetime, lifetime: timedelta = DEFAULT_LIFETIME) -> Step:
    """The one thing to do for a mailbox this pass."""
    if not wanted:
        return Step.NOTHING if watch is None else Step.REMOVE
    if watch is None:
        return Step.CREATE
    if refusal_pending(watch, now):
        return Step.WAIT
    if is_live(watch, now):
        assert watch.expires is not None
        return Step.RENEW if renewal_due(watch.expires, now, lifetime) else Step.KEEP
    return Step.CREATE
