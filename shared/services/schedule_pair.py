"""Schedule pairs: choose a slot and find-or-create each pair's tagged series, idempotently, many at a time.

The series id is deterministic, so the calendar is asked for it before anything is created: a crash
between create and record, a retry or a re-run finds the event and only records it. A per-pair ETag
lease keeps two workers from creating at once. A series the manager moved by hand is respected.

A group of pairs costs few Graph round trips: one look-up request per 20 series, one working-hours fetch
per 20 people not seen yet this run, one getSchedule per manager, and one create request per 20 series.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from shared.domain.calendar import SeriesEvent, SeriesSpec
from shared.domain.people import Pair, Person
from shared.domain.planning import YearPlan
from shared.domain.series import series_id
from shared.domain.timezones import UnknownTimeZone
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory, MailboxUnavailable, NoMailbox
from shared.ports.storage import Store
from shared.services.scheduling_bookings import choose_and_claim
from shared.services.scheduling_cache import ScheduleRunCache
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, Lease, acquire_lease, load_person, release_lease
from shared.services.scheduling_records_plan import FIXUPS, closest_row, plan_from_row, plan_row
from shared.services.scheduling_slots import book, build_spec, busy_window
from shared.services.series_fixups import NewSeries, apply_fixups

DEFAULT_REASON = "regular check-in"
REMOVED = "removed-by-organiser"
REMOVED_REASON = "the manager deleted the series in Outlook; it stays deleted until they ask for it again"
KEEPS_SERIES_ID = frozenset({"active", REMOVED})
log = logging.getLogger(__name__)
__all__ = ["SCHEDULE_PAIR", "PairOutcome", "ScheduleContext", "build_spec", "schedule_pair", "schedule_pairs"]


@dataclass(frozen=True, slots=True)
class PairOutcome:
    # created | recovered | respected-edit | resumed | unchanged | no-slot | no-mailbox | zone-unknown
    # | removed-by-organiser | leased | skipped | duplicate
    status: str
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


@dataclass(frozen=True, slots=True)
class _Work:
    index: int
    pair: Pair
    reason: str
    manager: Person
    report: Person
    sid: str


@dataclass(slots=True)
class _Run:
    ctx: ScheduleContext
    outcomes: dict[int, PairOutcome] = field(default_factory=dict)
    leases: list[Lease] = field(default_factory=list)
    repeats: dict[int, int] = field(default_factory=dict)  # index of a repeated pair -> index of its first


async def schedule_pair(ctx: ScheduleContext, pair: Pair, reason: str = DEFAULT_REASON) -> PairOutcome:
    """Make sure the pair has exactly one live series; the lease makes concurrent calls safe."""
    [outcome] = await schedule_pairs(ctx, [(pair, reason)])
    return outcome


async def schedule_pairs(ctx: ScheduleContext, requests: Sequence[tuple[Pair, str]]) -> list[PairOutcome]:
    """``schedule_pair`` for many (pair, reason) requests with batched Graph calls; outcomes in request order."""
    run = _Run(ctx)
    try:
        work = _claim(run, requests)
        try:
            await _schedule(run, work)
        except MailboxUnavailable as error:
            # Outside the application access policy (Graph 403): not retryable, so skip instead of poisoning.
            log.warning("schedule-pair skipped %d pair(s): %s", len(work), error)
            for item in work:
                run.outcomes.setdefault(item.index, PairOutcome("skipped", f"mailbox out of scope: {error}"))
    finally:
        for lease in run.leases:
            release_lease(ctx.store, lease)
    for index, first in run.repeats.items():
        run.outcomes[index] = PairOutcome("duplicate", "the same pair came twice", run.outcomes[first].event_id)
    return [run.outcomes[i] for i in range(len(requests))]


def _claim(run: _Run, requests: Sequence[tuple[Pair, str]]) -> list[_Work]:
    """Lease each pair and load both people; settle the pairs that cannot be scheduled now."""
    ctx, ttl, seen = run.ctx, timedelta(seconds=run.ctx.policy.lease_seconds), dict[str, int]()
    work: list[_Work] = []
    for index, (pair, reason) in enumerate(requests):
        if pair.key in seen:
            run.repeats[index] = seen[pair.key]
            continue
        seen[pair.key] = index
        lease = acquire_lease(ctx.store, pair.key, ctx.worker, ctx.now, ttl)
        if lease is None:
            run.outcomes[index] = PairOutcome("leased", "another worker holds this pair")
            continue
        run.leases.append(lease)
        manager, report = load_person(ctx.store, pair.manager_id), load_person(ctx.store, pair.report_id)
        if manager is None or report is None or not (manager.account_enabled and report.account_enabled):
            run.outcomes[index] = PairOutcome("skipped", "manager or report unknown or disabled")
            continue
        work.append(_Work(index, pair, reason, manager, report, _series_id_of(ctx, pair)))
    return work


def _series_id_of(ctx: ScheduleContext, pair: Pair) -> str:
    """The stored id of the pair's live series, else the one this policy version gives.

    A policy version bump changes the computed id; the series already on the calendar keeps its id, so it is
    found (never twinned) and ended by the id it was created with.
    """
    record = ctx.store.find(SERIES, pair.manager_id, pair.report_id)
    if record is not None and record.data.get("state") in KEEPS_SERIES_ID and record.data.get("series_id"):
        return str(record.data["series_id"])
    return series_id(ctx.policy.tenant_id, pair.manager_id, pair.report_id, ctx.policy.policy_version)


async def _schedule(run: _Run, work: Sequence[_Work]) -> None:
    ctx = run.ctx
    found = await ctx.calendar.find_series_many([(w.manager.id, w.sid) for w in work]) if work else {}
    missing: list[_Work] = []
    for item in work:
        existing = found.get(item.sid)
        if existing is None and _removed_by_organiser(ctx, item):
            run.outcomes[item.index] = PairOutcome("removed-by-organiser", REMOVED_REASON)
        elif isinstance(existing, NoMailbox):
            run.outcomes[item.index] = _no_mailbox(ctx, item, f"{item.manager.display_name} (manager): {existing}")
        elif isinstance(existing, MailboxUnavailable):
            run.outcomes[item.index] = _skipped(item, existing)
        elif existing is not None:
            run.outcomes[item.index] = await _reconcile(ctx, item, existing)
        else:
            missing.append(item)
    if missing:
        await _create(run, missing)


async def _create(run: _Run, missing: Sequence[_Work]) -> None:
    """Plan every pair's year first (booking each in the manager's view), create the series in batches, then
    put the plans' moved weeks, cancelled weeks and milestone extras on the calendar."""
    ctx, chosen = run.ctx, dict[str, tuple[_Work, YearPlan, SeriesSpec]]()
    managers = [w.manager for w in missing]
    await ctx.cache.prepare(managers, ctx.store, ctx.directory, ctx.calendar, busy_window(ctx), ctx.policy.rhythm_weeks)
    for item in missing:
        planned = _plan(run, item)
        if planned is not None:
            chosen[item.sid] = (item, *planned)
    created = await ctx.calendar.create_series_many([spec for _, _, spec in chosen.values()]) if chosen else {}
    new: list[NewSeries] = []
    for sid, (item, plan, spec) in chosen.items():
        event = created[sid]
        if isinstance(event, MailboxUnavailable):
            run.outcomes[item.index] = _skipped(item, event)
            continue
        _record_event(ctx, item.pair, event, plan.explanation.sentence, plan)
        run.outcomes[item.index] = PairOutcome("created", plan.explanation.sentence, event.event_id)
        new.append(NewSeries(event, plan, spec, item.pair.report_id))
    if new:
        await _fix_up(ctx, new)


