"""Repair one pair's upcoming conversations: declined, outside someone's hours, or clashing with busy time.

Each occurrence in the horizon is checked against both people's stored working hours (their own zones, so a
DST change or a new working week shows up here), hard busy time (busy, oof, tentative, unknown) and the
report's answer. One that fails moves: to the time the report proposed when declining, if that is free and in
both people's hours, else to the best slot within ``MOVE_DAYS`` either side, under the same daily cap and
booking ledger as a new series. Graph leaves deleted occurrences out of ``instances``; the difference between
the expected pattern and what is returned counts as occurrences cancelled by hand, which stay cancelled.

A repair holds the pair's lease (the one ``schedule_pair`` takes), so the poll and change notifications never
repair one pair at the same time; a pair leased elsewhere is left alone (``RepairOutcome.leased``) for the caller
to retry.

Silent declines: a report who declines with ``sendResponse: false`` changes only their own copy; the organiser's
instances still show no answer. The caller that saw the report's copy (a change notification from the report's
mailbox) passes the (start, end) of each occurrence the copy shows declined in ``declined_in_copy``. A hint is used
rather than reading every report's copy on each repair: the poll would pay one more Graph read per pair for an
answer that only a notification from that mailbox can point at. An occurrence counts as declined by the hint only
while it is still at exactly those times, so a stale or repeated hint (the copy read before a move, or a duplicate
notice) never moves an occurrence twice: once moved, it no longer matches.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from shared.domain.calendar import Busy, Occurrence, Response, SeriesEvent
from shared.domain.people import Pair, Person, Weekday
from shared.domain.slots import Preference, SlotRequest, attendee, choose
from shared.domain.slots_rules import Attendee, hard_failure, in_working_hours, overlaps
from shared.domain.timezones import UnknownTimeZone
from shared.ports.storage import Record
from shared.services.conversation_changes import conversation_moved
from shared.services.repair_audit import AUDIT, audit_key
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_bookings import claim
from shared.services.scheduling_load import encode_starts, load_by_day, manager_starts
from shared.services.scheduling_records import SERIES, acquire_lease, load_person, release_lease

MOVE_DAYS = 7  # a week either way: as far as the gaps between conversations allow

DeclinedTimes = frozenset[tuple[datetime, datetime]]
"""(start, end) of occurrences the report's own copy shows declined: ``repair_occurrences``' hint."""

# The weakest free/busy status first: the own copy is the one to discount when a foreign meeting has the same times.
_STRENGTH = {"free": 0, "workingElsewhere": 1, "tentative": 2, "busy": 3, "oof": 4, "unknown": 5}


@dataclass(slots=True)
class RepairOutcome:
    moved: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    hand_cancelled: int = 0
    leased: bool = False  # another worker holds the pair: nothing was looked at


@dataclass(slots=True)
class _PairView:
    """What one repair needs: both people, their free/busy, the manager's load and the pair's series."""

    pair: Pair
    record: Record
    people: tuple[Attendee, Attendee]
    busy: dict[str, list[Busy]]
    load: Counter[date]
    series: str
    declined_in_copy: DeclinedTimes = frozenset()


def expected_count(event: SeriesEvent, start: datetime, end: datetime) -> int:
    """How many occurrences the series pattern puts in [start, end) (weekly, one weekday)."""
    if event.recurrence is None:
        return int(start <= event.first_start < end)
    step, count, moment = timedelta(weeks=event.recurrence.interval), 0, event.first_start
    last = event.recurrence.end_date
    while moment < end and (last is None or moment.date() <= last + timedelta(days=1)):
        count += moment >= start
        moment += step
    return count


def without_own(items: list[Busy], occurrence: Occurrence) -> list[Busy]:
    """A person's busy time minus the occurrence itself: at most one item with its exact times, the weakest.

    An attendee's copy nobody answered is tentative (Exchange), so a foreign busy meeting booked at exactly the
    same times is the stronger item and stays (it is a conflict).
    """
    own = (occurrence.start, occurrence.end)
    same = [i for i, item in enumerate(items) if (item.start, item.end) == own]
    if not same:
        return items
    index = min(same, key=lambda i: _STRENGTH.get(items[i].status, 3))
    return items[:index] + items[index + 1 :]


def move_reason(ctx: ScheduleContext, view: _PairView, occurrence: Occurrence) -> str | None:
    """Why the occurrence must move (declined, outside hours, conflict), or None when it is fine."""
    if occurrence.attendee_responses.get(view.people[1].key) is Response.DECLINED:
        return "declined"
    if (occurrence.start, occurrence.end) in view.declined_in_copy:
        return "declined"
    if not all(in_working_hours(person, occurrence.start, occurrence.end) for person in view.people):
        return "outside hours"
    statuses = ctx.policy.rules.hard_statuses()
    for person in view.people:
        if overlaps(without_own(view.busy.get(person.key, []), occurrence), occurrence.start, occurrence.end, statuses):
            return "conflict"
    return None


async def repair_occurrences(
    ctx: ScheduleContext, pair: Pair, declined_in_copy: Collection[tuple[datetime, datetime]] = ()
) -> RepairOutcome:
    """Move each upcoming occurrence that was declined, drifted out of hours or now clashes (under the pair's lease).

    ``declined_in_copy``: (start, end) of occurrences the report's own copy shows declined (see the module doc).
    """
    lease = acquire_lease(ctx.store, pair.key, ctx.worker, ctx.now, timedelta(seconds=ctx.policy.lease_seconds))
    if lease is None:
        return RepairOutcome(leased=True)
    try:
        return await _repair(ctx, pair, frozenset(declined_in_copy))
    finally:
        release_lease(ctx.store, lease)


async def _repair(ctx: ScheduleContext, pair: Pair, declined_in_copy: DeclinedTimes) -> RepairOutcome:
    outcome = RepairOutcome()
    record = ctx.store.find(SERIES, pair.manager_id, pair.report_id)
    manager, report = load_person(ctx.store, pair.manager_id), load_person(ctx.store, pair.report_id)
    if record is None or record.data.get("state") != "active" or manager is None or report is None:
        return outcome
    event = await ctx.calendar.find_series(manager.id, str(record.data["series_id"]))
    if event is None:
        return outcome
    start, end = ctx.now, ctx.now + ctx.policy.horizon
    occurrences = await ctx.calendar.occurrences(manager.id, event.event_id, start, end)
    outcome.hand_cancelled = max(0, expected_count(event, start, end) - len(occurrences))
    try:
        people = (_attendee(manager), _attendee(report))
    except UnknownTimeZone as error:
        outcome.unresolved.append(f"{pair.key}: {error}")
        return outcome
    busy = await ctx.calendar.busy_times(manager.id, [manager.address, report.address], start, end)
    others = manager_starts(ctx.store, manager.id, ctx.policy.rhythm_weeks, end, skip_report=report.id)
    load = load_by_day([*others, *(o.start for o in occurrences)], people[0].zone)
    view = _PairView(pair, record, people, busy, load, str(record.data["series_id"]), declined_in_copy)
    kept: list[datetime] = []
    for occurrence in occurrences:
        why = move_reason(ctx, view, occurrence)
        moved_to = await _move(ctx, view, occurrence, why, outcome) if why else None
        kept.append(moved_to or occurrence.start)
    data: dict[str, Any] = {**record.data, "checked_at": ctx.now.isoformat(), "conversations": encode_starts(kept)}
    ctx.store.upsert(SERIES, pair.manager_id, pair.report_id, data)
    return outcome


def _attendee(person: Person) -> Attendee:
    return attendee(person.address, person.display_name, person.working_hours)


async def _move(
    ctx: ScheduleContext, view: _PairView, occurrence: Occurrence, why: str, outcome: RepairOutcome
) -> datetime | None:
    """Move one occurrence (proposal first, then the best nearby slot); the new start, or None if it stays."""
    own_day = occurrence.start.astimezone(view.people[0].zone).date()
    view.load[own_day] -= 1  # the occurrence leaves its day wherever it goes
    busy = {key: without_own(items, occurrence) for key, items in view.busy.items()}
    if why == "declined":  # the declined time itself is off the table
        busy.setdefault(view.people[1].key, []).append(Busy(occurrence.start, occurrence.end, "busy"))
    for start in _candidates(ctx, view, occurrence, busy):
        end = start + ctx.policy.rules.duration
        if not claim(ctx.store, (view.pair.manager_id, view.pair.report_id), start, end, view.series):
            busy.setdefault(view.people[0].key, []).append(Busy(start, end, "busy"))
            continue
        await ctx.calendar.move_occurrence(view.pair.manager_id, occurrence.event_id, start, end)
        view.load[start.astimezone(view.people[0].zone).date()] += 1
        for person in view.people:
            view.busy.setdefault(person.key, []).append(Busy(start, end, "busy"))
        _tell_both(ctx, view, occurrence, why, start)
        outcome.moved.append(occurrence.event_id)
        return start
    view.load[own_day] += 1
    outcome.unresolved.append(f"{occurrence.event_id}: {why}, no free time within {MOVE_DAYS} days")
    return None


def _candidates(
    ctx: ScheduleContext, view: _PairView, occurrence: Occurrence, busy: dict[str, list[Busy]]
) -> list[datetime]:
    """The report's proposed time when it is valid, then the best nearby slot (each tried in turn)."""
    found: list[datetime] = []
    proposal = occurrence.proposed_new_times.get(view.people[1].key)
    if proposal is not None and proposal[0] > ctx.now:
        failure = hard_failure(view.people, busy, view.load, proposal[0], ctx.policy.rules)
        if failure is None and proposal[1] - proposal[0] == ctx.policy.rules.duration:
            found.append(proposal[0])
    local = occurrence.start.astimezone(view.people[0].zone)
    window = (
        max(occurrence.start - timedelta(days=MOVE_DAYS), ctx.now + timedelta(hours=1)),
        occurrence.start + timedelta(days=MOVE_DAYS),
    )
    preferred = Preference(list(Weekday)[local.weekday()], local.time())
    request = SlotRequest(
        view.people, *window, busy=busy, booked=view.load, preferred=preferred, rules=ctx.policy.rules
    )
    result = choose(request)
    if result.slot is not None:
        found.append(result.slot.start)
    return found


def _tell_both(ctx: ScheduleContext, view: _PairView, occurrence: Occurrence, why: str, start: datetime) -> None:
    """Graph sends the attendee the instance update; the audit row drives the Teams note to both."""
    local = start.astimezone(view.people[0].zone).strftime("%a %d %b %H:%M")
    note = f"Moved one conversation ({why}) to {local} ({view.people[0].zone.key}), inside both working days."
    data: dict[str, Any] = {
        "kind": "occurrence-moved",
        "to": ",".join(person.key for person in view.people),
        "message": note,
        "at": ctx.now.isoformat(),
    }
    ctx.store.upsert(AUDIT, view.pair.key, audit_key(occurrence.event_id), data)
    conversation_moved(ctx.store, view.pair.manager_id, view.pair.report_id, occurrence.start, start, ctx.now)
