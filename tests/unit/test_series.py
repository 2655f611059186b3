"""Series id, subject, body teaser (escaped, nothing private) and recurrence."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.domain.calendar import RecurrenceKind
from shared.domain.people import Weekday
from shared.domain.series import body_teaser, series_id, subject, weekly_recurrence

pytestmark = pytest.mark.unit


def test_series_id_is_a_stable_uuid5_per_pair_and_policy() -> None:
    first = series_id("t1", "M-1", "r-1", "v1")
    assert uuid.UUID(first).version == 5
    assert first == series_id("T1", "m-1", "R-1 ", "v1")
    assert len({first, series_id("t1", "m-1", "r-2", "v1"), series_id("t1", "m-1", "r-1", "v2")}) == 3
    assert series_id("t1", "m-1", "r-1", "v1") != series_id("t1", "r-1", "m-1", "v1")


@given(st.text(), st.text())
def test_body_escapes_whatever_the_name_and_reason(name: str, reason: str) -> None:
    body = body_teaser(name, reason)
    assert "<script" not in body.lower() and "<img" not in body.lower()
    assert body.count("<p>") == 3


def test_body_shows_name_and_reason_literally_and_nothing_else() -> None:
    body = body_teaser("Zoë <b>O'Neil</b>", "before FY27 Q3 planning & budget")
    assert "Zoë &lt;b&gt;O&#x27;Neil&lt;/b&gt;" in body
    assert "before FY27 Q3 planning &amp; budget" in body
    assert "<b>" not in body


def test_subject_is_plain_and_capped() -> None:
    assert subject("Ann  Lee", "Bob\nKim") == "Growth conversation: Ann Lee & Bob Kim"
    assert len(subject("A" * 300, "B")) == 255


def test_recurrence_uses_the_local_weekday_of_the_first_occurrence() -> None:
    # 23:30 UTC on a Monday is Tuesday morning in Tokyo.
    first = datetime(2026, 6, 1, 23, 30, tzinfo=UTC)
    recurrence = weekly_recurrence(first, ZoneInfo("Asia/Tokyo"), 6, date(2026, 10, 1))
    assert recurrence.kind is RecurrenceKind.WEEKLY and recurrence.interval == 6
    assert recurrence.days_of_week == (Weekday.TUESDAY,)
    assert (recurrence.start_date, recurrence.end_date, recurrence.time_zone) == (
        date(2026, 6, 2),
        date(2026, 10, 1),
        "Asia/Tokyo",
    )
