"""Property tests: a chosen slot is never double-booked, always in both people's hours, within the daily
limit, and the same for the same input, across DST changes and for zones 9+ hours apart."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours
from shared.domain.slots import SlotRequest, SlotResult, attendee, choose
from shared.domain.slots_rules import SlotRules
from shared.domain.timezones import iana_name

pytestmark = pytest.mark.unit

ZONES = [
    "W. Europe Standard Time",
    "Pacific Standard Time",
    "Tokyo Standard Time",
    "Nepal Standard Time",
    "AUS Eastern Standard Time",
    "Asia/Kolkata",
    "America/New_York",
    "Europe/London",
    "Pacific/Auckland",
    "America/Sao_Paulo",
    "UTC",
]
# Windows around DST changes in Europe, the US, Australia and New Zealand (2026).
DST_DAYS = [
    date(2026, 3, 5),
    date(2026, 3, 26),
    date(2026, 4, 2),
    date(2026, 9, 24),
    date(2026, 10, 22),
    date(2026, 6, 1),
]
STATUSES = ["busy", "tentative", "oof", "free", "workingElsewhere"]


@st.composite
def working_hours(draw: st.DrawFn) -> WorkingHours:
    start_minute = draw(st.integers(5 * 4, 12 * 4)) * 15
    length = draw(st.integers(4 * 4, 11 * 4)) * 15
    end_minute = min(start_minute + length, 23 * 60 + 45)
    days = draw(st.sets(st.sampled_from(list(Weekday)), min_size=1))
    return WorkingHours(
        time_zone=draw(st.sampled_from(ZONES)),
        start=time(start_minute // 60, start_minute % 60),
        end=time(end_minute // 60, end_minute % 60),
        days=frozenset(days),
    )


@st.composite
def requests(draw: st.DrawFn) -> SlotRequest:
    people = (
        attendee("m@x.test", "Manager", draw(working_hours())),
        attendee("r@x.test", "Report", draw(working_hours())),
    )
    day = draw(st.sampled_from(DST_DAYS))
    start = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 95)) * 15)
    end = start + timedelta(days=draw(st.integers(1, 8)))
    busy: dict[str, list[Busy]] = {}
    for person in people:
        for _ in range(draw(st.integers(0, 12))):
            begin = start + timedelta(minutes=draw(st.integers(0, 8 * 24 * 4)) * 15)
            busy.setdefault(person.key, []).append(
                Busy(begin, begin + timedelta(minutes=draw(st.integers(1, 16)) * 15), draw(st.sampled_from(STATUSES)))
            )
    booked = {start.date() + timedelta(days=d): draw(st.integers(0, 3)) for d in range(draw(st.integers(0, 8)))}
    rules = SlotRules(
        duration_minutes=draw(st.sampled_from([30, 45, 60])),
        max_per_day=draw(st.integers(1, 3)),
        tentative_is_busy=draw(st.booleans()),
        allow_fallback=draw(st.booleans()),
    )
    return SlotRequest(people, start, end, busy=busy, booked=booked, rules=rules)


def _inside_hours(hours: WorkingHours, start: datetime, end: datetime) -> bool:
    zone = ZoneInfo(iana_name(hours.time_zone))
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    weekday = list(Weekday)[local_start.weekday()]
    return (
        local_start.date() == local_end.date()
        and weekday in hours.days
        and hours.start <= local_start.time()
        and local_end.time() <= hours.end
    )


def _hard_busy(request: SlotRequest, start: datetime, end: datetime) -> bool:
    hard = {"busy", "oof"} | ({"tentative"} if request.rules.tentative_is_busy else set())
    return any(b.status in hard and b.start < end and start < b.end for items in request.busy.values() for b in items)


FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(requests())
def test_chosen_slot_is_free_in_hours_and_within_the_daily_limit(request: SlotRequest) -> None:
    result = choose(request)
    if result.slot is None:
        assert result.explanation.reason
        return
    slot = result.slot
    assert slot.end - slot.start == timedelta(minutes=request.rules.duration_minutes)
    assert request.window_start <= slot.start and slot.end <= request.window_end
    assert not _hard_busy(request, slot.start, slot.end)
    assert all(_inside_hours(p.hours, slot.start, slot.end) for p in request.people)
    manager_day = slot.start.astimezone(request.people[0].zone).date()
    assert request.booked.get(manager_day, 0) < request.rules.max_per_day
    assert request.rules.allow_fallback or not result.is_fallback


@FAST
@given(requests())
def test_closest_options_are_never_double_bookings(request: SlotRequest) -> None:
    result = choose(request)
    for option in result.closest:
        assert not _hard_busy(request, option.start, option.end)
        assert _inside_hours(request.people[0].hours, option.start, option.end)


@FAST
@given(requests())
def test_choice_is_deterministic_whatever_the_order_of_busy_time(request: SlotRequest) -> None:
    shuffled = {key: list(reversed(items)) for key, items in reversed(list(request.busy.items()))}
    first: SlotResult = choose(request)
    again = choose(SlotRequest(**{**_fields(request), "busy": shuffled}))
    assert (first.slot, first.explanation.reason, first.closest) == (
        again.slot,
        again.explanation.reason,
        again.closest,
    )


def _fields(request: SlotRequest) -> dict[str, object]:
    return {name: getattr(request, name) for name in SlotRequest.__dataclass_fields__}


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(DST_DAYS), st.integers(0, 6))
def test_zones_nine_or_more_hours_apart_never_yield_a_slot_outside_someones_hours(day: date, extra_days: int) -> None:
    manager = attendee("m@x.test", "M", WorkingHours(time_zone="W. Europe Standard Time"))
    report = attendee("r@x.test", "R", WorkingHours(time_zone="Pacific Standard Time"))
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    result = choose(SlotRequest((manager, report), start, start + timedelta(days=1 + extra_days)))
    assert result.slot is None
    assert result.explanation.reason.startswith("no overlap of working hours")
    assert all(option.outside_hours == ("R",) for option in result.closest)
