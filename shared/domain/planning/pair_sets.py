"""One pair's rules as sets of UTC starts, built once per pair: every check of a candidate is then a bisect.

``working``: the starts inside both people's working hours; ``lunch`` and ``edges``: the starts that break
those soft rules for anyone (``slot_sets``: weekly patterns between offset changes). They hold for starts in
``[first, last)``; outside it ``PairCheck`` asks the zones directly. ``blocked`` and ``buffer``: the starts
whose slot (widened by the buffer on both sides) overlaps anyone's hard busy time. A start ``s`` overlaps an
item ``[b, e)`` when ``b < s + duration`` and ``s < e``: ``s`` in ``[b - duration + 1 µs, e)``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from shared.domain.calendar import Busy
from shared.domain.intervals import SpanSet, merged
from shared.domain.people import WorkingHours
from shared.domain.slot_sets import (
    Box,
    WeeklyStarts,
    edge_boxes,
    lunch_boxes,
    run_offsets,
    runs,
    week_pattern,
    working_boxes,
)
from shared.domain.slots_rules import Attendee, SlotRules
from shared.domain.zone_offsets import DAY_US, MICROSECOND, MINUTE_US, ZoneClock, to_us


def busy_starts(busy: Iterable[Busy], statuses: frozenset[str], duration: timedelta) -> list[tuple[datetime, datetime]]:
    """The starts whose slot overlaps an item with one of ``statuses``, merged."""
    lead = duration - MICROSECOND
    return merged((item.start - lead, item.end) for item in busy if item.status in statuses)


Offsets = tuple[tuple[int, int, int], ...]  # per person: start offset, shift, length (``run_offsets``)


@lru_cache(maxsize=4096)
def _all_of(boxes: tuple[tuple[Box, ...], ...], offsets: Offsets) -> SpanSet[int]:
    """Everyone's weekly pattern intersected (cached: a manager's reports share their hours and zones)."""
    return SpanSet.all_of(week_pattern(b, *o) for b, o in zip(boxes, offsets, strict=True))


@lru_cache(maxsize=4096)
def _any_of(boxes: tuple[tuple[Box, ...], ...], offsets: Offsets) -> SpanSet[int]:
    return SpanSet.any_of(week_pattern(b, *o) for b, o in zip(boxes, offsets, strict=True))


@dataclass(frozen=True, slots=True)
class PairSets:
    working: WeeklyStarts
    lunch: WeeklyStarts
    edges: WeeklyStarts
    blocked: SpanSet[datetime]
    buffer: SpanSet[datetime]

    @classmethod
    def build(
        cls, people: tuple[Attendee, ...], busy: Iterable[Busy], rules: SlotRules, span: tuple[datetime, datetime]
    ) -> PairSets:
        working, lunch, edges = weekly_sets(
            tuple((p.zone, p.hours) for p in people), rules, to_us(span[0]), to_us(span[1])
        )
        blocked = busy_starts(busy, rules.hard_statuses(), rules.duration)
        pad = timedelta(minutes=rules.buffer_minutes)
        return cls(
            working,
            lunch,
            edges,
            SpanSet(blocked),
            SpanSet((start - pad, end + pad) for start, end in blocked),
        )


Zoned = tuple[tuple[ZoneInfo, WorkingHours], ...]


@lru_cache(maxsize=1024)
def weekly_sets(
    zoned: Zoned, rules: SlotRules, first: int, last: int
) -> tuple[WeeklyStarts, WeeklyStarts, WeeklyStarts]:
    """The starts in ``[first, last)`` (microseconds) inside everyone's working hours, and those that touch lunch
    or a day's edge for anyone (cached: a manager's reports share a run's span, and often zones and hours)."""
    people = tuple(Attendee("", "", hours, zone) for zone, hours in zoned)
    duration = rules.duration // MICROSECOND
    clocks = [ZoneClock.between(p.zone, first - DAY_US, last + duration + DAY_US) for p in people]
    pieces = runs(clocks, first, last, duration) or [(first, first)]
    working, lunch, edges = [], [], []
    for start, _ in pieces:
        offsets = tuple(run_offsets(clock, start, duration) for clock in clocks)
        working.append(_all_of(tuple(working_boxes(p) for p in people), offsets))
        lunch.append(_any_of(tuple(lunch_boxes(rules) for _ in people), offsets))
        edges.append(_any_of(tuple(edge_boxes(p, rules) for p in people), offsets))
    cuts = tuple(start for start, _ in pieces)
    return (
        WeeklyStarts(cuts, tuple(working), last),
        WeeklyStarts(cuts, tuple(lunch), last),
        WeeklyStarts(cuts, tuple(edges), last),
    )


def busy_sets(busy: Iterable[Busy], rules: SlotRules) -> tuple[SpanSet[int], SpanSet[int]]:
    """``PairSets.blocked`` and ``PairSets.buffer`` in microseconds since the epoch."""
    statuses, lead = rules.hard_statuses(), rules.duration // MICROSECOND - 1
    spans = [(to_us(item.start) - lead, to_us(item.end)) for item in busy if item.status in statuses]
    blocked = merged(spans)
    pad = rules.buffer_minutes * MINUTE_US
    return SpanSet.of_merged(blocked), SpanSet((start - pad, end + pad) for start, end in blocked)
