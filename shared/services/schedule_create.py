"""Create the series of pairs that have none: plan each pair's year, create in batches, then the fix-ups.

Every pair's year is planned first (booking each plan in the manager's view, so no later pair collides with
it), the series go out in ``$batch``es of 20, and then the plans' moved weeks, cancelled weeks and milestone
extras. A pair that cannot be planned gets its state and reason recorded: no mailbox, a zone nobody can read,
free/busy Graph could not give, no overlap of working hours, or no free slot (with the closest options).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from shared.domain.calendar import Busy, SeriesSpec
from shared.domain.planning import YearPlan
from shared.domain.timezones import UnknownTimeZone
from shared.ports.directory import MailboxUnavailable
from shared.ports.storage import TRANSACTION_LIMIT, NotFound, Record, StaleWrite, Store, StoreError, TransactionOp
from shared.services.conversation_changes import record_plan
from shared.services.schedule_context import PairOutcome, Run, ScheduleContext, Work, record_event, write_record
from shared.services.scheduling_bookings import choose_and_claim
from shared.services.scheduling_records import SERIES
from shared.services.scheduling_records_plan import FIXUPS, closest_row, extras_row
from shared.services.scheduling_slots import book, build_spec, busy_window
from shared.services.series_fixups import NewSeries, apply_fixups

log = logging.getLogger(__name__)


async def create(run: Run, missing: Sequence[Work]) -> None:
    """Plan every pair's year first (booking each in the manager's view), create the series in batches, then
    put the plans' moved weeks, cancelled weeks and milestone extras on the calendar."""
    ctx, chosen = run.ctx, dict[str, tuple[Work, YearPlan, SeriesSpec]]()
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
            run.outcomes[item.index] = skipped(item, event, ctx)
            continue
        record = record_event(ctx, item.pair, event, plan.explanation.sentence, plan)
        run.outcomes[item.index] = PairOutcome("created", plan.explanation.sentence, event.event_id)
        new.append(NewSeries(event, plan, spec, item.pair.report_id, record, item.facts))
    if new:
        await fix_up(ctx, new)


async def fix_up(ctx: ScheduleContext, new: Sequence[NewSeries]) -> None:
    """Apply the plans' moves, cancelled weeks and extras; then mark them done (a crash before resumes them)."""
    fixed = await apply_fixups(ctx.calendar, new, ctx.now + ctx.policy.horizon)
    if fixed.problems:  # left to the weekly check, which moves what is still out of hours or clashing
        log.warning("schedule-pair: %d fix-up problem(s): %s", len(fixed.problems), "; ".join(fixed.problems[:5]))
    pending: dict[str, list[tuple[NewSeries, dict[str, Any]]]] = {}
    for item in new:
        record_plan(ctx.store, item.spec.organizer_id, item.report_id, item.plan, ctx.now, item.facts)
        if item.record is not None and item.record.data.get(FIXUPS) != "pending":
            continue  # written without pending fix-ups (whoever writes them pending marks them done)
        extras = extras_row(fixed.extra_events.get(item.spec.series_id, []))
        pending.setdefault(item.spec.organizer_id, []).append((item, extras))
    for manager_id, items in pending.items():
        for item, extras in _marked_together(ctx.store, manager_id, items):
            if not _marked_done(ctx.store, item.record, extras):
                found = ctx.store.find(SERIES, manager_id, item.report_id)
                if found is not None and found.data.get(FIXUPS) == "pending":
                    ctx.store.upsert(SERIES, manager_id, item.report_id, {**found.data, FIXUPS: "done", **extras})


def _marked_together(
    store: Store, manager_id: str, items: list[tuple[NewSeries, dict[str, Any]]]
) -> list[tuple[NewSeries, dict[str, Any]]]:
    """Mark a manager's pending records done in transactions of up to 100 ETag-guarded updates of the records as
    this worker wrote them; the ones left to mark one by one (a lone record, or a transaction refused because a
    record changed since: all or nothing)."""
    guarded = [(item, extras) for item, extras in items if item.record is not None and item.record.etag is not None]
    left = [(item, extras) for item, extras in items if item.record is None or item.record.etag is None]
    if len(guarded) < 2:
        return items
    for chunk in (guarded[i : i + TRANSACTION_LIMIT] for i in range(0, len(guarded), TRANSACTION_LIMIT)):
        ops = [_done_op(item.record, extras) for item, extras in chunk if item.record is not None]
        try:
            store.transact(SERIES, manager_id, ops)
        except StoreError:
            left += chunk
    return left


