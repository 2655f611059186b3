"""The candidate grid and the weekly pattern of one year request on integer microseconds.

``MicroGrid`` gives the starts ``grid.working_starts``, ``grid.window_starts``, ``pattern.iter_weekly_starts``
and ``moves.nearby_starts`` give, with the manager's ``LocalClock`` for local days and wall times (``fold=0``,
exactly as ``zoneinfo``). ``micro_checks.MicroCheck`` builds on it with the rules.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import chain

from shared.domain.intervals import nearest_first
from shared.domain.planning.micro_days import THURSDAY
from shared.domain.planning.moves import MOVE_DAYS
from shared.domain.slot_sets import WEEK_US
from shared.domain.slots_rules import Attendee, SlotRules, day_end_minute
from shared.domain.zone_offsets import DAY_US, MINUTE_US, local_clock, to_us

MICROS = 1_000_000
GRID_EPOCH = to_us(datetime(2000, 1, 1, tzinfo=UTC))  # ``slots.candidate_starts`` steps from here


class MicroGrid:
    """The grid starts and the weekly pattern of one request in the manager's local days, on microseconds."""

    __slots__ = ("clock", "duration", "first_wall", "last_wall", "step", "workdays")

    def __init__(self, manager: Attendee, rules: SlotRules, span: tuple[int, int]) -> None:
        """``span``: where the starts lie (the manager's ``LocalClock`` covers it)."""
        self.duration = rules.duration_minutes * MINUTE_US
        self.step = rules.step_minutes * MINUTE_US
        self.clock = local_clock(manager.zone, span[0], span[1])
        self.workdays = frozenset(day.number for day in manager.hours.days)
        opens = manager.hours.start
        self.first_wall = ((opens.hour * 60 + opens.minute) * 60 + opens.second) * MICROS + opens.microsecond
        self.last_wall = day_end_minute(manager.hours) * MINUTE_US

    def grid(self, start: int, end: int) -> list[int]:
        """``grid.working_starts``: grid starts in ``[start, end]`` (slot ending by ``end``) inside the manager's
        local working days, in order."""
        return self.grid_days(start, end)[0]

    def grid_days(self, start: int, end: int) -> tuple[list[int], list[int]]:
        """``grid`` and the manager-local day number of each start."""
        found: list[int] = []
        days: list[int] = []
        for starts, same in self.grid_runs(start, end):
            found.extend(starts)
            days.extend([same] * len(starts) if same is not None else map(self.clock.day, starts))
        return found, days

    def grid_runs(self, start: int, end: int) -> list[tuple[range, int | None]]:
        """``grid`` as one run of starts per manager-local working day, in order, each with the local day of all
        its starts when it is one (a start's local day is not always the day it was stepped from)."""
        clock, step, duration, workdays = self.clock, self.step, self.duration, self.workdays
        first_wall, last_wall = self.first_wall, self.last_wall
        found: list[tuple[range, int | None]] = []
        day, final = clock.day(start), clock.day(end)
        while day <= final:
            if (day + THURSDAY) % 7 in workdays:
                opens = max(clock.utc(day * DAY_US + first_wall), start)
                closes = min(clock.utc(day * DAY_US + last_wall), end)
                first = GRID_EPOCH - (GRID_EPOCH - opens) // step * step
                last = closes - duration
                if first <= last:
                    starts = range(first, last + 1, step)
                    found.append((starts, clock.one_day(starts[0], starts[-1])))
            day += 1
        return found

    def days_grid(self, first_day: int, last_day: int, lowest: int, highest: int) -> list[int]:
        """Grid starts on manager-local days ``first_day`` to ``last_day`` whose slot lies in ``[lowest, highest]``
        (``grid.window_starts`` and the cascade's candidate days)."""
        return self.days_grid_days(first_day, last_day, lowest, highest)[0]

    def days_grid_days(self, first_day: int, last_day: int, lowest: int, highest: int) -> tuple[list[int], list[int]]:
        """``days_grid`` and the manager-local day number of each start."""
        begin = max(self.clock.utc(first_day * DAY_US), lowest)
        end = min(self.clock.utc((last_day + 1) * DAY_US), highest)
        starts, days = self.grid_days(begin, end)
        last = end - self.duration
        keep = bisect_right(starts, last)  # in time order: the slots that end by ``end`` come first
        return starts[:keep], days[:keep]

    def pattern(self, first: int, rhythm_weeks: int, before: int) -> Iterator[int]:
        """``pattern.iter_weekly_starts``: the same manager-local wall time every ``rhythm_weeks`` weeks."""
        clock = self.clock
        wall, step = clock.wall(first), WEEK_US * max(1, rhythm_weeks)
        current, index = first, 0
        while current < before:
            yield current
            index += 1
            current = clock.utc(wall + index * step)

    def nearby(self, pattern_start: int) -> Iterator[int]:
        """``moves.nearby_starts``: the same manager-local time on the nearest days, then the grid within a
        week either way, nearest first (never the pattern start itself)."""
        clock = self.clock
        wall = clock.wall(pattern_start)
        found = [clock.utc(wall + days * sign * DAY_US) for days in range(1, MOVE_DAYS + 1) for sign in (1, -1)]
        reach = MOVE_DAYS * DAY_US
        grid = self.grid(pattern_start - reach, pattern_start + reach + self.duration)
        return chain(found, (s for s in nearest_first(grid, pattern_start) if s != pattern_start))
