"""Milestones left unmet: why, and a last look after every window was tried (a cascade may have helped)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from shared.domain.planning.checks import PairCheck
from shared.domain.planning.model import Conversation, MilestoneWindow, YearRequest


def still_unmet(
    check: PairCheck, plan: list[Conversation], windows: Sequence[MilestoneWindow], unmet: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """A later cascade may shift a conversation into a window already found unmet: then it serves it."""
    by_id, left = {w.id: w for w in windows}, list[tuple[str, str]]()
    for milestone_id, why in unmet:
        window = by_id[milestone_id]
        inside = [i for i, c in enumerate(plan) if window.earliest <= check.manager_day(c.start) <= window.latest]
        if not inside:
            left.append((milestone_id, why))
        elif free := [i for i in inside if plan[i].milestone_id is None]:
            plan[free[0]] = replace(plan[free[0]], milestone_id=window.id, milestone_label=window.label)
    return left


def unmet_reason(request: YearRequest, window: MilestoneWindow, minimum_gap: int) -> str:
    """Why a window could not be served: outside the horizon, or no valid time at the gaps."""
    zone = request.people[0].zone
    first, last = request.window_start.astimezone(zone).date(), request.horizon_end.astimezone(zone).date()
    if window.latest < first or window.earliest >= last or window.latest < window.earliest:
        return "the milestone window lies outside the planning horizon"
    return (
        f"no time in {window.earliest.isoformat()}–{window.latest.isoformat()} fits both people's hours, free time "
        f"and limits at least {minimum_gap} days from the neighbouring conversations"
    )
