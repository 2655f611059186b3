"""The hard and soft rules of one year request on integer microseconds (``plan_year``'s core).

Every instant is microseconds since the Unix epoch (UTC) and every manager-local date a day number (days since
1970-01-01, ``zone_offsets.day_number``), so a check is a few bisects and integer comparisons instead of
``datetime`` arithmetic and ``astimezone`` calls. ``MicroCheck`` answers what ``checks.PairCheck`` answers
(the same ``PairSets`` weekly patterns, the busy sets in microseconds), on the grid and the weekly pattern of
``micro_grid.MicroGrid`` and the day load of ``micro_days.DayLoad``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence

from shared.domain.calendar import Busy
from shared.domain.planning.busy_spans import person_spans
from shared.domain.planning.checks import soft_by_zone
from shared.domain.planning.hours import Hours
from shared.domain.planning.micro_days import THURSDAY, DayLoad
from shared.domain.planning.micro_grid import MicroGrid
from shared.domain.planning.pair_sets import busy_sets, weekly_sets
from shared.domain.slot_sets import WEEK_US
from shared.domain.slots_rules import Attendee, Rule, SlotRules
from shared.domain.zone_offsets import MINUTE_US, from_us


class MicroCheck(MicroGrid):
    """Hard and soft rules, the candidate grid and the weekly pattern of one request, on microseconds."""

    __slots__ = (
        "blocked",
        "buffer",
        "edges",
        "hours",
        "lunch",
        "max_per_day",
        "max_per_week",
        "people",
        "rules",
        "span",
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
        super().__init__(people[0], rules, span)
        self.people, self.rules, self.span = people, rules, span
        self.max_per_day, self.max_per_week = rules.max_per_day, rules.max_per_week
        zoned = tuple((p.zone, p.hours) for p in people)
        self.working, self.lunch, self.edges = weekly_sets(zoned, rules, span[0], span[1])
        self.blocked, self.buffer = _busy_bounds(people, busy, rules)
        self.hours = tuple(Hours.of(p) for p in people)

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
