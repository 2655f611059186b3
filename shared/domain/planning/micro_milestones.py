"""``milestones`` and ``unmet`` on microseconds: serving every milestone window of a placed pattern.

A window takes a free conversation already inside it, else the nearest free-to-move one, else an extra
conversation, else a cascade (``micro_cascade``); what stays unmet says why. The same steps, in the same order,
with the same tie-breaks as ``milestones.serve_milestones``.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace

from shared.domain.planning.micro_cascade import shift_into
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_days import DayGaps, DayLoad
from shared.domain.planning.micro_place import Bounds, Placed, Window, always, refit
from shared.domain.planning.model import MilestoneWindow, YearRequest
from shared.domain.planning.unmet import unmet_reason
from shared.domain.zone_offsets import day_number


def _inside_any(day: int, windows: tuple[tuple[int, int], ...]) -> bool:
    return any(earliest <= day <= latest for earliest, latest in windows)


def _try_move(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: Window, bounds: Bounds
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
    target: tuple[int, Window],
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
    refitted = refit(check, load, current, starts, always)
    if refitted is None:
        return False
    moved, day = refitted
    milestone = window.milestone
    plan[index] = replace(
        current, start=moved, day=day, moved_because="milestone", milestone_id=milestone.id,
        milestone_label=milestone.label,
    )  # fmt: skip
    return True


def _try_extra(
    check: MicroCheck, load: DayLoad, plan: list[Placed], gaps: DayGaps, window: Window, bounds: Bounds
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
        window = Window(check, bounds, milestone)
        if _try_move(check, load, plan, gaps, window, bounds):
            continue
        if _try_extra(check, load, plan, gaps, window, bounds) or shift_into(check, load, plan, gaps, window, bounds):
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
