"""How far a start lies outside a person's hours, on microseconds, is what ``slots_explain`` reads."""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from shared.domain.people import Weekday, WorkingHours
from shared.domain.planning.micro_closest import _Outside
from shared.domain.slots_explain import minutes_outside
from shared.domain.slots_rules import Attendee
from shared.domain.zone_offsets import MINUTE_US, from_us, local_clock, to_us
from tests.unit.test_planning_micro import ZONES
from tests.unit.test_planning_properties import working_hours

pytestmark = pytest.mark.unit

FIRST, LAST = to_us(datetime(2026, 1, 1, tzinfo=UTC)), to_us(datetime(2027, 12, 31, tzinfo=UTC))


@given(
    st.sampled_from([*ZONES, "UTC", "Europe/Berlin", "America/New_York"]),
    working_hours(),
    st.one_of(  # any microsecond, or a quarter hour (so some slots end exactly at a local midnight)
        st.integers(to_us(datetime(2025, 10, 1, tzinfo=UTC)), to_us(datetime(2028, 3, 1, tzinfo=UTC))),
        st.integers(0, 3 * 365 * 96).map(lambda q: to_us(datetime(2025, 10, 1, tzinfo=UTC)) + q * 15 * MINUTE_US),
    ),
    st.sampled_from([15, 30, 45, 60, 90]),
)
@example(  # Sydney falls back 03:00 -> 02:00 on 4 April 2027 (16:00 UTC): 02:45 AEDT + 15 minutes reads 02:00 AEST
    "Australia/Sydney",
    WorkingHours("Australia/Sydney", time(0), time(2), frozenset(Weekday)),
    to_us(datetime(2027, 4, 3, 15, 45, tzinfo=UTC)),
    15,
)
def test_minutes_outside_on_microseconds(name: str, hours: WorkingHours, start: int, minutes: int) -> None:
    person = Attendee("p@x.test", "P", hours, ZoneInfo(name))
    end = start + minutes * MINUTE_US
    outside = _Outside(person, local_clock(person.zone, FIRST, LAST))
    assert outside.minutes(start, end) == minutes_outside(person, from_us(start), from_us(end))
