"""The manager's "no slot" card: which report, why no time was found, and the closest options to book.

When the scheduler finds no slot for a pair it records, in table ``series``, the state ``no-slot`` or
``no-overlap``, a ``reason`` and up to three ``closest`` options (free for both, outside someone's working
hours). This module queues one card per (pair, recorded reason and options) to the manager: the card's
occurrence id carries a digest of what was recorded, so the same options never get a second card, and new
options (a later run recorded others) get a new one. The message carries ids only; the card is built from the
store when it is sent, in the manager's zone (their stored ``working_hours.time_zone``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.people import Person
from shared.domain.timezones import resolve_zone_or_default
from shared.ports.storage import Queues, Store
from shared.services.card_conversations import pair_is_current
from shared.services.card_records import CardKind, CardStatus, card_id, find_card
from shared.services.scheduling_records import SERIES, load_person

logger = logging.getLogger(__name__)
SEND_CARD = "send-card"
NO_SLOT_STATES = frozenset({"no-slot", "no-overlap"})
PREFIX = "noslot"
MAX_OPTIONS = 3


@dataclass(frozen=True, slots=True)
class Option:
    """One of the closest options: ``n`` is its 1-based place in the recorded list (the card's button id)."""

    n: int
    start: datetime
    end: datetime
    outside: tuple[str, ...]


def options_of(data: Mapping[str, Any]) -> list[Option]:
    """The recorded closest options of a series row (an unreadable entry is skipped, never guessed)."""
    try:
        raw = json.loads(str(data.get("closest") or "[]"))
    except ValueError:
        return []
    options: list[Option] = []
    for n, item in enumerate(raw if isinstance(raw, list) else [], start=1):
        try:
            start, end = datetime.fromisoformat(item["start"]), datetime.fromisoformat(item["end"])
            outside = tuple(str(name) for name in item.get("outside", []))
        except (KeyError, TypeError, ValueError):
            continue
        if start.tzinfo is not None and end > start:
            options.append(Option(n, start, end, outside))
    return options[:MAX_OPTIONS]


def digest(data: Mapping[str, Any]) -> str:
    """What the card was built on: the recorded state, reason and options (a new record means a new card)."""
    basis = "\x1f".join(str(data.get(key) or "") for key in ("state", "series_id", "reason", "closest"))
    return hashlib.sha256(basis.encode()).hexdigest()[:16]


def occurrence_id(manager_id: str, report_id: str, data: Mapping[str, Any]) -> str:
    return f"{PREFIX}:{manager_id}:{report_id}:{digest(data)}"


def is_current(occurrence: str, manager_id: str, report_id: str, data: Mapping[str, Any]) -> bool:
    """The series row is still the no-slot record the card was built on."""
    return str(data.get("state") or "") in NO_SLOT_STATES and occurrence == occurrence_id(manager_id, report_id, data)


def _message(manager_id: str, report_id: str, occurrence: str) -> dict[str, Any]:
    """The ``send-card`` body: ids only (the reason and options are read from the store when it is sent)."""
    return {
        "kind": str(CardKind.NO_SLOT),
        "occurrence_id": occurrence,
        "recipient_id": manager_id,
        "employee_id": report_id,
        "template_data": {"managerId": manager_id},
    }


def enqueue_no_slot_cards(store: Store, queues: Queues, now: datetime) -> int:
    """Queue the card for each no-slot pair with an option still ahead, once per recorded options."""
    queued = 0
    for row in store.query(SERIES):
        manager_id, report_id = row.partition, row.row
        if str(row.data.get("state") or "") not in NO_SLOT_STATES:
            continue
        if not any(option.start > now for option in options_of(row.data)):
            continue
        occurrence = occurrence_id(manager_id, report_id, row.data)
        found = find_card(store, card_id(occurrence, CardKind.NO_SLOT))
        if found is not None and found.status is not CardStatus.PENDING:
            continue
        if not pair_is_current(store, manager_id, report_id):
            continue
        queues.send(SEND_CARD, _message(manager_id, report_id, occurrence))
        queued += 1
    logger.info("no-slot cards: %d queued", queued)
    return queued


def _zone(manager: Person) -> ZoneInfo:
    zone, _ = resolve_zone_or_default(manager.working_hours.time_zone, "UTC")
    return ZoneInfo(zone.key)


def span_label(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """``Tue 02 Jun 2026, 08:00–08:30`` in ``zone``."""
    first, last = start.astimezone(zone), end.astimezone(zone)
    return f"{first:%a %d %b %Y, %H:%M}–{last:%H:%M}"


def _outside(option: Option) -> str:
    if not option.outside:
        return "Inside everyone's working hours."
    names = list(option.outside)
    joined = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"Outside the working hours of {joined}."


def card_data(store: Store, manager_id: str, report_id: str, occurrence: str, now: datetime) -> dict[str, Any] | None:
    """The card's data, built from the store now; None when the pair's record is no longer the one it names."""
    manager, report = load_person(store, manager_id), load_person(store, report_id)
    row = store.find(SERIES, manager_id, report_id)
    if manager is None or report is None or row is None or not is_current(occurrence, manager_id, report_id, row.data):
        return None
    zone = _zone(manager)
    options = [
        {"n": option.n, "label": span_label(option.start, option.end, zone), "outside": _outside(option)}
        for option in options_of(row.data)
        if option.start > now
    ]
    return {
        "recipients": [f"8:orgid:{manager.id}"],
        "employee": {"displayName": report.display_name},
        "reason": str(row.data.get("reason") or ""),
        "zoneLabel": zone.key,
        "options": options,
        "booked": {"label": ""},
    }


def booked_data(manager: Person, report: Person, start: datetime, end: datetime) -> dict[str, Any]:
    """The card after a booking: no options left, and when the series starts (in the manager's zone)."""
    zone = _zone(manager)
    return {
        "recipients": [f"8:orgid:{manager.id}"],
        "employee": {"displayName": report.display_name},
        "reason": "",
        "zoneLabel": zone.key,
        "options": [],
        "booked": {"label": f"{span_label(start, end, zone)} ({zone.key})"},
    }
