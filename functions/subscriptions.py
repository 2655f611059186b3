"""The Graph subscriptions timer: one subscription on the events of every mailbox with an active series.

Thin: the pass is ``shared.services.subscriptions.ensure_subscriptions`` (the same as ``wegrow cycle --steps
subscribe``). With notifications off (WEGROW_PUBLIC_BASE_URL or WEGROW_NOTIFICATION_SECRET unset) it says so, and
the same pass deletes whatever subscriptions are still stored, so Graph stops calling an endpoint nobody serves.
"""

import logging

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_SUBSCRIBE_SCHEDULE%", run_on_startup=False)
async def subscribe(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.container.subscriptions import subscription_deps_from
    from shared.services.runs import tracked_run
    from shared.services.subscriptions import ensure_subscriptions

    c = container()
    with tracked_run(c.store, c.clock, "subscribe") as note:
        deps = subscription_deps_from(c)
        if not deps.enabled:
            logger.info("Graph change notifications are off (WEGROW_PUBLIC_BASE_URL, WEGROW_NOTIFICATION_SECRET)")
        summary = await ensure_subscriptions(deps, c.clock.now())
        note.detail = summary.line() if deps.enabled else f"notifications off; removed {summary.removed}"
    logger.info("subscribe: %s", note.detail)
