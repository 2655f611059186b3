"""Builds what the notification endpoint, its queue trigger and planning need from the composition root."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from shared.services.notification_handling import NotificationDeps
from shared.services.notification_intake import WatchedUser

if TYPE_CHECKING:
    from shared.container import Container


class ContainerUpkeep:
    """Renew or re-create one subscription (``shared.services.subscriptions``) with the container's adapters."""

    def __init__(self, c: Container) -> None:
        self._c = c

    async def renew(self, subscription_id: str) -> str:
        from shared.container.subscriptions import subscription_deps_from
        from shared.services.subscriptions import renew_subscription

        return await renew_subscription(subscription_deps_from(self._c), subscription_id, self._c.clock.now())

    async def recreate(self, user_id: str) -> str:
        from shared.container.subscriptions import subscription_deps_from
        from shared.services.subscriptions import recreate_subscription

        return await recreate_subscription(subscription_deps_from(self._c), user_id, self._c.clock.now())


def notification_deps_from(c: Container, worker: str) -> NotificationDeps:
    from shared.container.scheduling import context_from

    return NotificationDeps(context_from(c, worker), c.queues, ContainerUpkeep(c))


def watched_user_from(c: Container) -> WatchedUser:
    """A subscription id to the mailbox it watches (one point read of the subscriptions table)."""
    from shared.services.subscriptions import watched_user

    store = c.store
    return lambda subscription_id: watched_user(store, subscription_id)


def notified_users_from(c: Container, now: datetime) -> frozenset[str] | None:
    """The mailboxes with a live subscription, for planning's poll backstop; None when notifications are off."""
    from shared.services.notification_backstop import notified_users

    return notified_users(c.store, now) if c.settings.notifications_enabled else None
