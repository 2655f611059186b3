"""Custom mailbox time zones (Graph customTimeZone) matched to an IANA zone that keeps the same clock."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devstack.reference_files import GRAPH_EXAMPLES
from devstack.tenant_data import CUSTOM_ZONE
from shared.adapters.graph.mapping_zones import working_hours_from
from shared.domain.custom_zones import CustomZone, Transition, UnmatchedCustomZone, equivalent_iana_zone
from shared.domain.people import Weekday

pytestmark = pytest.mark.unit
TODAY = date(2026, 11, 30)
SUNDAY = Weekday.SUNDAY
# Rules as Windows and Outlook write them: transition times are local wall-clock times before the change.
HELSINKI = CustomZone(120, 60, Transition(10, 5, SUNDAY, time(4)), Transition(3, 5, SUNDAY, time(3)))
SYDNEY = CustomZone(600, 60, Transition(4, 1, SUNDAY, time(3)), Transition(10, 1, SUNDAY, time(2)))
NEW_YORK = CustomZone(-300, 60, Transition(11, 1, SUNDAY, time(2)), Transition(3, 2, SUNDAY, time(2)))
KOLKATA = CustomZone(330)
RULES = {"Europe/Helsinki": HELSINKI, "Australia/Sydney": SYDNEY, "America/New_York": NEW_YORK, "Asia/Kolkata": KOLKATA}
instants = st.datetimes(min_value=datetime(2027, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC))


@given(st.sampled_from(sorted(RULES)), instants)
def test_a_custom_zone_keeps_the_clock_of_the_zone_it_describes(name: str, instant: datetime) -> None:
    assert RULES[name].offset_at(instant) == instant.astimezone(ZoneInfo(name)).utcoffset()


@pytest.mark.parametrize("name", sorted(RULES))
def test_the_matched_iana_zone_has_the_same_offset_all_year(name: str) -> None:
    matched = ZoneInfo(equivalent_iana_zone(RULES[name], TODAY))
    moment = datetime(2027, 1, 1, tzinfo=UTC)
    while moment.year == 2027:
        assert moment.astimezone(matched).utcoffset() == moment.astimezone(ZoneInfo(name)).utcoffset(), moment
        moment += timedelta(minutes=30)


def test_a_custom_zone_no_iana_zone_keeps_is_refused_not_read_as_utc() -> None:
    example = json.loads((GRAPH_EXAMPLES / "user-get-mailboxsettings__get_mailboxsettings_3.json").read_text())
    settings = {"workingHours": example["response"]["body"]}
    with pytest.raises(UnmatchedCustomZone, match="bias -200"):
        working_hours_from(settings)


def test_the_demo_tenants_custom_zone_reads_as_helsinki_time() -> None:
    body = {
        "timeZone": "Customized Time Zone",
        "workingHours": {
            "daysOfWeek": ["monday"],
            "startTime": "08:00:00",
            "endTime": "16:00:00",
            "timeZone": CUSTOM_ZONE,
        },
    }
    hours = working_hours_from(body)
    summer, winter = datetime(2027, 7, 1, tzinfo=UTC), datetime(2027, 1, 15, tzinfo=UTC)
    for moment in (summer, winter):
        assert (
            moment.astimezone(ZoneInfo(hours.time_zone)).utcoffset()
            == moment.astimezone(ZoneInfo("Europe/Helsinki")).utcoffset()
        )
    assert (hours.start, hours.end, hours.days) == (time(8), time(16), frozenset({Weekday.MONDAY}))
