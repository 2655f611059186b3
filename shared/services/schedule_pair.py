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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from shared.domain.calendar import SeriesEvent
from shared.domain.people import Pair, Person
from shared.domain.series import series_id
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory, MailboxUnavailable, NoMailbox
from shared.ports.storage import Store
from shared.services.scheduling_bookings import choose_and_claim
from shared.services.scheduling_cache import ScheduleRunCache
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, Lease, acquire_lease, load_person, release_lease
from shared.services.scheduling_slots import book, build_spec, search_window

DEFAULT_REASON = "regular check-in"
log = logging.getLogger(__name__)
__all__ = ["SCHEDULE_PAIR", "PairOutcome", "ScheduleContext", "build_spec", "schedule_pair", "schedule_pairs"]


@dataclass(frozen=True, slots=True)
class PairOutcome:
    # created | recovered | respected-edit | extended | unchanged | no-slot | no-mailbox | leased | skipped
    # | duplicate
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
        sid = series_id(ctx.policy.tenant_id, manager.id, report.id, ctx.policy.policy_version)
        work.append(_Work(index, pair, reason, manager, report, sid))
    return work


async def _schedule(run: _Run, work: Sequence[_Work]) -> None:
    ctx = run.ctx
    found = await ctx.calendar.find_series_many([(w.manager.id, w.sid) for w in work]) if work else {}
    missing: list[_Work] = []
    for item in work:
        existing = found.get(item.sid)
        if isinstance(existing, NoMailbox):
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
    """Choose every slot first (booking each in the manager's view), then create the series in batches."""
    ctx, chosen = run.ctx, dict[str, tuple[_Work, str]]()
    await ctx.cache.prepare([w.manager for w in missing], ctx.store, ctx.directory, ctx.calendar, search_window(ctx))
    specs = []
    for item in missing:
        without = [p for p in (item.manager, item.report) if p.id in ctx.cache.no_mailbox]
        if without:
            why = "; ".join(f"{p.display_name}: {ctx.cache.no_mailbox[p.id]}" for p in without)
            run.outcomes[item.index] = _no_mailbox(ctx, item, why)
            continue
        view = ctx.cache.views[item.manager.id]
        result = choose_and_claim(ctx, view, item.manager, item.report, item.sid)
        if result.slot is None:
            _record(ctx, item.pair, {"state": "no-slot", "series_id": item.sid, "reason": result.explanation.reason})
            run.outcomes[item.index] = PairOutcome("no-slot", result.explanation.reason)
            continue
        book(ctx, view, item.manager, item.report, result)
        specs.append(build_spec(ctx, item.manager, item.report, item.sid, result.slot.start, item.reason))
        chosen[item.sid] = (item, result.explanation.sentence)
    created = await ctx.calendar.create_series_many(specs) if specs else {}
    for sid, (item, why) in chosen.items():
        event = created[sid]
        if isinstance(event, MailboxUnavailable):
            run.outcomes[item.index] = _skipped(item, event)
            continue
        _record_event(ctx, item.pair, event, why)
        run.outcomes[item.index] = PairOutcome("created", why, event.event_id)


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


def _record_event(ctx: ScheduleContext, pair: Pair, event: SeriesEvent, why: str) -> None:
    until = event.recurrence.end_date.isoformat() if event.recurrence and event.recurrence.end_date else ""
    data = {"state": "active", "series_id": event.series_id, "event_id": event.event_id}
    _record(ctx, pair, {**data, "first_start": event.first_start.isoformat(), "until": until, "why": why})


async def _reconcile(ctx: ScheduleContext, item: _Work, event: SeriesEvent) -> PairOutcome:
    """The series exists: record it if the record is missing, respect hand edits, extend to the horizon."""
    record = ctx.store.find(SERIES, item.pair.manager_id, item.pair.report_id)
    status = "unchanged"
    if record is None or record.data.get("event_id") != event.event_id:
        status = "recovered"
    elif record.data.get("first_start") != event.first_start.isoformat():
        status = "respected-edit"
    wanted_until = (ctx.now + ctx.policy.horizon).date()
    current_until = event.recurrence.end_date if event.recurrence else None
    if current_until is not None and current_until < wanted_until - timedelta(weeks=ctx.policy.rhythm_weeks):
        spec = build_spec(ctx, item.manager, item.report, event.series_id, event.first_start, item.reason)
        if event.recurrence is not None:
            spec = replace(spec, recurrence=replace(event.recurrence, end_date=wanted_until))
        event = await ctx.calendar.update_series(event.event_id, spec)
        status = "extended" if status == "unchanged" else status
    if status != "unchanged":
        _record_event(ctx, item.pair, event, f"{status}: kept the series as it is on the calendar")
    return PairOutcome(status, event_id=event.event_id)
