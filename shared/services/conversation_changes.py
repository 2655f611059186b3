"""The changes that move many of a pair's conversations at once, and the missed sweep over every pair.

Each goes through ``conversation_lifecycle.record_many`` (or ``record_conversation``), so a change that does not
outrank the stored status writes nothing and every caller can repeat itself: a new series' year plan
(:func:`record_plan`), a repair's move (:func:`conversation_moved`), a series' end (:func:`cancel_upcoming`) and
the sweep that marks conversations missed (:func:`sweep_missed`). :func:`conversation_statuses` reads them all back.
"""

from __future__ import annotations

from datetime import date, datetime

from shared.domain.conversation_status import AWAITING_OUTCOME, MISSED_AFTER_DAYS, ConversationStatus, is_missed
from shared.domain.people import pair_key
from shared.domain.planning import YearPlan
from shared.ports.storage import Store
from shared.services.conversation_lifecycle import (
    CONVERSATION_PREFIX,
    OUTCOMES,
    PairFacts,
    record_conversation,
    record_many,
    utc_day,
)


def conversation_moved(
    store: Store, manager_id: str, report_id: str, start: datetime, to: datetime, now: datetime
) -> int:
    """Repair moved the occurrence at ``start`` to ``to``: that conversation is moved, the one at ``to`` scheduled."""
    changes = [(utc_day(start), ConversationStatus.MOVED)]
    if utc_day(to) != utc_day(start):  # moved within the day: the same conversation, recorded as moved
        changes.append((utc_day(to), ConversationStatus.SCHEDULED))
    return record_many(store, manager_id, report_id, changes, now)


def record_plan(
    store: Store, manager_id: str, report_id: str, plan: YearPlan, now: datetime, facts: PairFacts | None = None
) -> int:
    """A new series' conversations are scheduled, its skipped weeks cancelled (repeatable: nothing changes twice).
    ``facts``: as :func:`record_many` takes them."""
    changes = [(utc_day(c.start), ConversationStatus.SCHEDULED) for c in plan.conversations]
    changes += [(utc_day(start), ConversationStatus.CANCELLED) for start, _ in plan.skipped]
    return record_many(store, manager_id, report_id, changes, now, facts)


def cancel_upcoming(store: Store, manager_id: str, report_id: str, now: datetime) -> int:
    """The series ended: its scheduled conversations from today on are cancelled."""
    today = utc_day(now)
    changes = [
        (date.fromisoformat(str(r.data["conversation_date"])), ConversationStatus.CANCELLED)
        for r in store.query(OUTCOMES, pair_key(manager_id, report_id))
        if r.row.startswith(CONVERSATION_PREFIX)
        and r.data.get("status") == ConversationStatus.SCHEDULED
        and str(r.data["conversation_date"]) >= today.isoformat()
    ]
    return record_many(store, manager_id, report_id, changes, now)


def sweep_missed(store: Store, today: date, after_days: int = MISSED_AFTER_DAYS, now: datetime | None = None) -> int:
    """Mark every scheduled or overdue conversation ``after_days`` past its date as missed; returns the count."""
    stamp = now or datetime.combine(today, datetime.min.time())
    missed = 0
    awaiting = sorted(str(status) for status in AWAITING_OUTCOME)
    for record in store.query(OUTCOMES, where={"status": awaiting}):  # the service filters the table
        if not record.row.startswith(CONVERSATION_PREFIX):
            continue
        day = date.fromisoformat(str(record.data["conversation_date"]))
        if is_missed(day, today, after_days):
            manager_id, report_id = str(record.data["manager_id"]), str(record.data["report_id"])
            missed += record_conversation(store, manager_id, report_id, day, ConversationStatus.MISSED, stamp)
    return missed


def conversation_statuses(store: Store) -> dict[str, str]:
    """Every stored conversation's status by conversation id (for reports and tests)."""
    return {
        str(r.data["conversation_id"]): str(r.data["status"])
        for r in store.query(OUTCOMES)
        if r.row.startswith(CONVERSATION_PREFIX)
    }
