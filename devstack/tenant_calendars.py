"""Busy calendars for the demo tenant: what each mailbox user organises, as Graph event-create JSON.

Every timed event sits inside its organiser's working hours, in the organiser's zone and on their working days
(attendees in other zones may find it at night, as they do in a spread team). Per manager/report pair there is
at most one existing 1:1 (organised by either of them). On top: weekly team meetings and stand-ups, focus blocks
(busy, no attendees), one-off meetings with colleagues, tentative holds, all-day events, out-of-office weeks,
days working elsewhere, and a few overbooked managers whose working days are almost full. Attendees are written
with their mail address, as Outlook does. Volumes stay small so that 10,000 people generate in a few seconds.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from devstack.tenant_events import (
    Hours,
    all_day,
    attendee,
    one_on_one,
    overbooked,
    team_meetings,
    timed,
    weekday,
    weekly,
)

REPORT_ORGANISES_1_1 = 0.7
FOCUS, HOLD, ALL_DAY, OUT_OF_OFFICE, ELSEWHERE = 0.4, 0.3, 0.1, 0.05, 0.1
OVERBOOKED = 0.06  # of managers with a mailbox; at least one when there is any
ALL_DAY_SUBJECTS = (("Conference", "busy"), ("Team offsite", "busy"), ("Parent-teacher day", "free"))


def calendars(
    users: list[dict[str, Any]],
    parents: list[int | None],
    settings: dict[str, dict[str, Any]],
    anchor: date,
    rng: random.Random,
) -> dict[str, list[dict[str, Any]]]:
    """Organiser user id -> the events they organise (only people with a mailbox)."""
    hours = {uid: Hours.from_settings(s) for uid, s in settings.items()}
    reports: dict[int, list[int]] = {}
    for index, parent in enumerate(parents):
        if parent is not None:
            reports.setdefault(parent, []).append(index)
    result: dict[str, list[dict[str, Any]]] = {u["id"]: [] for u in users if u["id"] in hours}
    for index, parent in enumerate(parents):
        if parent is not None:
            _pair_one_on_one(users[parent], users[index], hours, anchor, rng, result)
    for manager, members in reports.items():
        boss = users[manager]
        if boss["id"] in hours:
            invited = [users[m] for m in members if users[m]["id"] in hours]
            result[boss["id"]] += team_meetings(boss, invited, hours[boss["id"]], anchor, rng)
    for boss_id in _overbooked([users[m]["id"] for m in reports], hours, reports, users, rng):
        result[boss_id] += overbooked(hours[boss_id], anchor, rng)
    for index, user in enumerate(users):
        if user["id"] in hours:
            colleagues = _colleagues(index, parents, reports, users, hours)
            result[user["id"]] += personal(hours[user["id"]], colleagues, anchor, rng)
    return {uid: events for uid, events in result.items() if events}


def _pair_one_on_one(
    manager: dict[str, Any],
    report: dict[str, Any],
    hours: dict[str, Hours],
    anchor: date,
    rng: random.Random,
    result: dict[str, list[dict[str, Any]]],
) -> None:
    if manager["id"] not in hours or report["id"] not in hours:
        return
    organiser, other = (report, manager) if rng.random() < REPORT_ORGANISES_1_1 else (manager, report)
    event = one_on_one(organiser, other, hours[organiser["id"]], anchor, rng)
    if event is not None:
        result[organiser["id"]].append(event)


def _overbooked(
    managers: list[str],
    hours: dict[str, Hours],
    reports: dict[int, list[int]],
    users: list[dict[str, Any]],
    rng: random.Random,
) -> list[str]:
    with_mailbox = [m for m in managers if m in hours]
    chosen = [m for m in with_mailbox if rng.random() < OVERBOOKED]
    if not chosen and with_mailbox:
        busiest = max(reports, key=lambda m: (len(reports[m]) if users[m]["id"] in hours else -1, -m))
        chosen = [users[busiest]["id"]]
    return chosen


def _colleagues(
    index: int,
    parents: list[int | None],
    reports: dict[int, list[int]],
    users: list[dict[str, Any]],
    hours: dict[str, Hours],
) -> list[dict[str, Any]]:
    """The people one meets besides 1:1s: one's reports, or one's manager and peers."""
    parent = parents[index]
    near = list(reports.get(index, []))
    if parent is not None:
        near += [parent, *(p for p in reports[parent] if p != index)]
    return [users[i] for i in near[:12] if users[i]["id"] in hours]


def personal(hours: Hours, colleagues: list[dict[str, Any]], anchor: date, rng: random.Random) -> list[dict[str, Any]]:
    """One person's own events: meetings with colleagues, focus, holds, all-day, out of office, elsewhere."""
    days = hours.dates(anchor)
    events = []
    for number in range(rng.randint(1, 2)):
        minutes = rng.choice((30, 60))
        start = hours.start_for(minutes, rng)
        if start is not None and len(colleagues) >= 2:
            invited = [attendee(c) for c in rng.sample(colleagues, min(len(colleagues), rng.randint(2, 4)))]
            events.append(timed(f"Meeting {number + 1}", rng.choice(days), start, minutes, hours, invited))
    focus = hours.start_for(120, rng)
    if focus is not None and rng.random() < FOCUS:
        names = rng.sample(hours.days, min(len(hours.days), rng.choice((1, 2))))
        first = min(d for d in hours.dates(anchor, 1) if weekday(d) in names)
        events.append(weekly(timed("Focus time", first, focus, 120, hours, []), names, 1, hours))
    hold = hours.start_for(60, rng)
    if hold is not None and rng.random() < HOLD:
        events.append(timed("Hold: planning", rng.choice(days), hold, 60, hours, [], "tentative"))
    if rng.random() < ALL_DAY:
        subject, show_as = rng.choice(ALL_DAY_SUBJECTS)
        events.append(all_day(subject, rng.choice(days), 1, hours, show_as))
    if rng.random() < OUT_OF_OFFICE:
        away = rng.randrange(1, 3)
        week = [d for d in days if (d - anchor).days // 7 == away]
        events.append(all_day("Out of office", week[0], (week[-1] - week[0]).days + 1, hours, "oof"))
    if rng.random() < ELSEWHERE:
        day = rng.choice(days)
        events.append(timed("Working from the customer site", day, hours.start, hours.end - hours.start, hours, [],
                            "workingElsewhere"))  # fmt: skip
    return events
