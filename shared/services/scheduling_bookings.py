"""A ledger of booked conversation time per person, shared by every worker through Table Storage.

Slots are chosen from free/busy read before this run's series are on any calendar, and several workers
(the lanes of one drain, or Function instances) choose at once. So before a series is created, the
15-minute buckets of every planned conversation are inserted for each person, atomically within that
person's partition (up to 100 per transaction). A bucket that already exists belongs to another
conversation: the plan is given up, those buckets marked busy in the views, and the next best plan is tried. A
re-run of the same series finds its own buckets and goes on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from shared.domain.calendar import Busy
from shared.domain.people import Person
from shared.domain.planning import YearPlan
from shared.ports.storage import TRANSACTION_LIMIT, AlreadyExists, Batch, Record, Store, StoreError, TransactionOp
from shared.services.scheduling_cache import ManagerView
from shared.services.scheduling_slots import plan_pair

if TYPE_CHECKING:
    from shared.services.schedule_pair import ScheduleContext

BOOKINGS = "bookings"
BUCKET = timedelta(minutes=15)
MAX_ATTEMPTS = 12


Span = tuple[datetime, datetime]
PLANS = "plans"  # partition of one row per series: the buckets its current plan holds


def buckets(start: datetime, end: datetime) -> list[str]:
    """Row keys of the 15-minute buckets that [start, end) touches, in UTC."""
    moment = start.astimezone(UTC).replace(second=0, microsecond=0)
    moment -= timedelta(minutes=moment.minute % 15)
    keys = []
    while moment < end:
        keys.append(moment.strftime("%Y%m%dT%H%M"))
        moment += BUCKET
    return keys


def _rows(spans: Sequence[Span]) -> list[str]:
    return list(dict.fromkeys(row for start, end in spans for row in buckets(start, end)))


def _bookings(rows: Sequence[str], series: str) -> list[TransactionOp]:
    """The inserts that book ``rows`` for ``series`` in one person's partition."""
    return [TransactionOp("insert", row, {"series_id": series}) for row in rows]


def _plan_row(rows: Sequence[str]) -> dict[str, str]:
    """A series' plan row: every bucket its plan books (``_rows`` has no repeats)."""
    return {"rows": json.dumps(sorted(rows))}


def release(store: Store, person_ids: Sequence[str], start: datetime, end: datetime, series: str) -> None:
    """Delete ``series``'s buckets for these people (never another conversation's)."""
    release_many(store, person_ids, [(start, end)], series)


def release_many(store: Store, person_ids: Sequence[str], spans: Sequence[Span], series: str) -> None:
    for person_id in person_ids:
        for row in _rows(spans):
            record = store.find(BOOKINGS, person_id, row)
            if record is not None and record.data.get("series_id") == series:
                store.delete(BOOKINGS, person_id, row)


def claim(store: Store, person_ids: Sequence[str], start: datetime, end: datetime, series: str) -> bool:
    """Book [start, end) for every person, or for nobody; True when the time is this series'."""
    return claim_many(store, person_ids, [(start, end)], series)


def claim_many(store: Store, person_ids: Sequence[str], spans: Sequence[Span], series: str) -> bool:
    """Book every span for every person, or nothing; True when all of that time is this series'.

    Buckets this series already holds (an earlier, interrupted attempt) count as claimed; a bucket another
    conversation holds fails the claim, and only the buckets this call inserted are given back.
    """
    return not _claim(store, person_ids, spans, series)


def _claim(store: Store, person_ids: Sequence[str], spans: Sequence[Span], series: str) -> list[tuple[str, str]]:
    """``claim_many``'s work: the (person, bucket) pairs another conversation holds, empty when claimed."""
    rows = _rows(spans)
    chunks = [rows[i : i + TRANSACTION_LIMIT] for i in range(0, len(rows), TRANSACTION_LIMIT)]
    claimed: list[tuple[str, list[str]]] = []
    for person_id in dict.fromkeys(person_ids):
        for chunk in chunks:
            inserted, taken = _insert(store, person_id, chunk, series)
            if taken:
                for owner, rows_taken in claimed:
                    _release_held(store, owner, rows_taken, series)
                return [(person_id, row) for row in taken]
            claimed.append((person_id, inserted))
    return []


def _insert(store: Store, person_id: str, rows: Sequence[str], series: str) -> tuple[list[str], list[str]]:
    """Insert the person's buckets in one transaction: (rows inserted, rows another conversation holds)."""
    try:
        store.transact(BOOKINGS, person_id, _bookings(rows, series))
        return list(rows), []
    except AlreadyExists:
        pass
    held = _held(store, person_id)
    found = {row: held.get(row) for row in rows}
    taken = [row for row, record in found.items() if record is not None and record.data.get("series_id") != series]
    missing = [row for row, record in found.items() if record is None]
    if taken or not missing:
        return [], taken
    try:
        store.transact(BOOKINGS, person_id, _bookings(missing, series))
    except AlreadyExists:  # another conversation took one of them meanwhile
        return [], missing
    return missing, []


