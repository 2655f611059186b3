"""``plan_year`` on integer microseconds makes exactly the plans the ``datetime`` planner makes.

The ``datetime`` planner (``planner.plan_with`` with ``PairCheck.build``: the planner before the planner ran on
microseconds) is the oracle, on the property tests' requests, half of them in half-hour, 45-minute and odd-DST
zones, and on requests whose people share one busy list that grows between plans (as a manager's view does in
a run). Underneath: ``LocalClock`` reads local days and wall times exactly as ``zoneinfo`` does (gaps and folds
with ``fold=0``), and the busy spans kept per list (``busy_spans``) are what merging the whole list gives,
whatever is appended, replaced or removed between calls.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.intervals import merged
from shared.domain.planning import YearRequest, plan_year
from shared.domain.planning.busy_spans import person_spans
from shared.domain.planning.checks import PairCheck
from shared.domain.planning.planner import SPAN_MARGIN, plan_with
from shared.domain.zone_offsets import DAY_US, MINUTE_US, LocalClock, day_number, from_us, local_clock, to_us
from tests.unit.test_planning_oracle import requests_in_odd_zones
from tests.unit.test_planning_properties import PROPERTIES, year_requests
from tests.unit.test_slot_sets import ODD_ZONES

pytestmark = pytest.mark.unit

ZONES = [*ODD_ZONES, "America/Santiago", "Asia/Beirut", "America/Havana", "Pacific/Apia", "Africa/Casablanca"]


def datetime_plan(request: YearRequest):  # type: ignore[no-untyped-def]
    """The plan as the ``datetime`` planner makes it (``plan_year`` before it ran on microseconds)."""
    span = (request.window_start - SPAN_MARGIN, request.horizon_end + SPAN_MARGIN)
    return plan_with(request, PairCheck.build(request.people, request.busy, request.rules, span))


@PROPERTIES
@given(requests_in_odd_zones())
def test_plans_match_the_datetime_planner(request: YearRequest) -> None:
    assert plan_year(request) == datetime_plan(request)


@PROPERTIES
@given(year_requests(), st.lists(st.integers(0, 4 * 96), max_size=12), st.booleans())
def test_plans_match_while_the_shared_busy_lists_grow(
    request: YearRequest, extra_quarters: list[int], replace_one: bool
) -> None:
    """A run's view: the same list objects planned from again and again, appended to between plans (and once
    with an item replaced in place, which must be seen too)."""
    busy = {key: list(items) for key, items in request.busy.items()}
    request = replace(request, busy=busy)
    assert plan_year(request) == datetime_plan(request)
    for quarter in extra_quarters:
        start = request.window_start + timedelta(minutes=15 * quarter)
        busy["m@x.test"].append(Busy(start, start + timedelta(minutes=45), "busy"))
        busy["r@x.test"].append(Busy(start + timedelta(hours=1), start + timedelta(hours=2), "tentative"))
        assert plan_year(request) == datetime_plan(request)
    if replace_one and busy["m@x.test"]:
        first = busy["m@x.test"][0]
        busy["m@x.test"][0] = Busy(first.start - timedelta(days=1), first.end, "oof")
        assert plan_year(request) == datetime_plan(request)
        busy["m@x.test"].pop()
        assert plan_year(request) == datetime_plan(request)


@given(
    st.sampled_from(ZONES),
    st.integers(to_us(datetime(2025, 6, 1, tzinfo=UTC)), to_us(datetime(2028, 6, 1, tzinfo=UTC))),
    st.integers(-3 * 24 * 60, 3 * 24 * 60),
)
def test_local_clock_reads_days_and_wall_times_as_zoneinfo_does(name: str, moment: int, minutes: int) -> None:
    zone = ZoneInfo(name)
    clock = local_clock(zone, to_us(datetime(2026, 1, 1, tzinfo=UTC)), to_us(datetime(2027, 12, 1, tzinfo=UTC)))
    assert clock.day(moment) == day_number(from_us(moment).astimezone(zone).date())
    assert clock.wall(moment) == to_us(from_us(moment).astimezone(zone).replace(tzinfo=UTC))
    wall = moment + minutes * MINUTE_US
    naive = datetime(1970, 1, 1) + timedelta(microseconds=wall)
    assert clock.utc(wall) == to_us(naive.replace(tzinfo=zone))


@pytest.mark.parametrize("name", ZONES)
def test_local_clock_reads_wall_times_in_every_gap_and_fold_as_zoneinfo_does(name: str) -> None:
    """Every wall time within three hours of each offset change of 2025-2028, minute by minute."""
    zone = ZoneInfo(name)
    clock = LocalClock(zone, 2025, 2028)
    changes = [
        datetime(year, 1, 1, tzinfo=UTC) + timedelta(hours=hour)
        for year in range(2025, 2029)
        for hour in range(0, 366 * 24, 1)
    ]
    offsets = [moment.astimezone(zone).utcoffset() for moment in changes]
    for moment, before, after in zip(changes[1:], offsets, offsets[1:], strict=False):
        if before == after:
            continue
        for minute in range(-180, 181):
            wall = to_us(moment.astimezone(zone).replace(tzinfo=UTC)) + minute * MINUTE_US
            naive = datetime(1970, 1, 1) + timedelta(microseconds=wall)
            assert clock.utc(wall) == to_us(naive.replace(tzinfo=zone)), naive
        start = to_us(moment) - 3 * 60 * MINUTE_US
        for minute in range(0, 361, 7):
            instant = start + minute * MINUTE_US
            assert clock.day(instant) == day_number(from_us(instant).astimezone(zone).date())


def test_local_clock_outside_its_years_asks_zoneinfo() -> None:
    zone = ZoneInfo("Europe/London")
    clock = LocalClock(zone, 2026, 2026)
    for moment in (datetime(1999, 10, 31, 1, 30, tzinfo=UTC), datetime(2031, 3, 30, 0, 59, tzinfo=UTC)):
        assert clock.day(to_us(moment)) == day_number(moment.astimezone(zone).date())
        naive = moment.astimezone(zone).replace(tzinfo=None, fold=0)  # 1999: in the fold, fold=0 is the earlier
        assert clock.utc(to_us(naive.replace(tzinfo=UTC))) == to_us(naive.replace(tzinfo=zone))
    assert clock.one_day(to_us(datetime(2031, 1, 1, tzinfo=UTC)), to_us(datetime(2031, 1, 1, 1, tzinfo=UTC))) is None


STATUSES = ["busy", "tentative", "free", "oof"]
BASE = datetime(2027, 3, 1, tzinfo=UTC)
item = st.builds(
    lambda start, length, status: Busy(
        BASE + timedelta(minutes=15 * start), BASE + timedelta(minutes=15 * (start + length)), status
    ),
    st.integers(0, 2000),
    st.integers(-2, 40),  # empty and reversed items too
    st.sampled_from(STATUSES),
)
edits = st.lists(
    st.one_of(
        st.tuples(st.just("append"), item),
        st.tuples(st.just("replace"), item),
        st.tuples(st.just("pop"), st.none()),
        st.tuples(st.just("new list"), st.none()),
    ),
    max_size=30,
)


@given(st.lists(item, max_size=40), edits, st.sampled_from([0, 1, 30 * MINUTE_US - 1]), st.sampled_from([0, 15]))
def test_busy_spans_kept_per_list_are_the_spans_of_the_whole_list(
    items: list[Busy], changes: list[tuple[str, Busy | None]], lead: int, pad_minutes: int
) -> None:
    statuses, pad = frozenset({"busy", "oof", "tentative"}), pad_minutes * MINUTE_US
    busy = list(items)
    for kind, change in [("check", None), *changes]:
        if kind == "append" and change is not None:
            busy.append(change)
        elif kind == "replace" and change is not None and busy:
            busy[len(busy) // 2] = change
        elif kind == "pop" and busy:
            busy.pop(0)
        elif kind == "new list":
            busy = list(busy)
        blocked, buffer = person_spans(busy, statuses, lead, pad)
        expected = merged((to_us(b.start) - lead, to_us(b.end)) for b in busy if b.status in statuses)
        assert blocked.spans() == expected
        assert buffer.spans() == merged((start - pad, end + pad) for start, end in expected)


def test_one_day_is_none_across_a_change_or_midnight() -> None:
    zone = ZoneInfo("Europe/Berlin")
    clock = LocalClock(zone, 2027, 2027)
    change = to_us(datetime(2027, 3, 28, 1, tzinfo=UTC))  # 02:00 CET becomes 03:00 CEST
    assert clock.one_day(change - 60 * MINUTE_US, change + 60 * MINUTE_US) is None
    noon = to_us(datetime(2027, 3, 29, 11, tzinfo=UTC))
    assert clock.one_day(noon, noon + 8 * 60 * MINUTE_US) == day_number(date(2027, 3, 29))
    assert clock.one_day(noon, noon + DAY_US) is None
