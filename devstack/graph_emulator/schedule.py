"""Pure free/busy math for ``calendar/getSchedule``: the availabilityView string and its items."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

CODES = {"free": "0", "tentative": "1", "busy": "2", "oof": "3", "workingElsewhere": "4"}
# When items overlap one interval, the strongest status wins (Outlook's order).
STRENGTH = {"0": 0, "4": 1, "1": 2, "2": 3, "3": 4}
MAX_SCHEDULES = 20
MIN_INTERVAL, MAX_INTERVAL, DEFAULT_INTERVAL = 5, 1440, 30


@dataclass(frozen=True, slots=True)
class BusyItem:
    """One non-free occurrence on a calendar, in UTC."""

    start: datetime
    end: datetime
    status: str
    subject: str = ""
    location: str = ""
    is_private: bool = False


def status_code(show_as: str | None) -> str:
    """The availabilityView digit for an event's showAs (unknown counts as busy, like Outlook)."""
    return CODES.get(show_as or "busy", "2")


def overlapping(items: Iterable[BusyItem], start: datetime, end: datetime) -> list[BusyItem]:
    """Non-free items that overlap [start, end), ordered by start."""
    chosen = [i for i in items if i.status != "free" and i.start < end and i.end > start]
    return sorted(chosen, key=lambda i: (i.start, i.end))


def availability_view(items: Iterable[BusyItem], start: datetime, end: datetime, interval_minutes: int) -> str:
    """One digit per interval from ``start``: the strongest status of any item overlapping that interval."""
    step = timedelta(minutes=interval_minutes)
    slots = max(0, math.ceil((end - start) / step))
    view = ["0"] * slots
    for item in overlapping(items, start, end):
        first = max(0, int((item.start - start) // step))
        last = min(slots, math.ceil((item.end - start) / step))
        code = status_code(item.status)
        for slot in range(first, last):
            if STRENGTH[code] > STRENGTH[view[slot]]:
                view[slot] = code
    return "".join(view)


def validate_interval(value: object) -> int:
    """availabilityViewInterval: 5..1440 minutes, 30 when absent."""
    if value is None:
        return DEFAULT_INTERVAL
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_INTERVAL <= value <= MAX_INTERVAL:
        raise ValueError(f"availabilityViewInterval must be an integer from {MIN_INTERVAL} to {MAX_INTERVAL}")
    return value
