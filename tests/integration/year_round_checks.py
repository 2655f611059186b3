"""Checks of a year of WeGrow conversations read back from the Graph emulator, for tests, the bench and the demo.

Each ``check`` function returns a list of offenders as readable lines (empty means the rule holds), so a test can
``assert not offenders, report(offenders)`` and the bench or demo can count them. Everything is read from what
the calendars hold (``calendarView``, which expands series, exceptions and single events) and from the tenant
file (people, mailbox settings), never from the product's own records, except where a rule is about a record.

Time: instants are UTC-aware datetimes; "local" means in the person's working-hours zone (a custom zone is read
as its own clock, see devstack.tenant_zones.CustomZone).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import pairwise
from typing import Any

import httpx

from devstack import tenant_zones as zones
from shared.adapters.graph.mapping_events import SERIES_PROPERTY_ID, series_expand

BUSY = frozenset({"busy", "tentative", "oof", "unknown"})  # workingElsewhere and free are free
WRITE_METHODS = ("POST", "PATCH", "DELETE")
SHOWN = 12  # offenders listed in a failure message


@dataclass(frozen=True)
class Hours:
    """A person's working hours: weekdays (0 = Monday) and start/end of day, in their zone."""

    zone: tzinfo
    days: frozenset[int]
    start: time
    end: time  # 00:00 means midnight at the end of the day

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Hours:
        hours = settings["workingHours"]
        days = frozenset(zones.DAY_NAMES.index(str(d).lower()) for d in hours["daysOfWeek"])
        start, end = (time.fromisoformat(str(hours[k])[:8]) for k in ("startTime", "endTime"))
        return cls(zones.working_zone(hours["timeZone"]), days, start, end)

    def interval(self, day: date) -> tuple[datetime, datetime] | None:
        """The working hours of local ``day`` as UTC instants, None on a day off."""
        if day.weekday() not in self.days:
            return None
        start = datetime.combine(day, self.start, self.zone)
        end_day = day + timedelta(days=1) if self.end == time(0) else day
        end = datetime.combine(end_day, self.end, self.zone)
        return start.astimezone(UTC), end.astimezone(UTC)

    def contains(self, start: datetime, end: datetime) -> bool:
        local = start.astimezone(self.zone)
        window = self.interval(local.date())
        return window is not None and window[0] <= start and end <= window[1]

    def describe(self, start: datetime, end: datetime) -> str:
        local_start, local_end = start.astimezone(self.zone), end.astimezone(self.zone)
        return f"{local_start:%a %Y-%m-%d %H:%M}-{local_end:%H:%M} local (hours {self.start:%H:%M}-{self.end:%H:%M})"


@dataclass(frozen=True)
class Person:
    id: str
    name: str
    mail: str | None
    addresses: frozenset[str]  # mail, proxy addresses and UPN, lower case
    manager_id: str | None
    hours: Hours | None  # None: no mailbox

    @property
    def label(self) -> str:
        return f"{self.name} <{self.mail}>"


def people_from_tenant(doc: Mapping[str, Any]) -> dict[str, Person]:
    """The tenant file's people with their working hours from ``mailboxSettings``."""
    found = {}
    for user in doc["users"]:
        proxies = {str(p).partition(":")[2].lower() for p in user.get("proxyAddresses", [])}
        addresses = frozenset({str(user.get("mail") or "").lower(), user["userPrincipalName"].lower(), *proxies} - {""})
        settings = user.get("mailboxSettings")
        hours = Hours.from_settings(settings) if settings else None
        found[user["id"]] = Person(
            user["id"], user["displayName"], user.get("mail"), addresses, user.get("managerId"), hours
        )
    return found


def pairs_of(people: Mapping[str, Person]) -> list[tuple[str, str]]:
    """(manager id, report id) of every report whose manager and self have a mailbox."""
    return sorted(
        (p.manager_id, p.id)
        for p in people.values()
        if p.manager_id and p.hours is not None and people[p.manager_id].hours is not None
    )


@dataclass(frozen=True)
class CalendarEvent:
    owner: str
    subject: str
    start: datetime
    end: datetime
    show_as: str
    ical_uid: str
    tag: str | None  # the WeGrow series id, when the event carries the extended property
    is_organizer: bool
    cancelled: bool
    declined: bool
    attendees: tuple[str, ...]  # addresses, lower case
    kind: str  # singleInstance | occurrence | exception | seriesMaster

    @property
    def blocks(self) -> bool:
        """Busy time for its owner: busy, tentative, oof or unknown, not cancelled or declined."""
        return self.show_as in BUSY and not self.cancelled and not self.declined


