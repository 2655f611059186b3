"""Schedule one pair: choose a slot and find-or-create the tagged series, idempotently.

The series id is deterministic, so the calendar is asked for it before anything is created: a crash
between create and record, a retry or a re-run finds the event and only records it. A per-pair ETag
lease keeps two workers from creating at once. A series the manager moved by hand is respected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from shared.domain.calendar import Busy, SeriesEvent, SeriesSpec
from shared.domain.people import Pair, Person
from shared.domain.series import body_teaser, series_id, subject, weekly_recurrence
from shared.domain.slots import SlotRequest, SlotResult, attendee, choose
from shared.domain.timezones import UnknownTimeZone, resolve_zone_or_default
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory, MailboxUnavailable
from shared.ports.storage import Store
from shared.services.scheduling_cache import ManagerView, ScheduleRunCache
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, acquire_lease, load_person, release_lease

SCHEDULE_PAIR = "schedule-pair"
log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PairOutcome:
    status: str  # created | recovered | respected-edit | extended | unchanged | no-slot | leased | skipped
    detail: str = ""
    event_id: str | None = None


@dataclass(slots=True)
class ScheduleContext:
    calendar: Calendar
    directory: Directory
    store: Store
    policy: SchedulingPolicy
    now: datetime
    worker: str = "worker"
    cache: ScheduleRunCache = field(default_factory=ScheduleRunCache)


async def schedule_pair(ctx: ScheduleContext, pair: Pair, reason: str = "regular check-in") -> PairOutcome:
    """Make sure the pair has exactly one live series; the lease makes concurrent calls safe."""
    ttl = timedelta(seconds=ctx.policy.lease_seconds)
    lease = acquire_lease(ctx.store, pair.key, ctx.worker, ctx.now, ttl)
    if lease is None:
        return PairOutcome("leased", "another worker holds this pair")
    try:
        return await _schedule(ctx, pair, reason)
    except MailboxUnavailable as error:
        # Outside the application access policy (Graph 403): not retryable, so skip instead of poisoning the queue.
        log.warning("schedule-pair %s skipped: %s", pair.key, error)
        return PairOutcome("skipped", f"mailbox out of scope: {error}")
    finally:
        release_lease(ctx.store, lease)


async def _schedule(ctx: ScheduleContext, pair: Pair, reason: str) -> PairOutcome:
    manager, report = load_person(ctx.store, pair.manager_id), load_person(ctx.store, pair.report_id)
    if manager is None or report is None or not (manager.account_enabled and report.account_enabled):
        return PairOutcome("skipped", "manager or report unknown or disabled")
    sid = series_id(ctx.policy.tenant_id, manager.id, report.id, ctx.policy.policy_version)
    existing = await ctx.calendar.find_series(manager.id, sid)
    if existing is not None:
        return await _reconcile(ctx, pair, manager, report, existing, reason)
    view = await ctx.cache.view(manager, ctx.store, ctx.directory, ctx.calendar, _window(ctx))
    result = _choose(ctx, manager, report, view)
    if result.slot is None:
        _record(ctx, pair, {"state": "no-slot", "series_id": sid, "reason": result.explanation.reason})
        return PairOutcome("no-slot", result.explanation.reason)
    spec = build_spec(ctx, manager, report, sid, result.slot.start, reason)
    event = await ctx.calendar.create_series(spec)
    _record_event(ctx, pair, event, result.explanation.sentence)
    view.booked[result.slot.start.astimezone(_zone(ctx, manager)).date()] += 1
    for upn in (manager.upn.lower(), report.upn.lower()):
        view.busy.setdefault(upn, []).append(_busy_of(result))
    return PairOutcome("created", result.explanation.sentence, event.event_id)


def _busy_of(result: SlotResult) -> Busy:
    assert result.slot is not None
    return Busy(result.slot.start, result.slot.end, "busy")


def _window(ctx: ScheduleContext) -> tuple[datetime, datetime]:
    start = ctx.now + timedelta(days=1)
    return start, start + timedelta(days=ctx.policy.search_days)


def _zone(ctx: ScheduleContext, person: Person) -> ZoneInfo:
    return resolve_zone_or_default(person.working_hours.time_zone, ctx.policy.default_zone)[0]


def _choose(ctx: ScheduleContext, manager: Person, report: Person, view: ManagerView) -> SlotResult:
    people = []
    for person in (manager, report):
        hours = view.hours.get(person.id, person.working_hours)
        try:
            people.append(attendee(person.upn, person.display_name, hours))
        except UnknownTimeZone:
            fallback = type(hours)(ctx.policy.default_zone, hours.start, hours.end, hours.days)
            people.append(attendee(person.upn, person.display_name, fallback))
    start, end = _window(ctx)
    request = SlotRequest(tuple(people), start, end, busy=view.busy, booked=view.booked, rules=ctx.policy.rules)
    return choose(request)


def build_spec(
    ctx: ScheduleContext, manager: Person, report: Person, sid: str, first_start: datetime, reason: str
) -> SeriesSpec:
    until = (ctx.now + ctx.policy.horizon).date()
    return SeriesSpec(
        series_id=sid,
        organizer_id=manager.id,
        attendee_upn=report.upn.lower(),
        attendee_name=report.display_name,
        subject=subject(manager.display_name, report.display_name),
        body_html=body_teaser(report.display_name, reason),
        first_start=first_start,
        duration_minutes=ctx.policy.rules.duration_minutes,
        recurrence=weekly_recurrence(first_start, _zone(ctx, manager), ctx.policy.rhythm_weeks, until),
    )


def _record(ctx: ScheduleContext, pair: Pair, data: dict[str, Any]) -> None:
    ctx.store.upsert(SERIES, pair.manager_id, pair.report_id, {**data, "checked_at": ctx.now.isoformat()})


def _record_event(ctx: ScheduleContext, pair: Pair, event: SeriesEvent, why: str) -> None:
    until = event.recurrence.end_date.isoformat() if event.recurrence and event.recurrence.end_date else ""
    data = {"state": "active", "series_id": event.series_id, "event_id": event.event_id}
    _record(ctx, pair, {**data, "first_start": event.first_start.isoformat(), "until": until, "why": why})


async def _reconcile(
    ctx: ScheduleContext, pair: Pair, manager: Person, report: Person, event: SeriesEvent, reason: str
) -> PairOutcome:
    """The series exists: record it if the record is missing, respect hand edits, extend to the horizon."""
    record = ctx.store.find(SERIES, pair.manager_id, pair.report_id)
    status = "unchanged"
    if record is None or record.data.get("event_id") != event.event_id:
        status = "recovered"
    elif record.data.get("first_start") != event.first_start.isoformat():
        status = "respected-edit"
    wanted_until = (ctx.now + ctx.policy.horizon).date()
    current_until = event.recurrence.end_date if event.recurrence else None
    if current_until is not None and current_until < wanted_until - timedelta(weeks=ctx.policy.rhythm_weeks):
        spec = build_spec(ctx, manager, report, event.series_id, event.first_start, reason)
        if event.recurrence is not None:
            spec = replace(spec, recurrence=replace(event.recurrence, end_date=wanted_until))
        event = await ctx.calendar.update_series(event.event_id, spec)
        status = "extended" if status == "unchanged" else status
    if status != "unchanged":
        _record_event(ctx, pair, event, f"{status}: kept the series as it is on the calendar")
    return PairOutcome(status, event_id=event.event_id)
