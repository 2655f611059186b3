"""An in-memory ``Subscriptions`` port that refuses what Graph (and the Graph emulator) refuses.

- an expiration more than 4,230 minutes ahead, or in the past: ``invalid``;
- a mailbox that already holds 1,000 subscriptions (all apps; ``others`` counts other apps'): ``limit``;
- a user that is not in ``mailboxes``: ``no-mailbox``; a mailbox in ``out_of_scope``: ``out-of-scope``;
- a notification or lifecycle URL that is plain http off loopback: ``invalid``; one in ``unreachable`` (it would
  not echo the validation token): ``validation``.

Renewing an unknown, removed or expired subscription raises ``SubscriptionGone``; deleting one is a no-op. Every
call is logged in ``calls`` as (operation, user or subscription id); ``failures`` injects one-off errors.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from urllib.parse import urlsplit

from shared.domain.subscriptions import OUTLOOK_MAX_LIFETIME, PER_MAILBOX_LIMIT
from shared.ports.subscriptions import (
    REFUSED_INVALID,
    REFUSED_LIMIT,
    REFUSED_NO_MAILBOX,
    REFUSED_OUT_OF_SCOPE,
    REFUSED_VALIDATION,
    Subscription,
    SubscriptionGone,
    SubscriptionRefused,
    SubscriptionSpec,
)

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True, slots=True)
class Stored:
    spec: SubscriptionSpec
    expires: datetime


class FakeSubscriptions:
    def __init__(self, mailboxes: Iterable[str], now: Callable[[], datetime] | None = None) -> None:
        self.mailboxes = set(mailboxes)
        self.out_of_scope: set[str] = set()
        self.unreachable: set[str] = set()  # URLs that fail the validation handshake
        self.others: Counter[str] = Counter()  # other apps' subscriptions per mailbox
        self.subscriptions: dict[str, Stored] = {}
        self.calls: list[tuple[str, str]] = []
        self.failures: list[Exception] = []  # raised, first in first out, by the next calls
        self._now = now or (lambda: datetime.now(UTC))
        self._ids = itertools.count(1)

    # ------------------------------------------------------------ the port

    async def create(self, spec: SubscriptionSpec) -> Subscription:
        self.calls.append(("create", spec.user_id))
        self._maybe_fail()
        self._check_mailbox(spec.user_id)
        self._check_expiry(spec.expires)
        for url in (spec.notification_url, spec.lifecycle_url):
            _check_url(url)
        if self.count(spec.user_id) >= PER_MAILBOX_LIMIT:
            raise SubscriptionRefused(REFUSED_LIMIT, f"{PER_MAILBOX_LIMIT} subscriptions on this mailbox")
        if {spec.notification_url, spec.lifecycle_url} & self.unreachable:
            raise SubscriptionRefused(REFUSED_VALIDATION, "Subscription validation request failed.")
        subscription_id = f"sub-{next(self._ids)}"
        self.subscriptions[subscription_id] = Stored(spec, spec.expires)
        return Subscription(subscription_id, spec.user_id, spec.expires)

    async def renew(self, subscription_id: str, expires: datetime) -> Subscription:
        self.calls.append(("renew", subscription_id))
        self._maybe_fail()
        stored = self._live(subscription_id)
        self._check_mailbox(stored.spec.user_id)
        self._check_expiry(expires)
        self.subscriptions[subscription_id] = replace(stored, expires=expires)
        return Subscription(subscription_id, stored.spec.user_id, expires)

    async def delete(self, subscription_id: str) -> None:
        self.calls.append(("delete", subscription_id))
        self._maybe_fail()
        self.subscriptions.pop(subscription_id, None)

    # ------------------------------------------------------------ test controls and views

    def remove(self, subscription_id: str) -> None:
        """Graph drops a subscription on its own (subscriptionRemoved)."""
        del self.subscriptions[subscription_id]

    def count(self, user_id: str) -> int:
        """Subscriptions on the mailbox: ours that are live, plus other apps'."""
        now = self._now()
        ours = sum(1 for s in self.subscriptions.values() if s.spec.user_id == user_id and s.expires > now)
        return ours + self.others[user_id]

    def live_for(self, user_id: str) -> list[str]:
        now = self._now()
        return sorted(i for i, s in self.subscriptions.items() if s.spec.user_id == user_id and s.expires > now)

    def operations(self, name: str) -> int:
        return sum(1 for operation, _ in self.calls if operation == name)

    # ------------------------------------------------------------ checks

    def _maybe_fail(self) -> None:
        if self.failures:
            raise self.failures.pop(0)

    def _check_mailbox(self, user_id: str) -> None:
        if user_id not in self.mailboxes:
            raise SubscriptionRefused(REFUSED_NO_MAILBOX, f"no mailbox for {user_id}")
        if user_id in self.out_of_scope:
            raise SubscriptionRefused(REFUSED_OUT_OF_SCOPE, "outside the application access policy")

    def _check_expiry(self, expires: datetime) -> None:
        now = self._now()
        if expires <= now or expires - now > OUTLOOK_MAX_LIFETIME:
            raise SubscriptionRefused(REFUSED_INVALID, "expirationDateTime out of range")

    def _live(self, subscription_id: str) -> Stored:
        stored = self.subscriptions.get(subscription_id)
        if stored is None or stored.expires <= self._now():
            self.subscriptions.pop(subscription_id, None)
            raise SubscriptionGone(subscription_id)
        return stored


def _check_url(url: str) -> None:
    parts = urlsplit(url)
    loopback = (parts.hostname or "").lower() in LOOPBACK
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        raise SubscriptionRefused(REFUSED_INVALID, "notificationUrl must be https (http only on loopback)")