def _instant(value: Mapping[str, Any]) -> datetime:
    local = datetime.fromisoformat(str(value["dateTime"])[:19])
    return local.replace(tzinfo=zones.named_zone(str(value.get("timeZone") or "UTC"))).astimezone(UTC)


def _event(owner: str, item: Mapping[str, Any]) -> CalendarEvent:
    tag = next(
        (str(p["value"]) for p in item.get("singleValueExtendedProperties") or [] if p.get("id") == SERIES_PROPERTY_ID),
        None,
    )
    return CalendarEvent(
        owner=owner,
        subject=str(item.get("subject") or ""),
        start=_instant(item["start"]),
        end=_instant(item["end"]),
        show_as=str(item.get("showAs") or "busy"),
        ical_uid=str(item.get("iCalUId") or item.get("id")),
        tag=tag,
        is_organizer=bool(item.get("isOrganizer")),
        cancelled=bool(item.get("isCancelled")),
        declined=(item.get("responseStatus") or {}).get("response") == "declined",
        attendees=tuple(str(a["emailAddress"]["address"]).lower() for a in item.get("attendees") or []),
        kind=str(item.get("type") or "singleInstance"),
    )


def read_calendar(root: str, user_id: str, start: datetime, end: datetime) -> list[CalendarEvent]:
    """Every event of the user's calendar in [start, end) (``calendarView``: series expanded), in UTC."""
    url: str | None = f"{root}/v1.0/users/{user_id}/calendarView"
    params: dict[str, str] | None = {
        "startDateTime": start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "endDateTime": end.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "$expand": series_expand(),
        "$top": "999",
    }
    events: list[CalendarEvent] = []
    with httpx.Client(timeout=60, headers={"Prefer": 'outlook.timezone="UTC"'}) as client:
        while url:
            page = client.get(url, params=params).raise_for_status().json()
            events += [_event(user_id, item) for item in page.get("value", [])]
            url, params = page.get("@odata.nextLink"), None
    return events


def read_calendars(
    root: str, people: Mapping[str, Person], start: datetime, end: datetime
) -> dict[str, list[CalendarEvent]]:
    return {pid: read_calendar(root, pid, start, end) for pid, p in sorted(people.items()) if p.hours is not None}


@dataclass(frozen=True)
class Conversation:
    """One WeGrow conversation as it sits on the manager's (organiser's) calendar."""

    manager_id: str
    report_id: str
    start: datetime
    end: datetime
    ical_uid: str
    tag: str
    subject: str
    attendee: str  # the address the report was invited with

    def local_date(self, people: Mapping[str, Person]) -> date:
        """The date on the manager's clock."""
        hours = people[self.manager_id].hours
        assert hours is not None
        return self.start.astimezone(hours.zone).date()


@dataclass
class Conversations:
    found: list[Conversation] = field(default_factory=list)
    unmatched: list[str] = field(default_factory=list)  # tagged events whose report could not be told

    def by_pair(self) -> dict[tuple[str, str], list[Conversation]]:
        pairs: dict[tuple[str, str], list[Conversation]] = defaultdict(list)
        for conversation in sorted(self.found, key=lambda c: c.start):
            pairs[(conversation.manager_id, conversation.report_id)].append(conversation)
        return dict(pairs)


def conversations(people: Mapping[str, Person], calendars: Mapping[str, Sequence[CalendarEvent]]) -> Conversations:
    """The WeGrow conversations (tagged, organised by the calendar's owner, not cancelled) on every calendar.

    The report is the attendee who is one of the organiser's reports, by any of their addresses.
    """
    result = Conversations()
    reports_of: dict[str, list[Person]] = defaultdict(list)
    for person in people.values():
        if person.manager_id:
            reports_of[person.manager_id].append(person)
    for owner, events in calendars.items():
        for event in events:
            if event.tag is None or not event.is_organizer or event.cancelled or event.kind == "seriesMaster":
                continue
            matches = [(r, a) for a in event.attendees for r in reports_of[owner] if a in r.addresses]
            if len(matches) != 1:
                result.unmatched.append(f"{people[owner].label}: {event.subject!r} at {event.start:%Y-%m-%d %H:%M}Z")
                continue
            report, address = matches[0]
            result.found.append(
                Conversation(
                    owner, report.id, event.start, event.end, event.ical_uid, event.tag, event.subject, address
                )
            )
    return result


