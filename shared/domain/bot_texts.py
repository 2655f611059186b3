"""What the bot says in chat, in English (the catalogue keys; ``shared.domain.messages`` holds the translations).

Each text is a constant here so the catalogue test can check every language has every text. ``{name}``
placeholders are filled after translation, so a translation may move them but must keep each one.
"""

from __future__ import annotations

from typing import Any

from shared.domain.messages import translate

HELP = (
    "I can help you prepare your growth conversations:\n"
    "- add a micro-need: <what you need>\n"
    "- my agenda (your open items, numbered)\n"
    '- done <number> / drop <number> (an item as numbered by "my agenda")\n'
    "- my actions (what you agreed in earlier conversations)\n"
    "- learned: <a course, a book, a session you gave>\n"
    "- talk to a coach\n"
    "- send my cards by email / send my cards in teams\n"
    "- help"
)
NOT_UNDERSTOOD = "I didn't understand that."
PERSONAL_ONLY = "Ask me for that in our 1:1 chat."
SLOW_DOWN = "You are sending me a lot at once. Please wait a minute and try again. Nothing was saved."
WHO_ARE_YOU = "I could not tell who you are, so I did nothing."
NO_COACH_POOL = "Your request is noted, but no coach pool is set up yet. HR will follow up."
COACH_ALREADY_OPEN = (
    "Your request to talk to a coach is already open. A coach will contact you. Your manager is not told."
)
COACH_COMING = "A coach from the coach pool will contact you. Your manager is not told."
NOTHING_ADDED = "Nothing was added: {reason}."
MICRO_NEED_BAD = "That micro-need is empty or too long ({limit} characters at most). Nothing was added."
MICRO_NEED_ADDED = "Added to your growth agenda (private until you share it)."
NOTHING_LOGGED = "Nothing was logged: {reason}."
LEARNED_BAD = "That is empty or too long ({limit} characters at most). Nothing was logged."
LEARNED_LOGGED = "Logged what you learned. It shows on your next agenda (private until you share it)."
AGENDA_EMPTY = "Your growth agenda is empty. Add a micro-need any time: add a micro-need: ..."
AGENDA_HEADING = "Your growth agenda:"
AGENDA_FOOTER = 'Mark one with "done 1" or "drop 1".'
SHARED_TAG = "shared"
PRIVATE_TAG = "private"
CARRIED_TAG = "carried"
LEARNED_TAG = "learned"
MARKED_DONE = "Marked done: {text}"
MARKED_DROPPED = "Dropped: {text}"
MARKED_OTHER = "Updated: {text}"
NO_ACTIONS = "You have no open actions from earlier conversations."
ACTIONS_HEADING = "Your open actions:"
ACTION_LINE = "- [{status}] {text} ({kind}, due {due})"
ACTIONS_FOOTER = "Mark them done or dropped on your next prep card."
EMAIL_CARDS_ON = 'From now on your WeGrow cards come by email. Send "send my cards in teams" to switch back.'
EMAIL_CARDS_OFF = "From now on your WeGrow cards come here in Teams."
EMAIL_CARDS_UNAVAILABLE = "Cards by email are not set up in this organisation, so your cards keep coming here."
SUBJECT_PREP = "WeGrow: prepare your growth conversation"
SUBJECT_AGENDA = "WeGrow: agenda for your growth conversation"
SUBJECT_OUTCOME = "WeGrow: log the outcomes of your growth conversation"
SUBJECT_CONFIRM = "WeGrow: confirm what you agreed"
SUBJECT_OTHER = "WeGrow: a card for you"
EMAIL_FALLBACK = "This message holds a WeGrow card. Open it in Outlook to see and answer it."


def say(language: str, message: str, /, **values: Any) -> str:
    """``message`` in ``language`` with its ``{placeholders}`` filled (values are inserted as they are)."""
    translated = translate(language, message)
    return translated.format(**values) if values else translated


def every_text() -> dict[str, str]:
    """Every bot text by constant name (for the catalogue test)."""
    return {name: value for name, value in globals().items() if name.isupper() and isinstance(value, str)}
