"""Graph event-create JSON for the demo tenant, always inside the organiser's working hours and working days.

``Hours`` is one organiser's week as the generator uses it: the zone their events name (for the custom-zone office,
the equivalent standard zone), their working days, and the start and end of their day in minutes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from devstack import tenant_data as data

GRID = 15  # meetings start on the quarter hour
WEEKS = 3  # one-off events fall in the first three weeks from the anchor
SERIES_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Hours:
    zone: str
    days: tuple[str, ...]
    start: int
    end: int

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> Hours:
        hours = settings["workingHours"]
        zone = str(settings["timeZone"])
        return cls(
            data.CUSTOM_EQUIVALENT if zone == data.CUSTOM_NAME else zone,
            tuple(hours["daysOfWeek"]),
            _minutes(hours["startTime"]),
            _minutes(hours["endTime"]),
        )

    def dates(self, anchor: date, weeks: int = WEEKS) -> tuple[date, ...]:
        """The working days in ``weeks`` weeks from the anchor (a Monday)."""
        return _dates(self.days, anchor, weeks)

    def start_for(self, minutes: int, rng: random.Random) -> int | None:
        """A random start on the grid such that ``minutes`` fit before the end of the day; None if they never do."""
        latest = self.end - minutes
        if latest < self.start:
            return None
        return rng.randrange(self.start, latest + 1, GRID) if latest >= self.start + GRID else self.start


@lru_cache(maxsize=1024)
def _dates(days: tuple[str, ...], anchor: date, weeks: int) -> tuple[date, ...]:
    offsets = sorted(data.WEEK.index(d) for d in days)
    return tuple(anchor + timedelta(days=7 * week + offset) for week in range(weeks) for offset in offsets)


def _minutes(text: str) -> int:
    return int(text[:2]) * 60 + int(text[3:5])


def weekday(day: date) -> str:
    return data.WEEK[day.weekday()]


def attendee(user: dict[str, Any]) -> dict[str, Any]:
    """An attendee as Outlook writes one: by mail address."""
    return {"emailAddress": {"address": user["mail"], "name": user["displayName"]}, "type": "required"}


def _local(day: date, minute: int) -> str:
    if minute >= 1440:
        day, minute = day + timedelta(days=minute // 1440), minute % 1440
    return f"{day.isoformat()}T{minute // 60:02d}:{minute % 60:02d}:00"


def timed(
    subject: str,
    day: date,
    start: int,
    minutes: int,
    hours: Hours,
    attendees: list[dict[str, Any]],
    show_as: str = "busy",
) -> dict[str, Any]:
    return {
        "subject": subject,
        "start": {"dateTime": _local(day, start), "timeZone": hours.zone},
        "end": {"dateTime": _local(day, start + minutes), "timeZone": hours.zone},
        "showAs": show_as,
        "attendees": attendees,
        "isReminderOn": bool(attendees),
    }


def all_day(subject: str, first: date, days: int, hours: Hours, show_as: str) -> dict[str, Any]:
    return {
        "subject": subject,
        "isAllDay": True,
        "showAs": show_as,
        "attendees": [],
        "isReminderOn": False,
        "start": {"dateTime": f"{first.isoformat()}T00:00:00", "timeZone": hours.zone},
        "end": {"dateTime": f"{(first + timedelta(days=days)).isoformat()}T00:00:00", "timeZone": hours.zone},
    }


def weekly(event: dict[str, Any], days: list[str], interval: int, hours: Hours, end: str = "endDate") -> dict[str, Any]:
    """Make ``event`` (which starts on its first occurrence) a weekly series on ``days``."""
    first = date.fromisoformat(event["start"]["dateTime"][:10])
    recurrence_range: dict[str, Any] = {"type": end, "startDate": first.isoformat(), "recurrenceTimeZone": hours.zone}
    if end == "endDate":
        recurrence_range["endDate"] = (first + timedelta(weeks=SERIES_WEEKS)).isoformat()
    elif end == "numbered":
        recurrence_range["numberOfOccurrences"] = 10
    ordered = [d for d in data.WEEK if d in days]
    pattern = {"type": "weekly", "interval": interval, "daysOfWeek": ordered, "firstDayOfWeek": "sunday"}
    return {**event, "recurrence": {"pattern": pattern, "range": recurrence_range}}


def one_on_one(
    organiser: dict[str, Any], other: dict[str, Any], hours: Hours, anchor: date, rng: random.Random
) -> dict[str, Any] | None:
    """The pair's only existing 1:1: weekly or fortnightly, 30 minutes, on one of the organiser's days."""
    start = hours.start_for(30, rng)
    if start is None or not hours.days:
        return None
    day = rng.choice(hours.dates(anchor, 1))
    names = f"{organiser['givenName']} / {other['givenName']}"
    event = timed(f"1:1 {names}", day, start, 30, hours, [attendee(other)])
    return weekly(event, [weekday(day)], rng.choice((1, 1, 2)), hours, rng.choice(("noEnd", "endDate", "numbered")))


def team_meetings(
    manager: dict[str, Any], reports: list[dict[str, Any]], hours: Hours, anchor: date, rng: random.Random
) -> list[dict[str, Any]]:
    """A weekly team meeting, and for most teams a stand-up on each of the manager's days."""
    invited = [attendee(r) for r in reports]
    events = []
    start = hours.start_for(60, rng)
    first_days = hours.dates(anchor, 1)
    if start is not None and first_days:
        day = rng.choice(first_days)
        events.append(weekly(timed(f"{manager['department']} team meeting", day, start, 60, hours, invited),
                             [weekday(day)], 1, hours))  # fmt: skip
    if first_days and rng.random() < 0.6 and hours.end - hours.start >= 60:
        standup = timed(f"{manager['department']} stand-up", first_days[0], hours.start + 30, 15, hours, invited)
        events.append(weekly(standup, list(hours.days), 1, hours))
    return events


def overbooked(hours: Hours, anchor: date, rng: random.Random) -> list[dict[str, Any]]:
    """Hour-long daily series over the whole working day but one hour: an almost full calendar."""
    first_days = hours.dates(anchor, 1)
    slots = list(range(hours.start, hours.end - 59, 60))
    if not first_days or len(slots) < 2:
        return []
    slots.remove(rng.choice(slots))
    external = [{"emailAddress": {"address": "escalations@fabrikam.example", "name": "Fabrikam"}, "type": "required"}]
    return [
        weekly(timed("Customer escalations", first_days[0], slot, 60, hours, external), list(hours.days), 1, hours)
        for slot in slots
    ]