async def _fix_up(ctx: ScheduleContext, new: Sequence[NewSeries]) -> None:
    """Apply the plans' moves, cancelled weeks and extras; then mark them done (a crash before resumes them)."""
    fixed = await apply_fixups(ctx.calendar, new, ctx.now + ctx.policy.horizon)
    if fixed.problems:  # left to the weekly check, which moves what is still out of hours or clashing
        log.warning("schedule-pair: %d fix-up problem(s): %s", len(fixed.problems), "; ".join(fixed.problems[:5]))
    for item in new:
        manager_id, report_id = item.spec.organizer_id, item.report_id
        record = ctx.store.find(SERIES, manager_id, report_id)
        if record is not None and record.data.get(FIXUPS) == "pending":
            ctx.store.upsert(SERIES, manager_id, report_id, {**record.data, FIXUPS: "done"})


def _plan(run: _Run, item: _Work) -> tuple[YearPlan, SeriesSpec] | None:
    """The pair's year plan and series spec, or None with the pair's state recorded (no mailbox, no slot...)."""
    ctx = run.ctx
    without = [p for p in (item.manager, item.report) if p.id in ctx.cache.no_mailbox]
    if without:
        why = "; ".join(f"{p.display_name}: {ctx.cache.no_mailbox[p.id]}" for p in without)
        run.outcomes[item.index] = _no_mailbox(ctx, item, why)
        return None
    view = ctx.cache.views[item.manager.id]
    try:
        plan = choose_and_claim(ctx, view, item.manager, item.report, item.sid)
    except UnknownTimeZone as error:
        reason = f"a mailbox time zone WeGrow cannot read, so no time is guessed: {error}"
        _record(ctx, item.pair, {"state": "zone-unknown", "series_id": item.sid, "reason": reason})
        run.outcomes[item.index] = PairOutcome("zone-unknown", reason)
        return None
    if plan.first_start is None:
        reason = plan.explanation.reason
        state = "no-overlap" if reason.startswith("no overlap") else "no-slot"
        _record(ctx, item.pair, {"state": state, "series_id": item.sid, "reason": reason, **closest_row(plan)})
        run.outcomes[item.index] = PairOutcome("no-slot", reason)
        return None
    book(ctx, view, item.manager, item.report, plan)
    zone = view.hours.get(item.manager.id, item.manager.working_hours).time_zone
    return plan, build_spec(ctx, item.manager, item.report, item.sid, plan.first_start, item.reason, zone)