def claim_plan(store: Store, person_ids: Sequence[str], spans: Sequence[Span], series: str) -> list[tuple[str, str]]:
    """``claim_many`` for a series' whole plan: the (person, bucket) pairs others hold, empty when claimed. The
    buckets of the series' previous plan that the new one does not use are given back (a re-plan after a crash
    must not keep blocking other conversations). A new series' plan row is inserted without a read first."""
    rows = _rows(spans)
    if _claimed_at_once(store, person_ids, rows, series):
        return []
    taken = _claim(store, person_ids, spans, series)
    if taken:
        return taken
    plan, planned = _plan_row(rows), set(rows)
    try:
        store.insert(BOOKINGS, PLANS, series, plan)
        return []
    except AlreadyExists:  # the series had a plan before
        pass
    previous = store.find(BOOKINGS, PLANS, series)
    if previous is not None:
        stale = [row for row in json.loads(str(previous.data.get("rows") or "[]")) if row not in planned]
        for person_id in person_ids:
            _release_held(store, person_id, stale, series)
    store.upsert(BOOKINGS, PLANS, series, plan)
    return []


def _claimed_at_once(store: Store, person_ids: Sequence[str], rows: Sequence[str], series: str) -> bool:
    """A new series' whole claim in one wait (issue 20): each person's buckets (one transaction of their partition)
    and the plan row, sent together. True when all of it landed. Otherwise what landed is given back, and the caller
    claims step by step, which finds the buckets others hold and keeps a re-planned series' own. A person with more
    buckets than one transaction holds is claimed step by step from the start."""
    people = list(dict.fromkeys(person_ids))
    if not rows or len(rows) > TRANSACTION_LIMIT or PLANS in people:
        return False
    batches: list[Batch] = [(BOOKINGS, person, _bookings(rows, series)) for person in people]
    batches.append((BOOKINGS, PLANS, [TransactionOp("insert", series, _plan_row(rows))]))
    verdicts = store.transact_at_once(batches)
    if all(verdict is None for verdict in verdicts):
        return True
    for (table, partition, ops), verdict in zip(batches, verdicts, strict=True):
        if verdict is None:  # inserted just now by this call: given back whole
            store.transact(table, partition, [TransactionOp("delete", op.row) for op in ops])
    failed = [verdict for verdict in verdicts if verdict is not None and not isinstance(verdict, AlreadyExists)]
    if failed:
        raise failed[0]
    return False


def bucket_span(row: str) -> Span:
    """The UTC time of one bucket row key."""
    start = datetime.strptime(row, "%Y%m%dT%H%M").replace(tzinfo=UTC)
    return start, start + BUCKET


def _held(store: Store, person_id: str) -> dict[str, Record]:
    """Every bucket the person holds, by row: one read of their partition (a person's buckets over the horizon,
    a few hundred at most: retention purges past ones), instead of one read per bucket a refused claim asks about."""
    return {record.row: record for record in store.query(BOOKINGS, person_id)}


def _release_held(store: Store, person_id: str, rows: Sequence[str], series: str) -> None:
    """Delete ``series``'s buckets among ``rows`` (never another conversation's): one read of the partition, one
    transaction per 100 buckets."""
    if not rows:
        return
    held = _held(store, person_id)
    mine = [
        row for row in dict.fromkeys(rows) if (r := held.get(row)) is not None and r.data.get("series_id") == series
    ]
    for chunk in (mine[i : i + TRANSACTION_LIMIT] for i in range(0, len(mine), TRANSACTION_LIMIT)):
        try:
            store.transact(BOOKINGS, person_id, [TransactionOp("delete", row) for row in chunk])
        except StoreError:  # one went meanwhile (a transaction is all or nothing): one at a time, as ever
            for row in chunk:
                store.delete(BOOKINGS, person_id, row)


def choose_and_claim(ctx: ScheduleContext, view: ManagerView, manager: Person, report: Person, series: str) -> YearPlan:
    """The best year plan whose conversations nobody else has booked meanwhile; no slot when others keep
    taking them. A refused claim marks the exact buckets others hold as busy for their person, in every view
    that shows them, and plans again. Raises UnknownTimeZone for a zone nobody can read (the caller records it)."""
    addresses = {manager.id: manager.address, report.id: report.address}
    for _ in range(MAX_ATTEMPTS):
        plan = plan_pair(ctx, manager, report, view, series)
        if plan.first_start is None:
            return plan
        taken = claim_plan(ctx.store, (manager.id, report.id), [(c.start, c.end) for c in plan.conversations], series)
        if not taken:
            return plan
        views = {id(v): v for v in (view, *ctx.cache.views.values())}.values()
        for person_id, row in taken:
            busy = Busy(*bucket_span(row), "busy")
            for shown in views:
                if shown is view or person_id in shown.hours:
                    shown.busy.setdefault(addresses[person_id], []).append(busy)
    reason = f"the best {MAX_ATTEMPTS} plans met times other conversations booked meanwhile; retried next run"
    explanation = replace(plan.explanation, reason=reason, sentence=reason)
    return replace(plan, first_start=None, conversations=(), explanation=explanation)
