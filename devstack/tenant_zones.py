"""Time zones as mailboxes hold them: a Windows or IANA name, or Graph's ``customTimeZone`` object, as a tzinfo.

``customTimeZone`` follows Graph's documentation: ``bias`` is minutes ahead of UTC in standard time, daylight
time is ``bias + daylightBias``, and each transition is the ``dayOccurrence``-th ``dayOfWeek`` of ``month`` (5 is
the last) at local ``time``; ``month`` 0 means the zone has no daylight time. (Windows' TIME_ZONE_INFORMATION
counts the bias the other way round; Graph's documented sign is what this module reads.)
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from tzlocal.windows_tz import win_tz

CUSTOM_TYPE = "#microsoft.graph.customTimeZone"
DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
UTC_NAMES = {"UTC", "Z", "GMT", "COORDINATED UNIVERSAL TIME"}


def is_custom(zone: Any) -> bool:
    return isinstance(zone, dict) and str(zone.get("@odata.type", "")).lstrip("#") == CUSTOM_TYPE.lstrip("#")


def transition(year: int, rule: dict[str, Any]) -> datetime | None:
    """The local wall-clock moment of a yearly transition rule in ``year``; None when ``month`` is 0."""
    month = int(rule.get("month") or 0)
    if month == 0:
        return None
    weekday = DAY_NAMES.index(str(rule.get("dayOfWeek", "sunday")).lower())
    days = [d for d in calendar.Calendar().itermonthdates(year, month) if d.month == month and d.weekday() == weekday]
    occurrence = int(rule.get("dayOccurrence") or 1)
    day = days[-1] if occurrence >= 5 else days[occurrence - 1]
    hour, minute, second = (int(part[:2]) for part in str(rule.get("time") or "00:00:00").split(":")[:3])
    return datetime(day.year, day.month, day.day, hour, minute, second)


class CustomZone(tzinfo):
    """A ``#microsoft.graph.customTimeZone`` as a tzinfo (wall times in its daylight period use daylight time)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.name = str(spec.get("name") or "Customized Time Zone")
        self.standard = timedelta(minutes=int(spec.get("bias") or 0))
        self.to_daylight = dict(spec.get("daylightOffset") or {})
        self.to_standard = dict(spec.get("standardOffset") or {})
        self.daylight_extra = timedelta(minutes=int(self.to_daylight.get("daylightBias") or 0))

    def _in_daylight(self, wall: datetime) -> bool:
        starts, ends = transition(wall.year, self.to_daylight), transition(wall.year, self.to_standard)
        if starts is None or ends is None or not self.daylight_extra:
            return False
        naive = wall.replace(tzinfo=None)
        if wall.fold and ends - self.daylight_extra <= naive < ends:
            return False  # the second pass through the repeated hour is standard time, as in zoneinfo
        if starts < ends:  # northern hemisphere: daylight time inside the year
            return starts <= naive < ends
        return naive >= starts or naive < ends  # southern: daylight time across the new year

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return self.standard + self.dst(dt)

    def dst(self, dt: datetime | None) -> timedelta:
        return self.daylight_extra if dt is not None and self._in_daylight(dt) else timedelta(0)

    def fromutc(self, dt: datetime) -> datetime:
        """UTC to wall time; transitions compared as instants, so the repeated hour in autumn comes out right."""
        utc = dt.replace(tzinfo=None)
        starts, ends = transition(utc.year, self.to_daylight), transition(utc.year, self.to_standard)
        daylight = False
        if starts is not None and ends is not None and self.daylight_extra:
            starts_utc, ends_utc = starts - self.standard, ends - self.standard - self.daylight_extra
            daylight = starts_utc <= utc < ends_utc if starts_utc < ends_utc else utc >= starts_utc or utc < ends_utc
        wall = utc + self.standard + (self.daylight_extra if daylight else timedelta(0))
        repeated = not daylight and ends is not None and ends - self.daylight_extra <= wall < ends
        return wall.replace(tzinfo=self, fold=1 if repeated else 0)

    def tzname(self, dt: datetime | None) -> str:
        return self.name

    def __repr__(self) -> str:
        return f"CustomZone({self.name!r}, {self.standard}, daylight +{self.daylight_extra})"


@lru_cache(maxsize=256)
def named_zone(name: str) -> tzinfo:
    """A Windows (CLDR) or IANA zone name as a ZoneInfo; ValueError when unknown."""
    text = name.strip()
    if text.upper() in UTC_NAMES:
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(win_tz.get(text, text))
    except (KeyError, OSError, ValueError) as exc:  # ZoneInfoNotFoundError is a KeyError
        raise ValueError(f"unknown time zone {name!r}: expected a Windows or IANA name") from exc


def working_zone(hours_zone: Any) -> tzinfo:
    """The tzinfo of ``workingHours.timeZone``: ``{"name": ...}`` or a customTimeZone object."""
    if is_custom(hours_zone):
        return CustomZone(hours_zone)
    if isinstance(hours_zone, dict):
        return named_zone(str(hours_zone.get("name") or "UTC"))
    return named_zone(str(hours_zone or "UTC"))
