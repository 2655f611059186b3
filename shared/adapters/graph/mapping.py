"""Graph time zone names (Windows or IANA) to IANA zones.

Nothing here does I/O. Events and free/busy are read from plain JSON in ``mapping_events.py``,
mailbox working hours in ``mapping_zones.py``.
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FALLBACK_ZONE = "UTC"


@cache
def windows_zones() -> dict[str, str]:
    """The CLDR Windows-to-IANA table shipped with tzlocal."""
    from tzlocal.windows_tz import win_tz

    return dict(win_tz)


def is_loadable_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def to_iana(zone: str | None) -> str | None:
    """An IANA zone for a Windows zone name or an IANA name Graph returned; None when unknown."""
    if not zone:
        return None
    name = zone.strip()
    if name.upper() in {"UTC", "GMT", "Z"}:
        return "UTC"
    mapped = windows_zones().get(name)
    if mapped is not None:
        return mapped
    return name if "/" in name and is_loadable_zone(name) else None
