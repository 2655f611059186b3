"""The planner's fast checks give the same answers as ``slots_rules`` (hard and soft rules, with caps)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours
from shared.domain.planning.checks import Load, PairCheck
from shared.domain.slots import attendee
from shared.domain.slots_rules import SlotRules, hard_failure, soft_failures

pytestmark = pytest.mark.unit

ZONES = ["Australia/Sydney", "America/Los_Angeles", "Asia/Kolkata", "Australia/Adelaide", "Europe/London", "UTC"]
BASE = datetime(2027, 3, 29, tzinfo=UTC)  # a week with DST changes in Europe nearby and Australia soon after


@st.composite
def hours(draw: st.DrawFn) -> WorkingHours:
    opens = draw(st.integers(0, 60)) * 15
    closes = min(opens + draw(st.integers(1, 60)) * 15, 24 * 60)
    return WorkingHours(
        draw(st.sampled_from(ZONES)),
        time(opens // 60, opens % 60),
        time(closes // 60 % 24, closes % 60),
        frozenset(draw(st.sets(st.sampled_from(list(Weekday)), min_size=1))),
    )


busy_item = st.builds(
    lambda start, length, status: Busy(
        BASE + timedelta(minutes=15 * start), BASE + timedelta(minutes=15 * (start + length)), status
    ),
    st.integers(0, 8 * 96),
    st.integers(1, 12),
    st.sampled_from(["busy", "tentative", "oof", "free"]),
)


@settings(max_examples=60, deadline=None)
@given(
    manager_hours=hours(),
    report_hours=hours(),
    busy=st.lists(busy_item, max_size=30),
    booked=st.dictionaries(st.dates(date(2027, 3, 28), date(2027, 4, 8)), st.integers(0, 3), max_size=8),
    rules=st.builds(
        SlotRules,
        duration_minutes=st.sampled_from([15, 30, 60]),
        max_per_day=st.integers(1, 3),
        max_per_week=st.integers(1, 8),
        edge_minutes=st.sampled_from([0, 30, 60]),
        buffer_minutes=st.sampled_from([0, 15]),
        tentative_is_busy=st.booleans(),
    ),
    with_span=st.booleans(),
)
@example(  # Sydney falls back 03:00 -> 02:00 on 4 April 2027: a slot from 02:45 AEDT ends 02:00 AEST, past 02:00
    manager_hours=WorkingHours("Australia/Sydney", time(0), time(2), frozenset({Weekday.MONDAY})),
    report_hours=WorkingHours("Australia/Sydney", time(0), time(2), frozenset({Weekday.MONDAY})),
    busy=[],
    booked={},
    rules=SlotRules(duration_minutes=15, max_per_day=1, max_per_week=1, edge_minutes=0),
    with_span=False,
)
def test_fast_checks_agree_with_the_slot_rules(
    manager_hours: WorkingHours,
    report_hours: WorkingHours,
    busy: list[Busy],
    booked: dict[date, int],
    rules: SlotRules,
    with_span: bool,
) -> None:
    """With a span, the interval sets answer; without, the zones are asked per start (the fallback)."""
    people = (attendee("m@x.test", "M", manager_hours), attendee("r@x.test", "R", report_hours))
    by_person = {"m@x.test": busy[::2], "r@x.test": busy[1::2]}
    span = (BASE, BASE + timedelta(days=8)) if with_span else None
    check, load = PairCheck.build(people, by_person, rules, span), Load(booked)
    for slot in range(8 * 96):  # every quarter hour of eight days
        start = BASE + timedelta(minutes=15 * slot)
        assert check.hard(start, load) == hard_failure(people, by_person, booked, start, rules), start
        assert check.soft(start) == soft_failures(people, by_person, start, rules), start


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from([*ZONES, "Australia/Lord_Howe", "America/St_Johns", "Asia/Kathmandu"]),
    offsets=st.lists(st.integers(-2 * 24 * 3600, 40 * 24 * 3600), min_size=1, max_size=40),
)
def test_the_managers_local_date_from_the_span_offsets_is_the_zones_date(zone: str, offsets: list[int]) -> None:
    """Inside the span the date comes from integer offsets (``ZoneClock``), outside from the zone: both are
    ``astimezone(zone).date()`` at every second, DST changes and 30/45-minute zones included."""
    manager = attendee("m@x.test", "M", WorkingHours(zone))
    check = PairCheck.build((manager,), {}, SlotRules(), (BASE, BASE + timedelta(days=30)))
    for offset in offsets:
        start = BASE + timedelta(seconds=offset)
        assert check.manager_day(start) == start.astimezone(manager.zone).date(), start
