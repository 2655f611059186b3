"""What scheduling a group of pairs shares: the context, each pair's outcome, and the series record writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shared.domain.calendar import SeriesEvent
from shared.domain.people import Pair, Person
from shared.domain.planning import YearPlan
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory
from shared.ports.storage import Record, Store
from shared.services.conversation_lifecycle import PairFacts
from shared.services.scheduling_cache import ScheduleRunCache
from shared.services.scheduling_policy import SchedulingPolicy
from shared.services.scheduling_records import SERIES, Lease
from shared.services.scheduling_records_plan import plan_row


@dataclass(frozen=True, slots=True)
class PairOutcome:
    # created | recovered | respected-edit | resumed | unchanged | no-slot | no-mailbox | zone-unknown
    # | free-busy-unknown | removed-by-organiser | leased | skipped | duplicate
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
class Work:
    index: int
    pair: Pair
    reason: str
    manager: Person
    report: Person
    sid: str
    record: Record | None = None  # the pair's series record as read when the pair was claimed (under its lease)

    @property
    def facts(self) -> PairFacts:
        """What the pair's conversation rows carry (org unit, the report's hire date), as this run read them."""
        return PairFacts(self.pair.org_unit, self.report.hire_date)


@dataclass(slots=True)
class Run:
    ctx: ScheduleContext
    outcomes: dict[int, PairOutcome] = field(default_factory=dict)
    leases: list[Lease] = field(default_factory=list)
    repeats: dict[int, int] = field(default_factory=dict)  # index of a repeated pair -> index of its first


def write_record(ctx: ScheduleContext, pair: Pair, data: dict[str, Any]) -> Record:
    return ctx.store.upsert(SERIES, pair.manager_id, pair.report_id, {**data, "checked_at": ctx.now.isoformat()})


def record_event(
    ctx: ScheduleContext, pair: Pair, event: SeriesEvent, why: str, plan: YearPlan | None = None
) -> Record:
    until = event.recurrence.end_date.isoformat() if event.recurrence and event.recurrence.end_date else ""
    data: dict[str, Any] = {"state": "active", "series_id": event.series_id, "event_id": event.event_id}
    data |= {"first_start": event.first_start.isoformat(), "until": until, "why": why, "ical_uid": event.ical_uid or ""}
    if plan is not None:
        data |= plan_row(plan)
    return write_record(ctx, pair, data)
