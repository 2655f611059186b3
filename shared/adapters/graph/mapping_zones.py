"""Graph ``mailboxSettings`` JSON to working hours, including a ``customTimeZone`` read as the domain's CustomZone.

Read straight from the JSON (see :mod:`wire`). A working-hours zone is a custom one when Graph marks it
``"@odata.type": "#microsoft.graph.customTimeZone"`` (as the SDK's discriminator does); otherwise its ``name``
is a Windows or IANA zone name.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, time
from typing import Any

from shared.adapters.graph.mapping import FALLBACK_ZONE, to_iana
from shared.adapters.graph.wire import clock, number, obj, text
from shared.domain.custom_zones import CustomZone, Transition, equivalent_iana_zone
from shared.domain.people import WORKWEEK, Weekday, WorkingHours

log = logging.getLogger(__name__)

CUSTOM_TIME_ZONE = "#microsoft.graph.customTimeZone"
WEEKDAYS = {weekday.value: weekday for weekday in Weekday}


def _transition(offset: Mapping[str, Any]) -> Transition | None:
    month = number(offset, "month")
    if not month:
        return None
    weekday = WEEKDAYS.get((text(offset, "dayOfWeek") or "").lower(), Weekday.SUNDAY)
    return Transition(month, number(offset, "dayOccurrence") or 1, weekday, clock(offset, "time") or time(0))


def custom_zone_from(zone: Mapping[str, Any]) -> CustomZone:
    daylight = obj(zone, "daylightOffset")
    return CustomZone(
        bias_minutes=number(zone, "bias") or 0,
        daylight_bias_minutes=number(daylight, "daylightBias") or 0,
        to_standard=_transition(obj(zone, "standardOffset")),
        to_daylight=_transition(daylight),
    )


def _zone_of_working_hours(settings: Mapping[str, Any]) -> str:
    """The IANA zone of a mailbox's working hours: a named zone, or the IANA zone keeping a custom zone's clock.

    Raises UnmatchedCustomZone for a custom zone no IANA zone reproduces (never read as UTC).
    """
    zone = obj(obj(settings, "workingHours"), "timeZone")
    if text(zone, "@odata.type") == CUSTOM_TIME_ZONE:
        return equivalent_iana_zone(custom_zone_from(zone), datetime.now(UTC).date())
    found = to_iana(text(zone, "name")) or to_iana(text(settings, "timeZone"))
    if found is None:
        log.warning("working hours use a custom or unknown time zone; reading them as %s", FALLBACK_ZONE)
        return FALLBACK_ZONE
    return found


def working_hours_from(settings: Mapping[str, Any]) -> WorkingHours:
    """WorkingHours in the person's IANA zone; Graph's defaults fill what the mailbox leaves out."""
    default = WorkingHours()
    zone = _zone_of_working_hours(settings)
    hours = settings.get("workingHours")
    if not isinstance(hours, Mapping):
        return WorkingHours(time_zone=zone)
    listed = hours.get("daysOfWeek")
    days = (
        frozenset(WEEKDAYS[d.lower()] for d in listed if isinstance(d, str) and d.lower() in WEEKDAYS)
        if isinstance(listed, list)
        else frozenset()
    )
    return WorkingHours(
        time_zone=zone,
        start=clock(hours, "startTime") or default.start,
        end=clock(hours, "endTime") or default.end,
        days=days or WORKWEEK,
    )


def mailbox_language(settings: object) -> str | None:
    """``mailboxSettings.language.locale`` (a BCP 47 tag such as ``de-DE``), or None when absent or malformed."""
    language = settings.get("language") if isinstance(settings, dict) else None
    locale = language.get("locale") if isinstance(language, dict) else None
    return locale.strip() if isinstance(locale, str) and 0 < len(locale.strip()) <= 35 else None
