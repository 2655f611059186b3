"""Candidate starts on the rules' step grid, only inside the manager's working hours.

Any start outside the manager's hours fails the hard rules anyway, so generating the grid per manager-local
working day (with ``slots.candidate_starts``) saves most of the checks. Every start is still fully checked.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta

from shared.domain.planning.model import MilestoneWindow, YearRequest
from shared.domain.slots import candidate_starts
from shared.domain.slots_rules import Attendee, SlotRules, day_end_minute


def working_starts(manager: Attendee, start: datetime, end: datetime, rules: SlotRules) -> Iterator[datetime]:
    """Grid starts in ``[start, end]`` (slot ending by ``end``) inside the manager's local working days, in order."""
    zone, hours = manager.zone, manager.hours
    workdays = {day.number for day in hours.days}
    last_minute = day_end_minute(hours)
    day = start.astimezone(zone).date()
    final: date = end.astimezone(zone).date()
    while day <= final:
        if day.weekday() in workdays:
            opens = min(_readings(datetime.combine(day, hours.start, zone)))
            closes_day = day + timedelta(days=last_minute // (24 * 60))
            closes_at = time(last_minute // 60 % 24, last_minute % 60)
            closes = max(_readings(datetime.combine(closes_day, closes_at, zone)))
            yield from candidate_starts(max(opens, start), min(closes, end), rules)
        day += timedelta(days=1)


def _readings(local: datetime) -> tuple[datetime, datetime]:
    """The UTC instants a local wall-clock time can mean: two in a fall-back hour (and around a spring-forward gap),
    else the same one twice. The grid opens at the earliest and closes at the latest, so it misses no start."""
    return local.replace(fold=0).astimezone(UTC), local.replace(fold=1).astimezone(UTC)


def window_starts(request: YearRequest, window: MilestoneWindow) -> list[datetime]:
    """Candidate starts whose manager-local date is in the window, inside the request's horizon."""
    zone, duration = request.people[0].zone, request.rules.duration
    begin = datetime.combine(window.earliest, time(0), zone).astimezone(UTC)
    end = datetime.combine(window.latest + timedelta(days=1), time(0), zone).astimezone(UTC)
    begin, end = max(begin, request.window_start), min(end, request.horizon_end)
    return [s for s in working_starts(request.people[0], begin, end, request.rules) if s + duration <= end]
