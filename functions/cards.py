"""Card triggers: the ``cards`` timer queues the due cards, the ``send-card`` queue sends each one once.

Thin: each imports its service lazily and takes adapters from the container; ``card_queue.handle_send_card``
says what happens to a message that names someone who cannot get the card, or fails.
"""

import json

import azure.functions as func

bp = func.Blueprint()
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
    from shared.services.card_queue import handle_send_card

    c = container()
    body, attempt = json.loads(msg.get_body()), msg.dequeue_count or 0
    await handle_send_card(c.store, c.clock, lambda: (card_deps_from(c), c.telemetry), body, attempt)
