"""Checks of one event-create body in a tenant file: what Graph would refuse when the organiser POSTed it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from devstack import tenant_zones as zones
from devstack.graph_emulator.recurrence import RecurrenceError, parse_rule


def _instant(value: Any, name: str, problems: list[str]) -> datetime | None:
    """A dateTimeTimeZone as an aware datetime, or None after noting what is wrong with it."""
    if not isinstance(value, dict) or not isinstance(value.get("dateTime"), str):
        problems.append(f"{name}: a dateTimeTimeZone ({{'dateTime', 'timeZone'}}) is required")
        return None
    zone_name = value.get("timeZone")
    if not isinstance(zone_name, str) or not zone_name:
        problems.append(f"{name}.timeZone: a zone name is required")
        return None
    try:
        zone = zones.named_zone(zone_name)
    except ValueError as exc:
        problems.append(f"{name}.timeZone: {exc} (events cannot name a custom time zone)")
        return None
    try:
        local = datetime.fromisoformat(value["dateTime"][:19])
    except ValueError:
        problems.append(f"{name}.dateTime: {value['dateTime']!r} is not an ISO 8601 date-time")
        return None
    return local.replace(tzinfo=zone)


def check_event(event: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    start = _instant(event.get("start"), "start", problems)
    end = _instant(event.get("end"), "end", problems)
    if start is not None and end is not None:
        if end < start:
            problems.append("end is before start")
        if event.get("isAllDay") and (start.time() != end.time() or start.hour or start.minute or end == start):
            problems.append("an all-day event starts and ends at midnight, at least a day apart")
    if event.get("recurrence"):
        try:
            parse_rule(event["recurrence"])
        except RecurrenceError as exc:
            problems.append(f"recurrence: {exc}")
    attendees = event.get("attendees", [])
    if not isinstance(attendees, list):
        problems.append("attendees must be a list")
        return problems
    for n, item in enumerate(attendees):
        address = (item.get("emailAddress") or {}).get("address") if isinstance(item, dict) else None
        if not isinstance(address, str) or "@" not in address:
            problems.append(f"attendees[{n}]: needs emailAddress.address")
    return problems
