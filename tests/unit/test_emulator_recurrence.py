"""Graph emulator: recurrence expansion (patterns, ranges, DST, recurrence zones), zone names, free/busy digits."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator.calendar_model import Meeting
from devstack.graph_emulator.recurrence import (
    WEEKDAYS,
    RecurrenceError,
    occurrence_dates,
    occurrence_starts,
    parse_rule,
)
from devstack.graph_emulator.schedule import BusyItem, availability_view

pytestmark = pytest.mark.unit

ZONES = ["America/Los_Angeles", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "America/Sao_Paulo"]


def weekly(days: list[str], start: str, **rng: object) -> dict[str, object]:
    return {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": days},
        "range": {"type": "noEnd", "startDate": start, **rng},
    }


def test_doc_example_weekly_monday_until_end_date() -> None:
    rule = parse_rule(weekly(["Monday"], "2017-09-04", type="endDate", endDate="2017-12-31"))
    days = list(occurrence_dates(rule))
    assert days[0] == date(2017, 9, 4)
    assert days[-1] == date(2017, 12, 25)
    assert len(days) == 17
    assert all(d.weekday() == 0 for d in days)


def test_biweekly_counts_weeks_from_the_first_day_of_week() -> None:
    rule = parse_rule(
        {
            "pattern": {
                "type": "weekly",
                "interval": 2,
                "daysOfWeek": ["sunday", "wednesday"],
                "firstDayOfWeek": "sunday",
            },
            "range": {"type": "numbered", "startDate": "2024-01-03", "numberOfOccurrences": 4},
        }
    )
    assert list(occurrence_dates(rule)) == [date(2024, 1, 3), date(2024, 1, 14), date(2024, 1, 17), date(2024, 1, 28)]


def test_absolute_monthly_clamps_to_the_last_day_of_short_months() -> None:
    rule = parse_rule(
        {
            "pattern": {"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
            "range": {"type": "numbered", "startDate": "2024-01-31", "numberOfOccurrences": 3},
        }
    )
    assert list(occurrence_dates(rule)) == [date(2024, 1, 31), date(2024, 2, 29), date(2024, 3, 31)]


def test_relative_monthly_first_and_last() -> None:
    first = parse_rule(
        {
            "pattern": {"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["tuesday"], "index": "first"},
            "range": {"type": "numbered", "startDate": "2024-01-01", "numberOfOccurrences": 3},
        }
    )
    assert list(occurrence_dates(first)) == [date(2024, 1, 2), date(2024, 2, 6), date(2024, 3, 5)]
    last = parse_rule(
        {
            "pattern": {"type": "relativeMonthly", "interval": 3, "daysOfWeek": ["friday"], "index": "last"},
            "range": {"type": "endDate", "startDate": "2024-01-01", "endDate": "2024-12-31"},
        }
    )
    assert list(occurrence_dates(last)) == [date(2024, 1, 26), date(2024, 4, 26), date(2024, 7, 26), date(2024, 10, 25)]


def test_daily_every_third_day() -> None:
    rule = parse_rule(
        {
            "pattern": {"type": "daily", "interval": 3},
            "range": {"type": "endDate", "startDate": "2024-02-27", "endDate": "2024-03-06"},
        }
    )
    assert list(occurrence_dates(rule)) == [date(2024, 2, 27), date(2024, 3, 1), date(2024, 3, 4)]


@pytest.mark.parametrize(
    ("recurrence", "message"),
    [
        ({"pattern": {"type": "hourly"}, "range": {"startDate": "2024-01-01"}}, "pattern.type"),
        ({"pattern": {"type": "weekly", "interval": 1}, "range": {"startDate": "2024-01-01"}}, "daysOfWeek"),
        ({"pattern": {"type": "daily", "interval": 0}, "range": {"startDate": "2024-01-01"}}, "interval"),
        (
            {"pattern": {"type": "daily"}, "range": {"type": "numbered", "startDate": "2024-01-01"}},
            "numberOfOccurrences",
        ),
        ({"pattern": {"type": "daily"}, "range": {"startDate": "soon"}}, "startDate"),
        (
            {"pattern": {"type": "absoluteMonthly", "dayOfMonth": 32}, "range": {"startDate": "2024-01-01"}},
            "dayOfMonth",
        ),
    ],
)
def test_invalid_recurrence_is_rejected_with_a_named_field(recurrence: dict[str, object], message: str) -> None:
    with pytest.raises(RecurrenceError, match=message):
        parse_rule(recurrence)


patterns = st.one_of(
    st.builds(lambda i: {"type": "daily", "interval": i}, st.integers(1, 10)),
    st.builds(
        lambda i, d, f: {"type": "weekly", "interval": i, "daysOfWeek": d, "firstDayOfWeek": f},
        st.integers(1, 4),
        st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
        st.sampled_from(WEEKDAYS),
    ),
    st.builds(
        lambda i, m: {"type": "absoluteMonthly", "interval": i, "dayOfMonth": m}, st.integers(1, 6), st.integers(1, 31)
    ),
    st.builds(
        lambda i, d, x: {"type": "relativeMonthly", "interval": i, "daysOfWeek": d, "index": x},
        st.integers(1, 6),
        st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=3, unique=True),
        st.sampled_from(["first", "second", "third", "fourth", "last"]),
    ),
)
start_dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))


@given(patterns, start_dates, st.integers(1, 60))
def test_numbered_range_yields_exactly_the_count_in_order_after_start(pattern: dict, start: date, count: int) -> None:
    rule = parse_rule(
        {
            "pattern": pattern,
            "range": {"type": "numbered", "startDate": start.isoformat(), "numberOfOccurrences": count},
        }
    )
    days = list(occurrence_dates(rule))
    assert len(days) == count
    assert days == sorted(set(days))
    assert days[0] >= start


@given(patterns, start_dates, st.integers(0, 400))
def test_end_date_range_stays_inside_the_range(pattern: dict, start: date, span: int) -> None:
    end = start + timedelta(days=span)
    rule = parse_rule(
        {"pattern": pattern, "range": {"type": "endDate", "startDate": start.isoformat(), "endDate": end.isoformat()}}
    )
    assert all(start <= d <= end for d in occurrence_dates(rule))


@given(patterns, start_dates, st.integers(1, 40))
def test_every_occurrence_is_on_an_allowed_weekday_or_day(pattern: dict, start: date, count: int) -> None:
    rule = parse_rule(
        {
            "pattern": pattern,
            "range": {"type": "numbered", "startDate": start.isoformat(), "numberOfOccurrences": count},
        }
    )
    for day in occurrence_dates(rule):
        if pattern["type"] in ("weekly", "relativeMonthly"):
            assert WEEKDAYS[day.weekday()] in pattern["daysOfWeek"]
        if pattern["type"] == "absoluteMonthly":
            assert day.day == pattern["dayOfMonth"] or (day + timedelta(days=1)).day == 1


@given(
    st.lists(st.sampled_from(WEEKDAYS), min_size=1, max_size=7, unique=True),
    start_dates,
    st.sampled_from(ZONES),
    st.times(),
)
def test_local_wall_time_stays_constant_across_dst(days: list[str], start: date, zone_name: str, wall: time) -> None:
    zone = ZoneInfo(zone_name)
    rule = parse_rule(weekly(days, start.isoformat(), type="numbered", numberOfOccurrences=60))
    wall = wall.replace(microsecond=0)
    for day, instant in occurrence_starts(rule, wall, zone):
        naive = datetime.combine(day, wall)
        round_trip = naive.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        assume(round_trip == naive)  # skip wall times that fall in a DST gap
        local = instant.astimezone(zone)
        assert (local.date(), local.time()) == (day, wall)
        assert WEEKDAYS[local.weekday()] in days


def test_window_end_bounds_a_no_end_series() -> None:
    rule = parse_rule(weekly(["monday"], "2024-01-01"))
    end = datetime(2024, 2, 1, tzinfo=UTC)
    starts = [s for _, s in occurrence_starts(rule, time(9), ZoneInfo("Europe/Berlin"), end)]
    assert len(starts) == 5
    assert starts[-1] == datetime(2024, 1, 29, 8, tzinfo=UTC)


def meeting(start: dict[str, str], recurrence: dict[str, object]) -> Meeting:
    data = {"start": start, "end": {**start, "dateTime": start["dateTime"][:11] + "23:59:00"}, "recurrence": recurrence}
    now = datetime(2031, 1, 1, tzinfo=UTC)
    return Meeting("m", "uid", "organiser", data, now, now, rule=parse_rule(recurrence))


@given(st.sampled_from(ZONES), st.sampled_from(ZONES), st.times())
def test_a_series_keeps_the_wall_clock_of_its_recurrence_zone(start_zone: str, series_zone: str, wall: time) -> None:
    """The start is given in one zone; occurrences follow the recurrence zone's dates and wall clock."""
    recurrence = weekly(
        ["monday"], "2031-03-03", type="numbered", numberOfOccurrences=40, recurrenceTimeZone=series_zone
    )
    first = datetime.combine(date(2031, 3, 3), wall.replace(microsecond=0), tzinfo=ZoneInfo(series_zone))
    assume(first.astimezone(UTC).astimezone(ZoneInfo(series_zone)).replace(tzinfo=None) == first.replace(tzinfo=None))
    local_start = first.astimezone(ZoneInfo(start_zone)).replace(tzinfo=None).isoformat(timespec="seconds")
    series = meeting({"dateTime": local_start, "timeZone": start_zone}, recurrence)
    assert series.recurrence_zone == series_zone
    for day in occurrence_dates(series.rule or parse_rule(recurrence)):
        local = series.original_start(day).astimezone(ZoneInfo(series_zone))
        if local.replace(tzinfo=None) == datetime.combine(day, first.time()):
            assert local.weekday() == 0
        else:  # a wall time in a DST gap moves forward
            assert local.date() == day and local.time() > first.time()


