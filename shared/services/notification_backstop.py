"""The poll as the backstop: with change notifications live for both people, a pair's check comes less often.

Without notifications a live series is checked once ``repair_check_days`` (7) have passed since its last check.
When both the manager's and the report's mailboxes have a live subscription, declines and edits arrive within
minutes, so planning checks the pair only once every ``NOTIFIED_CHECK_FACTOR`` times as long (14 days), on a day
of that period fixed by a stable hash of the pair: the checks spread evenly over the days instead of bunching
after a roll-out. A pair already checked today (a notification repaired it) waits for its next day; one whose last
check is a whole period old is due at once (a missed plan run, or the day notifications were switched on).

What the backstop still catches: conflicts with meetings created after the series (only updates and deletes are
subscribed), working hours that changed, and any notification Graph failed to deliver without saying ``missed``.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from shared.domain.subscriptions import is_live
from shared.ports.storage import Store

NOTIFIED_CHECK_FACTOR = 2


def notified_users(store: Store, now: datetime) -> frozenset[str]:
    """The users whose mailbox has a live (unexpired) subscription (one query of the subscriptions table)."""
    from shared.services.subscriptions_records import stored_mailboxes, watch_from

    found = ((user_id, watch_from(record)) for user_id, record in stored_mailboxes(store).items())
    return frozenset(user_id for user_id, watch in found if watch is not None and is_live(watch, now))


def notified_period(repair_check_days: int) -> int:
    return max(1, repair_check_days * NOTIFIED_CHECK_FACTOR)


def check_day(pair_key: str, period_days: int) -> int:
    """The pair's day in each period of ``period_days`` (0 .. period_days - 1), the same on every run."""
    digest = hashlib.sha256(pair_key.encode()).digest()
    return int.from_bytes(digest[:8], "big") % period_days


def backstop_due(pair_key: str, checked_at: datetime | None, now: datetime, period_days: int) -> bool:
    """Whether planning should check a pair whose both mailboxes are notified (see the module doc)."""
    if checked_at is None or now - checked_at >= timedelta(days=period_days):
        return True
    on_its_day = now.date().toordinal() % period_days == check_day(pair_key, period_days)
    return on_its_day and checked_at.date() < now.date()
