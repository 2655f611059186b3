"""Pure free/busy math for ``calendar/getSchedule``: the availabilityView string and its items.

availabilityView digits (scheduleInformation resource type): 0 free, 1 tentative, 2 busy, 3 out of office; "working
elsewhere is set to 0 instead of 4 for backward compatibility" (the item is still listed, with its status).
``unknown`` is Exchange's "no data", digit 4 (EWS MergedFreeBusy). Where items overlap one interval, the higher
digit wins ("the availability value with the higher digit value is assigned to the whole interval", MS-ASCMD
MergedFreeBusy). Free items are not listed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

CODES = {"free": "0", "workingElsewhere": "0", "tentative": "1", "busy": "2", "oof": "3", "unknown": "4"}
MAX_SCHEDULES = 20
MIN_INTERVAL, MAX_INTERVAL, DEFAULT_INTERVAL = 5, 1440, 30
MAX_WINDOW = timedelta(days=62)


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
    """The availabilityView digit for an event's showAs (none given: busy, the event default)."""
    return CODES.get(show_as or "busy", "2")


def overlapping(items: Iterable[BusyItem], start: datetime, end: datetime) -> list[BusyItem]:
    """Non-free items that overlap [start, end), ordered by start."""
    chosen = [i for i in items if i.status != "free" and i.start < end and i.end > start]
    return sorted(chosen, key=lambda i: (i.start, i.end))


def availability_view(items: Iterable[BusyItem], start: datetime, end: datetime, interval_minutes: int) -> str:
    """One digit per interval from ``start``: the highest digit of any item overlapping that interval."""
    step = timedelta(minutes=interval_minutes)
    slots = max(0, math.ceil((end - start) / step))
    view = ["0"] * slots
    for item in overlapping(items, start, end):
        first = max(0, int((item.start - start) // step))
        last = min(slots, math.ceil((item.end - start) / step))
        code = status_code(item.status)
        for slot in range(first, last):
            view[slot] = max(view[slot], code)
    return "".join(view)


def validate_interval(value: object) -> int:
    """availabilityViewInterval: 5..1440 minutes, 30 when absent."""
    if value is None:
        return DEFAULT_INTERVAL
    if not isinstance(value, int) or isinstance(value, bool) or not MIN_INTERVAL <= value <= MAX_INTERVAL:
        raise ValueError(f"availabilityViewInterval must be an integer from {MIN_INTERVAL} to {MAX_INTERVAL}")
    return value
