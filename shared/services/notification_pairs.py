"""Which WeGrow pair a changed event belongs to, from the mailbox it changed in.

The candidates are the live series the mailbox owner takes part in: as manager (one partition query of the
``series`` table) and as report (a point read of their manager's row). Most events in a watched mailbox are other
meetings, so a mailbox without a live series costs no Graph call at all. Otherwise the event is read
(``Calendar.get_event``) and matched, cheapest first:

- its id, or its series master's id, is the stored ``event_id`` of the series (the organiser's own event);
- the ``iCalUId`` of its series master (or of itself, when it is no occurrence) is the stored ``ical_uid``: the
  report's own copy has its own ids but shares the organiser's iCalUId. An occurrence has its own iCalUId, so its
  master is read for it (one more Graph call).

An event that is not WeGrow's may still matter: one that now overlaps a conversation WeGrow planned in that
mailbox is a new conflict, so those pairs are repaired too (``overlapped``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from shared.domain.mailbox_events import MailboxEvent
from shared.domain.people import Pair
from shared.ports.calendar import Calendar
from shared.ports.storage import Record, Store
from shared.services.scheduling_load import decode_starts
from shared.services.scheduling_records import PAIRS, SERIES, load_person

LIVE = "active"


@dataclass(frozen=True, slots=True)
class Watched:
    """A live series the mailbox owner takes part in, with its stored record."""

    pair: Pair
    record: Record

    @property
    def master_id(self) -> str:
        return str(self.record.data.get("event_id") or "")

    @property
    def ical_uid(self) -> str:
        return str(self.record.data.get("ical_uid") or "")


def live_pairs(store: Store, user_id: str) -> list[Watched]:
    """The active series of ``user_id`` as manager, then as report (of their current manager)."""
    records = list(store.query(SERIES, user_id))
    person = load_person(store, user_id)
    if person is not None and person.manager_id:
        as_report = store.find(SERIES, person.manager_id, user_id)
        records += [as_report] if as_report is not None else []
    found: list[Watched] = []
    for record in records:
        row = store.find(PAIRS, record.partition, record.row)
        if record.data.get("state") == LIVE and row is not None and row.data.get("active"):
            unit = str(row.data.get("org_unit") or "unassigned")
            found.append(Watched(Pair(record.partition, record.row, unit), record))
    return found


def stored_master(candidates: list[Watched], event_id: str) -> Watched | None:
    """The candidate whose stored series master is ``event_id`` (only the organiser's mailbox has that id)."""
    return next((w for w in candidates if event_id and w.master_id == event_id), None)


async def owner_of(calendar: Calendar, user_id: str, event: MailboxEvent, candidates: list[Watched]) -> Watched | None:
    """The candidate the event belongs to (the organiser's series, one of its occurrences, or the report's copy)."""
    direct = stored_master(candidates, event.event_id) or stored_master(candidates, event.series_master_id or "")
    if direct is not None:
        return direct
    uid = event.ical_uid
    if event.is_instance:
        master = await calendar.get_event(user_id, event.series_master_id) if event.series_master_id else None
        uid = master.ical_uid if master is not None else None
    return next((w for w in candidates if uid and w.ical_uid == uid), None)


def overlapped(candidates: list[Watched], event: MailboxEvent, rhythm_weeks: int, length: timedelta) -> list[Watched]:
    """The candidates with a planned conversation that the (foreign) event overlaps.

    A recurring foreign meeting is judged by its master's first occurrence only; the poll sees the rest.
    """
    if event.is_cancelled or event.end <= event.start:
        return []
    return [w for w in candidates if any(_overlaps(s, length, event) for s in _starts(w, rhythm_weeks, event.end))]


def _starts(watched: Watched, rhythm_weeks: int, until: datetime) -> list[datetime]:
    return decode_starts(watched.record.data, rhythm_weeks, until)


def _overlaps(start: datetime, length: timedelta, event: MailboxEvent) -> bool:
    return start < event.end and event.start < start + length
