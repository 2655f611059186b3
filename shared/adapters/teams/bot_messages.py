"""Chat commands: help, "add a micro-need: …", "my agenda", "done <n>", "drop <n>", "my actions",
"learned: …", "talk to a coach" (parsed by ``shared.domain.chat_commands``; anything else gets "I didn't
understand" and the help).

Each command is a thin call into the agenda store (``agenda_commands``), imported when a command needs it: a
"help" does not pay for the agenda, outcome and year-planning modules behind it (cold start). "my agenda",
"my actions", "done" and "drop" show item texts, private ones too, so they answer only in the employee's 1:1
chat with the bot. A coach request goes on the ``send-card`` queue to the coach pool only; the manager is never told.

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

from shared.config import Settings
from shared.domain import bot_texts as t
from shared.domain import chat_commands as cmd
from shared.domain.card_channel import Channel
from shared.domain.language import choose_language, supported_language
from shared.ports.clock import Clock
from shared.ports.storage import AlreadyExists, Queues, StaleWrite, Store
from shared.services.card_channels import set_preference

if TYPE_CHECKING:
    from shared.ports.learning import LearningCatalog
    from shared.services.schedule_context import ScheduleContext

ScheduleSource = Callable[[], "ScheduleContext"]
LearningSource = Callable[[], "LearningCatalog"]  # Viva Learning, built on first use (None: learning is off)

SEND_CARD_QUEUE = "send-card"
RATE_TABLE, RATE_ROW = "chatlimits", "writes"
COMMAND_LIMIT = 10  # storage-writing commands per user ...
COMMAND_WINDOW = timedelta(minutes=1)  # ... in any window this long
_RACE_RETRIES = 3
SLOW_DOWN, HELP, NOT_UNDERSTOOD, PERSONAL_ONLY = t.SLOW_DOWN, t.HELP, t.NOT_UNDERSTOOD, t.PERSONAL_ONLY


@dataclass(frozen=True)
class BotServices:
    store: Store
    queues: Queues
    clock: Clock
    settings: Settings
    schedule: ScheduleSource | None = None  # builds the scheduling context for "Book this time" (no-slot card)
    default_language: Callable[[], str] | None = None  # the company's language, read only when a locale is unusable
    learning: LearningSource | None = None  # "Assign as recommended" on the outcome card


def reply_to(services: BotServices, text: str, actor: str | None, context: TurnContext) -> str:
    language = reply_language(services, context)
    if not actor:
        return t.say(language, t.WHO_ARE_YOU)
    command = cmd.parse_command(text)
    if isinstance(command, cmd.Help):
        return t.say(language, t.HELP)
    if isinstance(command, cmd.Unknown):
        return _not_understood(language, command.hint)
    if isinstance(command, cmd.MyAgenda | cmd.MyActions | cmd.MarkItem) and not _is_personal(context):
        return t.say(language, t.PERSONAL_ONLY)
    if isinstance(command, cmd.MyAgenda | cmd.MyActions):
        return _show(services, actor, command, language)
    if not allow_write(services, actor):
        return t.say(language, t.SLOW_DOWN)
    if isinstance(command, cmd.CardsBy):
        return _cards_by(services, actor, command.channel, language)
    return _write(services, actor, command, language)


def _cards_by(services: BotServices, actor: str, channel: str, language: str) -> str:
    if channel == Channel.TEAMS:
        set_preference(services.store, actor, Channel.TEAMS)
        return t.say(language, t.EMAIL_CARDS_OFF)
    if not services.settings.card_email_enabled:
        return t.say(language, t.EMAIL_CARDS_UNAVAILABLE)
    set_preference(services.store, actor, Channel.EMAIL)
    return t.say(language, t.EMAIL_CARDS_ON)


def reply_language(services: BotServices, context: TurnContext | None) -> str:
    """The language of the message being answered (its Teams locale), else the company's default."""
    locale = getattr(context.activity, "locale", None) if context is not None else None
    found = supported_language(locale)
    if found is not None:
        return found
    return choose_language(None, None, services.default_language() if services.default_language else "en")


def _not_understood(language: str, hint: str | None) -> str:
    parts = [t.say(language, t.NOT_UNDERSTOOD), hint or "", "\n\n" + t.say(language, t.HELP)]
    return parts[0] + (f" {parts[1]}" if parts[1] else "") + parts[2]


def _show(services: BotServices, actor: str, command: cmd.MyAgenda | cmd.MyActions, language: str) -> str:
    from shared.adapters.teams import agenda_commands as agenda_cmd

    if isinstance(command, cmd.MyAgenda):
        return agenda_cmd.my_agenda(services.store, actor, language)
    return agenda_cmd.my_actions(services.store, actor, services.clock.now(), language)


def _write(services: BotServices, actor: str, command: cmd.Command, language: str) -> str:
    from shared.adapters.teams import agenda_commands as agenda_cmd

    store, now = services.store, services.clock.now()
    if isinstance(command, cmd.AddMicroNeed):
        return agenda_cmd.add_micro_need(store, actor, command.text, now, language)
    if isinstance(command, cmd.Learned):
        return agenda_cmd.learned(store, actor, command.text, now, language)
    if isinstance(command, cmd.MarkItem):
        return agenda_cmd.mark(store, actor, command.number, command.status, now, language)
    return _talk_to_coach(services, actor, language)


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


def _talk_to_coach(services: BotServices, actor: str, language: str = "en") -> str:
    from shared.services import agenda_store
    from shared.services.coach_requests import open_request  # one request while open; a card per pool coach

    now = services.clock.now()
    agenda_store.request_coach(services.store, actor, now)
    coaches = services.settings.coach_upns
    _, created = open_request(services.store, services.queues, actor, now, coaches)
    if not coaches:
        return t.say(language, t.NO_COACH_POOL)
    if not created:
        return t.say(language, t.COACH_ALREADY_OPEN)
    return t.say(language, t.COACH_COMING)