def report(title: str, offenders: Sequence[str], total: int | None = None) -> str:
    """A failure message: how many, out of what, and the first few offenders."""
    out_of = f" of {total}" if total is not None else ""
    lines = [f"{title}: {len(offenders)}{out_of}", *(f"  - {o}" for o in offenders[:SHOWN])]
    if len(offenders) > SHOWN:
        lines.append(f"  ... and {len(offenders) - SHOWN} more")
    return "\n".join(lines)


def _pair_label(people: Mapping[str, Person], manager_id: str, report_id: str) -> str:
    return f"{people[manager_id].name} -> {people[report_id].name}"


def outside_hours(found: Iterable[Conversation], people: Mapping[str, Person]) -> list[str]:
    """Conversations not wholly inside both people's working hours on their own clocks."""
    offenders = []
    for c in found:
        for who in (c.manager_id, c.report_id):
            hours = people[who].hours
            assert hours is not None
            if not hours.contains(c.start, c.end):
                offenders.append(
                    f"{_pair_label(people, c.manager_id, c.report_id)} at {c.start:%Y-%m-%d %H:%M}Z: outside "
                    f"{people[who].name}'s hours, {hours.describe(c.start, c.end)}"
                )
    return offenders


def conflicts(
    found: Iterable[Conversation], people: Mapping[str, Person], calendars: Mapping[str, Sequence[CalendarEvent]]
) -> list[str]:
    """Conversations that overlap busy, tentative, oof or unknown time on either calendar (their own copies aside).

    Another pair's WeGrow conversation counts: that is the manager booked twice.
    """
    offenders = []
    for c in found:
        for who in (c.manager_id, c.report_id):
            for event in calendars.get(who, ()):
                if event.ical_uid == c.ical_uid or not event.blocks:
                    continue
                if event.start < c.end and c.start < event.end:
                    offenders.append(
                        f"{_pair_label(people, c.manager_id, c.report_id)} at {c.start:%Y-%m-%d %H:%M}Z overlaps "
                        f"{people[who].name}'s {event.show_as} {event.subject!r} "
                        f"{event.start:%Y-%m-%d %H:%M}-{event.end:%H:%M}Z"
                    )
    return offenders


def common_hours(
    manager: Hours, report: Hours, first: date, last: date, minutes: int
) -> tuple[date, datetime, datetime] | None:
    """The first manager-local day in [first, last] when both work together for at least ``minutes``."""
    need = timedelta(minutes=minutes)
    day = first
    while day <= last:
        own = manager.interval(day)
        if own is not None:
            for offset in (-1, 0, 1):
                other = report.interval(day + timedelta(days=offset))
                if other is None:
                    continue
                start, end = max(own[0], other[0]), min(own[1], other[1])
                if end - start >= need:
                    return day, start, end
        day += timedelta(days=1)
    return None


