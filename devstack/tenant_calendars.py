"""Busy calendars for the demo tenant, as Graph event-create JSON in the organiser's own time zone.

Per person: a weekly or fortnightly 1:1 with their manager (organised by the report), a weekday stand-up for
managers with their team, one to three one-off meetings in the next three weeks, and sometimes an out-of-office
day. Volumes stay small so that 10,000 people generate in a few seconds.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
MAX_STANDUP_ATTENDEES = 12


def attendee(user: dict[str, Any]) -> dict[str, Any]:
    return {"emailAddress": {"address": user["mail"], "name": user["displayName"]}, "type": "required"}


def _when(day: date, hour: int, minute: int, minutes: int, zone: str) -> dict[str, Any]:
    start = f"{day.isoformat()}T{hour:02d}:{minute:02d}:00"
    end_total = hour * 60 + minute + minutes
    end = f"{day.isoformat()}T{end_total // 60:02d}:{end_total % 60:02d}:00"
    return {"start": {"dateTime": start, "timeZone": zone}, "end": {"dateTime": end, "timeZone": zone}}


def _event(subject: str, when: dict[str, Any], attendees: list[dict[str, Any]], show_as: str) -> dict[str, Any]:
    return {"subject": subject, **when, "showAs": show_as, "attendees": attendees, "isReminderOn": True}


def one_on_one(
    user: dict[str, Any], manager: dict[str, Any], zone: str, anchor: date, rng: random.Random
) -> dict[str, Any]:
    weekday = rng.randrange(5)
    day = anchor + timedelta(days=weekday)
    event = _event(
        f"1:1 {user['givenName']} / {manager['givenName']}",
        _when(day, rng.randint(9, 15), 0, 30, zone),
        [attendee(manager)],
        "busy",
    )
    end_kind = rng.choice(("noEnd", "endDate", "numbered"))
    recurrence_range: dict[str, Any] = {"type": end_kind, "startDate": day.isoformat(), "recurrenceTimeZone": zone}
    if end_kind == "endDate":
        recurrence_range["endDate"] = (day + timedelta(weeks=26)).isoformat()
    elif end_kind == "numbered":
        recurrence_range["numberOfOccurrences"] = rng.choice((6, 10, 12))
    event["recurrence"] = {
        "pattern": {
            "type": "weekly",
            "interval": rng.choice((1, 2)),
            "daysOfWeek": [WEEKDAYS[weekday]],
            "firstDayOfWeek": "monday",
        },
        "range": recurrence_range,
    }
    return event


WORKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")


def standup(user: dict[str, Any], reports: list[dict[str, Any]], zone: str, anchor: date) -> dict[str, Any]:
    event = _event(
        f"{user['department']} stand-up",
        _when(anchor, 9, 30, 15, zone),
        [attendee(r) for r in reports[:MAX_STANDUP_ATTENDEES]],
        "busy",
    )
    event["recurrence"] = {
        "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": list(WORKDAYS), "firstDayOfWeek": "monday"},
        "range": {
            "type": "endDate",
            "startDate": anchor.isoformat(),
            "endDate": (anchor + timedelta(weeks=12)).isoformat(),
            "recurrenceTimeZone": zone,
        },
    }
    return event


def one_offs(zone: str, colleagues: list[dict[str, Any]], anchor: date, rng: random.Random) -> list[dict[str, Any]]:
    events = []
    for number in range(rng.randint(1, 3)):
        day = anchor + timedelta(days=rng.randrange(21))
        if day.weekday() >= 5:
            day -= timedelta(days=2)
        show_as = rng.choice(("busy", "busy", "tentative"))
        attendees = [attendee(c) for c in rng.sample(colleagues, min(len(colleagues), 2))]
        events.append(
            _event(
                f"Meeting {number + 1}",
                _when(day, rng.randint(8, 16), rng.choice((0, 30)), 60, zone),
                attendees,
                show_as,
            )
        )
    if rng.random() < 0.05:
        day = anchor + timedelta(days=rng.randrange(5, 19))
        events.append(
            {
                "subject": "Out of office",
                "isAllDay": True,
                "showAs": "oof",
                "attendees": [],
                "start": {"dateTime": f"{day.isoformat()}T00:00:00", "timeZone": zone},
                "end": {"dateTime": f"{(day + timedelta(days=1)).isoformat()}T00:00:00", "timeZone": zone},
            }
        )
    return events


def busy_calendar(
    user: dict[str, Any],
    manager: dict[str, Any] | None,
    reports: list[dict[str, Any]],
    zone: str,
    anchor: date,
    rng: random.Random,
) -> list[dict[str, Any]]:
    """The events `user` organises. Attendees' copies are the calendar module's business."""
    events = []
    if manager is not None:
        events.append(one_on_one(user, manager, zone, anchor, rng))
    if reports:
        events.append(standup(user, reports, zone, anchor))
    colleagues = reports or ([manager] if manager else [])
    events.extend(one_offs(zone, colleagues, anchor, rng))
    return events
