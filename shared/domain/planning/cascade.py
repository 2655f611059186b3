"""Serving a milestone by shifting a run of conversations: when the nearest conversation is too far from the
window to move alone (its far-side gap would pass the rhythm plus the regular window), it moves into the
window and each following conversation on the far side moves towards it just enough to keep every gap within
bounds, until one already fits. Each moved conversation passes the hard rules at its new time. All or nothing:
when any step finds no valid time, the plan and the load are left as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.planning.checks import Gaps, Load, PairCheck
from shared.domain.planning.grid import working_starts
from shared.domain.planning.model import Conversation, MilestoneWindow, YearRequest
from shared.domain.planning.moves import MOVE_REACH, first_fit


def shift_into(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    gaps: Gaps,
    window: MilestoneWindow,
    starts: Sequence[datetime],
) -> bool:
    """Move the nearest conversation into ``window`` and re-space its far side; True when done."""
    for index, direction in _nearest(check, plan, window):
        trial, changed = list(plan), list[tuple[datetime, datetime]]()
        if _run(request, check, load, trial, gaps, (index, direction, window), starts, changed):
            plan[:] = trial
            return True
        for old, new in reversed(changed):  # undo the load of a failed cascade
            load.remove(check.manager_day(new))
            load.add(check.manager_day(old))
    return False


def _nearest(check: PairCheck, plan: list[Conversation], window: MilestoneWindow) -> list[tuple[int, int]]:
    """(index, direction) of the last free conversation before the window (moves later, +1) and the first
    after it (moves earlier, -1), nearest first."""
    free = [i for i, c in enumerate(plan) if c.milestone_id is None]
    before = [i for i in free if check.manager_day(plan[i].start) < window.earliest][-1:]
    after = [i for i in free if check.manager_day(plan[i].start) > window.latest][:1]
    found = [(i, 1, (window.earliest - check.manager_day(plan[i].start)).days) for i in before]
    found += [(i, -1, (check.manager_day(plan[i].start) - window.latest).days) for i in after]
    return [(i, d) for i, d, _ in sorted(found, key=lambda item: (item[2], item[0]))]


def _run(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    gaps: Gaps,
    target: tuple[int, int, MilestoneWindow],
    starts: Sequence[datetime],
    changed: list[tuple[datetime, datetime]],
) -> bool:
    index, direction, window = target
    near = index + direction  # the neighbour on the window side: its gap shrinks, so only the minimum matters
    near_day = check.manager_day(plan[near].start) if 0 <= near < len(plan) else None

    def fits_window(start: datetime) -> bool:
        day = check.manager_day(start)
        if near_day is None:
            return True
        return (near_day - day).days * direction >= gaps.minimum

    if not _place(request, check, load, plan, index, starts, fits_window, changed):
        return False
    plan[index] = replace(plan[index], moved_because="milestone", milestone_id=window.id, milestone_label=window.label)
    current = index
    away = -direction  # the far side: its gaps grow as the conversation moves towards the window
    while 0 <= current + away < len(plan):
        follower = current + away
        anchor = check.manager_day(plan[current].start)
        gap = (check.manager_day(plan[follower].start) - anchor).days * away
        if gaps.minimum <= gap <= gaps.maximum:
            return True
        if plan[follower].milestone_id is not None:
            return False  # it serves another milestone: it stays inside that window
        if not _respace(request, check, load, plan, (follower, away, anchor), gaps, changed):
            return False
        current = follower
    return True


def _respace(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    target: tuple[int, int, date],
    gaps: Gaps,
    changed: list[tuple[datetime, datetime]],
) -> bool:
    """Move ``plan[index]`` to a day ``gaps`` away from ``anchor`` (on the ``direction`` side), nearest first."""
    index, direction, anchor = target
    zone = check.people[0].zone
    days = [anchor + timedelta(days=direction * n) for n in range(gaps.minimum, gaps.maximum + 1)]
    lowest, highest = min(days), max(days)
    begin = datetime.combine(lowest, time(0), zone).astimezone(UTC)
    end = datetime.combine(highest + timedelta(days=1), time(0), zone).astimezone(UTC)
    begin, end = max(begin, request.window_start), min(end, request.horizon_end)
    candidates = [s for s in working_starts(check.people[0], begin, end, request.rules) if s + check.duration <= end]
    return _place(request, check, load, plan, index, candidates, lambda _: True, changed)


def _place(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    index: int,
    starts: Sequence[datetime],
    fits: Callable[[datetime], bool],
    changed: list[tuple[datetime, datetime]],
) -> bool:
    current = plan[index]

    def allowed(start: datetime) -> bool:
        if index == 0 and start + check.duration > request.window_end:
            return False  # the first conversation stays in the search window
        return fits(start)

    load.remove(check.manager_day(current.start))
    ordered = sorted(starts, key=lambda s: (abs(s - current.start), s))
    moved = first_fit(check, load, ordered, allowed)
    if moved is None:
        load.add(check.manager_day(current.start))
        return False
    load.add(check.manager_day(moved))
    changed.append((current.start, moved))
    near = current.pattern_start is not None and abs(moved - current.pattern_start) <= MOVE_REACH
    why = current.moved_because if near else None  # respaced out of its week: the milestone moved it
    plan[index] = replace(current, start=moved, end=moved + check.duration, moved_because=why or "milestone")
    return True
