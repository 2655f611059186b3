"""The chat commands that move agenda items and show actions: "my agenda", "done <n>", "drop <n>", "my actions",
"learned: <text>" and "add a micro-need: <text>". Each is a thin call into the agenda services; bad input (an
unknown number, a text too long) is a clear answer and writes nothing.

"my agenda" numbers the open items; "done <n>" and "drop <n>" use those numbers. Answers that show item texts
are given only in the employee's 1:1 chat (the caller checks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain import bot_texts as t
from shared.domain.agenda import ITEM_TEXT_MAX, AgendaFull, AgendaItem, ItemKind, Visibility
from shared.domain.messages import translate
from shared.domain.status import Progress
from shared.ports.storage import Store
from shared.services import agenda_store
from shared.services.agenda_changes import UnknownItem, employee_actions, log_learning, mark_numbered

_MARKED = {Progress.DONE: t.MARKED_DONE, Progress.DROPPED: t.MARKED_DROPPED}


def add_micro_need(store: Store, actor: str, text: str, now: datetime, language: str = "en") -> str:
    try:
        agenda_store.add_micro_need(store, actor, text, now)
    except AgendaFull as full:
        return t.say(language, t.NOTHING_ADDED, reason=full)
    except ValueError:
        return t.say(language, t.MICRO_NEED_BAD, limit=ITEM_TEXT_MAX)
    return t.say(language, t.MICRO_NEED_ADDED)


def learned(store: Store, actor: str, text: str, now: datetime, language: str = "en") -> str:
    try:
        log_learning(store, actor, text, now)
    except AgendaFull as full:
        return t.say(language, t.NOTHING_LOGGED, reason=full)
    except ValueError:
        return t.say(language, t.LEARNED_BAD, limit=ITEM_TEXT_MAX)
    return t.say(language, t.LEARNED_LOGGED)


def my_agenda(store: Store, actor: str, language: str = "en") -> str:
    items = agenda_store.load_agenda(store, actor).open_items()
    if not items:
        return t.say(language, t.AGENDA_EMPTY)
    lines = [f"{n}. {_item_tags(item, language)} {item.text}" for n, item in enumerate(items, start=1)]
    return "\n".join([t.say(language, t.AGENDA_HEADING), *lines, t.say(language, t.AGENDA_FOOTER)])


def _item_tags(item: AgendaItem, language: str) -> str:
    tags = [t.SHARED_TAG if item.visibility is Visibility.SHARED else t.PRIVATE_TAG]
    tags += [t.CARRIED_TAG] if item.carried else []
    tags += [t.LEARNED_TAG] if item.kind is ItemKind.LEARNED else []
    return " ".join(f"[{t.say(language, tag)}]" for tag in tags)


def mark(store: Store, actor: str, number: int, status: Progress, now: datetime, language: str = "en") -> str:
    try:
        text = mark_numbered(store, actor, number, status, now)
    except UnknownItem as unknown:
        return str(unknown)
    return t.say(language, _MARKED.get(status, t.MARKED_OTHER), text=text)


def my_actions(store: Store, actor: str, now: datetime, language: str = "en") -> str:
    actions = employee_actions(store, actor, before=now.date() + timedelta(days=1))  # every conversation so far
    if not actions:
        return t.say(language, t.NO_ACTIONS)
    lines = [
        t.say(
            language,
            t.ACTION_LINE,
            status=translate(language, a.status.value.replace("_", " ")),
            text=a.text,
            kind=translate(language, a.type.label),
            due=a.due.isoformat(),
        )
        for a in actions
    ]
    return "\n".join([t.say(language, t.ACTIONS_HEADING), *lines, t.say(language, t.ACTIONS_FOOTER)])