def _done_op(record: Record, extras: dict[str, Any]) -> TransactionOp:
    return TransactionOp("update", record.row, {**record.data, FIXUPS: "done", **extras}, record.etag)


def _marked_done(store: Store, record: Record | None, extras: dict[str, Any]) -> bool:
    """Mark the fix-ups of the record this worker wrote or read done without reading it again: True when the
    record was pending and is still unchanged (its ETag), so the write landed; else the caller reads it."""
    if record is None or record.etag is None or record.data.get(FIXUPS) != "pending":
        return False
    try:
        store.update(record, {**record.data, FIXUPS: "done", **extras})
    except (StaleWrite, NotFound):
        return False
    return True


def _plan(run: Run, item: Work) -> tuple[YearPlan, SeriesSpec] | None:
    """The pair's year plan and series spec, or None with the pair's state recorded (no mailbox, no slot...)."""
    ctx = run.ctx
    without = [p for p in (item.manager, item.report) if p.id in ctx.cache.no_mailbox]
    if without:
        why = "; ".join(f"{p.display_name}: {ctx.cache.no_mailbox[p.id]}" for p in without)
        run.outcomes[item.index] = no_mailbox(ctx, item, why)
        return None
    view = ctx.cache.views[item.manager.id]
    unreadable = [p for p in (item.manager, item.report) if _free_busy_unknown(view.busy.get(p.address, []))]
    if unreadable:
        names = ", ".join(p.display_name for p in unreadable)
        reason = (
            f"free/busy unknown for {names} (Graph answered the schedule with an error); retried, never booked blind"
        )
        write_record(ctx, item.pair, {"state": "free-busy-unknown", "series_id": item.sid, "reason": reason})
        run.outcomes[item.index] = PairOutcome("free-busy-unknown", reason)
        return None
    try:
        plan = choose_and_claim(ctx, view, item.manager, item.report, item.sid)
    except UnknownTimeZone as error:
        reason = f"a mailbox time zone WeGrow cannot read, so no time is guessed: {error}"
        write_record(ctx, item.pair, {"state": "zone-unknown", "series_id": item.sid, "reason": reason})
        run.outcomes[item.index] = PairOutcome("zone-unknown", reason)
        return None
    if plan.first_start is None:
        reason = plan.explanation.reason
        state = "no-overlap" if reason.startswith("no overlap") else "no-slot"
        write_record(ctx, item.pair, {"state": state, "series_id": item.sid, "reason": reason, **closest_row(plan)})
        run.outcomes[item.index] = PairOutcome("no-slot", reason)
        return None
    book(ctx, view, item.manager, item.report, plan)
    zone = view.hours.get(item.manager.id, item.manager.working_hours).time_zone
    return plan, build_spec(ctx, item.manager, item.report, item.sid, plan.first_start, item.reason, zone, plan)


def _free_busy_unknown(busy: Sequence[Busy]) -> bool:
    """A schedule Graph answered with an error: one ``unknown`` interval over a whole window (a day or more)."""
    return any(item.status == "unknown" and item.end - item.start >= timedelta(days=1) for item in busy)


def skipped(item: Work, error: MailboxUnavailable, ctx: ScheduleContext | None = None) -> PairOutcome:
    """A mailbox Graph refuses (403 outside the access policy): recorded as the pair's state, with why, unless
    the pair already has a live series (which stays as it is); planning retries it on the weekly check."""
    log.warning("schedule-pair %s skipped: %s", item.pair.key, error)
    reason = f"mailbox unavailable (outside the application access policy): {error}"
    if ctx is not None:
        found = ctx.store.find(SERIES, item.pair.manager_id, item.pair.report_id)
        if found is None or found.data.get("state") not in {"active", "removed-by-organiser"}:
            write_record(ctx, item.pair, {"state": "mailbox-unavailable", "series_id": item.sid, "reason": reason})
    return PairOutcome("skipped", reason)


def no_mailbox(ctx: ScheduleContext, item: Work, why: str) -> PairOutcome:
    """No series: an invitation cannot reach a person without a mailbox. Retried when the directory changes."""
    reason = f"no mailbox, so no invitation can reach them ({why})"
    write_record(ctx, item.pair, {"state": "no-mailbox", "series_id": item.sid, "reason": reason})
    return PairOutcome("no-mailbox", reason)
