"""The starts a rule of ``slots_rules`` allows or flags, for one person, as UTC intervals built once per pair.

Every rule about a person's local time looks at two wall-clock readings: where the slot starts and where it
ends. Between two offset changes of the person's zone (``zone_offsets``) both readings are UTC plus a
constant, so each condition "the start reads between x1 and x2 on a local day D, and the end reads between
y1 and y2 from D's midnight" holds for one interval of UTC starts per day. A rule is a few such ``Box``es;
between two offset changes its starts repeat every week, so one week's pattern per run of constant offsets
holds them all (and is cached: many pairs share a zone and hours). The readings are taken to the minute,
as the rules take them (``minute >= m`` is ``reading >= m minutes``; ``minute <= m`` is ``< m + 1 minutes``),
so the sets answer exactly what the per-candidate rules answer, DST days, and odd offsets included.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from shared.domain.intervals import Span, SpanSet
from shared.domain.slots_rules import Attendee, SlotRules, day_end_minute
from shared.domain.zone_offsets import DAY_US, MINUTE_US, ZoneClock

FAR = 1 << 62
THURSDAY = 3  # the weekday of 1970-01-01, day 0 of local time
WEEK_US = 7 * DAY_US


@dataclass(frozen=True, slots=True)
class Box:
    """Starts that read ``[start_from, start_to)`` into a local day and end ``[end_from, end_to)`` after its
    midnight (microseconds), on ``weekdays`` only (Monday is 0) or on every day."""

    start_from: int
    start_to: int
    end_from: int
    end_to: int
    weekdays: frozenset[int] | None = None


def runs(clocks: Sequence[ZoneClock], first: int, last: int, duration: int) -> list[tuple[int, int]]:
    """``[from, to)`` runs of starts over which every clock's start and end readings keep their offsets."""
    cuts = {first, last}
    for clock in clocks:
        cuts.update(s for s in clock.starts if first < s < last)
        cuts.update(s - duration for s in clock.starts if first < s - duration < last)
    return list(pairwise(sorted(cuts)))


def _in_week(low: int, high: int) -> list[Span[int]]:
    """``[low, high)`` (shorter than a week) as phases in ``[0, WEEK_US)``, split where it wraps."""
    base = low // WEEK_US * WEEK_US
    low, high = low - base, high - base
    return [(low, high)] if high <= WEEK_US else [(low, WEEK_US), (0, high - WEEK_US)]


@lru_cache(maxsize=4096)
def week_pattern(boxes: tuple[Box, ...], start_offset: int, shift: int, length: int) -> SpanSet[int]:
    """The starts in ``boxes`` as phases of the UTC week (microseconds since a Thursday 00:00 UTC, modulo a
    week), while the start reads UTC plus ``start_offset`` and the end reads ``shift`` after the start.

    A slot ``length`` long whose end reads less than that after its start (across a fall-back change) is read as the
    rules read it (``slots_rules.local_span``): on the same date, its end at the start's reading plus its length; the
    boxes that say the end reads on another date (``_crosses_midnight``) still look at the end's real reading."""
    spans: list[Span[int]] = []
    for box in boxes:
        if _about_another_date(box):
            begin, end = max(box.start_from, box.end_from - shift), min(box.start_to, box.end_to - shift, DAY_US)
        else:
            read = max(shift, length)  # and the real end reads on the start's date (or at the next midnight)
            begin = max(box.start_from, box.end_from - read, -shift)
            end = min(box.start_to, box.end_to - read, DAY_US + MINUTE_US - shift, DAY_US)
        if begin >= end:
            continue
        for day in range(7):
            if box.weekdays is None or (day + THURSDAY) % 7 in box.weekdays:
                spans += _in_week(day * DAY_US - start_offset + begin, day * DAY_US - start_offset + end)
    return SpanSet(spans)  # shared through the cache: never changed


def _about_another_date(box: Box) -> bool:
    """A box of ``_crosses_midnight``: its end reads before the start's date or past the next day's first minute."""
    return box.end_to <= 0 or box.end_from >= DAY_US + MINUTE_US


def run_offsets(clock: ZoneClock, run_start: int, duration: int) -> tuple[int, int, int]:
    """``week_pattern``'s start offset, shift and length for the starts of the run beginning at ``run_start``."""
    start_offset = clock.offset(run_start)
    return start_offset, duration + clock.offset(run_start + duration) - start_offset, duration


@dataclass(frozen=True, slots=True)
class WeeklyStarts:
    """A set of starts in ``[cuts[0], last)`` that repeats every week from ``cuts[i]`` to the next cut."""

    cuts: tuple[int, ...]
    patterns: tuple[SpanSet[int], ...]
    last: int

    def covers(self, start: int) -> bool:
        return self.cuts[0] <= start < self.last

    def __contains__(self, start: int) -> bool:
        return start % WEEK_US in self.patterns[bisect_right(self.cuts, start) - 1]


def _crosses_midnight() -> tuple[Box, ...]:
    """The end reads on an earlier day, or past the first minute of the next day (``local_span`` is None)."""
    return (Box(0, DAY_US, -FAR, 0), Box(0, DAY_US, DAY_US + MINUTE_US, FAR))


def working_boxes(person: Attendee) -> tuple[Box, ...]:
    """``in_working_hours``: a working weekday, starting at or after the day's start, ending by its end on
    the same date (or exactly at the next midnight when the day ends at midnight)."""
    hours = person.hours
    days = frozenset(day.number for day in hours.days)
    first, last = (hours.start.hour * 60 + hours.start.minute) * MINUTE_US, day_end_minute(hours)
    end_to = min(DAY_US, (last + 1) * MINUTE_US) if last < 24 * 60 else DAY_US + MINUTE_US
    return (Box(first, DAY_US, 0, end_to, days),)


def lunch_boxes(rules: SlotRules) -> tuple[Box, ...]:
    """``touches_lunch``: starts before lunch ends and ends after lunch starts (or crosses midnight)."""
    lunch_start = rules.lunch_start.hour * 60 + rules.lunch_start.minute
    lunch_end = rules.lunch_end.hour * 60 + rules.lunch_end.minute
    touching = Box(0, lunch_end * MINUTE_US, (lunch_start + 1) * MINUTE_US, DAY_US + MINUTE_US)
    return (*_crosses_midnight(), touching)


def edge_boxes(person: Attendee, rules: SlotRules) -> tuple[Box, ...]:
    """``at_day_edge``: starts in the first ``edge_minutes`` of the day or ends in the last (or crosses midnight)."""
    hours, edge = person.hours, rules.edge_minutes
    first, last = hours.start.hour * 60 + hours.start.minute, day_end_minute(hours)
    early = Box(0, (first + edge) * MINUTE_US, -FAR, FAR)
    late = Box(0, DAY_US, max(0, (last - edge + 1) * MINUTE_US), DAY_US + MINUTE_US)
    return (*_crosses_midnight(), early, late)
