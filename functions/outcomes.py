"""Outcome export triggers: the ``export`` queue (a nudge) and the ``%WEGROW_EXPORT_SCHEDULE%`` sweep.

Both drain the whole outbox (idempotent, so overlapping runs add no duplicate rows); the sweep also
marks conversations missed (``conversation_changes.sweep_missed``) and purges outcome records older
than ``WEGROW_RETENTION_DAYS``.
"""

import logging

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)
STORAGE_CONNECTION = "AzureWebJobsStorage"


async def _export(run_name: str, purge: bool, dequeue_count: int = 0) -> None:
    from shared.container import container
    from shared.services.conversation_changes import sweep_missed
    from shared.services.export_outcomes import export_outcomes
    from shared.services.ops_telemetry import poison_watch
    from shared.services.privacy import purge_expired
    from shared.services.runs import tracked_run

    c = container()
    queue = "export" if dequeue_count else ""  # the timer has no message: nothing can go to a poison queue
    with tracked_run(c.store, c.clock, run_name) as note, poison_watch(c.telemetry, queue, dequeue_count):
        if purge:  # the sweep: conversations past their date with no outcome become missed, exported below
            missed = sweep_missed(c.store, c.clock.now().date(), now=c.clock.now())
            logger.info("missed sweep: %d conversations missed", missed)
        try:
            report = await export_outcomes(
                c.store, c.workbook, c.clock.now(), c.telemetry, thresholds=c.company.tenure.thresholds
            )
        finally:
            await c.workbook.aclose()
        note.detail = f"{report.entries} entries"
        logger.info("export: %d entries, appended %s", report.entries, report.appended)
        if purge:
            purged = purge_expired(c.store, c.clock.now(), c.settings.retention_days, queues=c.queues)
            logger.info("retention: %d expired records and poison messages purged", purged)


@bp.queue_trigger(arg_name="msg", queue_name="export", connection=STORAGE_CONNECTION)
async def export_outbox(msg: func.QueueMessage) -> None:
    await _export("export_outbox", purge=False, dequeue_count=msg.dequeue_count or 0)


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_EXPORT_SCHEDULE%", run_on_startup=False)
async def export_sweep(timer: func.TimerRequest) -> None:
    await _export("export_sweep", purge=True)
