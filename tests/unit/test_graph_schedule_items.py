"""getSchedule items read into busy blocks: the cached reader gives what the plain per-item reading gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.adapters.graph.calendar_requests import merge_busy
from shared.adapters.graph.mapping_events import BUSY_STATUSES, busy_from_schedule
from shared.adapters.graph.wire import objects, text, utc_from
from shared.domain.calendar import Busy

pytestmark = pytest.mark.unit

WINDOW = (datetime(2030, 3, 4, tzinfo=UTC), datetime(2030, 3, 6, tzinfo=UTC))


def plain_reading(info: dict[str, Any]) -> list[Busy]:
    """``busy_from_schedule`` as it read every item before (the reference)."""
    if info.get("error") is not None:
        return [Busy(start=WINDOW[0], end=WINDOW[1], status="unknown")]
    busy: list[Busy] = []
    for item in objects(info, "scheduleItems"):
        status = text(item, "status") or "busy"
        if status == "free":
            continue
        status = status if status in BUSY_STATUSES else "busy"
        busy.append(Busy(start=utc_from(item.get("start")), end=utc_from(item.get("end")), status=status))
    return sorted(busy, key=lambda b: (b.start, b.end))


_walls = st.sampled_from(
    ["2030-03-04T09:00:00.0000000", "2030-03-04T09:30:00.0000000", "2030-03-05T09:00:00", "2030-03-04T10:00:00Z",
     "2030-03-04T10:00:00+02:00", "2030-03-04T09:00:00.1234567", "not a time", ""]
)  # fmt: skip
_zones = st.sampled_from(["UTC", "W. Europe Standard Time", "Pacific Standard Time", "Europe/London", "Nowhere"])
_times = st.one_of(
    st.fixed_dictionaries({"dateTime": _walls, "timeZone": st.one_of(_zones, st.none(), st.integers())}),
    st.fixed_dictionaries({"dateTime": _walls}),
    st.fixed_dictionaries({"timeZone": _zones}),
    st.none(),
    st.just("2030-03-04T09:00:00"),
)
_statuses = st.one_of(
    st.sampled_from([*sorted(BUSY_STATUSES), "free", "", "Free", "somethingNew"]),
    st.none(), st.booleans(), st.integers(), st.floats(), st.just({"a": 1}), st.just(["busy"]),
)  # fmt: skip
_items = st.one_of(
    st.fixed_dictionaries({"status": _statuses, "start": _times, "end": _times}),
    st.fixed_dictionaries({"start": _times, "end": _times}),
    st.just("junk"),
    st.none(),
)


def _outcome(read: Any, info: dict[str, Any]) -> tuple[str, Any]:
    try:
        return "ok", read(info)
    except (ValueError, TypeError) as error:
        return type(error).__name__, str(error)


@given(st.lists(_items, max_size=12), st.one_of(st.none(), st.just({"message": "no mailbox"})))
def test_cached_reading_is_the_plain_reading(items: list[Any], error: Any) -> None:
    info = {"scheduleId": "a@x.com", "scheduleItems": items, "error": error}
    assert _outcome(lambda i: busy_from_schedule(i, WINDOW), info) == _outcome(plain_reading, info)


@given(st.lists(st.fixed_dictionaries({"status": _statuses, "start": _times, "end": _times}), max_size=8))
def test_reading_twice_gives_equal_blocks(items: list[Any]) -> None:
    info = {"scheduleItems": items}
    assert _outcome(lambda i: busy_from_schedule(i, WINDOW), info) == _outcome(
        lambda i: busy_from_schedule(i, WINDOW), info
    )


_blocks = st.builds(
    Busy,
    st.integers(0, 6).map(lambda h: WINDOW[0] + timedelta(hours=h)),
    st.integers(7, 12).map(lambda h: WINDOW[0] + timedelta(hours=h)),
    st.sampled_from(["busy", "tentative", "oof"]),
)


@given(st.lists(st.lists(_blocks, max_size=6), max_size=4))
def test_windows_merge_into_one_sorted_list_without_repeats(parts: list[list[Busy]]) -> None:
    expected = sorted(set(item for part in parts for item in part), key=lambda b: (b.start, b.end, b.status))
    assert merge_busy(parts) == expected
