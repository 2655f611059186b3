"""Per-run cache: one mailboxSettings batch and one getSchedule per manager (covering their reports)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.domain.calendar import Busy
from shared.domain.people import Person, WorkingHours
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory
from shared.ports.storage import Store
from shared.services.scheduling_records import PAIRS, load_person

GET_SCHEDULE_LIMIT = 20


@dataclass(slots=True)
class ManagerView:
    hours: dict[str, WorkingHours]
    busy: dict[str, list[Busy]]
    booked: Counter[date] = field(default_factory=Counter)


@dataclass(slots=True)
class ScheduleRunCache:
    views: dict[str, ManagerView] = field(default_factory=dict)

    async def view(
        self,
        manager: Person,
        store: Store,
        directory: Directory,
        calendar: Calendar,
        window: tuple[datetime, datetime],
    ) -> ManagerView:
        if manager.id not in self.views:
            self.views[manager.id] = await _load(manager, store, directory, calendar, window)
        return self.views[manager.id]


async def _load(
    manager: Person, store: Store, directory: Directory, calendar: Calendar, window: tuple[datetime, datetime]
) -> ManagerView:
    report_ids = [r.row for r in store.query(PAIRS, manager.id) if r.data.get("active")]
    people = [manager, *(p for p in (load_person(store, rid) for rid in report_ids) if p is not None)]
    hours = await directory.working_hours([p.id for p in people])
    for person in people:
        hours.setdefault(person.id, person.working_hours)
    busy: dict[str, list[Busy]] = {}
    upns = [p.upn.lower() for p in people]
    for begin in range(0, len(upns), GET_SCHEDULE_LIMIT):
        busy |= await calendar.busy_times(manager.id, upns[begin : begin + GET_SCHEDULE_LIMIT], *window)
    return ManagerView(hours=hours, busy=busy)
