"""``cascade`` on microseconds: the nearest conversation moves into a milestone window, and those on its far side
follow just enough to keep every gap; all or nothing (``cascade.shift_into``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import timedelta

from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import DayGaps, DayLoad
from shared.domain.planning.micro_place import Bounds, Placed, Window, always, refit
from shared.domain.planning.moves import MOVE_REACH

_MOVE_REACH_US = MOVE_REACH // timedelta(microseconds=1)


def shift_into(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: Window, bounds: Bounds
) -> bool:
    """Shift the nearest free conversation into ``window`` and its far side after it; ``load`` follows."""
    for index, direction in _nearest(plan, window):
        trial, changed = list(plan), list[tuple[int, int]]()
        if _cascade(check, load, trial, gaps, (index, direction, window), bounds, changed):
            plan[:] = trial
            return True
        for old, new in reversed(changed):  # undo the load of a failed cascade
            load.remove(new)
            load.add(old)
    return False


def _nearest(plan: list[Placed], window: Window) -> list[tuple[int, int]]:
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
    target: tuple[int, int, Window],
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
    return _place(check, load, plan, index, candidates, always, bounds, changed)


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

    refitted = refit(check, load, current, starts, allowed)
    if refitted is None:
        return False
    moved, day = refitted
    changed.append((current.day, day))
    near = current.pattern_start is not None and abs(moved - current.pattern_start) <= _MOVE_REACH_US
    why = current.moved_because if near else None  # respaced out of its week: the milestone moved it
    plan[index] = replace(current, start=moved, day=day, moved_because=why or "milestone")
    return True
