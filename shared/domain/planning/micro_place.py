"""``moves``, ``milestones``, ``cascade`` and ``unmet`` on microseconds: placing the pattern and serving milestones.

The same steps, in the same order, with the same tie-breaks, on ``MicroCheck``: every placed conversation
keeps its manager-local day number beside its start, so gaps and windows are integer comparisons. Where the
old code filtered candidates inside ``first_fit`` (``fits``), the filter runs before the sort by distance:
``fits`` depends on the candidate alone, so the first start that passes both is the same.
"""

from __future__ import annotations

import sys
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import timedelta

from shared.domain.intervals import nearest_first
from shared.domain.planning.checks import MOVE_REASONS
from shared.domain.planning.micro_checks import DayGaps, DayLoad, MicroCheck
from shared.domain.planning.model import MilestoneWindow, YearRequest
from shared.domain.planning.moves import MOVE_DAYS, MOVE_REACH
from shared.domain.planning.unmet import unmet_reason
from shared.domain.zone_offsets import day_number, to_us

_MOVE_REACH_US = MOVE_REACH // timedelta(microseconds=1)


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


class _Window:
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


def _inside_any(day: int, windows: tuple[tuple[int, int], ...]) -> bool:
    return any(earliest <= day <= latest for earliest, latest in windows)


def _try_move(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: _Window, bounds: Bounds
) -> bool:
    """``milestones._try_move``: the nearest free-to-move conversation moves into the window."""
    movable = [i for i, c in enumerate(plan) if c.milestone_id is None and not _inside_any(c.day, bounds.windows)]
    before = [i for i in movable if plan[i].day < window.earliest][-1:]
    after = [i for i in movable if plan[i].day > window.latest][:1]
    distance = {i: abs(plan[i].day - window.earliest) for i in before}
    distance |= {i: abs(plan[i].day - window.latest) for i in after}
    return any(
        _move_into(check, load, plan, gaps, (index, window), bounds)
        for index in sorted(distance, key=lambda i: (distance[i], i))
    )


def _move_into(
    check: MicroCheck,
    load: DayLoad,
    plan: list[Placed],
    gaps: DayGaps,
    target: tuple[int, _Window],
    bounds: Bounds,
) -> bool:
    index, window = target
    current = plan[index]
    before = plan[index - 1].day if index > 0 else None
    after = plan[index + 1].day if index + 1 < len(plan) else None
    # the days ``gaps.allows(before, day, after)`` allows, as one range
    first, last = -sys.maxsize, sys.maxsize
    if before is not None:
        first, last = max(first, before + gaps.minimum), min(last, before + gaps.maximum)
    if after is not None:
        first, last = max(first, after - gaps.maximum), min(last, after - gaps.minimum)
    starts = window.on_days(first, last)
    if before is None:
        starts = [s for s in starts if s + check.duration <= bounds.window_end]
    load.remove(current.day)
    moved = check.first_fit(load, nearest_first(starts, current.start), _always)
    if moved is None:
        load.add(current.day)
        return False
    day = check.clock.day(moved)
    load.add(day)
    milestone = window.milestone
    plan[index] = replace(
        current, start=moved, day=day, moved_because="milestone", milestone_id=milestone.id,
        milestone_label=milestone.label,
    )  # fmt: skip
    return True


def _always(_: int) -> bool:
    return True


def _try_extra(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: _Window, bounds: Bounds
) -> bool:
    """``milestones._try_extra``: a single conversation in the window, at least the minimum gap from both sides."""
    apart = DayGaps(gaps.minimum, sys.maxsize)
    starts = [c.start for c in plan]
    day_of, duration, window_end = check.clock.day, check.duration, bounds.window_end

    def fits(start: int) -> bool:
        at = bisect_left(starts, start)
        if at == 0 and start + duration > window_end:
            return False
        before = plan[at - 1].day if at > 0 else None
        after = plan[at].day if at < len(starts) else None
        return apart.allows(before, day_of(start), after)

    extra = check.first_fit(load, window.starts, fits)
    if extra is None:
        return False
    day = day_of(extra)
    load.add(day)
    milestone = window.milestone
    plan.insert(bisect_left(starts, extra), Placed(extra, day, None, None, milestone.id, milestone.label))
    return True


def serve_milestones(
    request: YearRequest, check: MicroCheck, load: DayLoad, placed: Sequence[Placed], gaps: DayGaps, bounds: Bounds
) -> tuple[list[Placed], list[tuple[str, str]]]:
    """``milestones.serve_milestones``: every window served where possible, the unmet ones with why."""
    plan, unmet = sorted(placed, key=lambda c: c.start), list[tuple[str, str]]()
    for milestone in sorted(request.milestones, key=lambda w: (w.earliest, w.latest, w.id)):
        earliest, latest = day_number(milestone.earliest), day_number(milestone.latest)
        inside = [i for i, c in enumerate(plan) if earliest <= c.day <= latest]
        if inside:
            free = [i for i in inside if plan[i].milestone_id is None]
            if free:
                plan[free[0]] = replace(plan[free[0]], milestone_id=milestone.id, milestone_label=milestone.label)
            continue
        window = _Window(check, bounds, milestone)
        if _try_move(check, load, plan, gaps, window, bounds):
            continue
        if _try_extra(check, load, plan, gaps, window, bounds) or _shift_into(check, load, plan, gaps, window, bounds):
            continue
        unmet.append((milestone.id, unmet_reason(request, milestone, gaps.minimum)))
    return plan, _still_unmet(plan, request.milestones, unmet)


