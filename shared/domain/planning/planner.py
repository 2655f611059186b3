"""``plan_year``: the series' weekly time and every conversation over the horizon (see the package docs)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial

from shared.domain.calendar import Busy
from shared.domain.planning import micro_first
from shared.domain.planning.checks import Load, PairCheck, gaps_for
from shared.domain.planning.first_choice import FirstChoice, choose_first
from shared.domain.planning.micro_checks import MicroCheck
from shared.domain.planning.micro_closest import closest_micro
from shared.domain.planning.micro_days import DayGaps, DayLoad
from shared.domain.planning.micro_milestones import serve_milestones as serve_micro
from shared.domain.planning.micro_place import (
    Bounds,
    Placed,
)
from shared.domain.planning.micro_place import (
    place_pattern as place_micro,
)
from shared.domain.planning.milestones import serve_milestones
from shared.domain.planning.model import Conversation, YearPlan, YearRequest
from shared.domain.planning.moves import MOVE_DAYS, place_pattern
from shared.domain.planning.pattern import weekly_starts
from shared.domain.slots import Explanation, Slot
from shared.domain.slots_explain import closest_options, describe_choice, no_slot_reason
from shared.domain.slots_rules import SOFT_RULES, Rule
from shared.domain.zone_offsets import from_us, to_us

SPAN_MARGIN = timedelta(days=MOVE_DAYS + 1)  # a week may move this far from the search window or the horizon
_TICK = timedelta.resolution  # ``weekly_starts`` stops before its bound: one microsecond past the last start


def plan_year(request: YearRequest) -> YearPlan:
    """Every conversation of the pair's series over the horizon; deterministic for equal input.

    Runs on integer microseconds (``micro_checks``, ``micro_first``, ``micro_place``): the same steps and
    choices as ``plan_with`` on ``datetime``s, which the tests keep as the oracle."""
    span = (to_us(request.window_start - SPAN_MARGIN), to_us(request.horizon_end + SPAN_MARGIN))
    check = MicroCheck(request.people, request.busy, request.rules, span)
    load = DayLoad(request.booked_days)
    choice = micro_first.choose_first(request, check, load)
    if choice.start is None:
        starts = tuple(from_us(start) for start in choice.starts)
        closest = partial(closest_micro, check, choice.starts)
        return _no_slot(request, FirstChoice(None, (), starts, choice.rejected), closest)
    bounds = Bounds.of(request)
    bounds_of_gaps = gaps_for(request.min_gap_days, request.max_gap_days, request.rhythm_weeks)
    gaps = DayGaps(bounds_of_gaps.minimum, bounds_of_gaps.maximum)
    last_start = bounds.horizon_end - check.duration  # a conversation ends inside the horizon
    pattern = list(check.pattern(choice.start, request.rhythm_weeks, last_start + 1))
    placed, skipped = place_micro(request, check, load, pattern, gaps, bounds)
    planned, unmet = serve_micro(request, check, load, placed, gaps, bounds)
    conversations = [_conversation(c, check.duration) for c in planned]
    first = from_us(choice.start)
    explanation = _explain(
        request, (first, choice.relaxed, len(choice.starts), choice.rejected), conversations, len(skipped), len(unmet)
    )
    return YearPlan(
        first,
        tuple(conversations),
        tuple((from_us(start), why) for start, why in skipped),
        explanation,
        (),
        tuple(unmet),
    )


def _conversation(placed: Placed, duration: int) -> Conversation:
    pattern = placed.pattern_start
    return Conversation(
        from_us(placed.start),
        from_us(placed.start + duration),
        None if pattern is None else from_us(pattern),
        placed.moved_because,
        placed.milestone_id,
        placed.milestone_label,
    )


def plan_with(request: YearRequest, check: PairCheck) -> YearPlan:
    """``plan_year`` on ``datetime``s with the rules answered by ``check``: the reference the tests compare
    ``plan_year`` with (with ``PairCheck.build`` as it was, or with a per-candidate ``slots_rules`` check)."""
    load = Load(request.booked_days)
    choice = choose_first(request, check, load)
    if choice.start is None:
        return _no_slot(request, choice)
    gaps = gaps_for(request.min_gap_days, request.max_gap_days, request.rhythm_weeks)
    last_start = request.horizon_end - request.rules.duration  # a conversation ends inside the horizon
    pattern = weekly_starts(choice.start, request.people[0].zone, request.rhythm_weeks, last_start + _TICK)
    placed, skipped = place_pattern(request, check, load, pattern, gaps)
    conversations, unmet = serve_milestones(request, check, load, placed, gaps)
    chosen = (choice.start, choice.relaxed, len(choice.starts), choice.rejected)
    explanation = _explain(request, chosen, conversations, len(skipped), len(unmet))
    return YearPlan(choice.start, tuple(conversations), tuple(skipped), explanation, (), tuple(unmet))


Chosen = tuple[datetime, tuple[Rule, ...], int, dict[str, int]]  # start, relaxed rules, candidates, rejections


def _explain(
    request: YearRequest, chosen: Chosen, conversations: list[Conversation], skipped: int, unmet: int
) -> Explanation:
    start, relaxed, considered, rejected = chosen
    reason = "fallback" if relaxed else "all rules met"
    end = start + request.rules.duration
    sentence = describe_choice(request.people, start, end, relaxed, request.rules)
    moved = sum(1 for c in conversations if c.is_moved)
    extra = sum(1 for c in conversations if c.is_extra)
    sentence += (
        f" Over the horizon: {len(conversations)} conversations, {moved} moved, {extra} extra, "
        f"{skipped} skipped, {unmet} milestones unmet."
    )
    return Explanation(reason, sentence, considered, rejected)


Closest = Callable[[YearRequest, Mapping[str, Sequence[Busy]]], list[tuple[datetime, tuple[str, ...]]]]


def _closest(
    request: YearRequest, choice: FirstChoice, in_window: Mapping[str, Sequence[Busy]]
) -> list[tuple[datetime, tuple[str, ...]]]:
    return closest_options(request.people, in_window, request.booked_days, choice.starts, request.rules)


def _no_slot(request: YearRequest, choice: FirstChoice, closest: Closest | None = None) -> YearPlan:
    soft_only = any(value for key, value in choice.rejected.items() if key in {rule.value for rule in SOFT_RULES})
    reason = no_slot_reason(
        request.people, request.window_start, choice.rejected, len(choice.starts), request.rules, soft_only
    )
    if not choice.starts and request.window_end - request.window_start >= request.rules.duration:
        reason = "the manager has no working hours in the window"  # the grid only covers the manager's hours
    in_window = {
        key: [b for b in items if b.start < request.window_end and request.window_start < b.end]
        for key, items in request.busy.items()
    }
    options = _closest(request, choice, in_window) if closest is None else closest(request, in_window)
    slots = tuple(Slot(s, s + request.rules.duration, outside_hours=outside) for s, outside in options)
    explanation = Explanation(reason, f"No slot in the window: {reason}.", len(choice.starts), choice.rejected)
    unmet = tuple((w.id, "no slot for the series") for w in request.milestones)
    return YearPlan(None, (), (), explanation, slots, unmet)
