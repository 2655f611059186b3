"""Repair: move declined or newly conflicting occurrences, cancel series on org changes, respect hand edits.

Graph leaves deleted occurrences out of ``instances``; the difference between the expected pattern and
what is returned counts as occurrences cancelled by hand, which are left cancelled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.domain.calendar import Busy, Occurrence, Response, SeriesEvent
from shared.domain.people import Pair, Weekday
from shared.domain.series import series_id
from shared.domain.slots import Preference, SlotRequest, attendee, choose
from shared.services.schedule_pair import ScheduleContext
from shared.services.scheduling_records import SERIES, load_person

AUDIT = "audit"
CANCEL_MESSAGES = {
    "manager-change": "With the change of manager, this conversation series ends here. "
    "Thank you for the conversations so far; the new manager's series follows.",
    "leaver": "This conversation series ends because one of you has left. Thank you for the conversations.",
    "disabled": "This conversation series ends because the account is no longer active.",
}


@dataclass(slots=True)
class RepairOutcome:
    moved: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)
    hand_cancelled: int = 0


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


# The weakest free/busy status first: the own copy is the one to discount when a foreign meeting has the same times.
_STRENGTH = {"free": 0, "workingElsewhere": 1, "tentative": 2, "busy": 3, "oof": 4, "unknown": 5}


def _without_own(items: list[Busy], occurrence: Occurrence) -> list[Busy]:
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


def _needs_move(occurrence: Occurrence, report_address: str, busy: dict[str, list[Busy]]) -> str | None:
    if occurrence.attendee_responses.get(report_address) is Response.DECLINED:
        return "declined"
    for items in busy.values():
        for item in _without_own(items, occurrence):
            if item.status in {"busy", "oof"} and item.start < occurrence.end and occurrence.start < item.end:
                return "conflict"
    return None


async def repair_occurrences(ctx: ScheduleContext, pair: Pair) -> RepairOutcome:
    """Move each upcoming occurrence the report declined or that now clashes; count hand-cancelled ones."""
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
    addresses = [manager.address, report.address]
    busy = await ctx.calendar.busy_times(manager.id, addresses, start, end)
    people = (
        attendee(manager.address, manager.display_name, manager.working_hours),
        attendee(report.address, report.display_name, report.working_hours),
    )
    for occurrence in occurrences:
        why = _needs_move(occurrence, addresses[1], busy)
        if why is None:
            continue
        local = occurrence.start.astimezone(people[0].zone)
        others = {address: _without_own(items, occurrence) for address, items in busy.items()}
        if why == "declined":  # the declined time itself is off the table
            others.setdefault(addresses[1], []).append(Busy(occurrence.start, occurrence.end, "busy"))
        window = (
            max(occurrence.start - timedelta(days=2), ctx.now + timedelta(hours=1)),
            occurrence.start + timedelta(days=7),
        )
        preferred = Preference(list(Weekday)[local.weekday()], local.time())
        result = choose(SlotRequest(people, *window, busy=others, preferred=preferred, rules=ctx.policy.rules))
        if result.slot is None:
            outcome.unresolved.append(f"{occurrence.event_id}: {why}, {result.explanation.reason}")
            continue
        await ctx.calendar.move_occurrence(manager.id, occurrence.event_id, result.slot.start, result.slot.end)
        _tell_both(ctx, pair, occurrence, why, result.explanation.sentence, addresses)
        outcome.moved.append(occurrence.event_id)
    ctx.store.upsert(SERIES, pair.manager_id, pair.report_id, {**record.data, "checked_at": ctx.now.isoformat()})
    return outcome


def _tell_both(
    ctx: ScheduleContext, pair: Pair, occurrence: Occurrence, why: str, sentence: str, addresses: list[str]
) -> None:
    """Graph sends the attendee the instance update; the audit row drives the Teams note to both."""
    note = f"Moved one conversation ({why}): {sentence}"
    data: dict[str, Any] = {
        "kind": "occurrence-moved",
        "to": ",".join(addresses),
        "message": note,
        "at": ctx.now.isoformat(),
    }
    ctx.store.upsert(AUDIT, pair.key, occurrence.event_id.replace("/", "_"), data)


async def cancel_series(ctx: ScheduleContext, manager_id: str, report_id: str, kind: str) -> bool:
    """Cancel the pair's series (found by its id) with a kind message; True if one was cancelled."""
    sid = series_id(ctx.policy.tenant_id, manager_id, report_id, ctx.policy.policy_version)
    event = await ctx.calendar.find_series(manager_id, sid)
    record = ctx.store.find(SERIES, manager_id, report_id)
    if record is not None:
        ctx.store.upsert(SERIES, manager_id, report_id, {**record.data, "state": "cancelled", "closed": kind})
    if event is None:
        return False
    await ctx.calendar.cancel(manager_id, event.event_id, CANCEL_MESSAGES.get(kind, CANCEL_MESSAGES["disabled"]))
    return True


async def handle_pair_changed(ctx: ScheduleContext, body: dict[str, Any]) -> str:
    """The ``pair-changed`` handler: cancel what ended; planning schedules what began (one path, no double work)."""
    kind, manager_id, report_id = str(body["kind"]), str(body.get("manager_id") or ""), str(body["report_id"])
    if kind in {"leaver", "disabled"}:
        return "cancelled" if await cancel_series(ctx, manager_id, report_id, kind) else "nothing to cancel"
    if kind == "manager-change" and body.get("old_manager_id"):
        await cancel_series(ctx, str(body["old_manager_id"]), report_id, kind)
        return "cancelled"
    return "left to planning"  # the new pair has no series record, so the next plan creates it
