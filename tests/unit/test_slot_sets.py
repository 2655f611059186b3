"""The interval sets answer exactly what the per-candidate rules of ``slots_rules`` answer.

Zones with DST in both hemispheres, half-hour and 45-minute offsets (and a half-hour DST shift), dates around
their transitions, any working hours and rules; starts every 7 minutes (and off the minute), so off the grid.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.intervals import SpanSet, intersection, merged
from shared.domain.people import Weekday, WorkingHours
from shared.domain.planning.pair_sets import PairSets
from shared.domain.slots import attendee
from shared.domain.slots_rules import SlotRules, at_day_edge, in_working_hours, overlaps, touches_lunch
from shared.domain.zone_offsets import ZoneClock, to_us

pytestmark = pytest.mark.unit

ODD_ZONES = [
    "Australia/Lord_Howe",  # +10:30, DST +11:00 (a half-hour shift)
    "Asia/Kathmandu",  # +5:45
    "Australia/Eucla",  # +8:45
    "Pacific/Chatham",  # +12:45, DST +13:45
    "America/St_Johns",  # -3:30 with DST
    "Asia/Kolkata",
    "Australia/Adelaide",
    "Europe/London",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Pacific/Auckland",
    "Asia/Tehran",
    "UTC",
]
TRANSITION_DAYS = [  # a few days before DST changes somewhere in ODD_ZONES (both directions)
    datetime(2026, 3, 6, tzinfo=UTC),
    datetime(2026, 3, 26, tzinfo=UTC),
    datetime(2026, 4, 1, tzinfo=UTC),
    datetime(2026, 9, 23, tzinfo=UTC),
    datetime(2026, 10, 1, tzinfo=UTC),
    datetime(2026, 10, 22, tzinfo=UTC),
    datetime(2026, 10, 29, tzinfo=UTC),
    datetime(2027, 3, 11, tzinfo=UTC),
    datetime(2027, 12, 28, tzinfo=UTC),  # a year boundary
]


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    opens = draw(st.integers(0, 95)) * 15
    closes = min(opens + draw(st.integers(1, 96)) * 15, 24 * 60)
    return WorkingHours(
        draw(st.sampled_from(ODD_ZONES)),
        time(opens // 60, opens % 60),
        time(closes // 60 % 24, closes % 60),
        frozenset(draw(st.sets(st.sampled_from(list(Weekday)), min_size=1))),
    )


rules_strategy = st.builds(
    SlotRules,
    duration_minutes=st.sampled_from([15, 30, 45, 60, 90, 150]),
    edge_minutes=st.sampled_from([0, 30, 60]),
    lunch_start=st.sampled_from([time(0), time(11, 30), time(12), time(23)]),
    lunch_end=st.sampled_from([time(0), time(13), time(14, 15)]),
)


@settings(max_examples=80, deadline=None)
@given(
    manager_hours=working_hours(),
    report_hours=working_hours(),
    rules=rules_strategy,
    base=st.sampled_from(TRANSITION_DAYS),
    shift=st.integers(0, 3 * 24 * 4),
    seconds=st.sampled_from([0, 1, 59]),
)
@example(  # Chatham falls back 03:45 -> 02:45 on Sunday 5 April 2026 (14:00 UTC): a slot from 03:30 ends 02:45 CHAST,
    # past a 02:45 closing at its real length (found by this test: the sets read the end's wall clock)
    manager_hours=WorkingHours("UTC", time(0), time(0), frozenset(Weekday)),
    report_hours=WorkingHours("Pacific/Chatham", time(0), time(2, 45), frozenset({Weekday.SUNDAY})),
    rules=SlotRules(duration_minutes=15, edge_minutes=0, lunch_start=time(0), lunch_end=time(0)),
    base=datetime(2026, 4, 1, tzinfo=UTC),
    shift=0,
    seconds=0,
)
@example(  # Lord Howe falls back half an hour (02:00 -> 01:30) on the same day
    manager_hours=WorkingHours("Australia/Lord_Howe", time(0), time(1, 45), frozenset({Weekday.SUNDAY})),
    report_hours=WorkingHours("UTC", time(0), time(0), frozenset(Weekday)),
    rules=SlotRules(duration_minutes=45, edge_minutes=30, lunch_start=time(0), lunch_end=time(0)),
    base=datetime(2026, 4, 1, tzinfo=UTC),
    shift=0,
    seconds=1,
)
def test_the_sets_agree_with_the_rules_around_offset_changes(
    manager_hours: WorkingHours, report_hours: WorkingHours, rules: SlotRules, base: datetime, shift: int, seconds: int
) -> None:
    people = (attendee("m@x.test", "M", manager_hours), attendee("r@x.test", "R", report_hours))
    begin = base + timedelta(minutes=15 * shift)
    sets = PairSets.build(people, [], rules, (begin, begin + timedelta(days=6)))
    for step in range(6 * 24 * 60 // 7):  # every 7 minutes of six days: every minute of the hour comes up
        start = begin + timedelta(minutes=7 * step, seconds=seconds)
        end, micros = start + rules.duration, to_us(start)
        assert sets.working.covers(micros)
        assert (micros in sets.working) == all(in_working_hours(p, start, end) for p in people), start
        assert (micros in sets.lunch) == any(touches_lunch(p, start, end, rules) for p in people), start
        assert (micros in sets.edges) == any(at_day_edge(p, start, end, rules) for p in people), start


busy_items = st.lists(
    st.builds(
        lambda start, length, status: Busy(
            datetime(2027, 1, 4, tzinfo=UTC) + timedelta(minutes=start),
            datetime(2027, 1, 4, tzinfo=UTC) + timedelta(minutes=start + length),
            status,
        ),
        st.integers(0, 3 * 24 * 60),
        st.integers(-5, 600),
        st.sampled_from(["busy", "tentative", "oof", "free", "workingElsewhere", "unknown"]),
    ),
    max_size=25,
)


@settings(max_examples=80, deadline=None)
@given(busy=busy_items, rules=rules_strategy, buffer=st.sampled_from([0, 10, 15]), tentative=st.booleans())
def test_busy_sets_agree_with_overlaps(busy: list[Busy], rules: SlotRules, buffer: int, tentative: bool) -> None:
    rules = SlotRules(duration_minutes=rules.duration_minutes, buffer_minutes=buffer, tentative_is_busy=tentative)
    person = attendee("m@x.test", "M", WorkingHours("UTC", time(9), time(17), frozenset(Weekday)))
    begin = datetime(2027, 1, 4, tzinfo=UTC)
    sets = PairSets.build((person,), busy, rules, (begin, begin + timedelta(days=3)))
    statuses, pad = rules.hard_statuses(), timedelta(minutes=buffer)
    for step in range(-12, 3 * 24 * 12):
        start = begin + timedelta(minutes=5 * step, seconds=step % 2)  # off the minute too
        end = start + rules.duration
        assert (start in sets.blocked) == overlaps(busy, start, end, statuses), start
        assert (start in sets.buffer) == overlaps(busy, start - pad, end + pad, statuses), start


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(ODD_ZONES), base=st.sampled_from(TRANSITION_DAYS), minutes=st.lists(st.integers(0, 80_000)))
def test_the_zone_clock_reads_local_time_as_zoneinfo_does(zone: str, base: datetime, minutes: list[int]) -> None:
    clock = ZoneClock.between(ZoneInfo(zone), to_us(base), to_us(base + timedelta(days=60)))
    for minute in minutes:
        moment = base + timedelta(minutes=minute, seconds=minute % 60)
        local = moment.astimezone(ZoneInfo(zone)).replace(tzinfo=UTC)
        assert clock.local(to_us(moment)) == to_us(local)


spans = st.lists(st.tuples(st.integers(-50, 50), st.integers(-50, 50)), max_size=12)


@given(left=spans, right=spans, points=st.lists(st.integers(-60, 60), max_size=30))
def test_span_sets_are_unions_and_intersections(
    left: list[tuple[int, int]], right: list[tuple[int, int]], points: list[int]
) -> None:
    def naive(items: list[tuple[int, int]], point: int) -> bool:
        return any(start <= point < end for start, end in items)

    union, common = SpanSet.any_of([SpanSet(left), SpanSet(right)]), SpanSet(intersection(merged(left), merged(right)))
    for point in points:
        assert (point in SpanSet(left)) == naive(left, point)
        assert (point in union) == (naive(left, point) or naive(right, point))
        assert (point in common) == (naive(left, point) and naive(right, point))
