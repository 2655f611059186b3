"""Mailbox time zones: Windows names (as mailboxSettings reports them) or IANA names, to ``ZoneInfo``.

Windows names map through the CLDR table that tzlocal ships (``windowsZones.xml``, territory 001).
"""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tzlocal.windows_tz import win_tz


class UnknownTimeZone(ValueError):
    """A time zone name that is neither a known Windows name nor an IANA name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"unknown time zone {name!r}: expected a Windows (CLDR) or IANA name")
        self.name = name


def iana_name(name: str) -> str:
    """The IANA name for a Windows or IANA zone name; raise UnknownTimeZone otherwise."""
    cleaned = name.strip()
    if cleaned in win_tz:
        return win_tz[cleaned]
    try:
        ZoneInfo(cleaned)
    except (ZoneInfoNotFoundError, ValueError):
        raise UnknownTimeZone(name) from None
    return cleaned


@cache
def resolve_zone(name: str) -> ZoneInfo:
    """The ``ZoneInfo`` for a Windows or IANA zone name; raise UnknownTimeZone otherwise."""
    if not name or not name.strip():
        raise UnknownTimeZone(name)
    return ZoneInfo(iana_name(name))


def resolve_zone_or_default(name: str, default: str) -> tuple[ZoneInfo, str | None]:
    """The zone for ``name``, or ``default`` with a note saying why the fallback was used."""
    try:
        return resolve_zone(name), None
    except UnknownTimeZone as error:
        return resolve_zone(default), f"{error}; using the tenant default {default}"
