"""The lifecycle of one conversation (one occurrence of a pair's series), and which change wins.

scheduled -> held (an outcome was confirmed) | moved (repair moved it) | missed (it passed with no outcome
for ``MISSED_AFTER_DAYS``) | cancelled (a skipped week, or the series ended). A change is applied only
when the new status ranks higher than the stored one, so repeating a change does nothing and no status
goes back: held beats everything (an outcome confirmed late turns a missed conversation into a held one),
moved and cancelled beat missed, and the first of moved or cancelled stays.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

MISSED_AFTER_DAYS = 7  # a conversation with no confirmed outcome a week after its date is missed


class ConversationStatus(StrEnum):
    SCHEDULED = "scheduled"
    MISSED = "missed"
    MOVED = "moved"
    CANCELLED = "cancelled"
    HELD = "held"


RANK = {
    ConversationStatus.SCHEDULED: 0,
    ConversationStatus.MISSED: 1,
    ConversationStatus.MOVED: 2,
    ConversationStatus.CANCELLED: 2,
    ConversationStatus.HELD: 3,
}
# Statuses that reach the HR workbook (a scheduled conversation is not a fact yet).
EXPORTED = frozenset(s for s in ConversationStatus if s is not ConversationStatus.SCHEDULED)


def supersedes(new: ConversationStatus, current: ConversationStatus | None) -> bool:
    """True when ``new`` replaces ``current`` (None: nothing stored yet)."""
    return current is None or RANK[new] > RANK[current]


def is_missed(day: date, today: date, after_days: int = MISSED_AFTER_DAYS) -> bool:
    """A scheduled conversation on ``day`` counts as missed from ``after_days`` days later."""
    return today >= day + timedelta(days=after_days)
