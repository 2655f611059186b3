"""The weekly pattern keeps the organiser's wall-clock time across DST; per-day counts; the busy index; the
working-hours grid loses no valid start."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours
from shared.domain.planning import BusyIndex, conversations_per_day, weekly_starts
from shared.domain.planning.grid import working_starts
from shared.domain.planning.hours import Hours
from shared.domain.slots import attendee, candidate_starts
from shared.domain.slots_rules import SlotRules, in_working_hours, local_span, overlaps

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
SYDNEY, SEATTLE = ZoneInfo("Australia/Sydney"), ZoneInfo("America/Los_Angeles")
MODEST = settings(max_examples=60, deadline=None)


def _exists(local: datetime, zone: ZoneInfo) -> bool:
    """Whether a wall-clock time exists in ``zone`` (not inside a spring-forward gap)."""
    aware = local.replace(tzinfo=zone)
    return aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == local


@MODEST
@given(
    zone_name=st.sampled_from(ZONES),
    first=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    rhythm=st.integers(1, 8),
    days=st.integers(1, 366),
)
def test_pattern_keeps_the_organisers_wall_clock_time(zone_name: str, first: datetime, rhythm: int, days: int) -> None:
    zone = ZoneInfo(zone_name)
    first_start = first.replace(second=0, microsecond=0, tzinfo=UTC)
    before = first_start + timedelta(days=days)
    starts = weekly_starts(first_start, zone, rhythm, before)
    assert starts[0] == first_start
    assert all(start < before for start in starts)
    wall = first_start.astimezone(zone).replace(tzinfo=None)
    for index, start in enumerate(starts):
        expected = wall + timedelta(weeks=index * rhythm)
        local = start.astimezone(zone)
        assert local.date() == expected.date()
        if _exists(expected, zone):
            assert local.replace(tzinfo=None) == expected
    following = (wall + timedelta(weeks=len(starts) * rhythm)).replace(tzinfo=zone).astimezone(UTC)
    assert following >= before  # none is missing at the end


def test_sydney_seattle_pattern_keeps_sydney_time_while_seattle_time_moves_in_2027() -> None:
    first = datetime(2027, 3, 2, 9, 0, tzinfo=SYDNEY).astimezone(UTC)  # a Tuesday, Sydney summer time
    starts = weekly_starts(first, SYDNEY, 1, datetime(2027, 12, 1, tzinfo=UTC))
    assert {s.astimezone(SYDNEY).strftime("%a %H:%M") for s in starts} == {"Tue 09:00"}
    seattle = {s.astimezone(SEATTLE).date(): s.astimezone(SEATTLE).hour for s in starts}
    # Seattle springs forward 14 March, Sydney falls back 4 April, springs forward 3 October, Seattle falls back 7 Nov.
    assert seattle[date(2027, 3, 8)] == 14
    assert seattle[date(2027, 3, 15)] == 15
    assert seattle[date(2027, 4, 5)] == 16
    assert seattle[date(2027, 9, 27)] == 16
    assert seattle[date(2027, 10, 4)] == 15
    assert seattle[date(2027, 11, 8)] == 14


def test_pattern_before_the_first_start_is_empty() -> None:
    first = datetime(2027, 3, 2, 9, tzinfo=UTC)
    assert weekly_starts(first, SYDNEY, 4, first) == []


def test_conversations_per_day_counts_local_dates() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    starts = [datetime(2027, 5, 3, 23, 30, tzinfo=UTC), datetime(2027, 5, 4, 1, tzinfo=UTC), datetime(2027, 5, 3, 1)]
    starts[2] = starts[2].replace(tzinfo=UTC)
    counts = conversations_per_day(starts, tokyo)
    assert counts == {date(2027, 5, 4): 2, date(2027, 5, 3): 1}
    assert conversations_per_day(starts, ZoneInfo("UTC")) == {date(2027, 5, 3): 2, date(2027, 5, 4): 1}


BASE = datetime(2027, 1, 1, tzinfo=UTC)
busy_items = st.builds(
    lambda start, length, status: Busy(
        BASE + timedelta(minutes=15 * start), BASE + timedelta(minutes=15 * (start + length)), status
    ),
    st.integers(0, 200),
    st.integers(1, 24),
    st.sampled_from(["busy", "tentative", "oof", "free", "workingElsewhere", "unknown"]),
)


@MODEST
@given(items=st.lists(busy_items, max_size=40), start=st.integers(0, 230), length=st.integers(1, 12))
def test_busy_index_agrees_with_a_linear_scan(items: list[Busy], start: int, length: int) -> None:
    statuses = frozenset({"busy", "oof", "unknown"})
    begin = BASE + timedelta(minutes=15 * start)
    end = begin + timedelta(minutes=15 * length)
    assert BusyIndex(items, statuses).overlaps(begin, end) == overlaps(items, begin, end, statuses)


def test_busy_index_treats_touching_items_as_free() -> None:
    ten, eleven = BASE + timedelta(hours=10), BASE + timedelta(hours=11)
    index = BusyIndex([Busy(ten, eleven), Busy(BASE, BASE + timedelta(hours=1), "free")], frozenset({"busy"}))
    assert not index.overlaps(eleven, eleven + timedelta(minutes=30))
    assert not index.overlaps(ten - timedelta(minutes=30), ten)
    assert index.overlaps(eleven - timedelta(minutes=15), eleven + timedelta(minutes=15))
    assert not index.overlaps(BASE, BASE + timedelta(hours=1))  # "free" is not indexed


@MODEST
@given(
    zone_name=st.sampled_from(ZONES),
    begin=st.datetimes(min_value=datetime(2026, 3, 1), max_value=datetime(2027, 11, 30)),
    days=st.integers(1, 14),
    start_hour=st.integers(0, 12),
    length=st.integers(1, 96),
    workdays=st.sets(st.sampled_from(list(Weekday)), min_size=1),
    duration=st.sampled_from([15, 30, 45, 60]),
)
# Helsinki falls back at 01:00 UTC on 2027-10-31 (04:00 EEST -> 03:00 EET). Hours 00:00-03:00: 03:45-04:00 EEST
# ends at "03:00" EET but starts after closing. Hours 00:00-03:15: 03:00-03:15 EET is inside, after the first 03:15.
@example("Europe/Helsinki", datetime(2027, 10, 29, 1), 2, 0, 12, set(Weekday), 15)
@example("Europe/Helsinki", datetime(2027, 10, 29, 2), 2, 0, 13, set(Weekday), 15)
def test_working_grid_keeps_every_start_inside_the_managers_hours(
    zone_name: str, begin: datetime, days: int, start_hour: int, length: int, workdays: set[Weekday], duration: int
) -> None:
    end_minute = min(start_hour * 60 + length * 15, 24 * 60)
    hours = WorkingHours(zone_name, time(start_hour), time(end_minute // 60 % 24, end_minute % 60), frozenset(workdays))
    manager = attendee("m@x.test", "M", hours)
    rules = SlotRules(duration_minutes=duration)
    start = begin.replace(tzinfo=UTC)
    end = start + timedelta(days=days)
    grid = list(working_starts(manager, start, end, rules))
    inside = [s for s in candidate_starts(start, end, rules) if in_working_hours(manager, s, s + rules.duration)]
    assert set(inside) <= set(grid) <= set(candidate_starts(start, end, rules))
    assert grid == sorted(set(grid))


@MODEST
@given(
    zone_name=st.sampled_from(ZONES),
    moment=st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 12, 31)),
    start_minute=st.integers(0, 95),
    end_minute=st.integers(0, 95),
    workdays=st.sets(st.sampled_from(list(Weekday))),
    duration=st.sampled_from([15, 30, 60, 120]),
)
@example("Europe/Helsinki", datetime(2027, 10, 31, 0, 45), 0, 12, set(Weekday), 15)  # across the fall-back hour
@example("Europe/Helsinki", datetime(2027, 10, 31, 0, 30), 0, 20, set(Weekday), 60)
def test_precomputed_hours_agree_with_the_slot_rules(
    zone_name: str, moment: datetime, start_minute: int, end_minute: int, workdays: set[Weekday], duration: int
) -> None:
    opens, closes = start_minute * 15, end_minute * 15
    hours = WorkingHours(zone_name, time(opens // 60, opens % 60), time(closes // 60, closes % 60), frozenset(workdays))
    person = attendee("p@x.test", "P", hours)
    start = moment.replace(minute=moment.minute // 15 * 15, second=0, microsecond=0, tzinfo=UTC)
    end = start + timedelta(minutes=duration)
    assert Hours.of(person).contain(start, end) == in_working_hours(person, start, end)


def test_precomputed_hours_at_the_edges_of_the_day() -> None:
    london = ZoneInfo("Europe/London")
    day = attendee("d@x.test", "D", WorkingHours("Europe/London", time(9), time(17)))
    late = attendee("l@x.test", "L", WorkingHours("Europe/London", time(18), time(0), frozenset({Weekday.MONDAY})))

    def at(person_hours: Hours, hour: int, minute: int, minutes: int = 30) -> bool:
        start = datetime(2027, 7, 5, hour, minute, tzinfo=london).astimezone(UTC)  # a Monday
        return person_hours.contain(start, start + timedelta(minutes=minutes))

    hours, evening = Hours.of(day), Hours.of(late)
    assert at(hours, 16, 30) and at(hours, 9, 0)
    assert not at(hours, 16, 45) and not at(hours, 8, 45)
    assert at(evening, 23, 30) and not at(evening, 23, 45)


def test_a_span_across_the_fall_back_hour_is_read_at_its_real_length() -> None:
    """03:45 EEST + 15 minutes reads 03:00 EET: not inside hours that close at 03:00, inside hours that close later."""
    fall_back = datetime(2027, 10, 31, 0, 45, tzinfo=UTC)  # 03:45 EEST, a quarter hour before the change
    end = fall_back + timedelta(minutes=15)
    closes_at_three = attendee("a@x.test", "A", WorkingHours("Europe/Helsinki", time(0), time(3), frozenset(Weekday)))
    closes_at_five = attendee("b@x.test", "B", WorkingHours("Europe/Helsinki", time(0), time(5), frozenset(Weekday)))
    assert local_span(closes_at_three, fall_back, end) == (date(2027, 10, 31), 225, 240, Weekday.SUNDAY)
    assert not in_working_hours(closes_at_three, fall_back, end)
    assert in_working_hours(closes_at_five, fall_back, end)
