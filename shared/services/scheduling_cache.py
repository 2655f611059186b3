"""Per-run cache of what slot finding needs: working hours per person and one busy view per manager.

Working hours come from mailboxSettings, fetched once per person per run (the directory batches 20 users
per call), for all the managers of a group at once. Free/busy is one getSchedule per manager (the manager and
up to 19 reports per call), and the group's getSchedule calls go together in ``$batch``es of 20.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from shared.domain.calendar import Busy
from shared.domain.people import Person, WorkingHours
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory, MailboxUnavailable, NoMailbox
from shared.ports.storage import Store
from shared.services.scheduling_records import PAIRS, load_person


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
        known = self.hours.keys() | self.no_mailbox.keys()
        unknown = list(dict.fromkeys(p.id for team in teams.values() for p in team if p.id not in known))
        if unknown:
            fetched = await directory.mailbox_hours(unknown)
            self.no_mailbox.update(fetched.no_mailbox)
            for person in (p for team in teams.values() for p in team):
                self.hours.setdefault(person.id, fetched.hours.get(person.id, person.working_hours))
        reachable = {m.id: [p for p in teams[m.id] if p.id not in self.no_mailbox] for m in missing}
        queries = [(m.id, [p.address for p in reachable[m.id]]) for m in missing if m.id not in self.no_mailbox]
        answers = await calendar.busy_times_many(queries, *window) if queries else {}
        for manager in missing:
            answer = answers.get(manager.id, {})
            if isinstance(answer, NoMailbox):
                self.no_mailbox[manager.id] = str(answer)
            elif isinstance(answer, MailboxUnavailable):
                raise answer  # out of the access policy: the caller skips the group, as for a look-up
            busy = answer if isinstance(answer, dict) else {}
            hours = {p.id: self.hours[p.id] for p in teams[manager.id]}
            self.views[manager.id] = ManagerView(hours=hours, busy=busy)


def _team(manager: Person, store: Store) -> list[Person]:
    report_ids = [r.row for r in store.query(PAIRS, manager.id) if r.data.get("active")]
    return [manager, *(p for p in (load_person(store, rid) for rid in report_ids) if p is not None)]
