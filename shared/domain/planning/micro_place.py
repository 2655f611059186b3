"""``moves`` on microseconds: the placed conversations, the request's bounds, and placing the weekly pattern.

The same steps, in the same order, with the same tie-breaks, on ``MicroCheck``: every placed conversation
keeps its manager-local day number beside its start, so gaps and windows are integer comparisons. Where the
old code filtered candidates inside ``first_fit`` (``fits``), the filter runs before the sort by distance:
``fits`` depends on the candidate alone, so the first start that passes both is the same. ``Window`` holds a
milestone window's candidate starts for ``micro_milestones`` and ``micro_cascade``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shared.domain.intervals import nearest_first
from shared.domain.planning.checks import MOVE_REASONS
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import DayGaps, DayLoad
from shared.domain.planning.model import MilestoneWindow, YearRequest
from shared.domain.planning.moves import MOVE_DAYS
from shared.domain.zone_offsets import day_number, to_us


@dataclass(frozen=True, slots=True)
class Placed:
    """A planned conversation (``model.Conversation``) on microseconds, with its manager-local day number."""

    start: int
    day: int
    pattern_start: int | None
    moved_because: str | None = None
    milestone_id: str | None = None
    milestone_label: str | None = None


@dataclass(frozen=True, slots=True)
class Bounds:
    """The request's instants in microseconds, and its milestone windows as day numbers."""

    window_start: int
    window_end: int
    horizon_end: int
    windows: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, request: YearRequest) -> Bounds:
        windows = tuple((day_number(w.earliest), day_number(w.latest)) for w in request.milestones)
        return cls(to_us(request.window_start), to_us(request.window_end), to_us(request.horizon_end), windows)


def place_pattern(
    request: YearRequest, check: MicroCheck, load: DayLoad, pattern: Sequence[int], gaps: DayGaps, bounds: Bounds
) -> tuple[list[Placed], list[tuple[int, str]]]:
    """``moves.place_pattern``: every occurrence kept, moved or skipped; ``load`` counts the placed ones."""
    placed, skipped = list[Placed](), list[tuple[int, str]]()
    lowest, highest = bounds.window_start, bounds.horizon_end - check.duration
    day_of = check.clock.day
    previous: int | None = None
    skipped_since_previous = False
    for index, start in enumerate(pattern):
        failure = check.hard(start, load)
        if failure is None:
            placed.append(Placed(start, day_of(start), start))
        else:
            following = day_of(pattern[index + 1]) if index + 1 < len(pattern) else None

            def fits(
                candidate: int,
                before: int | None = previous,
                after: int | None = following,
                stretch: bool = skipped_since_previous,
            ) -> bool:
                return lowest <= candidate <= highest and gaps.allows(before, day_of(candidate), after, stretch)

            moved = check.first_fit(load, check.nearby(start), fits)
            why = MOVE_REASONS[failure]
            if moved is None:
                skipped.append((start, f"{why}, and no time within {MOVE_DAYS} days fits both people and the gaps"))
                skipped_since_previous = True
                continue
            placed.append(Placed(moved, day_of(moved), start, moved_because=why))
        previous = placed[-1].day
        skipped_since_previous = False
        load.add(previous)
    return placed, skipped


class Window:
    """One milestone window: its day numbers and its candidate starts (built once, with their days)."""

    __slots__ = ("days", "earliest", "latest", "milestone", "starts")

    def __init__(self, check: MicroCheck, bounds: Bounds, milestone: MilestoneWindow) -> None:
        self.milestone = milestone
        self.earliest, self.latest = day_number(milestone.earliest), day_number(milestone.latest)
        self.starts, self.days = check.days_grid_days(
            self.earliest, self.latest, bounds.window_start, bounds.horizon_end
        )  # in time order, so the days never decrease

    def on_days(self, first: int, last: int) -> list[int]:
        """The starts whose manager-local day is in ``[first, last]``."""
        return self.starts[bisect_left(self.days, first) : bisect_right(self.days, last)]


def always(_: int) -> bool:
    """A ``fits`` that every start passes."""
    return True


def refit(
    check: MicroCheck, load: DayLoad, current: Placed, starts: Sequence[int], fits: Callable[[int], bool]
) -> tuple[int, int] | None:
    """Move ``current`` to the first of ``starts`` that ``fits`` and the load allows, nearest its start first: the
    new (start, day) with the day load moved with it; None, and the load as it was, when none does."""
    load.remove(current.day)
    moved = check.first_fit(load, nearest_first(starts, current.start), fits)
    if moved is None:
        load.add(current.day)
        return None
    day = check.clock.day(moved)
    load.add(day)
    return moved, day
