"""Graph date/time plumbing: time zone names (Windows or IANA), dateTimeTimeZone values, ``Prefer`` headers.

Graph takes "any of the time zones supported by Windows, as well as" IANA names (dateTimeTimeZone resource type).
A name outside both sets is refused with 400 ``TimeZoneNotSupportedException`` and the message below, in an
event's start/end and in ``Prefer: outlook.timezone`` alike (microsoft-graph-docs issues #4758 and #6870).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from tzlocal.windows_tz import win_tz

_PREFER_TZ = re.compile(r'outlook\.timezone\s*=\s*"?([^";,]+)"?', re.IGNORECASE)
_FRACTION = re.compile(r"\.(\d+)")
ZONE_ERROR_CODE = "TimeZoneNotSupportedException"


class TimeError(ValueError):
    """A time zone or date/time Graph would reject."""


class ZoneError(TimeError):
    """A time zone name Graph does not support (answered with ZONE_ERROR_CODE)."""


NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})  # files in a system zoneinfo folder, not zones


@lru_cache(maxsize=1)
def iana_names() -> frozenset[str]:
    """IANA zone names (tzdata and the system's), without the folder's non-zone files and posix/right copies."""
    return frozenset(n for n in available_timezones() if n not in NOT_ZONES and not n.startswith(("posix/", "right/")))


@lru_cache(maxsize=512)
def zone(name: str | None) -> ZoneInfo:
    """The zone for a Windows name ('Pacific Standard Time') or an IANA name ('Europe/Berlin'); UTC when empty."""
    text = (name or "UTC").strip()
    if text.upper() == "UTC":
        return ZoneInfo("UTC")
    if text in win_tz:
        return ZoneInfo(win_tz[text])
    if text in iana_names():
        return ZoneInfo(text)
    raise ZoneError(
        f"A valid TimeZone value must be specified. The following TimeZone value is not supported: '{name}'."
    )


def parse_local(text: str) -> datetime:
    """Graph's ``dateTime`` text (up to 7 fractional digits, no offset) as a naive datetime."""
    cleaned = _FRACTION.sub(lambda m: "." + m.group(1)[:6].ljust(6, "0"), str(text).strip())
    try:
        value = datetime.fromisoformat(cleaned.removesuffix("Z"))
    except ValueError as exc:
        raise TimeError(f"invalid dateTime {text!r}") from exc
    return value.replace(tzinfo=None) if value.tzinfo is None else value.astimezone(UTC).replace(tzinfo=None)


def to_utc(value: Mapping[str, Any] | None) -> datetime:
    """A Graph dateTimeTimeZone as an aware UTC datetime."""
    if not value or "dateTime" not in value:
        raise TimeError("a dateTimeTimeZone with dateTime and timeZone is required")
    local = parse_local(value["dateTime"])
    return local.replace(tzinfo=zone(value.get("timeZone"))).astimezone(UTC)


def format_local(value: datetime) -> str:
    """Graph's wire form of a wall-clock time: seven fractional digits, no offset."""
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond:06d}0"


def render(instant: datetime, tz_name: str | None) -> dict[str, str]:
    """A UTC instant as dateTimeTimeZone in the requested zone (the name is echoed as given)."""
    name = tz_name or "UTC"
    local = instant.astimezone(zone(name)).replace(tzinfo=None)
    return {"dateTime": format_local(local), "timeZone": name}


def preferred_zone(headers: Mapping[str, str]) -> str | None:
    """The zone named in ``Prefer: outlook.timezone="..."``, validated, or None."""
    for key, value in headers.items():
        if key.lower() == "prefer":
            match = _PREFER_TZ.search(value)
            if match:
                name = match.group(1).strip()
                zone(name)
                return name
    return None


def iso_utc(instant: datetime) -> str:
    """An instant as Graph's ``Edm.DateTimeOffset`` text, e.g. ``2024-01-02T03:04:05.1234567Z``."""
    return format_local(instant.astimezone(UTC).replace(tzinfo=None)) + "Z"
