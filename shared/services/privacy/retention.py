"""Retention: delete what is older than ``WEGROW_RETENTION_DAYS``, in every table and queue that holds personal data.

- ``outcomes``: outcome rows (and their outbox entries) by conversation date; a conversation's ``log`` and
  ``confirmation`` rows by when they were written;
- ``agendas``: submitted prep cards by ``submitted_at``; a current agenda untouched for the whole period; a prep
  card's own row (``card-<id>``) like a ``cards`` row;
- ``cards`` (coach requests included): by the latest time the card was written, sent or answered;
- ``coachrequests``: a request by its latest instant (asked, taken, done);
- ``bookings``: 15-minute buckets (row key ``YYYYMMDDTHHMM``, UTC) that ended before the cut-off;
- poison queues (``<queue>-poison``): a message is first *seen* by a purge (noted in ``runs``, partition
  ``retention-poison``, by message id) and deleted by the first purge after the period has passed since then.
  The Queues port does not expose insertion times, so the age is counted from the first purge that saw it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from shared.ports.storage import Queues, Record, Store
from shared.services.agenda_store import AGENDAS, CURRENT_ROW
from shared.services.card_records import CARDS, IN_AGENDA
from shared.services.privacy.subjects import audit
from shared.services.record_outcome import OUTBOX_PREFIX, OUTCOME_PREFIX, OUTCOMES
from shared.services.scheduling_bookings import BOOKINGS

POISON_SEEN = ("runs", "retention-poison")
QUEUES_WITH_POISON = ("schedule-pair", "pair-changed", "send-card", "export")


def _latest(data: Mapping[str, Any], fields: Iterable[str]) -> str:
    """The latest ISO time among ``fields`` ('' when none)."""
    return max((str(data[f]) for f in fields if data.get(f)), default="")


def _conversation_row(record: Record) -> bool:
    return record.row.startswith("conversation:") or (
        record.row.startswith(OUTBOX_PREFIX) and record.data.get("kind") == "conversation"
    )


def _purge_outcomes(store: Store, cutoff_day: str, cutoff: str) -> int:
    purged = 0
    for record in store.query(OUTCOMES):
        if record.row.startswith(OUTCOME_PREFIX) and str(record.data.get("conversation_date", "9999")) < cutoff_day:
            store.delete(OUTCOMES, record.partition, record.row)
            store.delete(OUTCOMES, record.partition, OUTBOX_PREFIX + record.row.removeprefix(OUTCOME_PREFIX))
            store.delete(OUTCOMES, record.partition, "note:" + record.row.removeprefix(OUTCOME_PREFIX))  # its note
            purged += 1
        elif _conversation_row(record) and str(record.data.get("conversation_date", "9999")) < cutoff_day:
            store.delete(OUTCOMES, record.partition, record.row)  # a conversation's status and its tickets
            purged += 1
        elif record.row in {"log", "confirmation"}:
            written = _latest(record.data, ("logged_at", "confirmed_at"))
            if written and written < cutoff:
                store.delete(OUTCOMES, record.partition, record.row)
                purged += 1
    return purged


def _purge_written_before(store: Store, table: str, cutoff: str, written: Callable[[Record], str]) -> int:
    """Delete the rows of ``table`` whose write time (ISO text, empty when unknown) is before ``cutoff``."""
    purged = 0
    for record in store.query(table):
        at = written(record)
        if at and at < cutoff:
            store.delete(table, record.partition, record.row)
            purged += 1
    return purged


def _card_written(record: Record) -> str:
    """The latest time a card row was written, sent or answered."""
    return _latest(record.data, [k for k in record.data if k.endswith("_at")])


def _purge_agendas(store: Store, cutoff: str) -> int:
    def written(record: Record) -> str:
        if record.row.startswith(IN_AGENDA):
            return _card_written(record)
        return str(record.data.get("updated_at" if record.row == CURRENT_ROW else "submitted_at") or "")

    return _purge_written_before(store, AGENDAS, cutoff, written)


def _purge_cards(store: Store, cutoff: str) -> int:
    return _purge_written_before(store, CARDS, cutoff, _card_written)


def _purge_coach_requests(store: Store, cutoff: str) -> int:
    def written(record: Record) -> str:
        return _latest(record.data, ("created_at", "taken_at", "done_at"))

    return _purge_written_before(store, "coachrequests", cutoff, written)  # shared.services.coach_requests


def _purge_bookings(store: Store, cutoff: datetime) -> int:
    last_bucket = (cutoff - timedelta(minutes=15)).strftime("%Y%m%dT%H%M")
    purged = 0
    for record in store.query(BOOKINGS):
        if len(record.row) == 13 and record.row < last_bucket:
            store.delete(BOOKINGS, record.partition, record.row)
            purged += 1
    return purged


def _purge_poison(store: Store, queues: Queues, now: datetime, cutoff: str) -> int:
    purged = 0
    table, partition = POISON_SEEN
    for queue in (f"{name}-poison" for name in QUEUES_WITH_POISON):
        while True:
            messages = queues.receive(queue, max_messages=32, visibility_timeout=300)
            if not messages:
                break
            for message in messages:
                row = f"{queue}:{message.id}"
                seen = store.find(table, partition, row)
                if seen is None:
                    store.upsert(table, partition, row, {"seen_at": now.isoformat()})
                    continue  # stays hidden for this purge; visible again after the timeout
                if str(seen.data.get("seen_at", "")) < cutoff:
                    queues.complete(queue, message)
                    store.delete(table, partition, row)
                    purged += 1
    return purged


def purge_expired(
    store: Store, now: datetime, retention_days: int, actor: str = "retention", queues: Queues | None = None
) -> int:
    """Delete expired records (and, with ``queues``, expired poison messages); returns how many went."""
    cutoff_at = now - timedelta(days=retention_days)
    cutoff = cutoff_at.isoformat()
    counts = {
        "outcomes": _purge_outcomes(store, cutoff_at.date().isoformat(), cutoff),
        "agendas": _purge_agendas(store, cutoff),
        "cards": _purge_cards(store, cutoff),
        "coachrequests": _purge_coach_requests(store, cutoff),
        "bookings": _purge_bookings(store, cutoff_at),
        "poison": _purge_poison(store, queues, now, cutoff) if queues is not None else 0,
    }
    counts = {name: count for name, count in counts.items() if count}
    if counts:
        audit(store, actor, "retention-purge", "expired", now, counts)
    return sum(counts.values())
