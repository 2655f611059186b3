"""Graph time zone names to IANA zones, and mailboxSettings (msgraph-sdk model) to working hours.

Nothing here does I/O. SDK models never leave ``shared/adapters/graph``: adapters call these
functions and return domain types. Events and free/busy are read from plain JSON in ``mapping_events.py``.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from shared.domain.custom_zones import equivalent_iana_zone
from shared.domain.people import WORKWEEK, Weekday, WorkingHours

if TYPE_CHECKING:
    from kiota_abstractions.serialization import Parsable, ParsableFactory
    from msgraph.generated.models.mailbox_settings import MailboxSettings

log = logging.getLogger(__name__)

FALLBACK_ZONE = "UTC"


def parse_model[P: Parsable](body: Any, factory: ParsableFactory[P]) -> P | None:
    """A JSON value (e.g. a ``$batch`` item's body) parsed into an SDK model by kiota's JSON parser."""
    from kiota_serialization_json.json_parse_node_factory import JsonParseNodeFactory

    if body is None:
        return None
    node = JsonParseNodeFactory().get_root_parse_node("application/json", json.dumps(body).encode())
    return node.get_object_value(factory)


# ---------------------------------------------------------------- time zones


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


# ---------------------------------------------------------------- mailbox settings


def _zone_of_working_hours(settings: MailboxSettings) -> str:
    """The IANA zone of a mailbox's working hours: a named zone, or the IANA zone keeping a custom zone's clock.

    Raises UnmatchedCustomZone for a custom zone no IANA zone reproduces (never read as UTC).
    """
    from msgraph.generated.models.custom_time_zone import CustomTimeZone

    hours = settings.working_hours
    if hours is not None and isinstance(hours.time_zone, CustomTimeZone):
        from shared.adapters.graph.mapping_zones import custom_zone_from

        return equivalent_iana_zone(custom_zone_from(hours.time_zone), datetime.now(UTC).date())
    named = hours.time_zone.name if hours is not None and hours.time_zone is not None else None
    zone = to_iana(named) or to_iana(settings.time_zone)
    if zone is None:
        log.warning("working hours use a custom or unknown time zone; reading them as %s", FALLBACK_ZONE)
        return FALLBACK_ZONE
    return zone


def working_hours_from(settings: MailboxSettings) -> WorkingHours:
    """WorkingHours in the person's IANA zone; Graph's defaults fill what the mailbox leaves out."""
    default = WorkingHours()
    hours = settings.working_hours
    zone = _zone_of_working_hours(settings)
    if hours is None:
        return WorkingHours(time_zone=zone)
    days = frozenset(Weekday(str(day.value).lower()) for day in hours.days_of_week or [])
    return WorkingHours(
        time_zone=zone,
        start=hours.start_time or default.start,
        end=hours.end_time or default.end,
        days=days or WORKWEEK,
    )
