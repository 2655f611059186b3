"""The chat commands that move agenda items and show actions: "my agenda", "done <n>", "drop <n>", "my actions",
"learned: <text>" and "add a micro-need: <text>". Each is a thin call into the agenda services; bad input (an
unknown number, a text too long) is a clear answer and writes nothing.

"my agenda" numbers the open items; "done <n>" and "drop <n>" use those numbers. Answers that show item texts
are given only in the employee's 1:1 chat (the caller checks).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from shared.domain.agenda import ITEM_TEXT_MAX, AgendaFull, ItemKind, Visibility
from shared.domain.status import Progress
from shared.ports.storage import Store
from shared.services import agenda_store
from shared.services.agenda_changes import UnknownItem, employee_actions, log_learning, mark_numbered

_MARKED = {Progress.DONE: "Marked done", Progress.DROPPED: "Dropped"}


def add_micro_need(store: Store, actor: str, text: str, now: datetime) -> str:
    try:
        agenda_store.add_micro_need(store, actor, text, now)
    except AgendaFull as full:
        return f"Nothing was added: {full}."
    except ValueError:
        return f"That micro-need is empty or too long ({ITEM_TEXT_MAX} characters at most). Nothing was added."
    return "Added to your growth agenda (private until you share it)."


def learned(store: Store, actor: str, text: str, now: datetime) -> str:
    try:
        log_learning(store, actor, text, now)
    except AgendaFull as full:
        return f"Nothing was logged: {full}."
    except ValueError:
        return f"That is empty or too long ({ITEM_TEXT_MAX} characters at most). Nothing was logged."
    return "Logged what you learned. It shows on your next agenda (private until you share it)."


def my_agenda(store: Store, actor: str) -> str:
    items = agenda_store.load_agenda(store, actor).open_items()
    if not items:
        return "Your growth agenda is empty. Add a micro-need any time: add a micro-need: ..."
    lines = [
        f"{n}. [{'shared' if i.visibility is Visibility.SHARED else 'private'}]"
        f"{' [carried]' if i.carried else ''}{' [learned]' if i.kind is ItemKind.LEARNED else ''} {i.text}"
        for n, i in enumerate(items, start=1)
    ]
    return "Your growth agenda:\n" + "\n".join(lines) + '\nMark one with "done 1" or "drop 1".'


def mark(store: Store, actor: str, number: int, status: Progress, now: datetime) -> str:
    try:
        text = mark_numbered(store, actor, number, status, now)
    except UnknownItem as unknown:
        return str(unknown)
    return f"{_MARKED.get(status, 'Updated')}: {text}"


def my_actions(store: Store, actor: str, now: datetime) -> str:
    actions = employee_actions(store, actor, before=now.date() + timedelta(days=1))  # every conversation so far
    if not actions:
        return "You have no open actions from earlier conversations."
    lines = [
        f"- [{a.status.value.replace('_', ' ')}] {a.text} ({a.type.label}, due {a.due.isoformat()})" for a in actions
    ]
    return "Your open actions:\n" + "\n".join(lines) + "\nMark them done or dropped on your next prep card."
