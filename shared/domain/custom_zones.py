"""A mailbox's custom time zone (Graph ``customTimeZone``) matched to the IANA zone that keeps the same clock.

Exchange lets a mailbox define its own zone: a standard ``bias`` (minutes ahead of UTC, as Graph documents it),
an optional daylight bias and two yearly transitions ("the last Sunday of March at 02:00"). WeGrow computes in
IANA zones, so a custom zone is replaced by an IANA zone whose UTC offset is the same at every sampled
instant of the coming years (each day at noon UTC, and hours around each transition). A zone no IANA zone
reproduces is refused (never read as UTC).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, available_timezones

from shared.domain.people import Weekday

SAMPLE_YEARS = 2


class UnmatchedCustomZone(ValueError):
    """No IANA zone keeps the same clock as a mailbox's custom time zone."""


@dataclass(frozen=True, slots=True)
class Transition:
    """Yearly moment a zone changes offset: the ``occurrence``-th ``weekday`` of ``month`` (5: the last)."""

    month: int  # 0: the zone has no such transition
    occurrence: int
    weekday: Weekday
    at: time

    def local_moment(self, year: int) -> datetime | None:
        return _local_moment(self, year)


@lru_cache(maxsize=1024)
def _local_moment(rule: Transition, year: int) -> datetime | None:
    """The rule's local wall-clock moment in ``year`` (cached: a zone scan asks for the same few years often)."""
    if rule.month == 0:
        return None
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, rule.month)
        if d.month == rule.month and d.weekday() == rule.weekday.number
    ]
    day: date = days[-1] if rule.occurrence >= 5 else days[max(rule.occurrence, 1) - 1]
    return datetime.combine(day, rule.at)


@dataclass(frozen=True, slots=True)
class CustomZone:
    bias_minutes: int  # standard time is UTC + bias
    daylight_bias_minutes: int = 0  # daylight time is UTC + bias + daylight bias
    to_standard: Transition | None = None
    to_daylight: Transition | None = None

    def offset_at(self, instant: datetime) -> timedelta:
        """The zone's UTC offset at an aware instant."""
        standard = timedelta(minutes=self.bias_minutes)
        extra = timedelta(minutes=self.daylight_bias_minutes)
        if not extra or self.to_standard is None or self.to_daylight is None:
            return standard
        utc = instant.astimezone(UTC).replace(tzinfo=None)
        starts, ends = self.to_daylight.local_moment(utc.year), self.to_standard.local_moment(utc.year)
        if starts is None or ends is None:
            return standard
        starts_utc, ends_utc = starts - standard, ends - standard - extra
        return standard + extra if _inside(utc, starts_utc, ends_utc) else standard


def _inside(moment: datetime, starts: datetime, ends: datetime) -> bool:
    """Within the daylight period; in the southern hemisphere it spans the new year (ends before it starts)."""
    if starts < ends:
        return starts <= moment < ends
    return moment >= starts or moment < ends


def _samples(zone: CustomZone, start: date) -> list[datetime]:
    """Noon UTC of every day of the coming years, and an hour either side of each of the zone's transitions."""
    first = datetime(start.year, 1, 1, 12, tzinfo=UTC)
    days = [first + timedelta(days=n) for n in range(366 * SAMPLE_YEARS)]
    edges = []
    standard = timedelta(minutes=zone.bias_minutes)
    for year in range(start.year, start.year + SAMPLE_YEARS):
        for rule in (zone.to_daylight, zone.to_standard):
            local = rule.local_moment(year) if rule is not None else None
            if local is not None:
                moment = (local - standard).replace(tzinfo=UTC)
                edges += [moment + timedelta(hours=h) for h in (-3, -2, -1, 0, 1, 2, 3)]
    return days + edges


@cache
def _candidates() -> tuple[str, ...]:
    """IANA zones, regional names first (``Etc/GMT-3`` only when no city keeps that clock)."""
    names = sorted(available_timezones() - {"Factory", "localtime"})
    return tuple(sorted(names, key=lambda n: (n.startswith("Etc/") or "/" not in n, n)))


@cache
def equivalent_iana_zone(zone: CustomZone, today: date) -> str:
    """The first IANA zone with the custom zone's offset at every sampled instant from ``today``'s year on."""
    samples = _samples(zone, today)
    wanted = [zone.offset_at(s) for s in samples]
    for name in _candidates():
        iana = ZoneInfo(name)
        if all(s.astimezone(iana).utcoffset() == w for s, w in zip(samples, wanted, strict=True)):
            return name
    raise UnmatchedCustomZone(
        f"no IANA time zone keeps the clock of the custom zone (bias {zone.bias_minutes} min, "
        f"daylight bias {zone.daylight_bias_minutes} min)"
    )
