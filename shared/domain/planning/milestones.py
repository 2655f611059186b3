"""Serving milestone windows: every window gets a conversation inside it, or a reason why not.

For each window, in date order: a conversation already inside just gets the milestone's fields. Else the
nearest conversation (before or after the window, not itself inside another window) moves into it when
the gaps to its neighbours stay within bounds. Else an extra single conversation goes into the window,
at least the minimum gap from its neighbours. Else the nearest conversation moves in and the ones beyond it
shift just enough to keep every gap (``cascade``). Else the milestone is unmet, with the reason.
"""

from __future__ import annotations

import sys
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from shared.domain.planning.cascade import shift_into
from shared.domain.planning.checks import Gaps, Load, PairCheck
from shared.domain.planning.grid import window_starts
from shared.domain.planning.model import Conversation, MilestoneWindow, YearRequest
from shared.domain.planning.moves import first_fit
from shared.domain.planning.unmet import still_unmet, unmet_reason


def _inside(check: PairCheck, conversation: Conversation, window: MilestoneWindow) -> bool:
    return window.earliest <= check.manager_day(conversation.start) <= window.latest


def _try_move(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    gaps: Gaps,
    window: MilestoneWindow,
    starts: Sequence[datetime],
) -> bool:
    """Move the nearest free-to-move conversation into the window (at one of ``starts``); True when done."""
    movable = [
        i
        for i, c in enumerate(plan)
        if c.milestone_id is None and not any(_inside(check, c, w) for w in request.milestones)
    ]
    before = [i for i in movable if check.manager_day(plan[i].start) < window.earliest][-1:]
    after = [i for i in movable if check.manager_day(plan[i].start) > window.latest][:1]
    distance = {i: abs((check.manager_day(plan[i].start) - window.earliest).days) for i in before}
    distance |= {i: abs((check.manager_day(plan[i].start) - window.latest).days) for i in after}
    return any(
        _move_into(request, check, load, plan, gaps, (index, window), starts)
        for index in sorted(distance, key=lambda i: (distance[i], i))
    )


def _move_into(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    gaps: Gaps,
    target: tuple[int, MilestoneWindow],
    starts: Sequence[datetime],
) -> bool:
    """Move ``plan[index]`` to the start in the window nearest to it that keeps its gaps; True when done."""
    index, window = target
    current = plan[index]
    before = check.manager_day(plan[index - 1].start) if index > 0 else None
    after = check.manager_day(plan[index + 1].start) if index + 1 < len(plan) else None

    def fits(start: datetime) -> bool:
        if before is None and start + request.rules.duration > request.window_end:
            return False
        return gaps.allows(before, check.manager_day(start), after)

    load.remove(check.manager_day(current.start))
    moved = first_fit(check, load, sorted(starts, key=lambda s: (abs(s - current.start), s)), fits)
    if moved is None:
        load.add(check.manager_day(current.start))
        return False
    load.add(check.manager_day(moved))
    plan[index] = replace(
        current,
        start=moved,
        end=moved + request.rules.duration,
        moved_because="milestone",
        milestone_id=window.id,
        milestone_label=window.label,
    )
    return True


def _try_extra(
    request: YearRequest,
    check: PairCheck,
    load: Load,
    plan: list[Conversation],
    gaps: Gaps,
    window: MilestoneWindow,
    candidates: Sequence[datetime],
) -> bool:
    """Add a single conversation in the window at least the minimum gap from its neighbours; True when done."""
    apart = Gaps(gaps.minimum, sys.maxsize)
    starts = [c.start for c in plan]

    def fits(start: datetime) -> bool:
        at = bisect_left(starts, start)
        if at == 0 and start + request.rules.duration > request.window_end:
            return False
        before = check.manager_day(starts[at - 1]) if at > 0 else None
        after = check.manager_day(starts[at]) if at < len(starts) else None
        return apart.allows(before, check.manager_day(start), after)

    extra = first_fit(check, load, candidates, fits)
    if extra is None:
        return False
    load.add(check.manager_day(extra))
    plan.insert(
        bisect_left(starts, extra),
        Conversation(extra, extra + request.rules.duration, None, milestone_id=window.id, milestone_label=window.label),
    )
    return True


def serve_milestones(
    request: YearRequest, check: PairCheck, load: Load, conversations: Sequence[Conversation], gaps: Gaps
) -> tuple[list[Conversation], list[tuple[str, str]]]:
    """The conversations with every milestone served where possible, and the unmet ones with why."""
    plan, unmet = sorted(conversations, key=lambda c: c.start), list[tuple[str, str]]()
    for window in sorted(request.milestones, key=lambda w: (w.earliest, w.latest, w.id)):
        inside = [i for i, c in enumerate(plan) if _inside(check, c, window)]
        if inside:
            free = [i for i in inside if plan[i].milestone_id is None]
            if free:
                plan[free[0]] = replace(plan[free[0]], milestone_id=window.id, milestone_label=window.label)
            continue
        starts = window_starts(request, window)  # the same for all three attempts: built once
        if _try_move(request, check, load, plan, gaps, window, starts):
            continue
        if _try_extra(request, check, load, plan, gaps, window, starts) or shift_into(
            request, check, load, plan, gaps, window, starts
        ):
            continue
        unmet.append((window.id, unmet_reason(request, window, gaps.minimum)))
    return plan, still_unmet(check, plan, request.milestones, unmet)
