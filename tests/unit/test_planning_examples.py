"""``plan_year`` by example: a Sydney–Seattle pair across 2027's DST changes, a fully booked year, spread
over one manager's pairs, milestones served by a move or an extra, and the weekly cap."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from shared.domain.calendar import Busy
from shared.domain.people import WorkingHours
from shared.domain.planning import MilestoneWindow, YearRequest, conversations_per_day, plan_year
from shared.domain.slots import SlotRequest, attendee, choose
from shared.domain.slots_rules import Rule, SlotRules, hard_failure, iso_week

pytestmark = pytest.mark.unit

SYDNEY, SEATTLE = ZoneInfo("Australia/Sydney"), ZoneInfo("America/Los_Angeles")
MARCH_2027 = datetime(2027, 3, 1, tzinfo=UTC)
MIA = attendee("mia@x.test", "Mia", WorkingHours("AUS Eastern Standard Time", time(7), time(17)))
# Sam works 13:00–15:00 in Seattle: Sydney 08:00 fits from November to March, Sydney 07:00 from April to October.
SAM = attendee("sam@x.test", "Sam", WorkingHours("Pacific Standard Time", time(13), time(15)))


def _year(**overrides: object) -> YearRequest:
    fields: dict[str, object] = {
        "people": (MIA, SAM),
        "busy": {},
        "window_start": MARCH_2027,
        "window_end": MARCH_2027 + timedelta(days=14),
        "horizon_end": MARCH_2027 + timedelta(days=366),
        "rhythm_weeks": 4,
        "rules": SlotRules(duration_minutes=60),
        "spread_key": "mia-sam",
    } | overrides
    return YearRequest(**fields)  # type: ignore[arg-type]


def test_sydney_seattle_pair_gets_exceptions_where_one_weekly_time_cannot_hold_all_year() -> None:
    plan = plan_year(_year())
    assert plan.first_start is not None and plan.first_start.astimezone(SYDNEY).hour == 8
    assert plan.skipped == () and len(plan.conversations) == 13
    moved = [c for c in plan.conversations if c.is_moved]
    assert moved, "Sydney winter (April to October) puts 08:00 Sydney at 15:00 Seattle: after Sam's day"
    for conversation in moved:
        assert conversation.pattern_start is not None and conversation.moved_because == "outside hours"
        assert conversation.start == conversation.pattern_start - timedelta(hours=1)  # same day, 07:00 Sydney
        assert date(2027, 4, 4) <= conversation.start.astimezone(SYDNEY).date() <= date(2027, 10, 3)
    for conversation in plan.conversations:
        assert conversation.start.astimezone(SEATTLE).hour in (13, 14)
    assert "6 moved" in plan.explanation.sentence


def test_a_fully_booked_year_gives_no_slot_but_the_closest_options() -> None:
    # Mia is busy 07:00–12:00 Sydney every day of the year: the only hours she shares with Sam.
    days = [MARCH_2027.astimezone(SYDNEY).date() + timedelta(days=n) for n in range(-1, 368)]
    busy = [
        Busy(
            datetime.combine(d, time(7), SYDNEY).astimezone(UTC), datetime.combine(d, time(12), SYDNEY).astimezone(UTC)
        )
        for d in days
    ]
    milestone = MilestoneWindow("fy28", "FY28 planning", date(2027, 6, 1), date(2027, 6, 14))
    plan = plan_year(_year(busy={"mia@x.test": busy}, milestones=(milestone,)))
    assert plan.first_start is None and plan.conversations == () and plan.skipped == ()
    assert plan.explanation.reason == "fully booked in window"
    assert plan.closest and all(option.outside_hours == ("Sam",) for option in plan.closest)
    assert plan.unmet_milestones == (("fy28", "no slot for the series"),)


def _manager_pairs(count: int) -> list[YearRequest]:
    reports = [attendee(f"r{n}@x.test", f"Report {n}", WorkingHours("Europe/London")) for n in range(count)]
    manager = attendee("boss@x.test", "Boss", WorkingHours("Europe/Helsinki"))
    start = datetime(2027, 1, 4, tzinfo=UTC)
    return [
        YearRequest(
            people=(manager, report),
            busy={},
            window_start=start,
            window_end=start + timedelta(days=14),
            horizon_end=start + timedelta(days=366),
            rhythm_weeks=4,
            spread_key=f"series-{report.key}",
        )
        for report in reports
    ]


def test_ten_pairs_of_one_manager_spread_over_days_and_hours() -> None:
    helsinki = ZoneInfo("Europe/Helsinki")
    firsts = [plan_year(request).first_start for request in _manager_pairs(10)]
    assert all(first is not None for first in firsts)
    slots = {(f.astimezone(helsinki).date(), f.astimezone(helsinki).time()) for f in firsts if f is not None}
    days = {day for day, _ in slots}
    assert len(slots) >= 8 and len(days) >= 4, slots


def test_pairs_planned_one_after_another_keep_the_managers_caps() -> None:
    helsinki, booked = ZoneInfo("Europe/Helsinki"), Counter[date]()
    rules = SlotRules(max_per_day=1, max_per_week=2)
    for request in _manager_pairs(10):
        plan = plan_year(replace(request, booked_days=dict(booked), rules=rules))
        booked += conversations_per_day((c.start for c in plan.conversations), helsinki)
    assert booked and max(booked.values()) == 1
    weeks = Counter[tuple[int, int]]()
    for day, count in booked.items():
        weeks[iso_week(day)] += count
    assert max(weeks.values()) == 2


def test_a_conversation_moves_into_an_empty_milestone_window() -> None:
    base = plan_year(_year())
    days = [c.start.astimezone(SYDNEY).date() for c in base.conversations]
    assert date(2027, 6, 25) in days and date(2027, 7, 23) in days
    # Only 25 June can move there: gaps to 28 May and 23 July stay within [21, 49] days up to 2 July.
    window = MilestoneWindow("h2", "H2 planning", date(2027, 6, 29), date(2027, 7, 2))
    plan = plan_year(_year(milestones=(window,)))
    served = [c for c in plan.conversations if c.milestone_id == "h2"]
    assert len(served) == 1 and served[0].moved_because == "milestone" and served[0].milestone_label == "H2 planning"
    assert window.earliest <= served[0].start.astimezone(SYDNEY).date() <= window.latest
    assert plan.unmet_milestones == () and len(plan.conversations) == len(base.conversations)


def test_a_milestone_after_the_last_conversation_gets_an_extra_one() -> None:
    short = _year(horizon_end=MARCH_2027 + timedelta(days=125), rhythm_weeks=6)
    last = plan_year(short).conversations[-1].start.astimezone(SYDNEY).date()
    window = MilestoneWindow("board", "Board review", last + timedelta(days=22), last + timedelta(days=28))
    plan = plan_year(_year(horizon_end=MARCH_2027 + timedelta(days=125), rhythm_weeks=6, milestones=(window,)))
    assert len(plan.conversations) == len(plan_year(short).conversations) + 1
    extra = plan.conversations[-1]
    assert extra.is_extra and extra.milestone_id == "board" and not extra.is_moved
    assert window.earliest <= extra.start.astimezone(SYDNEY).date() <= window.latest


def test_an_unreachable_milestone_is_listed_unmet_with_a_reason() -> None:
    past = MilestoneWindow("old", "Last year", date(2026, 1, 1), date(2026, 1, 9))
    squeezed = MilestoneWindow("tight", "Tight", date(2027, 4, 10), date(2027, 4, 10))  # a Saturday
    plan = plan_year(_year(milestones=(past, squeezed)))
    reasons = dict(plan.unmet_milestones)
    assert reasons["old"] == "the milestone window lies outside the planning horizon"
    assert "2027-04-10" in reasons["tight"] and "21 days" in reasons["tight"]


def test_the_weekly_cap_is_a_hard_rule_for_choose_too() -> None:
    monday = date(2027, 5, 3)
    booked = {monday + timedelta(days=n): 2 for n in range(4)}  # 8 in the ISO week, at most 2 a day
    start = datetime(2027, 5, 6, 22, tzinfo=UTC)  # Friday 07:00 Sydney
    assert hard_failure((MIA,), {}, booked, start, SlotRules()) is Rule.WEEK_LIMIT
    assert hard_failure((MIA,), {}, booked, start, SlotRules(max_per_week=9)) is None
    window_start = datetime(2027, 5, 6, 20, tzinfo=UTC)
    result = choose(SlotRequest((MIA,), window_start, window_start + timedelta(days=4), booked=booked))
    assert result.slot is not None and result.slot.start.astimezone(SYDNEY).date() >= date(2027, 5, 10)


def test_a_move_keeps_the_gap_to_the_next_occurrence_or_the_occurrence_is_skipped() -> None:
    london = ZoneInfo("Europe/London")
    ann = attendee("ann@x.test", "Ann", WorkingHours("Europe/London"))
    bob = attendee("bob@x.test", "Bob", WorkingHours("Europe/London"))
    start = datetime(2027, 5, 3, tzinfo=UTC)
    request = YearRequest((ann, bob), {}, start, start + timedelta(days=1), start + timedelta(days=120), 4)
    request = replace(request, min_gap_days=27, max_gap_days=35, spread_key="ann-bob")
    base = plan_year(request)
    third = base.conversations[2].start.astimezone(london).date()
    # Ann is out the day of the third conversation, the day before and the day after: +2 or -2 days would
    # leave only 26 days to a neighbour, so it cannot move.
    out = datetime.combine(third - timedelta(days=1), time(0), london).astimezone(UTC)
    plan = plan_year(replace(request, busy={"ann@x.test": [Busy(out, out + timedelta(days=3), "oof")]}))
    assert [start for start, _ in plan.skipped] == [base.conversations[2].start]
    assert "busy" in plan.skipped[0][1]
    days = [c.start.astimezone(london).date() for c in plan.conversations]
    assert all((later - earlier).days >= 27 for earlier, later in pairwise(days))
    assert len(plan.conversations) == len(base.conversations) - 1


def test_a_window_inside_a_full_week_says_the_weekly_limit_is_reached() -> None:
    monday = date(2027, 5, 3)
    booked = {monday + timedelta(days=n): 2 for n in range(4)}
    window_start = datetime(2027, 5, 2, 20, tzinfo=UTC)  # Monday 06:00 Sydney
    plan = plan_year(
        _year(
            people=(MIA,),
            window_start=window_start,
            window_end=window_start + timedelta(days=5),
            horizon_end=window_start + timedelta(days=60),
            booked_days=booked,
        )
    )
    assert plan.first_start is None
    assert plan.explanation.reason == "the manager already has 8 conversations in every free week"
    result = choose(SlotRequest((MIA,), window_start, window_start + timedelta(days=5), booked=booked))
    assert result.slot is None and result.explanation.reason == plan.explanation.reason


def test_a_cascade_moves_the_far_side_along_so_no_gap_grows_too_long() -> None:
    hours = WorkingHours("Australia/Sydney", time(6), time(11))
    people = (attendee("m@x.test", "M", hours), attendee("r@x.test", "R", hours))
    start = datetime(2026, 3, 2, tzinfo=UTC)  # 11:00 Monday in Sydney
    window = MilestoneWindow("kickoff", "Kick-off", date(2026, 3, 2), date(2026, 3, 3))
    request = YearRequest(
        people, {}, start, start + timedelta(days=7), start + timedelta(days=30), 3, milestones=(window,)
    )
    plan = plan_year(replace(request, rules=SlotRules(allow_fallback=False), min_gap_days=14, max_gap_days=21))
    sydney = ZoneInfo("Australia/Sydney")
    days = [c.start.astimezone(sydney).date() for c in plan.conversations]
    assert plan.unmet_milestones == () and window.earliest <= days[0] <= window.latest
    assert all(14 <= (later - earlier).days <= 21 for earlier, later in pairwise(days)), days


def test_working_elsewhere_is_free_by_default_and_busy_when_configured() -> None:
    from shared.domain.slots_rules import SlotRules

    assert "workingElsewhere" not in SlotRules().hard_statuses()
    assert "workingElsewhere" in SlotRules(working_elsewhere_is_busy=True).hard_statuses()
    assert {"busy", "oof", "unknown", "tentative"} <= SlotRules().hard_statuses()


def test_among_weekly_times_that_hold_all_year_the_one_reaching_the_milestone_windows_wins() -> None:
    from datetime import UTC, datetime, timedelta

    from shared.domain.people import WorkingHours
    from shared.domain.planning import MilestoneWindow, YearRequest, plan_year
    from shared.domain.slots import attendee

    hours = WorkingHours("Europe/Berlin")
    people = (attendee("a@x.test", "A", hours), attendee("b@x.test", "B", hours))
    start = datetime(2027, 3, 1, 6, tzinfo=UTC)
    window = MilestoneWindow("m", "Milestone", (start + timedelta(days=40)).date(), (start + timedelta(days=44)).date())
    request = YearRequest(people, {}, start, start + timedelta(days=14), start + timedelta(days=120), 6,
                          milestones=(window,), spread_key="pair-0")  # fmt: skip
    plan = plan_year(request)
    assert plan.first_start is not None
    pattern_days = [(plan.first_start + timedelta(weeks=6 * k)).date() for k in range(3)]
    reach = timedelta(days=7)
    assert any(window.earliest - reach <= day <= window.latest + reach for day in pattern_days)
    assert not any(c.is_extra for c in plan.conversations) and plan.unmet_milestones == ()


def test_the_last_conversation_ends_inside_the_horizon() -> None:
    """A weekly start 45 minutes before the horizon's end would end after it: the plan stops one week earlier
    (hypothesis found a plan whose last 60-minute conversation started 15 minutes before the horizon's end)."""
    first = plan_year(_year())
    assert first.first_start is not None
    last = first.conversations[-1]
    for cut in (timedelta(minutes=15), timedelta(minutes=45), timedelta(minutes=60)):
        plan = plan_year(_year(horizon_end=last.start + cut))
        ends = [c.end for c in plan.conversations]
        assert ends and max(ends) <= last.start + cut, (cut, max(ends))
        assert (last.start in [c.start for c in plan.conversations]) is (cut >= timedelta(minutes=60))
