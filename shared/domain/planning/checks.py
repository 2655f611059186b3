"""The rules of ``slots_rules`` for one pair, fast: each rule a set of starts (``pair_sets``), caps from a running load.

``PairCheck`` answers the hard rules (both people's working hours in their own zones, hard busy time, the
manager's daily and weekly limits) and the soft rules (lunch, day edges, back-to-back) for a start.
``Load`` counts conversations per manager-local day and ISO week: what was booked plus what the plan placed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from shared.domain.calendar import Busy
from shared.domain.planning.hours import Hours
from shared.domain.planning.pair_sets import PairSets
from shared.domain.slots_rules import (
    Attendee,
    Rule,
    SlotRules,
    iso_week,
)
from shared.domain.zone_offsets import EPOCH, to_us


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


MOVE_REASONS = {
    Rule.WORKING_HOURS: "outside hours",
    Rule.BUSY: "busy",
    Rule.DAY_LIMIT: "daily limit",
    Rule.WEEK_LIMIT: "weekly limit",
}


class Load:
    """Conversations per manager-local day and ISO week, starting from what is already booked."""

    __slots__ = ("_days", "_weeks")

    def __init__(self, booked: Mapping[date, int]) -> None:
        self._days: Counter[date] = Counter()
        self._weeks: Counter[tuple[int, int]] = Counter()
        for day, count in booked.items():
            self.add(day, count)

    def add(self, day: date, count: int = 1) -> None:
        self._days[day] += count
        self._weeks[iso_week(day)] += count

    def remove(self, day: date) -> None:
        self.add(day, -1)

    def on_day(self, day: date) -> int:
        return self._days[day]

    def in_week(self, day: date) -> int:
        return self._weeks[iso_week(day)]


@dataclass(frozen=True, slots=True)
class PairCheck:
    """Hard and soft rules for the people of one request, as sets of starts built once (``PairSets``).

    Starts outside the sets' span are checked against the zones directly (``Hours``): same answers, slower.
    """

    people: tuple[Attendee, ...]
    rules: SlotRules
    hours: tuple[Hours, ...]
    duration: timedelta
    sets: PairSets
    _days: dict[datetime, date] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        people: tuple[Attendee, ...],
        busy: Mapping[str, Sequence[Busy]],
        rules: SlotRules,
        span: tuple[datetime, datetime] | None = None,
    ) -> PairCheck:
        """``span``: where the starts to check lie (none: every start is checked against the zones)."""
        items = [item for p in people for item in busy.get(p.key, ())]
        sets = PairSets.build(people, items, rules, span or (EPOCH, EPOCH))
        return cls(people, rules, tuple(Hours.of(p) for p in people), rules.duration, sets)

    def manager_day(self, start: datetime) -> date:
        day = self._days.get(start)
        if day is None:
            day = self._days[start] = start.astimezone(self.people[0].zone).date()
        return day

    def _working(self, start: datetime, micros: int) -> bool:
        if self.sets.working.covers(micros):
            return micros in self.sets.working
        end = start + self.duration
        return all(hours.contain(start, end) for hours in self.hours)

    def hard(self, start: datetime, load: Load) -> Rule | None:
        """The first hard rule a conversation at ``start`` breaks, or None."""
        micros = to_us(start)
        if not self._working(start, micros):
            return Rule.WORKING_HOURS
        if start in self.sets.blocked:
            return Rule.BUSY
        day = self.manager_day(start)
        if load.on_day(day) >= self.rules.max_per_day:
            return Rule.DAY_LIMIT
        if load.in_week(day) >= self.rules.max_per_week:
            return Rule.WEEK_LIMIT
        return None

    def soft(self, start: datetime) -> tuple[Rule, ...]:
        """Every soft rule a conversation at ``start`` breaks, in the order of ``soft_failures``."""
        micros, sets = to_us(start), self.sets
        if sets.working.covers(micros):
            lunch, edges = micros in sets.lunch, micros in sets.edges
        else:
            lunch, edges = self._soft_by_zone(start)
        broken = [Rule.LUNCH] if lunch else []
        if edges:
            broken.append(Rule.DAY_EDGES)
        if start in sets.buffer:
            broken.append(Rule.BUFFER)
        return tuple(broken)

    def _soft_by_zone(self, start: datetime) -> tuple[bool, bool]:
        return soft_by_zone(self.hours, self.rules, start)


def soft_by_zone(people_hours: Sequence[Hours], rules: SlotRules, start: datetime) -> tuple[bool, bool]:
    """Whether a conversation at ``start`` touches lunch, and a day's edge, for anyone (zones asked directly)."""
    end = start + rules.duration
    spans = [(hours, hours.span(start, end)) for hours in people_hours]
    lunch_start, lunch_end = _minutes(rules.lunch_start), _minutes(rules.lunch_end)
    lunch = any(span is None or (span[0] < lunch_end and lunch_start < span[1]) for _, span in spans)
    edge = rules.edge_minutes
    edges = any(
        span is None or span[0] < hours.first_minute + edge or span[1] > hours.last_minute - edge
        for hours, span in spans
    )
    return lunch, edges


@dataclass(frozen=True, slots=True)
class Gaps:
    """Allowed days between consecutive conversations (manager-local dates)."""

    minimum: int
    maximum: int

    def allows(self, before: date | None, day: date, after: date | None, *, stretch_before: bool = False) -> bool:
        """Whether ``day`` keeps the gaps to its neighbours; ``stretch_before`` lifts the maximum before it
        (a skipped occurrence lies between, so that gap is long anyway)."""
        if before is not None:
            gap = (day - before).days
            if gap < self.minimum or (gap > self.maximum and not stretch_before):
                return False
        if after is not None:
            gap = (after - day).days
            if gap < self.minimum or gap > self.maximum:
                return False
        return True


def gaps_for(min_gap_days: int, max_gap_days: int, rhythm_weeks: int) -> Gaps:
    """The gap bounds, widened to include the rhythm itself (so an unmoved pattern always keeps them)."""
    rhythm_days = 7 * max(1, rhythm_weeks)
    return Gaps(min(min_gap_days, rhythm_days), max(max_gap_days, rhythm_days))
