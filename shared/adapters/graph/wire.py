"""Tolerant readers for the JSON Graph sends, and Graph's date and time shapes to UTC instants.

Graph answers are read as plain JSON (``json.loads``), not as msgraph-sdk models: building a model walks every
property the resource has, which cost more CPU than anything else a scheduling cycle did. Only the fields the
mappers use are read. A property may be absent, sent as ``null``, or (in a hostile or broken answer) of the
wrong type: each reader then gives its empty value, as the SDK's parser does, and the mapper decides. JSON
objects are the ``dict``s ``json.loads`` makes (checked with a plain ``isinstance(..., dict)``: these run for
every busy block of every getSchedule answer).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from shared.adapters.graph.mapping import FALLBACK_ZONE, to_iana

EMPTY: Mapping[str, Any] = {}


def obj(value: Any, key: str) -> Mapping[str, Any]:
    """``value[key]`` when it is a JSON object, else an empty one."""
    found = value.get(key) if isinstance(value, dict) else None
    return found if isinstance(found, dict) else EMPTY


def objects(value: Any, key: str) -> list[Mapping[str, Any]]:
    """The JSON objects in the array ``value[key]`` (anything else in it is skipped)."""
    found = value.get(key) if isinstance(value, dict) else None
    return [item for item in found if isinstance(item, dict)] if isinstance(found, list) else []


def text(value: Any, key: str) -> str | None:
    """``value[key]`` as a non-empty string, else None."""
    found = value.get(key) if isinstance(value, dict) else None
    if found is None or isinstance(found, dict | list | bool):
        return None
    return str(found) or None


def flag(value: Any, key: str) -> bool:
    """``value[key]`` is JSON ``true``."""
    return isinstance(value, dict) and value.get(key) is True


def number(value: Any, key: str) -> int | None:
    found = value.get(key) if isinstance(value, dict) else None
    if isinstance(found, bool) or not isinstance(found, int | float | str):
        return None
    try:
        return int(found)
    except ValueError:
        return None


def day(value: Any, key: str) -> date | None:
    """An ISO date (``2030-03-04``) such as a recurrence range's ``startDate``; None when absent or unreadable."""
    found = text(value, key)
    if found is None:
        return None
    try:
        return date.fromisoformat(found[:10])
    except ValueError:
        return None


def clock(value: Any, key: str) -> time | None:
    """A time of day (Edm.TimeOfDay, e.g. ``08:00:00.0000000``); None when absent or unreadable."""
    found = text(value, key)
    if found is None:
        return None
    try:
        return time.fromisoformat(found)
    except ValueError:
        return None


def instant(value: Any, key: str) -> datetime | None:
    """An ISO 8601 date-time with offset (Edm.DateTimeOffset, e.g. ``originalStart``) in UTC; naive means UTC."""
    found = text(value, key)
    if found is None:
        return None
    try:
        parsed = datetime.fromisoformat(found)
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def utc_from(value: Any) -> datetime:
    """A Graph dateTimeTimeZone (``{"dateTime": ..., "timeZone": ...}``) as an aware UTC instant.

    ``timeZone`` may be a Windows or an IANA name (unknown zones are read as UTC); ``dateTime`` may carry 7
    fractional digits, a ``Z`` or an offset (which then wins over ``timeZone``). This runs for every busy
    block of every getSchedule answer, so it reads the dict directly."""
    return _utc_of(*wall_and_zone(value))


def wall_and_zone(value: Any) -> tuple[str, str | None]:
    """A dateTimeTimeZone's ``dateTime`` text and ``timeZone`` name (None when not a string), as ``utc_from``
    reads them: a key for what ``utc_from`` answers (ValueError without a ``dateTime`` text)."""
    wall = value.get("dateTime") if isinstance(value, dict) else None
    if not wall or not isinstance(wall, str):
        raise ValueError("Graph returned a dateTimeTimeZone without dateTime")
    name = value.get("timeZone")
    return wall, name if isinstance(name, str) else None


def utc_of(wall: str, name: str | None) -> datetime:
    """``utc_from`` of the dateTimeTimeZone ``wall_and_zone`` read (cached)."""
    return _utc_of(wall, name)


@lru_cache(maxsize=65536)
def _utc_of(wall: str, name: str | None) -> datetime:
    """Cached: busy blocks of many people start and end on the same half hours, so the same texts recur."""
    moment = datetime.fromisoformat(wall)  # Python 3.11+: 7 fractional digits, Z and offsets are accepted
    if moment.tzinfo is not None:
        return moment.astimezone(UTC)
    zone = _zone(name) if name is not None else None
    return moment.replace(tzinfo=UTC) if zone is None else moment.replace(tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=256)
def _zone(name: str) -> ZoneInfo | None:
    """The zone for a Graph zone name; None for UTC (and for unknown names, read as UTC)."""
    iana = to_iana(name)
    return None if iana in (None, FALLBACK_ZONE) else ZoneInfo(iana)