def test_without_a_recurrence_zone_the_series_follows_the_start_zone() -> None:
    series = meeting(
        {"dateTime": "2031-03-03T09:00:00", "timeZone": "Pacific Standard Time"}, weekly(["monday"], "2031-03-03")
    )
    assert series.recurrence_zone == "Pacific Standard Time"
    assert series.original_start(date(2031, 3, 17)) == datetime(2031, 3, 17, 16, tzinfo=UTC)  # 09:00 PDT


@pytest.mark.parametrize("name", ["Pacific Standard Time", "W. Europe Standard Time", "Europe/Berlin", "UTC", "utc"])
def test_windows_and_iana_zone_names_are_supported(name: str) -> None:
    assert ct.zone(name) is not None


@pytest.mark.parametrize("name", ["Mars/Olympus", "Greenwich Mean Time", "Z", "pacific standard time", "localtime"])
def test_other_zone_names_are_not_supported(name: str) -> None:
    with pytest.raises(ct.ZoneError, match="The following TimeZone value is not supported"):
        ct.zone(name)


def busy(status: str, start_hour: int, end_hour: int) -> BusyItem:
    day = datetime(2031, 3, 1, tzinfo=UTC)
    return BusyItem(day + timedelta(hours=start_hour), day + timedelta(hours=end_hour), status)


def test_availability_view_digits_and_overlaps() -> None:
    start = datetime(2031, 3, 1, tzinfo=UTC)
    items = [
        busy(s, n, n + 1) for n, s in enumerate(("free", "tentative", "busy", "oof", "workingElsewhere", "unknown"))
    ]
    assert availability_view(items, start, start + timedelta(hours=6), 60) == "012304"
    overlapping = [busy("tentative", 0, 2), busy("busy", 1, 3), busy("oof", 2, 3)]
    assert availability_view(overlapping, start, start + timedelta(hours=4), 60) == "1230"  # the higher digit wins
    assert availability_view(overlapping, start, start + timedelta(hours=4), 240) == "3"
