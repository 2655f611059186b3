"""The lifecycle of one conversation (one occurrence of a pair's series), and which change wins.

scheduled -> overdue (the outcome is still missing after its one reminder) | held (an outcome was logged) |
moved (repair moved it) | missed (it passed with no outcome for ``MISSED_AFTER_DAYS``) | cancelled (a skipped
week, or the series ended). A change is applied only when the new status ranks higher than the stored one, so
repeating a change does nothing and no status goes back: held beats everything (an outcome logged late turns a
missed or overdue conversation into a held one), missed beats overdue, moved and cancelled beat missed, and the
first of moved or cancelled stays.

Apart from its status, a conversation record may say how its preparation went (:class:`PrepState`).
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

MISSED_AFTER_DAYS = 7  # a conversation with no confirmed outcome a week after its date is missed


class ConversationStatus(StrEnum):
    SCHEDULED = "scheduled"
    OVERDUE = "overdue"
    MISSED = "missed"
    MOVED = "moved"
    CANCELLED = "cancelled"
    HELD = "held"


RANK = {
    ConversationStatus.SCHEDULED: 0,
    ConversationStatus.OVERDUE: 1,
    ConversationStatus.MISSED: 2,
    ConversationStatus.MOVED: 3,
    ConversationStatus.CANCELLED: 3,
    ConversationStatus.HELD: 4,
}
# Statuses the missed sweep may still turn into missed (an overdue outcome is missed after MISSED_AFTER_DAYS too).
AWAITING_OUTCOME = frozenset({ConversationStatus.SCHEDULED, ConversationStatus.OVERDUE})
# Statuses that reach the HR workbook (a scheduled conversation is not a fact yet).
EXPORTED = frozenset(s for s in ConversationStatus if s is not ConversationStatus.SCHEDULED)


class PrepState(StrEnum):
    """The conversation record's ``prep``: the employee's prep card was saved, or the conversation started
    without it after its one reminder. Once overdue it stays overdue (a late save does not rewrite history)."""

    SUBMITTED = "submitted"
    OVERDUE = "overdue"


def supersedes(new: ConversationStatus, current: ConversationStatus | None) -> bool:
    """True when ``new`` replaces ``current`` (None: nothing stored yet)."""
    return current is None or RANK[new] > RANK[current]


def is_missed(day: date, today: date, after_days: int = MISSED_AFTER_DAYS) -> bool:
    """A scheduled conversation on ``day`` counts as missed from ``after_days`` days later."""
    return today >= day + timedelta(days=after_days)
