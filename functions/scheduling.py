"""Scheduling triggers: the sync and plan timers, and the ``schedule-pair`` and ``pair-changed`` queues.

Thin: each imports its service lazily and takes adapters from the container. A ``schedule-pair`` message
carries up to 20 of one manager's pairs, handled together. A pair leased by another worker is sent back as a
new message hidden until the lease expires (raising would burn the message's deliveries: see
``shared.services.scheduling_messages``).
"""

import json
import logging
import os
from collections import Counter

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)
STORAGE_CONNECTION = "AzureWebJobsStorage"


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_SYNC_SCHEDULE%", run_on_startup=False)
async def sync(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.services.sync_org import sync_org

    c = container()
    summary = await sync_org(c.directory, c.store, c.queues)
    logger.info("org sync: %d people changed, %d pair events", summary.people_changed, len(summary.events))


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_PLAN_SCHEDULE%", run_on_startup=False)
def plan(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.services.plan_cycle import plan_cycle
    from shared.services.scheduling_wiring import planner_from, policy_from

    c = container()
    result = plan_cycle(c.store, c.queues, planner_from(c), c.clock.now(), policy_from(c))
    logger.info("plan: %d pairs, %d queued", result.pairs, len(result.items))


@bp.queue_trigger(arg_name="msg", queue_name="schedule-pair", connection=STORAGE_CONNECTION)
async def schedule_pair(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.services.scheduling_handlers import handle_schedule_message
    from shared.services.scheduling_wiring import context_from

    c = container()
    outcomes = await handle_schedule_message(context_from(c, f"fn-{os.getpid()}"), c.queues, json.loads(msg.get_body()))
    logger.info("schedule-pair: %s", Counter(outcome.status for outcome in outcomes))


@bp.queue_trigger(arg_name="msg", queue_name="pair-changed", connection=STORAGE_CONNECTION)
async def pair_changed(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.services.repair import handle_pair_changed
    from shared.services.scheduling_wiring import context_from

    result = await handle_pair_changed(context_from(container(), f"fn-{os.getpid()}"), json.loads(msg.get_body()))
    logger.info("pair-changed: %s", result)
