"""The NCRONTAB matcher behind timer schedules and missed-schedule detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.ncrontab import parse

pytestmark = pytest.mark.unit

T = datetime(2025, 3, 1, 10, 7, 3, tzinfo=UTC)  # a Saturday


@pytest.mark.parametrize(
    ("expression", "after", "before"),
    [
        ("0 */15 * * * *", datetime(2025, 3, 1, 10, 15, tzinfo=UTC), datetime(2025, 3, 1, 10, 0, tzinfo=UTC)),
        ("0 0 2 * * *", datetime(2025, 3, 2, 2, 0, tzinfo=UTC), datetime(2025, 3, 1, 2, 0, tzinfo=UTC)),
        ("0 30 2 * * mon-fri", datetime(2025, 3, 3, 2, 30, tzinfo=UTC), datetime(2025, 2, 28, 2, 30, tzinfo=UTC)),
        ("30 5 10 1 3 *", datetime(2026, 3, 1, 10, 5, 30, tzinfo=UTC), datetime(2025, 3, 1, 10, 5, 30, tzinfo=UTC)),
        ("0 0 0 29 feb *", datetime(2028, 2, 29, tzinfo=UTC), datetime(2024, 2, 29, tzinfo=UTC)),
        ("0 0 9 * * 1,3", datetime(2025, 3, 3, 9, tzinfo=UTC), datetime(2025, 2, 26, 9, tzinfo=UTC)),
    ],
)
def test_next_and_previous(expression: str, after: datetime, before: datetime) -> None:
    schedule = parse(expression)
    assert schedule.next_after(T) == after
    assert schedule.previous_at_or_before(T) == before


def test_a_fire_time_is_its_own_previous_but_not_its_next() -> None:
    schedule = parse("0 0 2 * * *")
    fire = datetime(2025, 3, 1, 2, tzinfo=UTC)
    assert schedule.previous_at_or_before(fire) == fire
    assert schedule.next_after(fire) == fire + timedelta(days=1)


@pytest.mark.parametrize(
    "bad", ["0 0 2 * *", "60 * * * * *", "0 0 24 * * *", "x * * * * *", "0 0 0 0 * *", "*/0 * * * * *"]
)
def test_bad_expressions_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="NCRONTAB"):
        parse(bad)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    st.sampled_from(["0 */15 * * * *", "0 0 2 * * *", "0 30 2 * * mon-fri", "*/20 * 8-17 * * *"]),
)
def test_previous_then_next_bracket_the_instant(instant: datetime, expression: str) -> None:
    schedule = parse(expression)
    previous, following = schedule.previous_at_or_before(instant), schedule.next_after(instant)
    assert previous <= instant < following
    assert schedule.next_after(previous) == following
