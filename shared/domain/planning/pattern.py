"""The weekly pattern of a series, expanded as Exchange does, and a per-day count of conversations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo


def iter_weekly_starts(
    first_start: datetime, zone: ZoneInfo, rhythm_weeks: int, before: datetime
) -> Iterator[datetime]:
    """Lazily, the UTC starts of the pattern (see ``weekly_starts``)."""
    wall = first_start.astimezone(zone).replace(tzinfo=None)
    step = timedelta(weeks=max(1, rhythm_weeks))
    current, index = first_start.astimezone(UTC), 0
    while current < before:
        yield current
        index += 1
        current = (wall + index * step).replace(tzinfo=zone).astimezone(UTC)


def weekly_starts(first_start: datetime, zone: ZoneInfo, rhythm_weeks: int, before: datetime) -> list[datetime]:
    """UTC starts of the pattern: the same wall-clock time in the organiser's zone every ``rhythm_weeks`` weeks
    (as Exchange expands a series in its recurrenceTimeZone), ``first_start`` included, all before ``before``."""
    return list(iter_weekly_starts(first_start, zone, rhythm_weeks, before))


def conversations_per_day(starts: Iterable[datetime], zone: ZoneInfo) -> Counter[date]:
    """How many conversations fall on each local date (the product counts a manager's load with it)."""
    return Counter(start.astimezone(zone).date() for start in starts)
