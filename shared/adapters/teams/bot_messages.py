"""Chat commands: help, "add a micro-need: …", "my agenda", "talk to a coach".

Each command is a thin call into the agenda store. "my agenda" shows private items, so it answers
only in the employee's 1:1 chat with the bot. A coach request goes on the ``send-card`` queue to
the coach pool only; the manager is never told.

Commands that write storage ("add a micro-need", "talk to a coach") are rate-limited per user:
at most ``COMMAND_LIMIT`` in any ``COMMAND_WINDOW``, counted in table ``chatlimits`` (one row per user,
updated with its ETag). The count lives in Table Storage, not in the worker's memory, because Flex
Consumption runs many instances and recycles them: a per-worker count would allow the limit once per
instance and forget it at every cold start. These commands write storage anyway, so one more point read
and write each is proportionate. Over the limit, the user gets a friendly reply and nothing is written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from microsoft_agents.hosting.core import TurnContext

from shared.config import Settings
from shared.domain.agenda import ITEM_TEXT_MAX, AgendaFull, Visibility
from shared.ports.clock import Clock
from shared.ports.storage import AlreadyExists, Queues, StaleWrite, Store
from shared.services import agenda_store

if TYPE_CHECKING:
    from shared.services.schedule_context import ScheduleContext

ScheduleSource = Callable[[], "ScheduleContext"]

SEND_CARD_QUEUE = "send-card"
RATE_TABLE, RATE_ROW = "chatlimits", "writes"
COMMAND_LIMIT = 10  # storage-writing commands per user ...
COMMAND_WINDOW = timedelta(minutes=1)  # ... in any window this long
_RACE_RETRIES = 3
SLOW_DOWN = "You are sending me a lot at once. Please wait a minute and try again. Nothing was saved."
MICRO_NEED = re.compile(r"^\s*add an? micro[- ]?need\s*:\s*(?P<text>.+)$", re.IGNORECASE | re.DOTALL)
HELP = (
    "I can help you prepare your growth conversations:\n"
    "- add a micro-need: <what you need>\n"
    "- my agenda\n"
    "- talk to a coach\n"
    "- help"
)


@dataclass(frozen=True)
class BotServices:
    store: Store
    queues: Queues
    clock: Clock
    settings: Settings
    schedule: ScheduleSource | None = None  # builds the scheduling context for "Book this time" (no-slot card)


def reply_to(services: BotServices, text: str, actor: str | None, context: TurnContext) -> str:
    command = text.strip()
    if not actor:
        return "I could not tell who you are, so I did nothing."
    if match := MICRO_NEED.match(command):
        return _add_micro_need(services, actor, match.group("text")) if allow_write(services, actor) else SLOW_DOWN
    lowered = command.lower()
    if lowered == "my agenda":
        return _my_agenda(services, actor) if _is_personal(context) else "Ask me for your agenda in our 1:1 chat."
    if lowered in {"talk to a coach", "i'd rather talk to a coach"}:
        return _talk_to_coach(services, actor) if allow_write(services, actor) else SLOW_DOWN
    return HELP


def allow_write(services: BotServices, actor: str) -> bool:
    """Count one storage-writing command for ``actor``; False (nothing counted) when over the limit.

    Two messages at once race on the row's ETag; the loser re-reads and counts again.
    """
    store, now = services.store, services.clock.now()
    for _ in range(_RACE_RETRIES):
        record = store.find(RATE_TABLE, actor, RATE_ROW)
        recent = _recent(record.data.get("recent") if record else None, now)
        if len(recent) >= COMMAND_LIMIT:
            return False
        data = {"recent": [*recent, now.isoformat()]}
        try:
            if record is None:
                store.insert(RATE_TABLE, actor, RATE_ROW, data)
            else:
                store.update(record, data)
            return True
        except (AlreadyExists, StaleWrite):
            continue
    return False


def _recent(stored: object, now: datetime) -> list[str]:
    """The stored instants still inside the window (a malformed row counts as empty)."""
    if not isinstance(stored, list):
        return []
    kept: list[str] = []
    for value in stored:
        try:
            if now - datetime.fromisoformat(str(value)) < COMMAND_WINDOW:
                kept.append(str(value))
        except ValueError:
            continue
    return kept


def _is_personal(context: TurnContext) -> bool:
    conversation = context.activity.conversation
    kind = conversation.conversation_type if conversation else None
    return kind in (None, "personal")


def _add_micro_need(services: BotServices, actor: str, text: str) -> str:
    try:
        agenda_store.add_micro_need(services.store, actor, text, services.clock.now())
    except AgendaFull as full:
        return f"Nothing was added: {full}."
    except ValueError:
        return f"That micro-need is empty or too long ({ITEM_TEXT_MAX} characters at most). Nothing was added."
    return "Added to your growth agenda (private until you share it)."


def _my_agenda(services: BotServices, actor: str) -> str:
    agenda = agenda_store.load_agenda(services.store, actor)
    items = agenda.open_items()
    if not items:
        return "Your growth agenda is empty. Add a micro-need any time: add a micro-need: ..."
    lines = [f"- [{'shared' if i.visibility is Visibility.SHARED else 'private'}] {i.text}" for i in items]
    return "Your growth agenda:\n" + "\n".join(lines)


def _talk_to_coach(services: BotServices, actor: str) -> str:
    from shared.services.coach_requests import open_request  # one request while open; a card per pool coach

    now = services.clock.now()
    agenda_store.request_coach(services.store, actor, now)
    coaches = services.settings.coach_upns
    _, created = open_request(services.store, services.queues, actor, now, coaches)
    if not coaches:
        return "Your request is noted, but no coach pool is set up yet. HR will follow up."
    if not created:
        return "Your request to talk to a coach is already open. A coach will contact you. Your manager is not told."
    return "A coach from the coach pool will contact you. Your manager is not told."
