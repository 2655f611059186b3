"""A person's working hours, precomputed for the hot loop (same answer as ``slots_rules.in_working_hours``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from shared.domain.slots_rules import Attendee, day_end_minute

WHOLE_DAY = 24 * 60


@dataclass(frozen=True, slots=True)
class Hours:
    """Working days (Monday is 0) and the first and last minute of the working day, in ``zone``."""

    zone: ZoneInfo
    days: frozenset[int]
    first_minute: int
    last_minute: int

    @classmethod
    def of(cls, person: Attendee) -> Hours:
        hours = person.hours
        days = frozenset(day.number for day in hours.days)
        return cls(person.zone, days, hours.start.hour * 60 + hours.start.minute, day_end_minute(hours))

    def span(self, start: datetime, end: datetime) -> tuple[int, int] | None:
        """Local start and end minute of the day (end 1440 at midnight); None if it crosses local midnight. Across
        a fall-back change the end is the start's minute plus the span's real length (``slots_rules.local_span``)."""
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        first, last = local_start.hour * 60 + local_start.minute, local_end.hour * 60 + local_end.minute
        at_real_length = first + (end - start) // timedelta(minutes=1)
        if local_end.date() == local_start.date():
            return first, max(last, at_real_length)
        if last == 0 and local_end.date() - local_start.date() == timedelta(days=1):
            return first, max(WHOLE_DAY, at_real_length)
        return None

    def contain(self, start: datetime, end: datetime) -> bool:
        """Whether ``[start, end)`` lies inside one local working day."""
        local_start = start.astimezone(self.zone)
        if local_start.weekday() not in self.days:
            return False
        first = local_start.hour * 60 + local_start.minute
        if first < self.first_minute:
            return False
        local_end = end.astimezone(self.zone)
        if local_end.date() == local_start.date():  # at its real length across a fall-back hour (slots_rules)
            last = max(local_end.hour * 60 + local_end.minute, first + (end - start) // timedelta(minutes=1))
            return last <= self.last_minute
        midnight = local_end.hour == 0 and local_end.minute == 0
        next_day = local_end.date() - local_start.date() == timedelta(days=1)
        return midnight and next_day and self.last_minute == WHOLE_DAY
