"""Property tests for ``plan_year`` across zone pairs of both hemispheres, half-hour zones and DST changes.

Every conversation is inside both people's hours and free; the manager's daily and ISO-week caps hold with
what was already booked; gaps stay within bounds (the maximum only when nothing was skipped); every
milestone is served or listed unmet; the first conversation is in the window; the plan is deterministic.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.people import WORKWEEK, Weekday, WorkingHours
from shared.domain.planning import MilestoneWindow, YearPlan, YearRequest, plan_year, weekly_starts
from shared.domain.planning.moves import MOVE_DAYS
from shared.domain.slots import attendee
from shared.domain.slots_rules import Attendee, SlotRules, in_working_hours, iso_week, overlaps

pytestmark = pytest.mark.unit

ZONES = [
    "Australia/Sydney",
    "America/Los_Angeles",
    "Europe/Helsinki",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Asia/Tokyo",
    "America/Phoenix",
    "Europe/London",
    "America/New_York",
]
TICK = timedelta(microseconds=1)  # a start exactly at the last start is in the pattern
D = Weekday
SUNDAY_TO_THURSDAY = frozenset({D.SUNDAY, D.MONDAY, D.TUESDAY, D.WEDNESDAY, D.THURSDAY})
PART_TIME = [frozenset({D.MONDAY, D.TUESDAY, D.WEDNESDAY}), frozenset({D.TUESDAY, D.THURSDAY}), frozenset({D.FRIDAY})]
STARTS = [
    date(2026, 3, 2),
    date(2026, 9, 20),
    date(2027, 3, 1),
    date(2027, 3, 25),
    date(2027, 9, 28),
    date(2027, 10, 30),
]
STATUSES = ["busy", "tentative", "oof", "free", "workingElsewhere", "unknown"]
MOVE_REASONS = {"outside hours", "busy", "daily limit", "weekly limit", "milestone"}
PROPERTIES = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    start = draw(st.integers(6 * 4, 11 * 4)) * 15
    end = min(start + draw(st.integers(5 * 4, 11 * 4)) * 15, 24 * 60 - 15)
    days = draw(st.one_of(st.sampled_from([WORKWEEK, SUNDAY_TO_THURSDAY, *PART_TIME]), st.sets(st.sampled_from(D))))
    return WorkingHours(
        time_zone=draw(st.sampled_from(ZONES)),
        start=time(start // 60, start % 60),
        end=time(end // 60, end % 60),
        days=frozenset(days) or WORKWEEK,
    )


def _busy(draw: st.DrawFn, begin: datetime, days: int) -> list[Busy]:
    items = []
    for _ in range(draw(st.integers(0, 80))):
        start = begin + timedelta(minutes=15 * draw(st.integers(0, days * 96)))
        length = timedelta(minutes=15 * draw(st.integers(1, 32)))
        items.append(Busy(start, start + length, draw(st.sampled_from(STATUSES))))
    for _ in range(draw(st.integers(0, 4))):  # holidays: whole days out of office
        start = begin + timedelta(days=draw(st.integers(0, days)))
        items.append(Busy(start, start + timedelta(days=draw(st.integers(1, 9))), "oof"))
    return items


def _overlapping(draw: st.DrawFn, manager: Attendee, hours: WorkingHours, moment: datetime) -> WorkingHours:
    """Report hours that start inside the manager's day (at ``moment``'s offsets) and last 2 to 6 hours, every day."""
    manager_day = datetime.combine(moment.date(), manager.hours.start, manager.zone)
    start = (manager_day + timedelta(minutes=15 * draw(st.integers(0, 16)))).astimezone(ZoneInfo(hours.time_zone))
    begin = min(start.hour * 60 + start.minute // 15 * 15, 17 * 60)
    end = begin + 15 * draw(st.integers(8, 24))
    return replace(hours, start=time(begin // 60, begin % 60), end=time(end // 60, end % 60), days=frozenset(D))


@st.composite
def year_requests(draw: st.DrawFn) -> YearRequest:
    manager = attendee("m@x.test", "Manager", draw(working_hours()))
    day = draw(st.sampled_from(STARTS)) + timedelta(days=draw(st.integers(0, 6)))
    window_start = datetime.combine(day, time(0), UTC) + timedelta(minutes=15 * draw(st.integers(0, 95)))
    report_hours = draw(working_hours())
    if draw(st.booleans()):  # a narrow overlap that DST changes in either zone can break
        report_hours = _overlapping(draw, manager, report_hours, window_start)
    report = attendee("r@x.test", "Report", report_hours)
    horizon_days = draw(st.integers(30, 366))
    rhythm = draw(st.integers(3, 6))
    booked_base = window_start.astimezone(manager.zone).date()
    booked = {
        booked_base + timedelta(days=draw(st.integers(0, horizon_days))): draw(st.integers(1, 3))
        for _ in range(draw(st.integers(0, 30)))
    }
    milestones = []
    for index in range(draw(st.integers(0, 3))):
        earliest = booked_base + timedelta(days=draw(st.integers(-10, horizon_days + 10)))
        milestones.append(
            MilestoneWindow(
                f"m{index}", f"Milestone {index}", earliest, earliest + timedelta(days=draw(st.integers(0, 13)))
            )
        )
    rules = SlotRules(
        duration_minutes=draw(st.sampled_from([30, 45, 60])),
        max_per_day=draw(st.integers(1, 3)),
        max_per_week=draw(st.integers(2, 8)),
        tentative_is_busy=draw(st.booleans()),
        allow_fallback=draw(st.booleans()),
    )
    return YearRequest(
        people=(manager, report),
        busy={"m@x.test": _busy(draw, window_start, horizon_days), "r@x.test": _busy(draw, window_start, horizon_days)},
        window_start=window_start,
        window_end=window_start + timedelta(days=draw(st.integers(7, 14))),
        horizon_end=window_start + timedelta(days=horizon_days),
        rhythm_weeks=rhythm,
        rules=rules,
        booked_days=booked,
        milestones=tuple(milestones),
        min_gap_days=draw(st.integers(7 * rhythm - 7, 7 * rhythm)),
        max_gap_days=draw(st.integers(7 * rhythm, 7 * rhythm + 14)),
        spread_key=draw(st.text(max_size=8)),
    )


def _local_day(request: YearRequest, moment: datetime) -> date:
    return moment.astimezone(request.people[0].zone).date()


@PROPERTIES
@given(year_requests())
def test_every_conversation_is_in_both_peoples_hours_and_free(request: YearRequest) -> None:
    plan = plan_year(request)
    statuses = request.rules.hard_statuses()
    for conversation in plan.conversations:
        assert conversation.end - conversation.start == request.rules.duration
        for person in request.people:
            assert in_working_hours(person, conversation.start, conversation.end), (person.zone, conversation)
            assert not overlaps(request.busy[person.key], conversation.start, conversation.end, statuses)
        assert request.window_start <= conversation.start and conversation.end <= request.horizon_end


@PROPERTIES
@given(year_requests())
def test_daily_and_weekly_caps_hold_with_what_was_booked(request: YearRequest) -> None:
    plan = plan_year(request)
    ours = Counter(_local_day(request, c.start) for c in plan.conversations)
    booked_weeks = Counter[tuple[int, int]]()
    for day, count in request.booked_days.items():
        booked_weeks[iso_week(day)] += count
    our_weeks = Counter(iso_week(day) for day in ours.elements())
    for day, count in ours.items():
        assert request.booked_days.get(day, 0) + count <= request.rules.max_per_day
    for week, count in our_weeks.items():
        assert booked_weeks[week] + count <= request.rules.max_per_week


@PROPERTIES
@given(year_requests())
def test_gaps_stay_within_bounds_and_the_maximum_holds_when_nothing_was_skipped(request: YearRequest) -> None:
    plan = plan_year(request)
    days = [_local_day(request, c.start) for c in plan.conversations]
    assert days == sorted(days)
    gaps = [(later - earlier).days for earlier, later in pairwise(days)]
    assert all(gap >= request.min_gap_days for gap in gaps)
    if not plan.skipped:
        assert all(gap <= request.max_gap_days for gap in gaps)


@PROPERTIES
@given(year_requests())
def test_every_milestone_is_served_in_its_window_or_listed_unmet(request: YearRequest) -> None:
    plan = plan_year(request)
    unmet = dict(plan.unmet_milestones)
    days = [_local_day(request, c.start) for c in plan.conversations]
    for window in request.milestones:
        served = any(window.earliest <= day <= window.latest for day in days)
        assert served != (window.id in unmet)
        assert window.id not in unmet or unmet[window.id]
    by_id = {w.id: w for w in request.milestones}
    for conversation, day in zip(plan.conversations, days, strict=True):
        if conversation.milestone_id is not None:
            window = by_id[conversation.milestone_id]
            assert window.earliest <= day <= window.latest
            assert conversation.milestone_label == window.label


@PROPERTIES
@given(year_requests())
def test_the_pattern_is_placed_moved_or_skipped_and_the_first_is_in_the_window(request: YearRequest) -> None:
    plan = plan_year(request)
    if plan.first_start is None:
        assert plan.conversations == () and plan.explanation.reason
        return
    assert request.window_start <= plan.first_start <= request.window_end - request.rules.duration
    first = plan.conversations[0]
    assert request.window_start <= first.start and first.end <= request.window_end
    last_start = request.horizon_end - request.rules.duration  # a conversation ends inside the horizon
    pattern = weekly_starts(plan.first_start, request.people[0].zone, request.rhythm_weeks, last_start + TICK)
    placed = [c.pattern_start for c in plan.conversations if not c.is_extra]
    assert sorted(placed + [start for start, _ in plan.skipped]) == pattern  # type: ignore[type-var]
    for conversation in plan.conversations:
        assert conversation.is_moved == (conversation.moved_because is not None)
        assert conversation.moved_because is None or conversation.moved_because in MOVE_REASONS
        if conversation.is_moved and conversation.moved_because != "milestone":
            assert conversation.pattern_start is not None
            reach = timedelta(days=MOVE_DAYS, hours=1)  # an hour more: a DST change in between
            assert abs(conversation.start - conversation.pattern_start) <= reach
        assert not conversation.is_extra or conversation.milestone_id is not None
    assert all(reason for _, reason in plan.skipped)


@PROPERTIES
@given(year_requests())
def test_the_plan_is_deterministic_whatever_the_order_of_busy_time(request: YearRequest) -> None:
    shuffled = {key: list(reversed(items)) for key, items in reversed(list(request.busy.items()))}
    again = replace(request, busy=shuffled)
    first: YearPlan = plan_year(request)
    assert first == plan_year(again)
