"""A zone's offset changes of a year, and the nearest-first order of sorted points (both used by the planner)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.intervals import nearest_first
from shared.domain.zone_offsets import MICROSECOND, _change_between, to_us, year_changes

pytestmark = pytest.mark.unit

ZONES = sorted(available_timezones())


def sampled_changes(zone: ZoneInfo, year: int) -> tuple[tuple[int, int], ...]:
    """The changes as ``year_changes`` found them before (offsets in microseconds at every sample)."""

    def offset_us(moment: datetime) -> int:
        return (moment.astimezone(zone).utcoffset() or timedelta(0)) // MICROSECOND

    moment, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    changes = [(to_us(moment), offset_us(moment))]
    while moment < end:
        following = min(moment + timedelta(hours=3), end)
        if offset_us(following) != changes[-1][1]:
            change = _change_between(zone, moment, following)
            changes.append((to_us(change), offset_us(change)))
        moment = following
    return tuple(changes)


@given(st.sampled_from(ZONES), st.integers(1970, 2045))
def test_year_changes_are_the_sampled_changes(name: str, year: int) -> None:
    zone = ZoneInfo(name)
    assert year_changes(zone, year) == sampled_changes(zone, year)


@given(st.sets(st.integers(-1000, 1000), max_size=30), st.integers(-1100, 1100))
def test_nearest_first_is_the_sort_by_distance_then_time(points: set[int], around: int) -> None:
    ordered = sorted(points)
    assert list(nearest_first(ordered, around)) == sorted(ordered, key=lambda p: (abs(p - around), p))
