"""The rules, the grid and the weekly pattern of one year request on integer microseconds (``plan_year``'s core).

Every instant is microseconds since the Unix epoch (UTC) and every manager-local date a day number (days since
1970-01-01, ``zone_offsets.day_number``), so a check is a few bisects and integer comparisons instead of
``datetime`` arithmetic and ``astimezone`` calls. ``MicroCheck`` answers what ``checks.PairCheck`` answers
(the same ``PairSets`` weekly patterns, the busy sets in microseconds); ``MicroCheck.grid`` and ``pattern``
give the starts ``grid.working_starts`` and ``pattern.iter_weekly_starts`` give, with the manager's
``LocalClock`` for local days and wall times (``fold=0``, exactly as ``zoneinfo``). ``DayLoad`` is ``Load``
keyed by day number and week number (weeks run Monday to Sunday, as ISO weeks do).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, date, datetime
from itertools import chain

from shared.domain.calendar import Busy
from shared.domain.intervals import nearest_first
from shared.domain.planning.busy_spans import person_spans
from shared.domain.planning.checks import soft_by_zone
from shared.domain.planning.hours import Hours
from shared.domain.planning.moves import MOVE_DAYS
from shared.domain.planning.pair_sets import busy_sets, weekly_sets
from shared.domain.slot_sets import WEEK_US
from shared.domain.slots_rules import Attendee, Rule, SlotRules, day_end_minute
from shared.domain.zone_offsets import DAY_US, MINUTE_US, day_number, from_us, local_clock, to_us

THURSDAY = 3  # the weekday of day 0 (1970-01-01), Monday being 0
MICROS = 1_000_000
GRID_EPOCH = to_us(datetime(2000, 1, 1, tzinfo=UTC))  # ``slots.candidate_starts`` steps from here


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


class MicroCheck:
    """Hard and soft rules, the candidate grid and the weekly pattern of one request, on microseconds."""

    __slots__ = (
        "blocked",
        "buffer",
        "clock",
        "duration",
        "edges",
        "first_wall",
        "hours",
        "last_wall",
        "lunch",
        "max_per_day",
        "max_per_week",
        "people",
        "rules",
        "span",
        "step",
        "workdays",
        "working",
    )

    def __init__(
        self,
        people: tuple[Attendee, ...],
        busy: Mapping[str, Sequence[Busy]],
        rules: SlotRules,
        span: tuple[int, int],
    ) -> None:
        """``span``: where the starts to check lie (outside it the zones are asked per start: same answers)."""
        self.people, self.rules, self.span = people, rules, span
        self.duration = rules.duration_minutes * MINUTE_US
        self.step = rules.step_minutes * MINUTE_US
        self.max_per_day, self.max_per_week = rules.max_per_day, rules.max_per_week
        zoned = tuple((p.zone, p.hours) for p in people)
        self.working, self.lunch, self.edges = weekly_sets(zoned, rules, span[0], span[1])
        self.blocked, self.buffer = _busy_bounds(people, busy, rules)
        self.hours = tuple(Hours.of(p) for p in people)
        manager = people[0]
        self.clock = local_clock(manager.zone, span[0], span[1])
        self.workdays = frozenset(day.number for day in manager.hours.days)
        opens = manager.hours.start
        self.first_wall = ((opens.hour * 60 + opens.minute) * 60 + opens.second) * MICROS + opens.microsecond
        self.last_wall = day_end_minute(manager.hours) * MINUTE_US

    def hard(self, start: int, load: DayLoad, day: int | None = None) -> Rule | None:
        """The first hard rule a conversation at ``start`` breaks, or None (``PairCheck.hard``); ``day``: the
        manager-local day of ``start`` when the caller knows it."""
        working = self.working
        if working.cuts[0] <= start < working.last:
            cuts = working.cuts
            pattern = working.patterns[0 if len(cuts) == 1 else bisect_right(cuts, start) - 1]
            phase = start % WEEK_US
            starts, ends = pattern.bounds()
            index = bisect_right(starts, phase) - 1
            if index < 0 or phase >= ends[index]:
                return Rule.WORKING_HOURS
        elif not self._working_by_zone(start):
            return Rule.WORKING_HOURS
        for starts, ends in self.blocked:
            index = bisect_right(starts, start) - 1
            if index >= 0 and start < ends[index]:
                return Rule.BUSY
        if day is None:
            day = self.clock.day(start)
        if load.days.get(day, 0) >= self.max_per_day:
            return Rule.DAY_LIMIT
        if load.weeks.get((day + THURSDAY) // 7, 0) >= self.max_per_week:
            return Rule.WEEK_LIMIT
        return None

    def classify(self, starts: Sequence[int], days: Sequence[int], load: DayLoad) -> list[Rule | tuple[Rule, ...]]:
        """For each start (and its manager-local day): the hard rule it breaks, else the soft rules it breaks
        (``hard`` then ``soft``: the loop the first choice runs over the whole grid, with the lookups hoisted)."""
        working, max_day, max_week = self.working, self.max_per_day, self.max_per_week
        cuts, first_cut, last_cut = working.cuts, working.cuts[0], working.last
        sets = [
            (w.bounds(), lu.bounds(), ed.bounds())
            for w, lu, ed in zip(working.patterns, self.lunch.patterns, self.edges.patterns, strict=True)
        ]
        single = sets[0] if len(cuts) == 1 else None
        on_day, in_week, blocked, buffer = load.days, load.weeks, self.blocked, self.buffer
        out = list[Rule | tuple[Rule, ...]]()
        for start, day in zip(starts, days, strict=True):
            in_sets = first_cut <= start < last_cut
            if in_sets:
                hours, lunch, edges = single or sets[bisect_right(cuts, start) - 1]
                phase = start % WEEK_US
                index = bisect_right(hours[0], phase) - 1
                if index < 0 or phase >= hours[1][index]:
                    out.append(Rule.WORKING_HOURS)
                    continue
            elif not self._working_by_zone(start):
                out.append(Rule.WORKING_HOURS)
                continue
            if _in_any(blocked, start):
                out.append(Rule.BUSY)
            elif on_day.get(day, 0) >= max_day:
                out.append(Rule.DAY_LIMIT)
            elif in_week.get((day + THURSDAY) // 7, 0) >= max_week:
                out.append(Rule.WEEK_LIMIT)
            elif not in_sets:
                out.append(self.soft(start))
            else:
                broken = []
                index = bisect_right(lunch[0], phase) - 1
                if index >= 0 and phase < lunch[1][index]:
                    broken.append(Rule.LUNCH)
                index = bisect_right(edges[0], phase) - 1
                if index >= 0 and phase < edges[1][index]:
                    broken.append(Rule.DAY_EDGES)
                if _in_any(buffer, start):
                    broken.append(Rule.BUFFER)
                out.append(tuple(broken))
        return out

    def soft(self, start: int) -> tuple[Rule, ...]:
        """Every soft rule a conversation at ``start`` breaks, in the order of ``soft_failures``."""
        if self.working.covers(start):
            lunch, edges = start in self.lunch, start in self.edges
        else:
            lunch, edges = self._soft_by_zone(start)
        broken = [Rule.LUNCH] if lunch else []
        if edges:
            broken.append(Rule.DAY_EDGES)
        for starts, ends in self.buffer:
            index = bisect_right(starts, start) - 1
            if index >= 0 and start < ends[index]:
                broken.append(Rule.BUFFER)
                break
        return tuple(broken)

    def _working_by_zone(self, start: int) -> bool:
        begin, end = from_us(start), from_us(start + self.duration)
        return all(hours.contain(begin, end) for hours in self.hours)

    def _soft_by_zone(self, start: int) -> tuple[bool, bool]:
        return soft_by_zone(self.hours, self.rules, from_us(start))

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

    def first_fit(self, load: DayLoad, starts: Iterable[int], fits: Callable[[int], bool]) -> int | None:
        """``moves.first_fit``: the first strict start that passes the hard rules and ``fits``; else the first
        relaxed one."""
        relaxed: int | None = None
        fallback = self.rules.allow_fallback
        for start in starts:
            if not fits(start) or self.hard(start, load) is not None:
                continue
            if not self.soft(start):
                return start
            if relaxed is None and fallback:
                relaxed = start
        return relaxed


Bounds = tuple[tuple[list[int], list[int]], ...]


def _in_any(sets: Bounds, start: int) -> bool:
    """Whether ``start`` is in any of the merged span lists."""
    for starts, ends in sets:
        index = bisect_right(starts, start) - 1
        if index >= 0 and start < ends[index]:
            return True
    return False


def _busy_bounds(
    people: tuple[Attendee, ...], busy: Mapping[str, Sequence[Busy]], rules: SlotRules
) -> tuple[Bounds, Bounds]:
    """The starts anyone's hard busy time blocks, and those back-to-back with it: one span list per person, kept
    up to date between the plans of a run (``busy_spans``), or one for the pair with a negative buffer (a
    shrunk union is not the union of the shrunk sets)."""
    statuses, lead = rules.hard_statuses(), rules.duration_minutes * MINUTE_US - 1
    pad = rules.buffer_minutes * MINUTE_US
    if pad < 0:
        blocked, buffer = busy_sets((item for p in people for item in busy.get(p.key, ())), rules)
        return (blocked.bounds(),), (buffer.bounds(),)
    sets = [person_spans(busy.get(p.key, ()), statuses, lead, pad) for p in people]
    return tuple(b.bounds() for b, _ in sets), tuple(f.bounds() for _, f in sets)
