"""The rules a candidate slot is checked against, each a small pure function.

Hard rules (never broken): both people's working hours in their own zones, no hard busy time, and the
manager's per-day and per-week limits (the week is the ISO week of the manager-local date). Soft rules
(relaxed only for a marked fallback): lunch, the first and last hour of each person's day, and a buffer
around other meetings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours

HARD_STATUSES = frozenset({"busy", "oof", "unknown"})  # unknown: Graph could not say, so never free


class Rule(StrEnum):
    WORKING_HOURS = "working hours"
    BUSY = "busy"
    DAY_LIMIT = "daily limit"
    WEEK_LIMIT = "weekly limit"
    LUNCH = "lunch"
    DAY_EDGES = "first or last hour of the day"
    BUFFER = "back-to-back"


SOFT_RULES = (Rule.LUNCH, Rule.DAY_EDGES, Rule.BUFFER)


@dataclass(frozen=True, slots=True)
class SlotRules:
    """Tunable rules; the defaults follow the product brief."""

    duration_minutes: int = 30
    step_minutes: int = 15
    lunch_start: time = time(12, 0)
    lunch_end: time = time(13, 0)
    edge_minutes: int = 60
    buffer_minutes: int = 15
    tentative_is_busy: bool = True
    working_elsewhere_is_busy: bool = False  # Exchange's workingElsewhere: at work, elsewhere (free by default)
    max_per_day: int = 3
    max_per_week: int = 8
    allow_fallback: bool = True
    closest_count: int = 3

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    def hard_statuses(self) -> frozenset[str]:
        extra = {"tentative"} if self.tentative_is_busy else set()
        extra |= {"workingElsewhere"} if self.working_elsewhere_is_busy else set()
        return HARD_STATUSES | extra


@dataclass(frozen=True, slots=True)
class Attendee:
    """One attendee as slot finding sees them: a key (UPN), a name and working hours in a resolved zone."""

    key: str
    name: str
    hours: WorkingHours
    zone: ZoneInfo


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def local_span(person: Attendee, start: datetime, end: datetime) -> tuple[date, int, int, Weekday] | None:
    """The local date, start and end minute of the day and weekday; None if the span crosses local midnight.

    Across a fall-back change the end's wall clock reads earlier than it would have (03:45 EEST + 15 minutes reads
    03:00 EET): the end minute is then the start's plus the span's real length, so a span is never read as shorter
    than it is, nor its start as inside hours that closed before it."""
    local_start, local_end = start.astimezone(person.zone), end.astimezone(person.zone)
    first, end_minute = _minutes(local_start.time()), _minutes(local_end.time())
    if local_end.date() != local_start.date():
        if local_end.date() - local_start.date() != timedelta(days=1) or end_minute != 0:
            return None
        end_minute = 24 * 60
    end_minute = max(end_minute, first + (end - start) // timedelta(minutes=1))
    weekday = list(Weekday)[local_start.weekday()]
    return local_start.date(), first, end_minute, weekday


def day_end_minute(hours: WorkingHours) -> int:
    """End of the working day in minutes; 00:00 means midnight (end of day)."""
    minute = _minutes(hours.end)
    return 24 * 60 if minute == 0 else minute


def in_working_hours(person: Attendee, start: datetime, end: datetime) -> bool:
    span = local_span(person, start, end)
    if span is None:
        return False
    _, first, last, weekday = span
    hours = person.hours
    return weekday in hours.days and _minutes(hours.start) <= first and last <= day_end_minute(hours)


def overlaps(busy: Sequence[Busy], start: datetime, end: datetime, statuses: frozenset[str]) -> bool:
    return any(item.status in statuses and item.start < end and start < item.end for item in busy)


def touches_lunch(person: Attendee, start: datetime, end: datetime, rules: SlotRules) -> bool:
    span = local_span(person, start, end)
    if span is None:
        return True
    _, first, last, _ = span
    return first < _minutes(rules.lunch_end) and _minutes(rules.lunch_start) < last


def at_day_edge(person: Attendee, start: datetime, end: datetime, rules: SlotRules) -> bool:
    span = local_span(person, start, end)
    if span is None:
        return True
    _, first, last, _ = span
    day_start, day_end = _minutes(person.hours.start), day_end_minute(person.hours)
    return first < day_start + rules.edge_minutes or last > day_end - rules.edge_minutes


def back_to_back(busy: Sequence[Busy], start: datetime, end: datetime, rules: SlotRules) -> bool:
    pad = timedelta(minutes=rules.buffer_minutes)
    return overlaps(busy, start - pad, end + pad, rules.hard_statuses())


def local_day(person: Attendee, start: datetime) -> date:
    return start.astimezone(person.zone).date()


def iso_week(day: date) -> tuple[int, int]:
    """The ISO (year, week) a local date belongs to: the unit of the weekly limit."""
    year, week, _ = day.isocalendar()
    return year, week


def booked_in_week(booked: Mapping[date, int], day: date) -> int:
    """Conversations already booked in the ISO week of ``day`` (Monday to Sunday)."""
    monday = day - timedelta(days=day.weekday())
    return sum(booked.get(monday + timedelta(days=offset), 0) for offset in range(7))


def hard_failure(
    people: Sequence[Attendee],
    busy: Mapping[str, Sequence[Busy]],
    booked: Mapping[date, int],
    start: datetime,
    rules: SlotRules,
) -> Rule | None:
    """The first hard rule the slot breaks, or None. ``people[0]`` is the manager."""
    end = start + rules.duration
    if not all(in_working_hours(person, start, end) for person in people):
        return Rule.WORKING_HOURS
    if any(overlaps(busy.get(person.key, ()), start, end, rules.hard_statuses()) for person in people):
        return Rule.BUSY
    day = local_day(people[0], start)
    if booked.get(day, 0) >= rules.max_per_day:
        return Rule.DAY_LIMIT
    if booked and booked_in_week(booked, day) >= rules.max_per_week:
        return Rule.WEEK_LIMIT
    return None


def soft_failures(
    people: Sequence[Attendee], busy: Mapping[str, Sequence[Busy]], start: datetime, rules: SlotRules
) -> tuple[Rule, ...]:
    """Every soft rule the slot breaks, in a fixed order."""
    end = start + rules.duration
    broken: list[Rule] = []
    if any(touches_lunch(person, start, end, rules) for person in people):
        broken.append(Rule.LUNCH)
    if any(at_day_edge(person, start, end, rules) for person in people):
        broken.append(Rule.DAY_EDGES)
    if any(back_to_back(busy.get(person.key, ()), start, end, rules) for person in people):
        broken.append(Rule.BUFFER)
    return tuple(broken)
