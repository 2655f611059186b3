"""Pure expansion of a Graph ``patternedRecurrence`` into occurrence dates and instants.

Dates are expanded in the event's own (local) calendar; each occurrence keeps the series' local wall-clock
start, so a 09:00 meeting stays at 09:00 local across DST changes while its UTC instant moves.
Supported patterns: daily, weekly, absoluteMonthly, relativeMonthly; ranges: endDate, numbered, noEnd.
"""

from __future__ import annotations

import calendar as pycal
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEXES = ("first", "second", "third", "fourth", "last")
PATTERN_TYPES = ("daily", "weekly", "absoluteMonthly", "relativeMonthly")
RANGE_TYPES = ("endDate", "numbered", "noEnd")
MAX_OCCURRENCES = 5000  # safety net for noEnd series without a window


class RecurrenceError(ValueError):
    """The recurrence JSON is not a pattern this emulator (or Graph) accepts."""


@dataclass(frozen=True, slots=True)
class Rule:
    """A validated patternedRecurrence."""

    kind: str
    interval: int
    start_date: date
    days_of_week: tuple[int, ...] = ()  # Python weekday numbers, Monday = 0
    first_day_of_week: int = 6  # Graph's default is sunday
    day_of_month: int = 1
    index: str = "first"
    range_type: str = "noEnd"
    end_date: date | None = None
    count: int | None = None


def _weekday(name: object) -> int:
    text = str(name).lower()
    if text not in WEEKDAYS:
        raise RecurrenceError(f"unknown day of week {name!r}")
    return WEEKDAYS.index(text)


def _date(value: object, field: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise RecurrenceError(f"range.{field} must be a date (yyyy-mm-dd), got {value!r}") from exc


def parse_rule(recurrence: Mapping[str, Any]) -> Rule:
    """Validate Graph's patternedRecurrence JSON; raise RecurrenceError with a clear message."""
    pattern, rng = recurrence.get("pattern") or {}, recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in PATTERN_TYPES:
        raise RecurrenceError(f"pattern.type must be one of {', '.join(PATTERN_TYPES)}, got {kind!r}")
    interval = pattern.get("interval", 1)
    if not isinstance(interval, int) or interval < 1:
        raise RecurrenceError("pattern.interval must be a positive integer")
    days = tuple(sorted({_weekday(d) for d in pattern.get("daysOfWeek") or []}))
    if kind in ("weekly", "relativeMonthly") and not days:
        raise RecurrenceError(f"pattern.daysOfWeek is required for {kind}")
    day_of_month = int(pattern.get("dayOfMonth") or 0)
    if kind == "absoluteMonthly" and not 1 <= day_of_month <= 31:
        raise RecurrenceError("pattern.dayOfMonth must be 1..31 for absoluteMonthly")
    index = str(pattern.get("index") or "first").lower()
    if index not in INDEXES:
        raise RecurrenceError(f"pattern.index must be one of {', '.join(INDEXES)}")
    range_type = rng.get("type") or "noEnd"
    if range_type not in RANGE_TYPES:
        raise RecurrenceError(f"range.type must be one of {', '.join(RANGE_TYPES)}, got {range_type!r}")
    rule = Rule(
        kind=kind,
        interval=interval,
        start_date=_date(rng.get("startDate"), "startDate"),
        days_of_week=days,
        first_day_of_week=_weekday(pattern.get("firstDayOfWeek") or "sunday"),
        day_of_month=day_of_month or 1,
        index=index,
        range_type=range_type,
        end_date=_date(rng.get("endDate"), "endDate") if range_type == "endDate" else None,
        count=int(rng.get("numberOfOccurrences") or 0) if range_type == "numbered" else None,
    )
    if rule.count is not None and rule.count < 1:
        raise RecurrenceError("range.numberOfOccurrences must be positive for a numbered range")
    if rule.end_date is not None and rule.end_date < rule.start_date:
        raise RecurrenceError("range.endDate is before range.startDate")
    return rule


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    total = year * 12 + (month - 1) + months
    return total // 12, total % 12 + 1


def _relative_day(year: int, month: int, days: tuple[int, ...], index: str) -> date:
    """The first/second/third/fourth/last day in the month whose weekday is one of ``days``."""
    length = pycal.monthrange(year, month)[1]
    matching = [date(year, month, d) for d in range(1, length + 1) if date(year, month, d).weekday() in days]
    return matching[-1] if index == "last" else matching[min(INDEXES.index(index), len(matching) - 1)]


def _candidates(rule: Rule) -> Iterator[date]:
    """Every date the pattern produces from the start of the first period on (unbounded, ascending)."""
    start = rule.start_date
    if rule.kind == "daily":
        day = start
        while True:
            yield day
            day += timedelta(days=rule.interval)
    elif rule.kind == "weekly":
        week_start = start - timedelta(days=(start.weekday() - rule.first_day_of_week) % 7)
        while True:
            week = [week_start + timedelta(days=i) for i in range(7)]
            yield from (d for d in week if d.weekday() in rule.days_of_week)
            week_start += timedelta(weeks=rule.interval)
    else:
        months = 0
        while True:
            year, month = _add_months(start.year, start.month, months)
            if rule.kind == "absoluteMonthly":
                yield date(year, month, min(rule.day_of_month, pycal.monthrange(year, month)[1]))
            else:
                yield _relative_day(year, month, rule.days_of_week, rule.index)
            months += rule.interval


def occurrence_dates(rule: Rule, until: date | None = None) -> Iterator[date]:
    """Occurrence dates in order, bounded by the range and (optionally) by ``until`` inclusive."""
    produced = 0
    for day in _candidates(rule):
        if day < rule.start_date:
            continue
        if rule.end_date is not None and day > rule.end_date:
            return
        if until is not None and day > until:
            return
        if rule.count is not None and produced >= rule.count:
            return
        if produced >= MAX_OCCURRENCES:
            return
        produced += 1
        yield day


def local_to_utc(day: date, wall: time, zone: ZoneInfo) -> datetime:
    """A local wall-clock time on ``day`` as a UTC instant (a time in a DST gap moves forward)."""
    return datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


def occurrence_starts(
    rule: Rule, wall: time, zone: ZoneInfo, window_end: datetime | None = None
) -> Iterator[tuple[date, datetime]]:
    """(local date, UTC start) for each occurrence, up to ``window_end`` (UTC) when given."""
    until = window_end.astimezone(zone).date() + timedelta(days=1) if window_end else None
    for day in occurrence_dates(rule, until):
        yield day, local_to_utc(day, wall, zone)
