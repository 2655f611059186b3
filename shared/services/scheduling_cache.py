"""Per-run cache of what slot finding needs: working hours per person and one busy view per manager.

Working hours come from mailboxSettings, fetched once per person per run (the directory batches 20 users
per call), for all the managers of a group at once. Free/busy is one getSchedule per manager, covering the
manager and up to 19 reports per call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
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
    hours: dict[str, WorkingHours] = field(default_factory=dict)
    no_mailbox: dict[str, str] = field(default_factory=dict)  # person id -> why Graph says there is no mailbox

    async def view(
        self,
        manager: Person,
        store: Store,
        directory: Directory,
        calendar: Calendar,
        window: tuple[datetime, datetime],
    ) -> ManagerView:
        await self.prepare([manager], store, directory, calendar, window)
        return self.views[manager.id]

    async def prepare(
        self,
        managers: Sequence[Person],
        store: Store,
        directory: Directory,
        calendar: Calendar,
        window: tuple[datetime, datetime],
    ) -> None:
        """Load the views of ``managers`` not loaded yet: one working-hours fetch for all their people."""
        missing = list({m.id: m for m in managers if m.id not in self.views}.values())
        teams = {m.id: _team(m, store) for m in missing}
        unknown = list(dict.fromkeys(p.id for team in teams.values() for p in team if p.id not in self.hours))
        if unknown:
            fetched = await directory.mailbox_hours(unknown)
            self.no_mailbox.update(fetched.no_mailbox)
            for person in (p for team in teams.values() for p in team):
                self.hours.setdefault(person.id, fetched.hours.get(person.id, person.working_hours))
        for manager in missing:
            team = teams[manager.id]
            busy = await _busy(manager, [p for p in team if p.id not in self.no_mailbox], calendar, window)
            self.views[manager.id] = ManagerView(hours={p.id: self.hours[p.id] for p in team}, busy=busy)


def _team(manager: Person, store: Store) -> list[Person]:
    report_ids = [r.row for r in store.query(PAIRS, manager.id) if r.data.get("active")]
    return [manager, *(p for p in (load_person(store, rid) for rid in report_ids) if p is not None)]


async def _busy(
    manager: Person, team: Sequence[Person], calendar: Calendar, window: tuple[datetime, datetime]
) -> dict[str, list[Busy]]:
    busy: dict[str, list[Busy]] = {}
    upns = [p.upn.lower() for p in team]
    if manager not in team:  # the manager has no mailbox: nothing to ask getSchedule
        return busy
    for begin in range(0, len(upns), GET_SCHEDULE_LIMIT):
        busy |= await calendar.busy_times(manager.id, upns[begin : begin + GET_SCHEDULE_LIMIT], *window)
    return busy