def _removed_by_organiser(ctx: ScheduleContext, item: _Work) -> bool:
    """The series was recorded live (or already removed) but is gone from the organiser's calendar: the manager
    deleted it in Outlook. It stays deleted: recorded and counted, never recreated until the manager asks."""
    record = ctx.store.find(SERIES, item.pair.manager_id, item.pair.report_id)
    if record is None or record.data.get("series_id") != item.sid:
        return False
    state = record.data.get("state")
    if state == REMOVED:
        return True
    if state != "active" or not record.data.get("event_id"):
        return False
    log.info("schedule-pair %s: series %s removed by its organiser", item.pair.key, item.sid)
    removed = {"state": REMOVED, "reason": REMOVED_REASON, "removed_at": ctx.now.isoformat()}
    _record(ctx, item.pair, {**record.data, **removed})
    return True


def _skipped(item: _Work, error: MailboxUnavailable) -> PairOutcome:
    log.warning("schedule-pair %s skipped: %s", item.pair.key, error)
    return PairOutcome("skipped", f"mailbox unavailable (out of scope or no mailbox): {error}")


def _no_mailbox(ctx: ScheduleContext, item: _Work, why: str) -> PairOutcome:
    """No series: an invitation cannot reach a person without a mailbox. Retried when the directory changes."""
    reason = f"no mailbox, so no invitation can reach them ({why})"
    _record(ctx, item.pair, {"state": "no-mailbox", "series_id": item.sid, "reason": reason})
    return PairOutcome("no-mailbox", reason)


def _record(ctx: ScheduleContext, pair: Pair, data: dict[str, Any]) -> None:
    ctx.store.upsert(SERIES, pair.manager_id, pair.report_id, {**data, "checked_at": ctx.now.isoformat()})


def _record_event(ctx: ScheduleContext, pair: Pair, event: SeriesEvent, why: str, plan: YearPlan | None = None) -> None:
    until = event.recurrence.end_date.isoformat() if event.recurrence and event.recurrence.end_date else ""
    data: dict[str, Any] = {"state": "active", "series_id": event.series_id, "event_id": event.event_id}
    data |= {"first_start": event.first_start.isoformat(), "until": until, "why": why, "ical_uid": event.ical_uid or ""}
    if plan is not None:
        data |= plan_row(plan)
    _record(ctx, pair, data)


async def _reconcile(ctx: ScheduleContext, item: _Work, event: SeriesEvent) -> PairOutcome:
    """The series exists: record it if the record is missing and respect hand edits.

    The master is never rewritten after creation (Exchange drops the manager's own moves and answers when it
    is): series run without an end date, so there is nothing to extend.
    """
    record = ctx.store.find(SERIES, item.pair.manager_id, item.pair.report_id)
    status = "unchanged"
    if record is None or record.data.get("event_id") != event.event_id:
        status = "recovered"
    elif record.data.get("first_start") != event.first_start.isoformat():
        status = "respected-edit"
    if status != "unchanged":
        _record_event(ctx, item.pair, event, f"{status}: kept the series as it is on the calendar")
    elif record is not None and record.data.get(FIXUPS) == "pending":
        plan = plan_from_row(record.data)
        if plan is not None:
            spec = build_spec(ctx, item.manager, item.report, event.series_id, event.first_start, item.reason)
            await _fix_up(ctx, [NewSeries(event, plan, spec, item.pair.report_id)])
            status = "resumed"
    return PairOutcome(status, event_id=event.event_id)
