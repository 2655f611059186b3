"""A year request's load and gaps on manager-local day numbers (days since 1970-01-01, ``zone_offsets.day_number``).

``DayLoad`` is ``checks.Load`` keyed by day number and week number (weeks run Monday to Sunday, as ISO weeks
do); ``DayGaps`` is ``checks.Gaps`` on day numbers. ``THURSDAY`` turns a day number into its weekday and week.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from shared.domain.zone_offsets import day_number

THURSDAY = 3  # the weekday of day 0 (1970-01-01), Monday being 0


class DayLoad:
    """``checks.Load`` on day numbers: conversations per manager-local day and per Monday-to-Sunday week
    (``(day + THURSDAY) // 7``: two days share it exactly when they share an ISO week)."""

    __slots__ = ("days", "weeks")

    def __init__(self, booked: Mapping[date, int]) -> None:
        self.days: dict[int, int] = {}
        self.weeks: dict[int, int] = {}
        for day, count in booked.items():
            self.add(day_number(day), count)

    def add(self, day: int, count: int = 1) -> None:
        self.days[day] = self.days.get(day, 0) + count
        week = (day + THURSDAY) // 7
        self.weeks[week] = self.weeks.get(week, 0) + count

    def remove(self, day: int) -> None:
        self.add(day, -1)

    def on_day(self, day: int) -> int:
        return self.days.get(day, 0)

    def in_week(self, day: int) -> int:
        return self.weeks.get((day + THURSDAY) // 7, 0)


class DayGaps:
    """``checks.Gaps`` on day numbers."""

    __slots__ = ("maximum", "minimum")

    def __init__(self, minimum: int, maximum: int) -> None:
        self.minimum, self.maximum = minimum, maximum

    def allows(self, before: int | None, day: int, after: int | None, stretch_before: bool = False) -> bool:
        if before is not None:
            gap = day - before
            if gap < self.minimum or (gap > self.maximum and not stretch_before):
                return False
        if after is not None:
            gap = after - day
            if gap < self.minimum or gap > self.maximum:
                return False
        return True
