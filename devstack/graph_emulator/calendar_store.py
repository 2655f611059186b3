"""The emulator's calendars: meetings shared by an organiser and attendees, each seen through a mailbox entry.

A ``Meeting`` holds what the organiser wrote (Graph event JSON), its recurrence, exceptions, cancelled
occurrences and the attendees' responses. Each mailbox that shows the meeting has an ``Entry`` with its own
event id and its own extended properties. Occurrence ids are ``{entry id}_{yyyymmdd}`` (the original local
date), so they stay stable across reads and survive patches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator.recurrence import Rule, occurrence_dates, parse_rule

RESPONSES = ("none", "accepted", "tentativelyAccepted", "declined")


@dataclass
class Meeting:
    meeting_id: str
    ical_uid: str
    organizer_id: str
    data: dict[str, Any]
    created: datetime
    modified: datetime
    rule: Rule | None = None
    exceptions: dict[date, dict[str, Any]] = field(default_factory=dict)
    cancelled: set[date] = field(default_factory=set)
    responses: dict[str, str] = field(default_factory=dict)  # attendee user id -> response on the series
    occurrence_responses: dict[tuple[str, date], str] = field(default_factory=dict)
    version: int = 1

    @property
    def start(self) -> datetime:
        return ct.to_utc(self.data["start"])

    @property
    def duration(self) -> timedelta:
        return ct.to_utc(self.data["end"]) - self.start

    @property
    def zone_name(self) -> str:
        return str(self.data["start"].get("timeZone") or "UTC")

    def response_of(self, user_id: str, day: date | None = None) -> str:
        if day is not None and (user_id, day) in self.occurrence_responses:
            return self.occurrence_responses[(user_id, day)]
        return self.responses.get(user_id, "none")

    def occurrence_exists(self, day: date) -> bool:
        if self.rule is None or day in self.cancelled:
            return False
        return any(d == day for d in occurrence_dates(self.rule, day))


@dataclass
class Entry:
    """A meeting as it appears in one mailbox."""

    event_id: str
    user_id: str
    meeting: Meeting
    extended: dict[str, str] = field(default_factory=dict)

    @property
    def is_organizer(self) -> bool:
        return self.user_id == self.meeting.organizer_id


@dataclass(frozen=True, slots=True)
class Target:
    """What an event id names: a whole entry, or one occurrence of it (by original local date)."""

    entry: Entry
    day: date | None = None


def stable_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]
    return f"{prefix}{digest}"


class CalendarStore:
    """All calendars of the emulated tenant, in memory."""

    def __init__(self) -> None:
        self.entries: dict[str, Entry] = {}
        self.by_user: dict[str, list[str]] = {}
        self.meetings: dict[str, list[str]] = {}  # meeting id -> entry ids
        self.transactions: dict[tuple[str, str], str] = {}  # (organiser id, transactionId) -> organiser entry id
        self._counter = 0

    def _next(self) -> int:
        self._counter += 1
        return self._counter

    def create(self, organizer_id: str, data: dict[str, Any], attendee_ids: list[str], now: datetime) -> Entry:
        """Store a new meeting, its organiser entry, and an entry per attendee who is a tenant user."""
        n = self._next()
        recurrence = data.get("recurrence")
        rule = parse_rule(recurrence) if recurrence else None
        meeting = Meeting(
            meeting_id=stable_id("m", n),
            ical_uid="040000008200E00074C5B7101A82E008" + stable_id("", "uid", n)[:32].upper(),
            organizer_id=organizer_id,
            data=data,
            created=now,
            modified=now,
            rule=rule,
            responses={a: "none" for a in attendee_ids if a != organizer_id},
        )
        entry = self._add_entry(organizer_id, meeting, n)
        for attendee in meeting.responses:
            self._add_entry(attendee, meeting, n)
        if data.get("transactionId"):
            self.transactions[(organizer_id, str(data["transactionId"]))] = entry.event_id
        return entry

    def by_transaction(self, organizer_id: str, transaction_id: object) -> Entry | None:
        """The organiser's live event created with ``transactionId``: Graph answers a repeated POST with it."""
        if not transaction_id:
            return None
        event_id = self.transactions.get((organizer_id, str(transaction_id)))
        return self.entries.get(event_id) if event_id is not None else None

    def _add_entry(self, user_id: str, meeting: Meeting, n: int) -> Entry:
        entry = Entry(stable_id("AAMkAG", n, user_id), user_id, meeting)
        self.entries[entry.event_id] = entry
        self.by_user.setdefault(user_id, []).append(entry.event_id)
        self.meetings.setdefault(meeting.meeting_id, []).append(entry.event_id)
        return entry

    def resolve(self, user_id: str, event_id: str) -> Target | None:
        """The entry or occurrence ``event_id`` names in ``user_id``'s mailbox, or None."""
        entry = self.entries.get(event_id)
        if entry is not None:
            return Target(entry) if entry.user_id == user_id else None
        base, _, suffix = event_id.rpartition("_")
        entry = self.entries.get(base)
        if entry is None or entry.user_id != user_id or len(suffix) != 8 or not suffix.isdigit():
            return None
        try:
            day = date(int(suffix[:4]), int(suffix[4:6]), int(suffix[6:]))
        except ValueError:
            return None
        return Target(entry, day) if entry.meeting.occurrence_exists(day) else None

    def find_any(self, event_id: str) -> Target | None:
        """Resolve an id without knowing the mailbox (for the control API)."""
        base = event_id if event_id in self.entries else event_id.rpartition("_")[0]
        entry = self.entries.get(base)
        return self.resolve(entry.user_id, event_id) if entry else None

    def user_entries(self, user_id: str) -> list[Entry]:
        return [self.entries[e] for e in self.by_user.get(user_id, [])]

    def remove_entry(self, entry: Entry) -> None:
        self.entries.pop(entry.event_id, None)
        self.by_user.get(entry.user_id, []).remove(entry.event_id)
        self.meetings.get(entry.meeting.meeting_id, []).remove(entry.event_id)

    def cancel_meeting(self, meeting: Meeting) -> None:
        """Remove a meeting from every mailbox (organiser delete or cancel)."""
        for event_id in list(self.meetings.pop(meeting.meeting_id, [])):
            entry = self.entries.pop(event_id)
            self.by_user[entry.user_id].remove(event_id)

    def patch(self, target: Target, changes: dict[str, Any], now: datetime) -> None:
        """Apply a PATCH: to the whole meeting, or to one occurrence (which becomes an exception)."""
        meeting = target.entry.meeting
        extended = changes.pop("singleValueExtendedProperties", None)
        if extended is not None:
            target.entry.extended.update({p["id"]: str(p.get("value", "")) for p in extended})
        if target.day is not None:
            meeting.exceptions.setdefault(target.day, {}).update(changes)
        else:
            if "recurrence" in changes:
                meeting.rule = parse_rule(changes["recurrence"]) if changes["recurrence"] else None
            meeting.data.update(changes)
        meeting.modified = now
        meeting.version += 1

    def remove_occurrence(self, target: Target) -> None:
        assert target.day is not None
        target.entry.meeting.cancelled.add(target.day)
        target.entry.meeting.exceptions.pop(target.day, None)
