"""Slot finding by example: working hours across zones and DST, busy time, soft rules, spread, preference."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest

from shared.domain.calendar import Busy
from shared.domain.people import Weekday, WorkingHours
from shared.domain.slots import Preference, SlotRequest, attendee, choose
from shared.domain.slots_rules import Rule, SlotRules

pytestmark = pytest.mark.unit

MONDAY = datetime(2026, 6, 1, tzinfo=UTC)  # a Monday, summer time in Europe and the US
BERLIN = attendee("ann@x.test", "Ann", WorkingHours(time_zone="W. Europe Standard Time"))
LONDON = attendee("bob@x.test", "Bob", WorkingHours(time_zone="Europe/London"))


def _req(**kwargs: object) -> SlotRequest:
    base = SlotRequest(people=(BERLIN, LONDON), window_start=MONDAY, window_end=MONDAY + timedelta(days=5))
    return replace(base, **kwargs)  # type: ignore[arg-type]


def _utc(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY + timedelta(days=day, hours=hour, minutes=minute)


def test_first_strict_slot_is_after_the_first_hour_for_both() -> None:
    result = choose(_req())
    assert result.slot is not None and not result.is_fallback
    # Berlin 09:00 is 07:00 UTC, London 09:00 is 08:00 UTC: first hour excluded for both -> 09:00 UTC.
    assert result.slot.start == _utc(0, 9)
    assert "Europe/Berlin" in result.explanation.sentence and "Europe/London" in result.explanation.sentence


def test_lunch_is_avoided_in_each_persons_zone() -> None:
    busy = {"ann@x.test": [Busy(_utc(0, 0), _utc(0, 10), "busy")]}  # free from 12:00 Berlin = 11:00 London
    result = choose(_req(busy=busy, window_end=MONDAY + timedelta(days=1)))
    assert result.slot is not None
    # 10:15 UTC would be Berlin 12:15 (lunch); London lunch is 11:00-12:00 UTC -> 12:00 UTC is first clean.
    assert result.slot.start == _utc(0, 12)


def test_buffer_keeps_clear_of_other_meetings() -> None:
    busy = {"bob@x.test": [Busy(_utc(0, 9), _utc(0, 9, 15), "busy")]}
    padded = choose(_req(busy=busy))
    tight = choose(_req(busy=busy, rules=SlotRules(buffer_minutes=0)))
    assert padded.slot is not None and padded.slot.start == _utc(0, 9, 30)
    assert tight.slot is not None and tight.slot.start == _utc(0, 9, 15)


def test_tentative_counts_as_busy_unless_configured() -> None:
    busy = {"bob@x.test": [Busy(_utc(0, 9), _utc(0, 9, 30), "tentative")]}
    strict = choose(_req(busy=busy, rules=SlotRules(buffer_minutes=0)))
    lenient = choose(_req(busy=busy, rules=SlotRules(buffer_minutes=0, tentative_is_busy=False)))
    assert strict.slot is not None and strict.slot.start == _utc(0, 9, 30)
    assert lenient.slot is not None and lenient.slot.start == _utc(0, 9)


def test_free_and_working_elsewhere_do_not_block() -> None:
    busy = {"bob@x.test": [Busy(_utc(0, 0), _utc(5, 0), "free"), Busy(_utc(0, 0), _utc(5, 0), "workingElsewhere")]}
    assert choose(_req(busy=busy, rules=SlotRules(buffer_minutes=0))).slot is not None


def test_per_day_limit_spreads_to_another_day() -> None:
    result = choose(_req(booked={date(2026, 6, 1): 2}, rules=SlotRules(max_per_day=2)))
    assert result.slot is not None and result.slot.start.date() == date(2026, 6, 2)


def test_less_loaded_day_wins_over_an_earlier_busier_one() -> None:
    result = choose(_req(booked={date(2026, 6, 1): 1, date(2026, 6, 2): 0}))
    assert result.slot is not None and result.slot.start.date() == date(2026, 6, 2)


def test_preferred_weekday_and_time_is_kept_when_free() -> None:
    result = choose(_req(preferred=Preference(Weekday.THURSDAY, time(14, 30))))
    assert result.slot is not None
    local = result.slot.start.astimezone(BERLIN.zone)
    assert (local.weekday(), local.time()) == (3, time(14, 30))


def test_later_occurrence_clashes_push_the_choice() -> None:
    # Monday 09:00 UTC is free now but busy on each of the next two 6-weekly repeats.
    repeats = [Busy(_utc(42 * k, 9), _utc(42 * k, 10), "busy") for k in (1, 2)]
    result = choose(_req(busy={"bob@x.test": repeats}, repeat_every_weeks=6, repeats=2))
    assert result.slot is not None and result.slot.start != _utc(0, 9)


def test_nine_hours_apart_reports_why_and_offers_closest_options_outside_hours() -> None:
    la = attendee("cy@x.test", "Cy", WorkingHours(time_zone="Pacific Standard Time"))
    winter = datetime(2026, 11, 9, tzinfo=UTC)  # Berlin UTC+1, Los Angeles UTC-8
    result = choose(SlotRequest((BERLIN, la), winter, winter + timedelta(days=5)))
    assert result.slot is None
    assert result.explanation.reason == "no overlap of working hours: 9 hours apart"
    assert result.closest and all(option.outside_hours == ("Cy",) for option in result.closest)
    assert len({option.start.date() for option in result.closest}) == len(result.closest)


def test_dst_change_opens_an_overlap_marked_as_fallback() -> None:
    tokyo = attendee("ken@x.test", "Ken", WorkingHours(time_zone="Tokyo Standard Time"))
    start = datetime(2026, 3, 23, tzinfo=UTC)  # Berlin switches to UTC+2 on 29 March: 1 hour overlap after
    result = choose(SlotRequest((BERLIN, tokyo), start, start + timedelta(days=10)))
    assert result.slot is not None and result.is_fallback
    assert result.slot.start == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert Rule.DAY_EDGES in result.slot.relaxed
    off = choose(SlotRequest((BERLIN, tokyo), start, start + timedelta(days=10), rules=SlotRules(allow_fallback=False)))
    assert off.slot is None and "fallback is off" in off.explanation.reason


def test_fully_booked_window_says_so() -> None:
    busy = {"ann@x.test": [Busy(_utc(0, 0), _utc(5, 0), "busy")]}
    result = choose(_req(busy=busy))
    assert result.slot is None and result.explanation.reason == "fully booked in window"
    assert result.closest == ()


def test_daily_limit_everywhere_says_so() -> None:
    booked = {date(2026, 6, d): 3 for d in range(1, 6)}
    result = choose(_req(booked=booked))
    assert result.slot is None and "3 conversations on every free day" in result.explanation.reason
