"""Operations events the triggers report after calling their service: cards, no-slot pairs, poison messages.

Ids, kinds and counts only (the ``Events`` port drops anything else). A queue message the Functions host
is about to move to ``<queue>-poison`` (its ``dequeue_count`` has reached ``host.json``'s
``maxDequeueCount``) is reported by :func:`poison_watch` before the host moves it; locally the devstack
runner does the same move.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from shared.ports.telemetry import (
    CARD_FAILED,
    CARD_SENT,
    CONVERSATION_OVERDUE,
    NO_SLOT,
    POISON_MESSAGE,
    REMINDER_SENT,
    THROTTLED,
    Events,
)

MAX_DEQUEUE = 5  # host.json extensions.queues.maxDequeueCount
NO_SLOT_STATES = frozenset({"no-slot", "no-overlap"})


def telemetry_occurrence(occurrence_id: str) -> str:
    """The occurrence id as telemetry may carry it: a coach card's id names the coach (``coach:<request>:<upn>``),
    so only its request part is kept."""
    if occurrence_id.startswith("coach:"):
        return ":".join(occurrence_id.split(":")[:2])
    return occurrence_id


def card_result(events: Events, body: Mapping[str, Any], result: str) -> None:
    """``card_sent`` for a card delivered now, ``card_failed`` for an unreachable recipient (a resend: nothing)."""
    kind = str(body.get("kind") or "")
    occurrence = telemetry_occurrence(str(body.get("occurrence_id") or ""))
    if result == "sent":
        events.emit(CARD_SENT, card_kind=kind, occurrence_id=occurrence)
        if kind == "reminder":  # ``<occurrence>:<prep | outcome>``: what the one reminder was about
            about, _, target = occurrence.rpartition(":")
            events.emit(REMINDER_SENT, card_kind=target, occurrence_id=about)
    elif result == "unreachable":
        events.emit(CARD_FAILED, card_kind=kind, occurrence_id=occurrence, status="unreachable")


def card_refused(events: Events, body: Mapping[str, Any]) -> None:
    """A ``send-card`` message that cannot be delivered at all (no such occurrence, no recipient)."""
    events.emit(CARD_FAILED, card_kind=str(body.get("kind") or ""), status="undeliverable")


def prep_overdue(events: Events, count: int) -> None:
    """``conversation_overdue`` (status ``prep``) for conversations that started unprepared after their reminder.
    An overdue outcome is a status change: its event comes from the export, like the other statuses."""
    if count:
        events.emit(CONVERSATION_OVERDUE, status="prep", count=count)


def schedule_results(events: Events, statuses: Iterable[str]) -> None:
    """One ``no_slot`` event with the number of pairs of this message left without a time (none: no event)."""
    count = sum(status in NO_SLOT_STATES for status in statuses)
    if count:
        events.emit(NO_SLOT, count=count)


def throttled(events: Events, retry_after: float | None) -> None:
    """A Graph 429 the adapters' retry policy saw (and will wait out)."""
    events.emit(THROTTLED, count=1, retry_after=int(retry_after or 0))


@contextmanager
def poison_watch(events: Events, queue: str, dequeue_count: int, max_dequeue: int = MAX_DEQUEUE) -> Iterator[None]:
    """Re-raise any failure; on the last attempt, first report ``poison_message`` (queue name and count only)."""
    try:
        yield
    except Exception:
        if dequeue_count >= max_dequeue:
            events.emit(POISON_MESSAGE, queue=queue, count=dequeue_count)
        raise
