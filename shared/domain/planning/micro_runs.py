"""The first choice's rule checks over whole runs of grid starts instead of start by start.

The grid of a search window is one run of starts per manager-local working day: ``range(first, last + 1,
step)``. Every set a rule reads (the pair's working hours, lunch and day edges as weekly patterns; each
person's blocked and back-to-back spans) covers a few index intervals of such a run: a span ``[a, b)`` holds
the starts ``first + i * step`` with ``ceil((a - first) / step) <= i < ceil((b - first) / step)``. Between two
consecutive interval ends every set's answer is the same, so the run splits into a few segments that each get
one verdict, exactly the one ``MicroCheck.classify`` gives each of their starts. A run whose starts span two
local days, an offset change of the weekly sets, or time outside those sets is left to ``classify``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise
from typing import TYPE_CHECKING

from shared.domain.slot_sets import WEEK_US
from shared.domain.slots_rules import Rule

if TYPE_CHECKING:
    from shared.domain.planning.micro_checks import MicroCheck
    from shared.domain.planning.micro_days import DayLoad

Run = tuple[range, int | None]  # a day's grid starts, and their manager-local day when it is one for all
Candidate = tuple[int, tuple[Rule, ...], int]  # start, soft rules it breaks, manager-local day
Spans = tuple[list[int], list[int]]
IndexSpans = list[tuple[int, int]]

_THURSDAY = 3  # the weekday of day 0, as in ``micro_days``
_SOFT = {  # (lunch, edges, back-to-back) to the soft rules broken, in ``soft``'s order
    (lunch, edges, buffer): tuple(
        rule
        for rule, broken in zip((Rule.LUNCH, Rule.DAY_EDGES, Rule.BUFFER), (lunch, edges, buffer), strict=True)
        if broken
    )
    for lunch in (False, True)
    for edges in (False, True)
    for buffer in (False, True)
}


def index_spans(spans: Spans, run: range, shift: int = 0) -> IndexSpans:
    """The index intervals ``[lo, hi)`` of ``run`` whose starts lie in ``spans`` moved by ``shift``."""
    starts, ends = spans
    first, step, count = run.start, run.step, len(run)
    last = first + (count - 1) * step
    found: IndexSpans = []
    index = bisect_right(ends, first - shift)  # the first span that ends after ``first``
    while index < len(starts) and starts[index] + shift <= last:
        low = max(0, -((first - starts[index] - shift) // step))
        high = min(count, -((first - ends[index] - shift) // step))
        if low < high:
            found.append((low, high))
        index += 1
    return found


def _weekly(spans: Spans, run: range) -> IndexSpans:
    """``index_spans`` of a weekly pattern (phases of the UTC week): a run of a day meets at most two weeks."""
    base = run.start - run.start % WEEK_US
    return index_spans(spans, run, base) + index_spans(spans, run, base + WEEK_US)


def _mask(spans: IndexSpans) -> int:
    """The index intervals as a bit set (bit ``i``: start ``i`` of the run)."""
    bits = 0
    for low, high in spans:
        bits |= (1 << high) - (1 << low)
    return bits


class RunVerdicts:
    """What the first choice keeps of the grid: the rejections by rule and the valid candidates, in time order."""

    __slots__ = ("allow_fallback", "check", "load", "rejected", "valid")

    def __init__(self, check: MicroCheck, load: DayLoad, allow_fallback: bool) -> None:
        self.check, self.load, self.allow_fallback = check, load, allow_fallback
        self.rejected = Counter[Rule]()
        self.valid: list[Candidate] = []

    def add(self, run: Run) -> None:
        starts, day = run
        if not starts:
            return
        piece = self._piece(starts) if day is not None else None
        if day is None or piece is None:
            self._one_by_one(starts)
        else:
            self._by_segments(starts, day, piece)

    def _piece(self, starts: range) -> int | None:
        """The weekly sets' piece (between offset changes) holding every start of the run, if one does."""
        cuts, last = self.check.working.cuts, self.check.working.last
        if not (cuts[0] <= starts[0] and starts[-1] < last):
            return None
        piece = bisect_right(cuts, starts[0]) - 1
        return piece if bisect_right(cuts, starts[-1]) - 1 == piece else None

    def _one_by_one(self, starts: range) -> None:
        check, day_of = self.check, self.check.clock.day
        days = [day_of(start) for start in starts]
        for start, day, verdict in zip(starts, days, check.classify(starts, days, self.load), strict=True):
            if isinstance(verdict, Rule):
                self.rejected[verdict] += 1
            else:
                self._keep(start, day, verdict, 1)

    def _keep(self, start: int, day: int, broken: tuple[Rule, ...], count: int) -> None:
        """``count`` starts from ``start`` on (one segment) that break only the soft rules ``broken``."""
        if broken:
            self.rejected[broken[0]] += count
            if not self.allow_fallback:
                return
        step = self.check.step
        self.valid.extend((s, broken, day) for s in range(start, start + count * step, step))

    def _by_segments(self, starts: range, day: int, piece: int) -> None:
        check, load = self.check, self.load
        masks = self._masks(starts, piece)
        limit = None
        if load.days.get(day, 0) >= check.max_per_day:
            limit = Rule.DAY_LIMIT
        elif load.weeks.get((day + _THURSDAY) // 7, 0) >= check.max_per_week:
            limit = Rule.WEEK_LIMIT
        working, blocked, lunch, edges, buffer = masks
        bounds = sorted({0, len(starts), *_edges_of(masks, len(starts))})
        for low, high in pairwise(bounds):
            if not working >> low & 1:
                self.rejected[Rule.WORKING_HOURS] += high - low
            elif blocked >> low & 1:
                self.rejected[Rule.BUSY] += high - low
            elif limit is not None:
                self.rejected[limit] += high - low
            else:
                broken = _SOFT[bool(lunch >> low & 1), bool(edges >> low & 1), bool(buffer >> low & 1)]
                self._keep(starts[low], day, broken, high - low)

    def _masks(self, starts: range, piece: int) -> tuple[int, int, int, int, int]:
        """Bit sets over the run: in working hours, blocked, lunch, day edges, back-to-back."""
        check = self.check
        working = _mask(_weekly(check.working.patterns[piece].bounds(), starts))
        lunch = _mask(_weekly(check.lunch.patterns[piece].bounds(), starts))
        edges = _mask(_weekly(check.edges.patterns[piece].bounds(), starts))
        blocked = _any_mask(check.blocked, starts)
        buffer = _any_mask(check.buffer, starts)
        return working, blocked, lunch, edges, buffer


def _any_mask(sets: Sequence[Spans], starts: range) -> int:
    bits = 0
    for spans in sets:
        bits |= _mask(index_spans(spans, starts))
    return bits


def _edges_of(masks: Sequence[int], count: int) -> set[int]:
    """The indices where any bit set changes (the starts of the segments after the first)."""
    changes = 0
    for bits in masks:
        changes |= bits ^ (bits << 1)
    changes &= (1 << count) - 1
    found = set()
    while changes:
        lowest = changes & -changes
        found.add(lowest.bit_length() - 1)
        changes ^= lowest
    return found
