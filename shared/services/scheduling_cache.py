"""Per-run cache of what a year plan needs: working hours per person and one busy view per manager.

Working hours are the ones sync stored from each mailbox (zone, days and times); a person whose stored hours
are older than ``HOURS_FRESH_DAYS`` (people change them in Outlook without a directory change) or were never
read is fetched again (the directory batches 20 users per call) and stored back. Free/busy is one getSchedule
per manager (the manager and up to 19 reports) over the whole horizon, cut into 62-day windows by the
adapter, and the group's getSchedule calls go together in ``$batch``es of 20. Each view starts with the
manager's WeGrow load per local day: the conversations their live series already hold. Each person's row is
read at most once per run (``person_row``), and kept as this run writes it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from shared.domain.calendar import Busy
from shared.domain.people import Person, WorkingHours
from shared.domain.timezones import UnknownTimeZone, resolve_zone
from shared.ports.calendar import Calendar
from shared.ports.directory import Directory, MailboxUnavailable, NoMailbox
from shared.ports.storage import Record, Store
from shared.services.scheduling_load import load_by_day, manager_starts
from shared.services.scheduling_records import PAIRS, PEOPLE, PEOPLE_PARTITION, person_from_row, person_key, person_row

HOURS_FRESH_DAYS = 7


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
    people: dict[str, Record | None] = field(default_factory=dict)  # person rows read (or written) this run

    def person_row(self, store: Store, person_id: str) -> Record | None:
        """The person's stored row, read once per run."""
        if person_id not in self.people:
            self.people[person_id] = store.find(*person_key(person_id))
        return self.people[person_id]

    def person(self, store: Store, person_id: str) -> Person | None:
        row = self.person_row(store, person_id)
        return None if row is None else person_from_row(person_id, row.data)

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
        rhythm_weeks: int = 6,
    ) -> None:
        """Load the views of ``managers`` not loaded yet: one working-hours fetch for the stale ones."""
        missing = list({m.id: m for m in managers if m.id not in self.views}.values())
        teams = {m.id: self._team(m, store) for m in missing}
        people = list({p.id: p for team in teams.values() for p in team}.values())
        await self._hours(people, store, directory, window[0])
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
            hours = {p.id: self.hours[p.id] for p in teams[manager.id] if p.id in self.hours}
            booked = _booked(store, manager, hours.get(manager.id), rhythm_weeks, window[1])
            self.views[manager.id] = ManagerView(hours=hours, busy=busy, booked=booked)

    async def _hours(self, people: Sequence[Person], store: Store, directory: Directory, now: datetime) -> None:
        """Stored hours where they are fresh; one batched fetch (and store) for the rest."""
        stale: list[Person] = []
        for person in people:
            if person.id in self.hours or person.id in self.no_mailbox:
                continue
            row = self.person_row(store, person.id)
            data: dict[str, Any] = dict(row.data) if row is not None else {}
            if data.get("mailbox") == "ok" and _fresh(data, now):
                self.hours[person.id] = person.working_hours
            else:
                stale.append(person)
        if not stale:
            return
        fetched = await directory.mailbox_hours([p.id for p in stale])
        self.no_mailbox.update(fetched.no_mailbox)
        for person in stale:
            if person.id in fetched.hours:
                hours = fetched.hours[person.id]
                fresh = person_row(replace(person, working_hours=hours))
                written = store.upsert(PEOPLE, PEOPLE_PARTITION, person.id, {**fresh, **_read_now(now)})
                self.people[person.id] = written
            self.hours.setdefault(person.id, fetched.hours.get(person.id, person.working_hours))

    def _team(self, manager: Person, store: Store) -> list[Person]:
        report_ids = [r.row for r in store.query(PAIRS, manager.id) if r.data.get("active")]
        return [manager, *(p for p in (self.person(store, rid) for rid in report_ids) if p is not None)]


def _read_now(now: datetime) -> dict[str, str]:
    return {"mailbox": "ok", "hours_read_at": now.isoformat()}


def _fresh(data: dict[str, Any], now: datetime) -> bool:
    read_at = str(data.get("hours_read_at") or "")
    return bool(read_at) and datetime.fromisoformat(read_at) > now - timedelta(days=HOURS_FRESH_DAYS)


def _booked(
    store: Store, manager: Person, hours: WorkingHours | None, rhythm_weeks: int, until: datetime
) -> Counter[date]:
    """The manager's WeGrow conversations per local date, from their live series records."""
    try:
        zone = resolve_zone((hours or manager.working_hours).time_zone)
    except UnknownTimeZone:
        return Counter()
    return load_by_day(manager_starts(store, manager.id, rhythm_weeks, until), zone)
