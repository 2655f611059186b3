"""The ``subscribe`` step of ``wegrow cycle``: the Graph subscriptions pass the ``subscribe`` timer runs.

Part of the default steps only when notifications are on (WEGROW_PUBLIC_BASE_URL and WEGROW_NOTIFICATION_SECRET
both set); asked for explicitly without them, it stops with one line naming what is missing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from shared.config import Settings
    from shared.container import Container
    from shared.services.subscriptions import SubscribeSummary

SUBSCRIBE_STEPS = ("subscribe",)
BASE_STEPS = ("sync", "plan", "schedule")


def default_steps(settings: Settings) -> list[str]:
    """sync, plan, schedule; and subscribe when Graph change notifications are on."""
    return [*BASE_STEPS, *(SUBSCRIBE_STEPS if settings.notifications_enabled else ())]


def check_subscribe(settings: Settings, steps: list[str]) -> None:
    """Refuse the subscribe step, in one line, when a setting it needs is missing."""
    if "subscribe" not in steps or settings.notifications_enabled:
        return
    missing = [
        name
        for name, value in (
            ("WEGROW_PUBLIC_BASE_URL", settings.public_base_url),
            ("WEGROW_NOTIFICATION_SECRET", settings.notification_secret),
        )
        if value is None
    ]
    raise typer.BadParameter(
        f"the subscribe step needs Graph change notifications on; set {' and '.join(missing)} "
        "(the Function App's public https base, and a key of 32+ characters: docs/deploy.md)"
    )


async def run_subscribe(c: Container) -> SubscribeSummary:
    from shared.container.subscriptions import subscription_deps_from
    from shared.services.subscriptions import ensure_subscriptions

    return await ensure_subscriptions(subscription_deps_from(c), c.clock.now())
