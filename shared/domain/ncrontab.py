"""NCRONTAB, the 6-field cron of Azure Functions timers: ``second minute hour day month day-of-week``.

Fields accept ``*``, numbers, ranges ``a-b``, steps ``*/n`` and ``a-b/n``, and lists ``a,b``; months and
days of week also accept three-letter English names. Day-of-week runs 0 (Sunday) to 6. Like NCrontab,
a day must match both the day and the day-of-week fields. Times are UTC (the Functions default).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

_NAMES = {
    4: ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    5: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
}
_BOUNDS = ((0, 59), (0, 59), (0, 23), (1, 31), (1, 12), (0, 6))
_SEARCH_DAYS = 366 * 5  # enough to reach any Feb 29


@dataclass(frozen=True, slots=True)
class Schedule:
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]

    def matches_day(self, day: date) -> bool:
        return day.day in self.days and day.month in self.months and (day.isoweekday() % 7) in self.weekdays

    def next_after(self, instant: datetime) -> datetime:
        """The first fire time strictly after ``instant``."""
        for candidate in self._times(instant, forward=True):
            if candidate > instant:
                return candidate
        raise ValueError("schedule never fires")

    def previous_at_or_before(self, instant: datetime) -> datetime:
        """The last fire time at or before ``instant``."""
        for candidate in self._times(instant, forward=False):
            if candidate <= instant:
                return candidate
        raise ValueError("schedule never fires")

    def _times(self, instant: datetime, forward: bool) -> Iterator[datetime]:
        start = instant.astimezone(UTC).date()
        step = 1 if forward else -1
        for offset in range(_SEARCH_DAYS):
            day = start + timedelta(days=offset * step)
            if not self.matches_day(day):
                continue
            order = (lambda values: values) if forward else (lambda values: tuple(reversed(values)))
            for hour in order(self.hours):
                for minute in order(self.minutes):
                    for second in order(self.seconds):
                        yield datetime.combine(day, time(hour, minute, second), UTC)


def parse(expression: str) -> Schedule:
    """Parse a 6-field NCRONTAB expression; raise ValueError naming the bad field."""
    fields = expression.split()
    if len(fields) != 6:
        raise ValueError(f"NCRONTAB needs 6 fields (second minute hour day month day-of-week): {expression!r}")
    values = [_field(text, index) for index, text in enumerate(fields)]
    return Schedule(
        tuple(sorted(values[0])),
        tuple(sorted(values[1])),
        tuple(sorted(values[2])),
        frozenset(values[3]),
        frozenset(values[4]),
        frozenset(values[5]),
    )


def _field(text: str, index: int) -> set[int]:
    low, high = _BOUNDS[index]
    result: set[int] = set()
    for part in text.lower().split(","):
        span, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, b = span.split("-", 1)
            first, last = _number(a, index), _number(b, index)
        else:
            first = _number(span, index)
            last = high if step_text else first
        if not (low <= first <= last <= high) or step < 1:
            raise ValueError(f"NCRONTAB field {index + 1} out of range {low}-{high}: {text!r}")
        result.update(range(first, last + 1, step))
    return result


def _number(text: str, index: int) -> int:
    names = _NAMES.get(index)
    if names and text in names:
        return names.index(text) + (1 if index == 4 else 0)
    if not text.isdigit():
        raise ValueError(f"NCRONTAB field {index + 1}: {text!r} is not a number")
    return int(text)
