"""Schedule pairs: choose a slot and find-or-create each pair's tagged series, idempotently, many at a time.

The series id is deterministic, so the calendar is asked for it before anything is created: a crash
between create and record, a retry or a re-run finds the event and only records it. A per-pair ETag
lease keeps two workers from creating at once. A series the manager moved by hand is respected.

A group of pairs costs few Graph round trips: one look-up request per 20 series, one working-hours fetch
per 20 people whose stored hours are stale, one getSchedule per manager per 62-day window of the horizon
(all in ``$batch``es), one create request per 20 series, and the fix-ups (``schedule_create``).

A series the manager deleted in Outlook stays deleted (``removed-by-organiser``), and a series is always
looked up by the id stored when it was created, so a policy version bump never makes a twin.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import timedelta

from shared.domain.calendar import SeriesEvent
from shared.domain.people import Pair
from shared.domain.series import series_id
from shared.ports.directory import MailboxUnavailable, NoMailbox
from shared.ports.storage import EntityKey, Record
from shared.services.schedule_context import PairOutcome, Run, ScheduleContext, Work, record_event, write_record
from shared.services.schedule_create import create, fix_up, no_mailbox, skipped
from shared.services.scheduling_messages import SCHEDULE_PAIR
from shared.services.scheduling_records import (
    SERIES,
    Lease,
    acquire_leases,
    lease_key,
    person_key,
    release_leases,
)
from shared.services.scheduling_records_plan import FIXUPS, plan_from_row
from shared.services.scheduling_slots import build_spec
from shared.services.series_fixups import NewSeries

DEFAULT_REASON = "regular check-in"
REMOVED = "removed-by-organiser"
REMOVED_REASON = "the manager deleted the series in Outlook; it stays deleted until they ask for it again"
KEEPS_SERIES_ID = frozenset({"active", REMOVED, "restore-requested"})  # states whose stored series id is the one
log = logging.getLogger(__name__)
Leases = Mapping[str, Lease | None]  # each pair's lease by pair key, None where another worker holds it
__all__ = ["SCHEDULE_PAIR", "PairOutcome", "ScheduleContext", "build_spec", "schedule_pair", "schedule_pairs"]


async def schedule_pair(ctx: ScheduleContext, pair: Pair, reason: str = DEFAULT_REASON) -> PairOutcome:
    """Make sure the pair has exactly one live series; the lease makes concurrent calls safe."""
    [outcome] = await schedule_pairs(ctx, [(pair, reason)])
    return outcome


async def schedule_pairs(ctx: ScheduleContext, requests: Sequence[tuple[Pair, str]]) -> list[PairOutcome]:
    """``schedule_pair`` for many (pair, reason) requests with batched Graph calls; outcomes in request order."""
    run = Run(ctx)
    try:
        work = _claim(run, requests)
        try:
            await _schedule(run, work)
        except MailboxUnavailable as error:
            # Outside the application access policy (Graph 403): not retryable, so skip instead of poisoning.
            log.warning("schedule-pair skipped %d pair(s): %s", len(work), error)
            for item in work:
                if item.index not in run.outcomes:
                    run.outcomes[item.index] = skipped(item, error, ctx)
    finally:
        release_leases(ctx.store, run.leases)
    for index, first in run.repeats.items():
        run.outcomes[index] = PairOutcome("duplicate", "the same pair came twice", run.outcomes[first].event_id)
    return [run.outcomes[i] for i in range(len(requests))]


def _claim(run: Run, requests: Sequence[tuple[Pair, str]]) -> list[Work]:
    """Lease each pair, load both people (once per run) and the pair's series record; settle the pairs that
    cannot be scheduled now."""
    ctx, ttl, seen = run.ctx, timedelta(seconds=run.ctx.policy.lease_seconds), dict[str, int]()
    work: list[Work] = []
    with ctx.store.read_ahead(_claim_reads(ctx, [pair for pair, _ in requests])):
        leases = acquire_leases(ctx.store, [pair.key for pair, _ in requests], ctx.worker, ctx.now, ttl)
        for person_id in dict.fromkeys(who for pair, _ in requests for who in (pair.manager_id, pair.report_id)):
            ctx.cache.person_row(ctx.store, person_id)  # the people into the run's cache, while the block holds them
    held = [(SERIES, pair.manager_id, pair.report_id) for pair, _ in requests if leases.get(pair.key) is not None]
    with ctx.store.read_ahead(list(dict.fromkeys(held))):  # each series record once its lease is held, at once
        for index, (pair, reason) in enumerate(requests):
            _claim_one(run, index, pair, reason, seen, work, leases)
    return work


def _claim_reads(ctx: ScheduleContext, pairs: Sequence[Pair]) -> list[EntityKey]:
    """The rows claiming reads pair after pair, to read at once (issue 20): each pair's lease (its ETag guards
    taking it) and the people this run has not read yet. Never the series record: the lease guards that one, so the
    held pairs' records are read in a second block, once their leases are held."""
    unread = {person for pair in pairs for person in (pair.manager_id, pair.report_id)} - ctx.cache.people.keys()
    return [*(lease_key(pair.key) for pair in pairs), *(person_key(person) for person in sorted(unread))]


