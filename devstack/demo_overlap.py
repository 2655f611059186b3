"""Whether two people's working hours overlap at all in a week, each read in their own time zone.

A pair whose working hours never overlap cannot have a conversation in working hours, whatever their calendars
say: ``make demo`` counts those pairs apart from the pairs that only found no free slot. Working hours are Graph's
``workingHours`` JSON; the zone may be a Windows or IANA name or a ``customTimeZone`` (see tenant_zones.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, time, timedelta
from typing import Any

from devstack.tenant_zones import working_zone

Interval = tuple[datetime, datetime]
WEEK = timedelta(days=7)
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _time(text: str) -> time:
    return time(int(text[:2]), int(text[3:5]), int(text[6:8]) if len(text) >= 8 else 0)


def working_intervals(hours: Mapping[str, Any], week_start: datetime) -> list[Interval]:
    """The UTC intervals in ``[week_start, week_start + 7 days)`` that fall in these working hours."""
    zone = working_zone(hours.get("timeZone"))
    days = {str(d).lower() for d in hours.get("daysOfWeek") or ()}
    begins, ends = _time(str(hours.get("startTime") or "08:00:00")), _time(str(hours.get("endTime") or "17:00:00"))
    week_end = week_start + WEEK
    first = week_start.astimezone(zone).date() - timedelta(days=1)
    intervals = []
    for offset in range(9):
        day = first + timedelta(days=offset)
        if DAY_NAMES[day.weekday()] not in days:
            continue
        start = datetime.combine(day, begins, tzinfo=zone).astimezone(UTC)
        end_day = day + timedelta(days=1) if ends <= begins else day  # 00:00 (or earlier) ends at midnight
        end = datetime.combine(end_day, ends, tzinfo=zone).astimezone(UTC)
        start, end = max(start, week_start), min(end, week_end)
        if start < end:
            intervals.append((start, end))
    return intervals


def overlap(a: Mapping[str, Any], b: Mapping[str, Any], week_start: datetime) -> timedelta:
    """How long both people are in working hours at once during the week starting at ``week_start`` (aware)."""
    total = timedelta()
    for a_start, a_end in working_intervals(a, week_start):
        for b_start, b_end in working_intervals(b, week_start):
            total += max(timedelta(), min(a_end, b_end) - max(a_start, b_start))
    return total


def pairs_without_overlap(
    pairs: Iterable[tuple[str, str]], hours: Mapping[str, Mapping[str, Any]], week_start: datetime
) -> list[tuple[str, str]]:
    """The (manager, report) pairs, both with working hours, whose hours never overlap in that week."""
    return [
        (manager, report)
        for manager, report in pairs
        if manager in hours and report in hours and not overlap(hours[manager], hours[report], week_start)
    ]


def hours_by_user(tenant_file: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """User id -> workingHours, from a tenant file (people without a mailbox have none)."""
    return {
        str(u["id"]): dict(u["mailboxSettings"]["workingHours"])
        for u in tenant_file.get("users", [])
        if u.get("mailboxSettings") and u["mailboxSettings"].get("workingHours")
    }
