"""Graph change-notification subscriptions on mailboxes' events (our types; the adapter maps Graph's)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable


class SubscriptionRefused(Exception):
    """Graph would not create or renew it; ``reason`` is one of the REFUSED_* names below.

    Permanent for this mailbox until something changes (scope, limit, a working notification URL): the
    caller records it and falls back to polling. Transient errors (429, 5xx) are retried in the adapter
    and surface as their own exceptions.
    """

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


REFUSED_OUT_OF_SCOPE = "out-of-scope"  # 403: the application access policy leaves the mailbox out
REFUSED_NO_MAILBOX = "no-mailbox"  # 404: the user has no Exchange mailbox
REFUSED_LIMIT = "limit"  # the mailbox already holds the documented maximum of subscriptions (all apps)
REFUSED_VALIDATION = "validation"  # the notification URL did not echo the validation token in time
REFUSED_INVALID = "invalid"  # 400 for anything else (expiration too far, bad resource)


class SubscriptionGone(Exception):
    """404 on renew or delete: Graph removed the subscription (or it expired); create a new one."""


@dataclass(frozen=True, slots=True)
class SubscriptionSpec:
    user_id: str  # the mailbox whose events are watched: resource /users/{user_id}/events
    change_types: tuple[str, ...]  # e.g. ("updated", "deleted")
    notification_url: str
    lifecycle_url: str
    client_state: str
    expires: datetime  # aware


@dataclass(frozen=True, slots=True)
class Subscription:
    id: str
    user_id: str  # from the spec on create; from Graph's echoed resource on renew ("" if it sent none)
    expires: datetime  # aware, as Graph answered (Graph may shorten what was asked)


@runtime_checkable
class Subscriptions(Protocol):
    async def create(self, spec: SubscriptionSpec) -> Subscription:
        """POST /subscriptions. Raises SubscriptionRefused."""
        ...

    async def renew(self, subscription_id: str, expires: datetime) -> Subscription:
        """PATCH /subscriptions/{id} with a new expirationDateTime. Raises SubscriptionGone, SubscriptionRefused."""
        ...

    async def delete(self, subscription_id: str) -> None:
        """DELETE /subscriptions/{id}; an unknown id is not an error."""
        ...
