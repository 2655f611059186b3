"""Which cards are due: one ``send-card`` message per occurrence and kind (the ``cards`` timer and CLI).

For each active series (table ``series``: partition manager, row report) the calendar's occurrences
around now decide:
- prep card to the employee when the conversation starts within ``lead_days``;
- agenda card to the manager in the same window once the prep is in, or from a day before anyway;
- outcome-log card to the manager once the conversation has ended (for ``OUTCOME_DAYS`` after).

Messages carry ids only (never agenda text); the card is built when it is sent. A card already
sent, submitted or unreachable is not queued again; a pending one is (its send may have crashed),
and ``send_cards`` makes the repeat harmless.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.calendar import Occurrence
from shared.ports.calendar import Calendar
from shared.ports.storage import Queues, Store
from shared.services.agenda_store import AGENDAS
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import extras_from_row

logger = logging.getLogger(__name__)
SEND_CARD = "send-card"
AGENDA_ANYWAY = timedelta(days=1)
OUTCOME_DAYS = timedelta(days=2)


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
    found = find_card(store, card_id(occurrence_id, kind))
    return found is None or found.status is CardStatus.PENDING


async def find_due_cards(store: Store, calendar: Calendar, now: datetime, lead_days: int) -> list[DueCard]:
    lead = timedelta(days=lead_days)
    due: list[DueCard] = []
    for series in store.query(SERIES):
        event_id = str(series.data.get("event_id") or "")
        if series.data.get("state") != "active" or not event_id:
            continue
        manager_id, employee_id = series.partition, series.row
        found = await calendar.occurrences(manager_id, event_id, now - OUTCOME_DAYS, now + lead)
        for occ in [*found, *_extras_in(series.data, now - OUTCOME_DAYS, now + lead)]:
            if occ.is_cancelled:
                continue
            occurrence_id = occurrence_key(occ.event_id)
            for kind in kinds_due(store, employee_id, occurrence_id, occ, now, lead):
                recipient = employee_id if kind is CardKind.PREP else manager_id
                if _still_to_send(store, occurrence_id, kind):
                    due.append(DueCard(kind, occurrence_id, recipient, employee_id, manager_id, occ.start))
    return due


def _extras_in(data: Mapping[str, Any], start: datetime, end: datetime) -> list[Occurrence]:
    """The pair's single planning conversations (milestone extras) in the window, as occurrences."""
    return [
        Occurrence(event_id, event_id, first, last)
        for event_id, first, last in extras_from_row(data)
        if first < end and last > start
    ]


async def enqueue_due_cards(store: Store, calendar: Calendar, queues: Queues, now: datetime, lead_days: int) -> int:
    """Queue one ``send-card`` message per due card; returns how many were queued."""
    due = await find_due_cards(store, calendar, now, lead_days)
    for card in due:
        queues.send(SEND_CARD, card.message())
    logger.info("cards due: %d queued", len(due))
    return len(due)
