"""Builds the subscription dependencies from the composition root (shared by the timer, the CLI and the endpoint)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from shared.services.subscriptions import SubscriptionDeps

if TYPE_CHECKING:
    from shared.container import Container


def subscription_deps_from(c: Container) -> SubscriptionDeps:
    """With notifications off (WEGROW_PUBLIC_BASE_URL or WEGROW_NOTIFICATION_SECRET unset) the URLs and key are
    empty: a pass then removes whatever subscriptions are still stored, and creates none."""
    settings = c.settings
    on = settings.notifications_enabled
    return SubscriptionDeps(
        subscriptions=c.subscriptions,
        store=c.store,
        notification_url=settings.notification_url if on else "",
        lifecycle_url=settings.lifecycle_url if on else "",
        secret=settings.notification_key if on else b"",
    )