def _still_unmet(
    plan: list[Placed], windows: Sequence[MilestoneWindow], unmet: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``unmet.still_unmet``: a later cascade may have shifted a conversation into a window found unmet."""
    by_id, left = {w.id: w for w in windows}, list[tuple[str, str]]()
    for milestone_id, why in unmet:
        window = by_id[milestone_id]
        earliest, latest = day_number(window.earliest), day_number(window.latest)
        inside = [i for i, c in enumerate(plan) if earliest <= c.day <= latest]
        if not inside:
            left.append((milestone_id, why))
        elif free := [i for i in inside if plan[i].milestone_id is None]:
            plan[free[0]] = replace(plan[free[0]], milestone_id=window.id, milestone_label=window.label)
    return left


# The cascade (``cascade.shift_into``): the nearest conversation moves into the window, and those on its far side
# follow just enough to keep every gap; all or nothing.


def _shift_into(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: _Window, bounds: Bounds
) -> bool:
    for index, direction in _nearest(plan, window):
        trial, changed = list(plan), list[tuple[int, int]]()
        if _cascade(check, load, trial, gaps, (index, direction, window), bounds, changed):
            plan[:] = trial
            return True
        for old, new in reversed(changed):  # undo the load of a failed cascade
            load.remove(new)
            load.add(old)
    return False


def _nearest(plan: list[Placed], window: _Window) -> list[tuple[int, int]]:
    free = [i for i, c in enumerate(plan) if c.milestone_id is None]
    before = [i for i in free if plan[i].day < window.earliest][-1:]
    after = [i for i in free if plan[i].day > window.latest][:1]
    found = [(i, 1, window.earliest - plan[i].day) for i in before]
    found += [(i, -1, plan[i].day - window.latest) for i in after]
    return [(i, d) for i, d, _ in sorted(found, key=lambda item: (item[2], item[0]))]


def _cascade(
    check: MicroCheck,
    load: DayLoad,
    plan: list[Placed],
    gaps: DayGaps,
    target: tuple[int, int, _Window],
    bounds: Bounds,
    changed: list[tuple[int, int]],
) -> bool:
    index, direction, window = target
    near = index + direction  # the neighbour on the window side: its gap shrinks, so only the minimum matters
    near_day = plan[near].day if 0 <= near < len(plan) else None
    day_of = check.clock.day

    def fits_window(start: int) -> bool:
        if near_day is None:
            return True
        return (near_day - day_of(start)) * direction >= gaps.minimum

    if not _place(check, load, plan, index, window.starts, fits_window, bounds, changed):
        return False
    milestone = window.milestone
    plan[index] = replace(
        plan[index], moved_because="milestone", milestone_id=milestone.id, milestone_label=milestone.label
    )
    current = index
    away = -direction  # the far side: its gaps grow as the conversation moves towards the window
    while 0 <= current + away < len(plan):
        follower = current + away
        anchor = plan[current].day
        gap = (plan[follower].day - anchor) * away
        if gaps.minimum <= gap <= gaps.maximum:
            return True
        if plan[follower].milestone_id is not None:
            return False  # it serves another milestone: it stays inside that window
        if not _respace(check, load, plan, (follower, away, anchor), gaps, bounds, changed):
            return False
        current = follower
    return True


def _respace(
    check: MicroCheck,
    load: DayLoad,
    plan: list[Placed],
    target: tuple[int, int, int],
    gaps: DayGaps,
    bounds: Bounds,
    changed: list[tuple[int, int]],
) -> bool:
    """Move ``plan[index]`` to a day ``gaps`` away from ``anchor`` (on the ``direction`` side), nearest first."""
    index, direction, anchor = target
    days = [anchor + direction * n for n in range(gaps.minimum, gaps.maximum + 1)]
    candidates = check.days_grid(min(days), max(days), bounds.window_start, bounds.horizon_end)
    return _place(check, load, plan, index, candidates, _always, bounds, changed)


def _place(
    check: MicroCheck,
    load: DayLoad,
    plan: list[Placed],
    index: int,
    starts: Sequence[int],
    fits: Callable[[int], bool],
    bounds: Bounds,
    changed: list[tuple[int, int]],
) -> bool:
    current = plan[index]
    duration, window_end = check.duration, bounds.window_end

    def allowed(start: int) -> bool:
        if index == 0 and start + duration > window_end:
            return False  # the first conversation stays in the search window
        return fits(start)

    load.remove(current.day)
    moved = check.first_fit(load, nearest_first(starts, current.start), allowed)
    if moved is None:
        load.add(current.day)
        return False
    day = check.clock.day(moved)
    load.add(day)
    changed.append((current.day, day))
    near = current.pattern_start is not None and abs(moved - current.pattern_start) <= _MOVE_REACH_US
    why = current.moved_because if near else None  # respaced out of its week: the milestone moved it
    plan[index] = replace(current, start=moved, day=day, moved_because=why or "milestone")
    return True
