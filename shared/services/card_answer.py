"""A card submission and the card it answers with, as the bot runs them for one request.

Both run on one read-once view of the store (:class:`~shared.services.sweep_reads.SweepReads`): a row the
submission read (the two people and the pair of the pair check) is not read again to build the answer, and a row
it wrote is read afresh. For a prep card as sent, that is 7 Table round trips instead of 9.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from shared.ports.clock import Clock
from shared.ports.storage import Queues, Store
from shared.services.card_actions import DEFAULT_EXPIRY, CardReply, ConfigSource, handle_card_action, handle_refresh
from shared.services.prep_reopen import saved_prep_card
from shared.services.sweep_reads import SweepReads


def submit_and_answer(
    store: Store,
    clock: Clock,
    verb: str,
    data: Mapping[str, Any],
    actor_id: str | None,
    *,
    queues: Queues | None = None,
    expiry: timedelta = DEFAULT_EXPIRY,
    config: ConfigSource | None = None,
) -> CardReply:
    """``handle_card_action``, then for a saved prep card the card rebuilt to edit again (``saved_prep_card``)."""
    reads = SweepReads(store)
    reply = handle_card_action(reads, clock, verb, data, actor_id, queues=queues, expiry=expiry, config=config)
    rebuild = partial(handle_refresh, reads, data, actor_id, config=config, clock=clock, expiry=expiry)
    return saved_prep_card(reply, rebuild)
