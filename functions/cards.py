"""Card triggers: the ``cards`` timer queues the due cards, the ``send-card`` queue sends each one once.

Thin: each imports its service lazily and takes adapters from the container. A message naming someone
who cannot get the card (``Undeliverable``) is logged and dropped; anything else that fails is raised,
so the queue retries it and finally moves it to ``send-card-poison``.
"""

import json
import logging

import azure.functions as func

bp = func.Blueprint()
logger = logging.getLogger(__name__)
STORAGE_CONNECTION = "AzureWebJobsStorage"


@bp.timer_trigger(arg_name="timer", schedule="%WEGROW_CARDS_SCHEDULE%", run_on_startup=False)
async def cards(timer: func.TimerRequest) -> None:
    from shared.container import container
    from shared.services.due_cards import sweep_due_cards
    from shared.services.no_slot_cards import enqueue_no_slot_cards
    from shared.services.ops_telemetry import prep_overdue
    from shared.services.runs import tracked_run

    c = container()
    with tracked_run(c.store, c.clock, "cards") as note:
        swept = await sweep_due_cards(c.store, c.calendar, c.queues, c.clock.now(), c.settings.card_lead_days)
        queued = swept.queued + enqueue_no_slot_cards(c.store, c.queues, c.clock.now())
        prep_overdue(c.telemetry, swept.preps_overdue)
        note.detail = (
            f"{queued} queued, {swept.reminders} reminders, {swept.outcomes_overdue + swept.preps_overdue} overdue"
        )


@bp.queue_trigger(arg_name="msg", queue_name="send-card", connection=STORAGE_CONNECTION)
async def send_card(msg: func.QueueMessage) -> None:
    from shared.container import container
    from shared.container.cards import card_deps_from
    from shared.services.card_delivery import Undeliverable, deliver_card
    from shared.services.ops_telemetry import card_refused, card_result, poison_watch
    from shared.services.runs import tracked_run

    c = container()
    body = json.loads(msg.get_body())
    with (
        tracked_run(c.store, c.clock, "send_card") as note,
        poison_watch(c.telemetry, "send-card", msg.dequeue_count or 0),
    ):
        try:
            result = await deliver_card(card_deps_from(c), body)
        except Undeliverable as refused:
            logger.warning("send-card dropped: %s", refused)
            note.detail = "undeliverable"
            card_refused(c.telemetry, body)
            return
        note.detail = str(result)
        card_result(c.telemetry, body, str(result))
