"""``plan_year``: the series' weekly time and every conversation over the horizon (see the package docs)."""

from __future__ import annotations

from datetime import timedelta

from shared.domain.planning.checks import Load, PairCheck, gaps_for
from shared.domain.planning.first_choice import FirstChoice, choose_first
from shared.domain.planning.milestones import serve_milestones
from shared.domain.planning.model import Conversation, YearPlan, YearRequest
from shared.domain.planning.moves import MOVE_DAYS, place_pattern
from shared.domain.planning.pattern import weekly_starts
from shared.domain.slots import Explanation, Slot
from shared.domain.slots_explain import closest_options, describe_choice, no_slot_reason
from shared.domain.slots_rules import SOFT_RULES

SPAN_MARGIN = timedelta(days=MOVE_DAYS + 1)  # a week may move this far from the search window or the horizon
_TICK = timedelta.resolution  # ``weekly_starts`` stops before its bound: one microsecond past the last start


def plan_year(request: YearRequest) -> YearPlan:
    """Every conversation of the pair's series over the horizon; deterministic for equal input."""
    span = (request.window_start - SPAN_MARGIN, request.horizon_end + SPAN_MARGIN)
    return plan_with(request, PairCheck.build(request.people, request.busy, request.rules, span))


def plan_with(request: YearRequest, check: PairCheck) -> YearPlan:
    """``plan_year`` with the rules answered by ``check`` (the tests pass a slow reference to compare)."""
    load = Load(request.booked_days)
    choice = choose_first(request, check, load)
    if choice.start is None:
        return _no_slot(request, choice)
    gaps = gaps_for(request.min_gap_days, request.max_gap_days, request.rhythm_weeks)
    last_start = request.horizon_end - request.rules.duration  # a conversation ends inside the horizon
    pattern = weekly_starts(choice.start, request.people[0].zone, request.rhythm_weeks, last_start + _TICK)
    placed, skipped = place_pattern(request, check, load, pattern, gaps)
    conversations, unmet = serve_milestones(request, check, load, placed, gaps)
    explanation = _explain(request, choice, conversations, len(skipped), len(unmet))
    return YearPlan(choice.start, tuple(conversations), tuple(skipped), explanation, (), tuple(unmet))


def _explain(
    request: YearRequest, choice: FirstChoice, conversations: list[Conversation], skipped: int, unmet: int
) -> Explanation:
    assert choice.start is not None
    reason = "fallback" if choice.relaxed else "all rules met"
    end = choice.start + request.rules.duration
    sentence = describe_choice(request.people, choice.start, end, choice.relaxed, request.rules)
    moved = sum(1 for c in conversations if c.is_moved)
    extra = sum(1 for c in conversations if c.is_extra)
    sentence += (
        f" Over the horizon: {len(conversations)} conversations, {moved} moved, {extra} extra, "
        f"{skipped} skipped, {unmet} milestones unmet."
    )
    return Explanation(reason, sentence, len(choice.starts), choice.rejected)


def _no_slot(request: YearRequest, choice: FirstChoice) -> YearPlan:
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
    options = closest_options(request.people, in_window, request.booked_days, choice.starts, request.rules)
    closest = tuple(Slot(s, s + request.rules.duration, outside_hours=outside) for s, outside in options)
    explanation = Explanation(reason, f"No slot in the window: {reason}.", len(choice.starts), choice.rejected)
    unmet = tuple((w.id, "no slot for the series") for w in request.milestones)
    return YearPlan(None, (), (), explanation, closest, unmet)
