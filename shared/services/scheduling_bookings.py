"""A ledger of booked conversation time per person, shared by every worker through Table Storage.

Slots are chosen from free/busy read before this run's series are on any calendar, and several workers
(the lanes of one drain, or Function instances) choose at once. So before a series is created, the
15-minute buckets of its first occurrence are inserted for each person, atomically within that person's
partition. A bucket that already exists belongs to another conversation: the slot is given up, marked busy
in the view, and the next best one is tried. A re-run of the same series finds its own buckets and goes on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.domain.calendar import Busy
from shared.domain.people import Person
from shared.domain.slots import SlotResult
from shared.ports.storage import AlreadyExists, Store, TransactionOp
from shared.services.scheduling_cache import ManagerView
from shared.services.scheduling_slots import choose_slot

if TYPE_CHECKING:
    from shared.services.schedule_pair import ScheduleContext

BOOKINGS = "bookings"
BUCKET = timedelta(minutes=15)
MAX_ATTEMPTS = 6


def buckets(start: datetime, end: datetime) -> list[str]:
    """Row keys of the 15-minute buckets that [start, end) touches, in UTC."""
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    moment -= timedelta(minutes=moment.minute % 15)
    keys = []
    while moment < end:
        keys.append(moment.strftime("%Y%m%dT%H%M"))
        moment += BUCKET
    return keys


def _is_own(store: Store, person_id: str, rows: Sequence[str], series: str) -> bool:
    found = [store.find(BOOKINGS, person_id, row) for row in rows]
    return all(record is not None and record.data.get("series_id") == series for record in found)


def release(store: Store, person_ids: Sequence[str], start: datetime, end: datetime, series: str) -> None:
    """Delete ``series``'s buckets for these people (never another conversation's)."""
    for person_id in person_ids:
        for row in buckets(start, end):
            record = store.find(BOOKINGS, person_id, row)
            if record is not None and record.data.get("series_id") == series:
                store.delete(BOOKINGS, person_id, row)


def claim(store: Store, person_ids: Sequence[str], start: datetime, end: datetime, series: str) -> bool:
    """Book [start, end) for every person, or for nobody; True when the time is this series'."""
    rows, claimed = buckets(start, end), list[str]()
    for person_id in dict.fromkeys(person_ids):
        ops = [TransactionOp("insert", row, {"series_id": series}) for row in rows]
        try:
            store.transact(BOOKINGS, person_id, ops)
        except AlreadyExists:
            if _is_own(store, person_id, rows, series):
                continue
            release(store, claimed, start, end, series)
            return False
        claimed.append(person_id)
    return True


def choose_and_claim(
    ctx: ScheduleContext, view: ManagerView, manager: Person, report: Person, series: str
) -> SlotResult:
    """The best slot nobody else has booked meanwhile; no slot when others keep taking them."""
    for _ in range(MAX_ATTEMPTS):
        result = choose_slot(ctx, manager, report, view)
        if result.slot is None:
            return result
        if claim(ctx.store, (manager.id, report.id), result.slot.start, result.slot.end, series):
            return result
        taken = Busy(result.slot.start, result.slot.end, "busy")
        for person in (manager, report):
            view.busy.setdefault(person.address, []).append(taken)
    reason = f"the best {MAX_ATTEMPTS} slots were booked by other conversations meanwhile; retried next run"
    return replace(result, slot=None, explanation=replace(result.explanation, reason=reason, sentence=reason))
