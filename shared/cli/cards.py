"""The ``cards`` step of ``wegrow cycle``: queue the due cards, then drain ``send-card`` with the same handler.

``shared.cli.schedule`` runs it when ``--steps`` names ``cards``; it prints how many cards were sent.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from shared.container import Container

logger = logging.getLogger(__name__)
CARD_STEPS = ("cards",)
RETRY_LATER_SECONDS = 60


@dataclass(slots=True)
class CardsSummary:
    queued: int = 0
    sent: int = 0
    already_sent: int = 0
    unreachable: int = 0
    undeliverable: int = 0
    failed: int = 0
    cards_by_channel: Counter[str] = field(default_factory=Counter)  # {"teams": n, "email": m}
    cards_by_language: Counter[str] = field(default_factory=Counter)  # {"de": n, ...}, by the language used

    def as_json(self) -> dict[str, Any]:
        found = asdict(self)
        found["cards_by_channel"] = dict(sorted(self.cards_by_channel.items()))
        found["cards_by_language"] = dict(sorted(self.cards_by_language.items()))
        return found

    def went_out(self, channel: str, language: str) -> None:
        self.cards_by_channel[str(channel)] += 1
        self.cards_by_language[language] += 1

    def line(self) -> str:
        return (
            f"cards sent {self.sent} (queued {self.queued}, already sent {self.already_sent}, "
            f"not reachable in Teams {self.unreachable}, undeliverable {self.undeliverable}, failed {self.failed}; "
            f"by channel {_counts(self.cards_by_channel)}, by language {_counts(self.cards_by_language)})"
        )


def _counts(counter: Counter[str]) -> str:
    return ", ".join(f"{key} {n}" for key, n in sorted(counter.items())) or "none"


async def run_cards(c: Container) -> CardsSummary:
    from shared.services.due_cards import SEND_CARD, enqueue_due_cards
    from shared.services.no_slot_cards import enqueue_no_slot_cards

    summary = CardsSummary()
    summary.queued = await enqueue_due_cards(c.store, c.calendar, c.queues, c.clock.now(), c.settings.card_lead_days)
    summary.queued += enqueue_no_slot_cards(c.store, c.queues, c.clock.now())
    while messages := c.queues.receive(SEND_CARD):
        for message in messages:
            if await _deliver_one(c, message.body, summary):
                c.queues.complete(SEND_CARD, message)
            else:
                c.queues.release(SEND_CARD, message, delay=RETRY_LATER_SECONDS)
    if "graph_client" in vars(c):  # built during this run: close its sockets before the loop ends
        from shared.adapters.graph.client import aclose_graph_client

        await aclose_graph_client(c.graph_client)
        for built in ("graph_client", "directory", "calendar", "teams_installer", "messenger", "card_mailer"):
            vars(c).pop(built, None)
    return summary


async def _deliver_one(c: Container, body: dict[str, Any], summary: CardsSummary) -> bool:
    """Handle one message; False leaves it on the queue for a later run (the function would retry it)."""
    from shared.container.cards import card_deps_from
    from shared.services.card_delivery import Undeliverable, deliver_card
    from shared.services.send_cards import SendResult

    try:
        result = await deliver_card(card_deps_from(c, on_sent=summary.went_out), body)
    except Undeliverable:
        summary.undeliverable += 1
        return True
    except Exception as error:  # the CLI reports and moves on; the queue keeps the message
        logger.warning("send-card failed: %s", type(error).__name__)  # never the text: it may quote input
        summary.failed += 1
        return False
    counters = {SendResult.SENT: "sent", SendResult.ALREADY_SENT: "already_sent", SendResult.UNREACHABLE: "unreachable"}
    name = counters[result]
    setattr(summary, name, getattr(summary, name) + 1)
    return True


def run_card_steps(c: Container, steps: Sequence[str]) -> CardsSummary | None:
    """Run the cards step if it was asked for (None otherwise)."""
    return asyncio.run(run_cards(c)) if "cards" in steps else None