def overlapping_pairs(
    people: Mapping[str, Person], first: date, last: date, minutes: int
) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(pairs with some common working time of ``minutes``, pairs with none) over the manager-local days."""
    some: set[tuple[str, str]] = set()
    none: set[tuple[str, str]] = set()
    for manager_id, report_id in pairs_of(people):
        manager, report_ = people[manager_id].hours, people[report_id].hours
        assert manager is not None and report_ is not None
        (some if common_hours(manager, report_, first, last, minutes) else none).add((manager_id, report_id))
    return some, none


def pairs_without_series(
    pairs: Iterable[tuple[str, str]], found: Conversations, people: Mapping[str, Person]
) -> list[str]:
    scheduled = found.by_pair()
    return [
        f"{_pair_label(people, m, r)}: no conversation on the calendar"
        for m, r in sorted(pairs)
        if (m, r) not in scheduled
    ]


@dataclass(frozen=True)
class Window:
    label: str
    first: date
    last: date


def milestone_windows(company: Any, first: date, last: date) -> list[Window]:
    """The windows (``milestone_window_days`` before each milestone) that lie wholly inside [first, last]."""
    days = timedelta(days=company.cadence.milestone_window_days)
    windows = []
    for milestone in company.fiscal_calendar.milestones_between(first, last + timedelta(days=1)):
        window = Window(f"{milestone.label} ({milestone.day})", milestone.day - days, milestone.day - timedelta(days=1))
        if window.first >= first and window.last <= last:
            windows.append(window)
    return windows


def missed_milestones(found: Conversations, people: Mapping[str, Person], windows: Sequence[Window]) -> list[str]:
    """(pair, window) where a scheduled pair has no conversation on a manager-local date inside the window."""
    offenders = []
    for (m, r), items in sorted(found.by_pair().items()):
        dates = [c.local_date(people) for c in items]
        for window in windows:
            if not any(window.first <= d <= window.last for d in dates):
                nearest = min(dates, key=lambda d: min(abs((d - window.first).days), abs((d - window.last).days)))
                offenders.append(
                    f"{_pair_label(people, m, r)}: nothing in {window.first}..{window.last} before {window.label}"
                    f" (nearest {nearest})"
                )
    return offenders


def over_cap(
    found: Iterable[Conversation], people: Mapping[str, Person], per_day: int, per_week: int | None
) -> list[str]:
    """Manager-local days (and ISO weeks) with more WeGrow conversations than the caps allow."""
    days: Counter[tuple[str, date]] = Counter()
    weeks: Counter[tuple[str, int, int]] = Counter()
    for c in found:
        local = c.local_date(people)
        days[(c.manager_id, local)] += 1
        weeks[(c.manager_id, *local.isocalendar()[:2])] += 1
    offenders = [f"{people[m].name} on {d}: {n} > {per_day} a day" for (m, d), n in sorted(days.items()) if n > per_day]
    if per_week is not None:
        offenders += [
            f"{people[m].name} in {y}-W{w:02d}: {n} > {per_week} a week"
            for (m, y, w), n in sorted(weeks.items())
            if n > per_week
        ]
    return offenders


def bad_gaps(found: Conversations, people: Mapping[str, Person], min_gap: int, max_gap: int) -> list[str]:
    """Consecutive conversations of a pair closer than ``min_gap`` or further apart than ``max_gap`` days."""
    offenders = []
    for (m, r), items in sorted(found.by_pair().items()):
        dates = [c.local_date(people) for c in items]
        for before, after in pairwise(dates):
            gap = (after - before).days
            if not min_gap <= gap <= max_gap:
                offenders.append(
                    f"{_pair_label(people, m, r)}: {before} -> {after} is {gap} days ({min_gap}..{max_gap})"
                )
    return offenders


def uncovered(found: Conversations, people: Mapping[str, Person], first: date, last: date, max_gap: int) -> list[str]:
    """Pairs whose conversations start later than ``max_gap`` days after ``first`` or stop before ``last - max_gap``:
    the horizon is not covered after the cycle."""
    offenders = []
    for (m, r), items in sorted(found.by_pair().items()):
        dates = [c.local_date(people) for c in items]
        if (dates[0] - first).days > max_gap:
            offenders.append(f"{_pair_label(people, m, r)}: first conversation {dates[0]}, {first} + {max_gap} days")
        if (last - dates[-1]).days > max_gap:
            offenders.append(f"{_pair_label(people, m, r)}: last conversation {dates[-1]}, horizon ends {last}")
    return offenders


def not_by_mail(found: Iterable[Conversation], people: Mapping[str, Person]) -> list[str]:
    """Conversations whose report was invited by an address other than their primary SMTP address (``mail``)."""
    seen, offenders = set(), []
    for c in found:
        mail = (people[c.report_id].mail or "").lower()
        if c.attendee != mail and (c.manager_id, c.report_id) not in seen:
            seen.add((c.manager_id, c.report_id))
            offenders.append(
                f"{_pair_label(people, c.manager_id, c.report_id)}: invited as {c.attendee}, mail is {mail}"
            )
    return offenders


def event_writes(log: Mapping[str, Any]) -> dict[str, int]:
    """POST/PATCH/DELETE requests to events (inner $batch requests included) in an emulator log."""
    return {
        op: n for op, n in log["operations"].items() if op.split(" ", 1)[0] in WRITE_METHODS and "/events" in op and n
    }
