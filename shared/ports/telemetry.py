"""Telemetry events: a name and a few safe attributes (ids, org unit, quadrant, type, counts).

Never personal free text: an adapter drops any attribute not in ``ALLOWED_ATTRIBUTES``.
"""

from __future__ import annotations

from typing import Protocol

CONVERSATION_SCHEDULED = "conversation_scheduled"
CONVERSATION_HELD = "conversation_held"
CONVERSATION_MOVED = "conversation_moved"
CONVERSATION_MISSED = "conversation_missed"
CONVERSATION_OVERDUE = "conversation_overdue"
OUTCOME_LOGGED = "outcome_logged"
ACTION_LOGGED = "action_logged"
CONVERSATION_CANCELLED = "conversation_cancelled"
CARD_SENT = "card_sent"
CARD_FAILED = "card_failed"
NO_SLOT = "no_slot"
THROTTLED = "throttled"
POISON_MESSAGE = "poison_message"
REMINDER_SENT = "reminder_sent"
EVENT_NAMES = frozenset(
    {
        CONVERSATION_SCHEDULED,
        CONVERSATION_HELD,
        CONVERSATION_MOVED,
        CONVERSATION_MISSED,
        CONVERSATION_OVERDUE,
        CONVERSATION_CANCELLED,
        OUTCOME_LOGGED,
        ACTION_LOGGED,
        CARD_SENT,
        CARD_FAILED,
        NO_SLOT,
        THROTTLED,
        POISON_MESSAGE,
        REMINDER_SENT,
    }
)
ALLOWED_ATTRIBUTES = frozenset(
    {
        "outcome_id",
        "occurrence_id",
        "card_id",
        "card_kind",
        "org_unit",
        "tenure_stage",
        "quadrant",
        "type",
        "count",
        "queue",
        "status",
        "retry_after",
    }
)
Attribute = str | int | bool


class Events(Protocol):
    def emit(self, name: str, **attributes: Attribute) -> None: ...


class NullEvents:
    def emit(self, name: str, **attributes: Attribute) -> None:
        return None
