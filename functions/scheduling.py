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
    from shared.services.runs import tracked_run
    from shared.services.sync_org import sync_org

    c = container()
    with tracked_run(c.store, c.clock, "sync") as note:
        summary = await sync_org(c.directory, c.store, c.queues, c.pilot)
        note.detail = f"{summary.people_changed} people changed, {len(summary.events)} pair events"
        if summary.pilot_error:
            note.detail += f"; pilot: {summary.pilot_error}"
    logger.info("org sync: %s", note.detail)


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_PLAN_SCHEDULE%", run_on_startup=False)
def plan(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.container.notifications import notified_users_from
    from shared.container.scheduling import planner_from, policy_from
    from shared.services.plan_cycle import plan_cycle
    from shared.services.runs import tracked_run

    c = container()
    with tracked_run(c.store, c.clock, "plan") as note:
        now = c.clock.now()
        notified = notified_users_from(c, now)  # None when notifications are off: the daily poll as before
        result = plan_cycle(c.store, c.queues, planner_from(c), now, policy_from(c), pilot=c.pilot, notified=notified)
        note.detail = f"{result.pairs} pairs, {len(result.items)} queued, {result.out_of_pilot} out of pilot"
        if result.pilot_error:
            note.detail += f"; pilot: {result.pilot_error}"
    logger.info("plan: %s", note.detail)


@bp.queue_trigger(arg_name="msg", queue_name="schedule-pair", connection=STORAGE_CONNECTION)
async def schedule_pair(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.container.scheduling import context_from
    from shared.services.ops_telemetry import poison_watch, schedule_results
    from shared.services.runs import QUEUE_QUIET, tracked_run
    from shared.services.scheduling_handlers import handle_schedule_message

    c = container()
    with (
        tracked_run(c.store, c.clock, "schedule_pair", quiet=QUEUE_QUIET) as note,
        poison_watch(c.telemetry, "schedule-pair", msg.dequeue_count or 0),
    ):
        body = json.loads(msg.get_body())
        outcomes = await handle_schedule_message(context_from(c, f"fn-{os.getpid()}"), c.queues, body)
        note.detail = str(dict(Counter(outcome.status for outcome in outcomes)))
        schedule_results(c.telemetry, (outcome.status for outcome in outcomes))
    logger.info("schedule-pair: %s", note.detail)


@bp.queue_trigger(arg_name="msg", queue_name="pair-changed", connection=STORAGE_CONNECTION)
async def pair_changed(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.container.scheduling import context_from
    from shared.services.repair import handle_pair_changed
    from shared.services.runs import QUEUE_QUIET, tracked_run

    c = container()
    with tracked_run(c.store, c.clock, "pair_changed", quiet=QUEUE_QUIET) as note:
        note.detail = await handle_pair_changed(context_from(c, f"fn-{os.getpid()}"), json.loads(msg.get_body()))
    logger.info("pair-changed: %s", note.detail)
