"""What a chat message to the bot asks for: a small pure parser (any text gives a command, never an exception).

Commands (docs/bot.md): ``help``; ``add a micro-need: <text>``; ``my agenda``; ``done <n>`` / ``drop <n>`` (n as
numbered by "my agenda"); ``my actions``; ``learned: <text>``; ``talk to a coach``; ``send my cards by email`` /
``send my cards in teams``. Anything else is
:class:`Unknown`, which the bot answers with "I didn't understand" and the help text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from shared.domain.status import Progress

MAX_NUMBER = 999


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class AddMicroNeed:
    text: str


@dataclass(frozen=True, slots=True)
class MyAgenda:
    pass


@dataclass(frozen=True, slots=True)
class MarkItem:
    """Mark agenda item ``number`` (1-based, as "my agenda" lists the open items) done or dropped."""

    number: int
    status: Progress


@dataclass(frozen=True, slots=True)
class MyActions:
    pass


@dataclass(frozen=True, slots=True)
class Learned:
    text: str


@dataclass(frozen=True, slots=True)
class TalkToCoach:
    pass


@dataclass(frozen=True, slots=True)
class CardsBy:
    """Where the person wants their cards: ``email`` or ``teams``."""

    channel: str


@dataclass(frozen=True, slots=True)
class Unknown:
    """Not a command; ``hint`` says what was almost right (or is empty)."""

    hint: str = ""


Command = Help | AddMicroNeed | MyAgenda | MarkItem | MyActions | Learned | TalkToCoach | CardsBy | Unknown

_MICRO_NEED = re.compile(r"^add an? micro[- ]?need\s*:\s*(?P<text>.+)$", re.IGNORECASE | re.DOTALL)
_LEARNED = re.compile(r"^(?:i\s+)?learned\s*:\s*(?P<text>.+)$", re.IGNORECASE | re.DOTALL)
_MARK = re.compile(r"^(?P<verb>done|drop)\s+(?:item\s+)?#?(?P<n>\S+)$", re.IGNORECASE)
_STATUSES = {"done": Progress.DONE, "drop": Progress.DROPPED}
_WORDS: dict[str, Command] = {
    "help": Help(),
    "?": Help(),
    "my agenda": MyAgenda(),
    "my actions": MyActions(),
    "talk to a coach": TalkToCoach(),
    "i'd rather talk to a coach": TalkToCoach(),
    "send my cards by email": CardsBy("email"),
    "send my cards by e-mail": CardsBy("email"),
    "send my cards in teams": CardsBy("teams"),
    "send my cards here": CardsBy("teams"),
}


def parse_command(text: str) -> Command:
    """The command in ``text`` (surrounding blanks and case ignored; the free text after ``:`` kept as typed)."""
    command = text.strip()
    if match := _MICRO_NEED.match(command):
        return AddMicroNeed(match.group("text"))
    if match := _LEARNED.match(command):
        return Learned(match.group("text"))
    if match := _MARK.match(command):
        return _mark(match.group("verb").lower(), match.group("n"))
    lowered = " ".join(command.lower().split())
    if lowered in _WORDS:
        return _WORDS[lowered]
    if lowered in {"done", "drop"}:
        return Unknown(f'Say which item, as numbered by "my agenda": {lowered} 1')
    return Unknown()


def _mark(verb: str, number: str) -> Command:
    if not number.isascii() or not number.isdigit() or not 1 <= int(number) <= MAX_NUMBER:
        return Unknown(f'"{verb}" takes an item number as listed by "my agenda", for example: {verb} 1')
    return MarkItem(int(number), _STATUSES[verb])