def _claim_one(
    run: Run, index: int, pair: Pair, reason: str, seen: dict[str, int], work: list[Work], leases: Leases
) -> None:
    ctx = run.ctx
    if pair.key in seen:
        run.repeats[index] = seen[pair.key]
        return
    seen[pair.key] = index
    lease = leases[pair.key]
    if lease is None:
        run.outcomes[index] = PairOutcome("leased", "another worker holds this pair")
        return
    run.leases.append(lease)
    manager, report = ctx.cache.person(ctx.store, pair.manager_id), ctx.cache.person(ctx.store, pair.report_id)
    if manager is None or report is None or not (manager.account_enabled and report.account_enabled):
        run.outcomes[index] = PairOutcome("skipped", "manager or report unknown or disabled")
        return
    record = ctx.store.find(SERIES, pair.manager_id, pair.report_id)
    work.append(Work(index, pair, reason, manager, report, _series_id_of(ctx, pair, record), record))


def _series_id_of(ctx: ScheduleContext, pair: Pair, record: Record | None) -> str:
    """The stored id of the pair's live series, else the one this policy version gives.

    A policy version bump changes the computed id; the series already on the calendar keeps its id, so it is
    found (never twinned) and ended by the id it was created with.
    """
    if record is not None and record.data.get("state") in KEEPS_SERIES_ID and record.data.get("series_id"):
        return str(record.data["series_id"])
    return series_id(ctx.policy.tenant_id, pair.manager_id, pair.report_id, ctx.policy.policy_version)


async def _schedule(run: Run, work: Sequence[Work]) -> None:
    ctx = run.ctx
    found = await ctx.calendar.find_series_many([(w.manager.id, w.sid) for w in work]) if work else {}
    missing: list[Work] = []
    for item in work:
        existing = found.get(item.sid)
        if existing is None and _removed_by_organiser(ctx, item):
            run.outcomes[item.index] = PairOutcome("removed-by-organiser", REMOVED_REASON)
        elif isinstance(existing, NoMailbox):
            run.outcomes[item.index] = no_mailbox(ctx, item, f"{item.manager.display_name} (manager): {existing}")
        elif isinstance(existing, MailboxUnavailable):
            run.outcomes[item.index] = skipped(item, existing, ctx)
        elif existing is not None:
            run.outcomes[item.index] = await _reconcile(ctx, item, existing)
        else:
            missing.append(item)
    if missing:
        await create(run, missing)


def _removed_by_organiser(ctx: ScheduleContext, item: Work) -> bool:
    """The series was recorded live (or already removed) but is gone from the organiser's calendar: the manager
    deleted it in Outlook. It stays deleted: recorded and counted, never recreated until the manager asks."""
    record = item.record
    if record is None or record.data.get("series_id") != item.sid:
        return False
    state = record.data.get("state")
    if state == REMOVED:
        return True
    if state != "active" or not record.data.get("event_id"):
        return False
    log.info("schedule-pair %s: series %s removed by its organiser", item.pair.key, item.sid)
    removed = {"state": REMOVED, "reason": REMOVED_REASON, "removed_at": ctx.now.isoformat()}
    write_record(ctx, item.pair, {**record.data, **removed})
    return True


async def _reconcile(ctx: ScheduleContext, item: Work, event: SeriesEvent) -> PairOutcome:
    """The series exists: record it if the record is missing and respect hand edits.

    The master is never rewritten after creation (Exchange drops the manager's own moves and answers when it
    is): series run without an end date, so there is nothing to extend.
    """
    record = item.record
    status = "unchanged"
    if record is None or record.data.get("event_id") != event.event_id:
        status = "recovered"
    elif record.data.get("first_start") != event.first_start.isoformat():
        status = "respected-edit"
    if status != "unchanged":
        record_event(ctx, item.pair, event, f"{status}: kept the series as it is on the calendar")
    elif record is not None and record.data.get(FIXUPS) == "pending":
        plan = plan_from_row(record.data)
        if plan is not None:
            spec = build_spec(ctx, item.manager, item.report, event.series_id, event.first_start, item.reason)
            await fix_up(ctx, [NewSeries(event, plan, spec, item.pair.report_id, record, item.facts)])
            status = "resumed"
    return PairOutcome(status, event_id=event.event_id)
