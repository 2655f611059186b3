"""One ``send-card`` queue message, as the trigger runs it: deliver the card, tell ops, note the run.

The trigger only decodes the message and takes the adapters from the container; the bench runs this same
function, so the figures per card include the run record and the telemetry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from shared.ports.clock import Clock
from shared.ports.storage import Store
from shared.ports.telemetry import Events
from shared.services.card_delivery import CardDeps, Undeliverable, deliver_card
from shared.services.ops_telemetry import card_refused, card_result, poison_watch
from shared.services.runs import QUEUE_QUIET, RunNote, tracked_run

logger = logging.getLogger(__name__)
RUN_NAME, QUEUE = "send_card", "send-card"
UNDELIVERABLE = "undeliverable"


async def handle_send_card(
    store: Store,
    clock: Clock,
    adapters: Callable[[], tuple[CardDeps, Events]],
    body: Mapping[str, Any],
    dequeue_count: int,
) -> str:
    """Deliver one message's card; its result (``sent``, ``already_sent``, ``unreachable`` or ``undeliverable``).

    A message naming someone who cannot get the card is logged and dropped; anything else that fails is raised,
    so the queue retries it and finally moves it to ``send-card-poison`` (told to ops on the last attempt). The
    adapters are built inside the run, so a run that cannot build them is recorded as failed too.
    """
    with tracked_run(store, clock, RUN_NAME, quiet=QUEUE_QUIET) as note:
        deps, events = adapters()
        with poison_watch(events, QUEUE, dequeue_count):
            return await _deliver(deps, events, body, note)


async def _deliver(deps: CardDeps, events: Events, body: Mapping[str, Any], note: RunNote) -> str:
    try:
        result = str(await deliver_card(deps, body))
    except Undeliverable as refused:
        logger.warning("send-card dropped: %s", refused)
        note.detail = UNDELIVERABLE
        card_refused(events, body)
        return UNDELIVERABLE
    note.detail = result
    card_result(events, body, result)
    return result
