"""The closest options of a request with no slot (``slots_explain.closest_options``) on microseconds.

The manager's hours come from their own weekly set, hard busy time and the day's load by bisect and day
number, and how far a start lies outside each other person's hours from that person's ``LocalClock`` (the
local date, minute and weekday ``local_span`` reads, as integers: ``zone_offsets`` checks the clock against
``zoneinfo``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from shared.domain.calendar import Busy
from shared.domain.intervals import SpanSet
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import THURSDAY
from shared.domain.planning.model import YearRequest
from shared.domain.planning.pair_sets import weekly_sets
from shared.domain.slots_explain import WHOLE_DAY
from shared.domain.slots_rules import Attendee, day_end_minute, in_working_hours
from shared.domain.zone_offsets import DAY_US, MINUTE_US, LocalClock, day_number, from_us, local_clock, to_us


class _Outside:
    """``slots_explain.minutes_outside`` for one person, on microseconds."""

    __slots__ = ("clock", "day_end", "day_start", "workdays")

    def __init__(self, person: Attendee, clock: LocalClock) -> None:
        hours = person.hours
        self.clock, self.workdays = clock, frozenset(day.number for day in hours.days)
        self.day_start, self.day_end = hours.start.hour * 60 + hours.start.minute, day_end_minute(hours)

    def minutes(self, start: int, end: int) -> int:
        """How far ``[start, end)`` lies outside the hours, in minutes (a whole day if off-day or across
        local midnight, unless it ends exactly at the next midnight)."""
        first_wall, last_wall = self.clock.wall(start), self.clock.wall(end)
        day, last = first_wall // DAY_US, last_wall % DAY_US // MINUTE_US
        if last_wall // DAY_US != day:
            if last_wall // DAY_US - day != 1 or last != 0:
                return WHOLE_DAY
            last = 24 * 60
        if (day + THURSDAY) % 7 not in self.workdays:
            return WHOLE_DAY
        first = first_wall % DAY_US // MINUTE_US
        last = max(last, first + (end - start) // MINUTE_US)  # its real length across a fall-back change
        return max(0, self.day_start - first) + max(0, last - self.day_end)


def closest_micro(
    check: MicroCheck, starts: Sequence[int], request: YearRequest, in_window: Mapping[str, Sequence[Busy]]
) -> list[tuple[datetime, tuple[str, ...]]]:
    """``slots_explain.closest_options`` for a request with no slot, best start per manager-local day."""
    people, rules = request.people, request.rules
    manager, others = people[0], people[1:]
    hours = weekly_sets(((manager.zone, manager.hours),), rules, check.span[0], check.span[1])[0]
    lead, statuses = check.duration - 1, rules.hard_statuses()
    blocked = SpanSet(
        (to_us(item.start) - lead, to_us(item.end))
        for p in people
        for item in in_window.get(p.key, ())
        if item.status in statuses
    )
    booked = {day_number(day): count for day, count in request.booked_days.items()}
    outside_of = [_Outside(p, local_clock(p.zone, *check.span)) for p in others]
    best_per_day: dict[int, tuple[int, int, tuple[str, ...]]] = {}
    for start in starts:
        if hours.covers(start):
            if start not in hours:
                continue
        elif not in_working_hours(manager, from_us(start), from_us(start + check.duration)):
            continue
        day = check.clock.day(start)
        if booked.get(day, 0) >= rules.max_per_day or start in blocked:
            continue
        minutes = [outside.minutes(start, start + check.duration) for outside in outside_of]
        distance = sum(minutes)
        if day not in best_per_day or (distance, start) < best_per_day[day][:2]:
            outside = tuple(p.name for p, m in zip(others, minutes, strict=True) if m > 0)
            best_per_day[day] = (distance, start, outside)
    ranked = sorted(best_per_day.values(), key=lambda item: (item[0], item[1]))
    return [(from_us(start), outside) for _, start, outside in ranked[: rules.closest_count]]
