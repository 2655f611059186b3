"""Which cards are due: one ``send-card`` message per occurrence and kind (the ``cards`` timer and CLI).

For each active series (table ``series``: partition manager, row report) the calendar's occurrences
around now decide:
- prep card to the employee when the conversation starts within ``lead_days``;
- agenda card to the manager in the same window once the prep is in, or from a day before anyway;
- outcome-log card to the manager once the conversation has ended (for ``OUTCOME_DAYS`` after);
- one reminder (``shared.services.reminders``) when the prep or the outcome is still missing, and after it
  the item is marked overdue (:func:`sweep_due_cards`).

Messages carry ids only (never agenda text); the card is built when it is sent. A card already
sent, submitted or unreachable is not queued again; a pending one is (its send may have crashed),
and ``send_cards`` makes the repeat harmless.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.calendar import Occurrence
from shared.domain.reminders import ReminderPolicy
from shared.ports.calendar import Calendar
from shared.ports.storage import Queues, Record, Store
from shared.services.agenda_store import AGENDAS
from shared.services.card_records import CardKind, CardStatus, card_id, card_row
from shared.services.reminders import mark_overdue, reminders_due
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import extras_from_row
from shared.services.sweep_reads import SweepReads

logger = logging.getLogger(__name__)
SEND_CARD = "send-card"
AGENDA_ANYWAY = timedelta(days=1)
OUTCOME_DAYS = timedelta(days=2)
CALENDAR_READS_AT_ONCE = 8


@dataclass(frozen=True, slots=True)
class DueCard:
    kind: CardKind
    occurrence_id: str
    recipient_id: str
    employee_id: str
    manager_id: str
    start: datetime

    def message(self) -> dict[str, Any]:
        """The ``send-card`` body: ids and the start only, nothing anyone typed."""
        return {
            "kind": str(self.kind),
            "occurrence_id": self.occurrence_id,
            "recipient_id": self.recipient_id,
            "employee_id": self.employee_id,
            "template_data": {"managerId": self.manager_id, "start": self.start.isoformat()},
        }


def occurrence_key(event_id: str) -> str:
    """A Table-key-safe, stable id for a calendar occurrence (Graph ids may hold ``/``)."""
    return "occ-" + hashlib.sha256(event_id.encode()).hexdigest()[:32]


def kinds_due(
    store: Store, employee_id: str, occurrence_id: str, occ: Occurrence, now: datetime, lead: timedelta
) -> Iterator[CardKind]:
    if now < occ.start <= now + lead:
        yield CardKind.PREP
        prepared = store.find(AGENDAS, employee_id, occurrence_id) is not None
        if prepared or occ.start - now <= AGENDA_ANYWAY:
            yield CardKind.AGENDA
    elif now - OUTCOME_DAYS <= occ.end <= now:
        yield CardKind.OUTCOME


def _still_to_send(store: Store, occurrence_id: str, kind: CardKind) -> bool:
    found = card_row(store, card_id(occurrence_id, kind))
    return found is None or found.status is CardStatus.PENDING


@dataclass(frozen=True, slots=True)
class PairOccurrence:
    """One conversation of an active series, as the timer sees it."""

    manager_id: str
    employee_id: str
    occurrence_id: str
    occurrence: Occurrence


async def pair_occurrences(store: Store, calendar: Calendar, start: datetime, end: datetime) -> list[PairOccurrence]:
    """Every active series' uncancelled conversations in [start, end], with their occurrence ids.

    Up to ``CALENDAR_READS_AT_ONCE`` series are read at a time (the calendar adapter keeps each mailbox within
    Outlook's own limit); the answer keeps the series' order.
    """
    active = [s for s in store.query(SERIES) if s.data.get("state") == "active" and s.data.get("event_id")]
    gate = asyncio.Semaphore(CALENDAR_READS_AT_ONCE)

    async def one_series(series: Record) -> list[PairOccurrence]:
        manager_id, employee_id = series.partition, series.row
        async with gate:
            found = await calendar.occurrences(manager_id, str(series.data["event_id"]), start, end)
        return [
            PairOccurrence(manager_id, employee_id, occurrence_key(occ.event_id), occ)
            for occ in [*found, *_extras_in(series.data, start, end)]
            if not occ.is_cancelled
        ]

    try:
        async with asyncio.TaskGroup() as group:  # one failed read cancels the others and is raised as itself
            tasks = [group.create_task(one_series(series)) for series in active]
    except BaseExceptionGroup as failed:
        raise failed.exceptions[0] from None
    return [seen for task in tasks for seen in task.result()]


def cards_due(
    store: Store, seen: PairOccurrence, now: datetime, lead: timedelta, policy: ReminderPolicy
) -> list[DueCard]:
    """The conversation's cards to queue now: prep, agenda, outcome, and the one reminder of a missing prep/outcome."""
    occ, manager_id, employee_id = seen.occurrence, seen.manager_id, seen.employee_id
    due: list[DueCard] = []
    for kind in kinds_due(store, employee_id, seen.occurrence_id, occ, now, lead):
        recipient = employee_id if kind is CardKind.PREP else manager_id
        if _still_to_send(store, seen.occurrence_id, kind):
            due.append(DueCard(kind, seen.occurrence_id, recipient, employee_id, manager_id, occ.start))
    for reminder in reminders_due(store, manager_id, employee_id, seen.occurrence_id, occ.start, now, policy):
        due.append(
            DueCard(
                CardKind.REMINDER, reminder.occurrence_id, reminder.recipient_id, employee_id, manager_id, occ.start
            )
        )
    return due


def _window(now: datetime, lead_days: int, policy: ReminderPolicy) -> tuple[datetime, datetime]:
    """From as far back as an outcome may still be reminded (at least ``OUTCOME_DAYS``) to the prep lead."""
    return now - max(OUTCOME_DAYS, policy.lookback), now + timedelta(days=lead_days)


async def find_due_cards(
    store: Store, calendar: Calendar, now: datetime, lead_days: int, policy: ReminderPolicy | None = None
) -> list[DueCard]:
    rules, reads = policy or ReminderPolicy(), SweepReads(store)
    seen = await pair_occurrences(reads, calendar, *_window(now, lead_days, rules))
    return [card for one in seen for card in cards_due(reads, one, now, timedelta(days=lead_days), rules)]


def _extras_in(data: Mapping[str, Any], start: datetime, end: datetime) -> list[Occurrence]:
    """The pair's single planning conversations (milestone extras) in the window, as occurrences."""
    return [
        Occurrence(event_id, event_id, first, last)
        for event_id, first, last in extras_from_row(data)
        if first < end and last > start
    ]


@dataclass(frozen=True, slots=True)
class CardsSweep:
    """What one run of the ``cards`` timer did: cards queued (reminders among them), items marked overdue."""

    queued: int = 0
    reminders: int = 0
    outcomes_overdue: int = 0
    preps_overdue: int = 0


async def sweep_due_cards(
    store: Store,
    calendar: Calendar,
    queues: Queues,
    now: datetime,
    lead_days: int,
    policy: ReminderPolicy | None = None,
) -> CardsSweep:
    """Queue one ``send-card`` message per due card, then mark what is overdue after its reminder."""
    rules, reads = policy or ReminderPolicy(), SweepReads(store)  # each card row read once per sweep
    seen = await pair_occurrences(reads, calendar, *_window(now, lead_days, rules))
    due = [card for one in seen for card in cards_due(reads, one, now, timedelta(days=lead_days), rules)]
    for card in due:
        queues.send(SEND_CARD, card.message())
    marks = [
        mark_overdue(reads, s.manager_id, s.employee_id, s.occurrence_id, s.occurrence.start, now, rules) for s in seen
    ]
    sweep = CardsSweep(
        queued=len(due),
        reminders=sum(card.kind is CardKind.REMINDER for card in due),
        outcomes_overdue=sum(m.outcome for m in marks),
        preps_overdue=sum(m.prep for m in marks),
    )
    logger.info("cards due: %d queued (%d reminders); overdue: %d outcomes, %d preps", sweep.queued,
                sweep.reminders, sweep.outcomes_overdue, sweep.preps_overdue)  # fmt: skip
    return sweep


async def enqueue_due_cards(
    store: Store,
    calendar: Calendar,
    queues: Queues,
    now: datetime,
    lead_days: int,
    policy: ReminderPolicy | None = None,
) -> int:
    """Queue one ``send-card`` message per due card (and mark overdue items); returns how many were queued."""
    return (await sweep_due_cards(store, calendar, queues, now, lead_days, policy)).queued
