"""Chat commands: help, "add a micro-need: …", "my agenda", "done <n>", "drop <n>", "my actions",
"learned: …", "talk to a coach" (parsed by ``shared.domain.chat_commands``; anything else gets "I didn't
understand" and the help).

Each command is a thin call into the agenda store (``agenda_commands``). "my agenda", "my actions", "done" and
"drop" show item texts, private ones too, so they answer only in the employee's 1:1 chat with the bot.
A coach request goes on the ``send-card`` queue to the coach pool only; the manager is never told.

Commands that write storage ("add a micro-need", "done", "drop", "learned", "talk to a coach") are
rate-limited per user: at most ``COMMAND_LIMIT`` in any ``COMMAND_WINDOW``, counted in table ``chatlimits``
(one row per user, updated with its ETag). The count lives in Table Storage, not in the worker's memory, because Flex
Consumption runs many instances and recycles them: a per-worker count would allow the limit once per
instance and forget it at every cold start. These commands write storage anyway, so one more point read
and write each is proportionate. Over the limit, the user gets a friendly reply and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from microsoft_agents.hosting.core import TurnContext

from shared.adapters.teams import agenda_commands as agenda_cmd
from shared.config import Settings
from shared.domain import chat_commands as cmd
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
HELP = (
    "I can help you prepare your growth conversations:\n"
    "- add a micro-need: <what you need>\n"
    "- my agenda (your open items, numbered)\n"
    '- done <number> / drop <number> (an item as numbered by "my agenda")\n'
    "- my actions (what you agreed in earlier conversations)\n"
    "- learned: <a course, a book, a session you gave>\n"
    "- talk to a coach\n"
    "- help"
)
NOT_UNDERSTOOD = "I didn't understand that."
PERSONAL_ONLY = "Ask me for that in our 1:1 chat."


@dataclass(frozen=True)
class BotServices:
    store: Store
    queues: Queues
    clock: Clock
    settings: Settings
    schedule: ScheduleSource | None = None  # builds the scheduling context for "Book this time" (no-slot card)


def reply_to(services: BotServices, text: str, actor: str | None, context: TurnContext) -> str:
    if not actor:
        return "I could not tell who you are, so I did nothing."
    command = cmd.parse_command(text)
    if isinstance(command, cmd.Help):
        return HELP
    if isinstance(command, cmd.Unknown):
        return f"{NOT_UNDERSTOOD} {command.hint}\n\n{HELP}" if command.hint else f"{NOT_UNDERSTOOD}\n\n{HELP}"
    if isinstance(command, cmd.MyAgenda | cmd.MyActions | cmd.MarkItem) and not _is_personal(context):
        return PERSONAL_ONLY
    if isinstance(command, cmd.MyAgenda):
        return agenda_cmd.my_agenda(services.store, actor)
    if isinstance(command, cmd.MyActions):
        return agenda_cmd.my_actions(services.store, actor, services.clock.now())
    if not allow_write(services, actor):
        return SLOW_DOWN
    return _write(services, actor, command)


def _write(services: BotServices, actor: str, command: cmd.Command) -> str:
    store, now = services.store, services.clock.now()
    if isinstance(command, cmd.AddMicroNeed):
        return agenda_cmd.add_micro_need(store, actor, command.text, now)
    if isinstance(command, cmd.Learned):
        return agenda_cmd.learned(store, actor, command.text, now)
    if isinstance(command, cmd.MarkItem):
        return agenda_cmd.mark(store, actor, command.number, command.status, now)
    return _talk_to_coach(services, actor)


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
