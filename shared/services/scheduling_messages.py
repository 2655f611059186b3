"""The ``schedule-pair`` message shape: one message per manager, carrying up to 20 of that manager's pairs.

One message per manager lets a single queue-trigger run batch the manager's series look-ups and creates
(20 per ``$batch``) and share one getSchedule. A manager with more than 20 pairs gets several messages.
A message is ``{"manager_id", "pairs": [{"report_id", "org_unit", "action", "reason"}, ...]}``; a message of
the older one-pair shape (``report_id`` at the top) is still understood.

A pair leased by another worker is sent back as a new message, hidden until that lease expires, instead of
failing the delivery: a raised message burns one of its five deliveries every 30 s, so a lease held by a
crashed worker (300 s) used to send it to the poison queue. The new message starts with a fresh count.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from shared.domain.people import Pair
from shared.ports.storage import Queues
from shared.services.scheduling_records import lease_wait

if TYPE_CHECKING:
    from shared.services.schedule_pair import PairOutcome, ScheduleContext

SCHEDULE_PAIR = "schedule-pair"
PAIRS_PER_MESSAGE = 20  # one $batch of look-ups or creates, and one getSchedule with the manager
PAIR_FIELDS = ("report_id", "org_unit", "action", "reason")
REQUEUE_MARGIN_S = 5  # after the lease expires, so the next delivery finds it free


def manager_messages(bodies: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Group one-pair bodies (``manager_id`` + ``PAIR_FIELDS``) by manager, at most 20 pairs per message."""
    by_manager: dict[str, list[dict[str, Any]]] = {}
    for body in bodies:
        pair = {key: body[key] for key in PAIR_FIELDS if key in body}
        by_manager.setdefault(str(body["manager_id"]), []).append(pair)
    return [
        {"manager_id": manager_id, "pairs": pairs[begin : begin + PAIRS_PER_MESSAGE]}
        for manager_id, pairs in by_manager.items()
        for begin in range(0, len(pairs), PAIRS_PER_MESSAGE)
    ]


def pair_bodies(message: dict[str, Any]) -> list[dict[str, Any]]:
    """The one-pair bodies a message carries (a grouped message, or one of the older one-pair shape)."""
    pairs = message.get("pairs")
    if not isinstance(pairs, list):
        return [message]
    return [{**pair, "manager_id": message["manager_id"]} for pair in pairs if isinstance(pair, dict)]


def requeue_leased(
    ctx: ScheduleContext, queues: Queues, bodies: Sequence[dict[str, Any]], outcomes: Sequence[PairOutcome]
) -> int:
    """Send the leased pairs back, hidden until their leases expire; returns how many were sent back."""
    leased = [body for body, outcome in zip(bodies, outcomes, strict=True) if outcome.status == "leased"]
    for message in manager_messages(leased):
        keys = [Pair(message["manager_id"], pair["report_id"], "").key for pair in message["pairs"]]
        wait = max(lease_wait(ctx.store, key, ctx.now) for key in keys)
        queues.send(SCHEDULE_PAIR, message, delay=wait + REQUEUE_MARGIN_S)
    return len(leased)
