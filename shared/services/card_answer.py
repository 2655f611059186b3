"""A card submission and the card it answers with, as the bot runs them for one request.

Both run on one read-once view of the store (:class:`~shared.services.sweep_reads.SweepReads`): a row the
submission read (the two people and the pair of the pair check) is not read again to build the answer, and a row
it wrote is read afresh. For a prep card as sent, that is 7 Table requests instead of 9; the pair check's and the
answer's reads (the people, the pair, the pair's outcomes) are made at once (``Store.read_ahead``), so they cost
4 waits: the card's row and agenda, those four, the transaction, the agenda as written.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from functools import partial
from typing import Any

from shared.ports.clock import Clock
from shared.ports.storage import EntityKey, PartitionRead, Queues, Store
from shared.services import card_storing
from shared.services.card_action_submit import handle_card_action
from shared.services.card_actions import DEFAULT_EXPIRY, VERB_KINDS, CardReply, ConfigSource, handle_refresh
from shared.services.card_conversations import conversation_reads
from shared.services.prep_reopen import saved_prep_card
from shared.services.scheduling_records import PAIRS
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
    with reads.read_ahead(*_conversation_reads(reads, verb, data, actor_id)):
        reply = handle_card_action(reads, clock, verb, data, actor_id, queues=queues, expiry=expiry, config=config)
        rebuild = partial(handle_refresh, reads, data, actor_id, config=config, clock=clock, expiry=expiry)
        return saved_prep_card(reply, rebuild)


def _conversation_reads(
    reads: SweepReads, verb: str, data: Mapping[str, Any], actor_id: str | None
) -> tuple[list[EntityKey], list[PartitionRead]]:
    """For a prep card as sent (its row names the manager): what the pair check and the card in the answer read
    one after another, to read at once: the two people, the pair, the pair's outcomes. The card's row is read first
    (the view keeps it for the submission); a card that names no manager needs none of these."""
    rows = card_storing.prep_rows(reads, VERB_KINDS.get(verb), data, actor_id)
    card = rows.card if rows is not None else None
    manager_id = str(card.template_data.get("managerId") or "") if card is not None else ""
    if card is None or not manager_id:
        return [], []
    keys, partitions = conversation_reads(manager_id, card.employee_id, outcomes_only=True)  # a prep card's reads
    return [*keys, (PAIRS, manager_id, card.employee_id)], partitions
