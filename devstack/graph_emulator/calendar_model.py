"""The emulator's calendar records: a ``Meeting`` as the organiser wrote it, and an ``Entry`` per mailbox showing it.

A ``Meeting`` holds the organiser's Graph event JSON, its recurrence, exceptions (moved or edited occurrences),
cancelled occurrences and the attendees' responses. Each mailbox that shows the meeting has an ``Entry`` with its
own event id, its own extended properties and its own local changes (an attendee may, say, mark their copy free).
Occurrence ids are ``{entry id}_{yyyymmdd}`` (the original date in the recurrence's zone), so they stay stable
across reads and survive patches.

What a mailbox sees follows Exchange (MS-OXOCAL and the Graph event pages):
- an attendee's copy of a request they have not answered, or answered "tentative", shows as tentative; once they
  accept it shows the organiser's intended status (``showAs``); a meeting the organiser marked free stays free;
- a series expands in its recurrence zone: ``range.recurrenceTimeZone`` when given, else the start's zone.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from devstack.graph_emulator import calendar_time as ct
from devstack.graph_emulator.calendar_answers import Answers
from devstack.graph_emulator.recurrence import Rule, local_to_utc, occurrence_dates

RESPONSES = ("none", "accepted", "tentativelyAccepted", "declined")


@dataclass
class Meeting:
    meeting_id: str
    ical_uid: str
    organizer_id: str
    data: dict[str, Any]
    created: datetime
    modified: datetime
    number: int = 0  # creation counter: entry ids derive from it
    rule: Rule | None = None
    exceptions: dict[date, dict[str, Any]] = field(default_factory=dict)
    cancelled: set[date] = field(default_factory=set)
    responses: dict[str, str] = field(default_factory=dict)  # attendee user id -> response on the series
    occurrence_responses: dict[tuple[str, date], str] = field(default_factory=dict)
    # ``responses`` and ``occurrence_responses`` are what the organiser knows (answers sent); ``own_answers`` is
    # what each attendee's own copy shows (every answer, sent or not; see calendar_answers.py)
    own_answers: Answers = field(init=False)
    proposals: dict[tuple[str, date | None], dict[str, Any]] = field(default_factory=dict)  # -> timeSlot JSON
    version: int = 1

    def __post_init__(self) -> None:
        self.own_answers = Answers(dict(self.responses), dict(self.occurrence_responses))

    @property
    def start(self) -> datetime:
        return ct.to_utc(self.data["start"])

    @property
    def duration(self) -> timedelta:
        return ct.to_utc(self.data["end"]) - self.start

    @property
    def zone_name(self) -> str:
        return str(self.data["start"].get("timeZone") or "UTC")

    @property
    def recurrence_zone(self) -> str:
        """The zone whose calendar dates and wall clock the series follows."""
        given = ((self.data.get("recurrence") or {}).get("range") or {}).get("recurrenceTimeZone")
        return str(given) if given else self.zone_name

    @property
    def wall_clock(self) -> time:
        """The series' local start time in its recurrence zone."""
        if self.recurrence_zone == self.zone_name:
            return ct.parse_local(self.data["start"]["dateTime"]).time()
        return self.start.astimezone(ct.zone(self.recurrence_zone)).time()

    def timing(self) -> tuple[object, ...]:
        """What makes a change 'significant' (MS-OXOCAL 3.1.4.7.3.1): start, end, recurrence and their zones."""
        return (self.start, self.duration, self.zone_name, self.rule, self.recurrence_zone)

    def original_start(self, day: date) -> datetime:
        return local_to_utc(day, self.wall_clock, ct.zone(self.recurrence_zone))

    def occurrence_times(self, day: date) -> tuple[datetime, datetime]:
        """Where the occurrence originally on ``day`` is now (an exception may have moved it)."""
        changed = self.exceptions.get(day, {})
        start = ct.to_utc(changed["start"]) if "start" in changed else self.original_start(day)
        end = ct.to_utc(changed["end"]) if "end" in changed else start + self.duration
        return start, end

    def response_of(self, user_id: str, day: date | None = None) -> str:
        """The attendee's answer as the organiser knows it (only answers that were sent)."""
        if day is not None and (user_id, day) in self.occurrence_responses:
            return self.occurrence_responses[(user_id, day)]
        return self.responses.get(user_id, "none")

    def own_response_of(self, user_id: str, day: date | None = None) -> str:
        """The attendee's answer as their own copy shows it (sent or not)."""
        return self.own_answers.of(user_id, day)

    def proposal_of(self, user_id: str, day: date | None = None) -> dict[str, Any] | None:
        """The timeSlot the attendee proposed with their answer to the series/event or to the occurrence on ``day``.

        An occurrence shows only a proposal made for it (a proposal is about one meeting time)."""
        return self.proposals.get((user_id, day))

    def instance_ical_uid(self, day: date | None) -> str:
        """iCalUId of the series/event, or of one occurrence: "different for each occurrence in a recurring
        series" (event resource). Like Exchange's Global Object ID, bytes 16-19 carry the instance's date (year as
        two bytes, month, day), all zero for the series master."""
        if day is None:
            return self.ical_uid
        return f"{self.ical_uid[:32]}{day.year:04X}{day.month:02X}{day.day:02X}{self.ical_uid[40:]}"

    def occurrence_exists(self, day: date) -> bool:
        if self.rule is None or day in self.cancelled:
            return False
        return any(d == day for d in occurrence_dates(self.rule, day))

    def asks_for_responses(self) -> bool:
        return self.data.get("responseRequested") is not False


@dataclass
class Entry:
    """A meeting as it appears in one mailbox."""

    event_id: str
    user_id: str
    meeting: Meeting
    extended: dict[str, str] = field(default_factory=dict)
    own: dict[str, Any] = field(default_factory=dict)  # this mailbox's changes to its copy of the series/event
    own_days: dict[date, dict[str, Any]] = field(default_factory=dict)  # ... and to single occurrences

    @property
    def is_organizer(self) -> bool:
        return self.user_id == self.meeting.organizer_id

    def forget_show_as(self, day: date | None = None) -> None:
        """A response (or an organiser's update) sets the copy's status again: drop a local showAs."""
        if day is None:
            self.own.pop("showAs", None)
            for changes in self.own_days.values():
                changes.pop("showAs", None)
        else:
            self.own_days.get(day, {}).pop("showAs", None)


@dataclass(frozen=True, slots=True)
class Target:
    """What an event id names: a whole entry, or one occurrence of it (by original local date)."""

    entry: Entry
    day: date | None = None


def attendee_show_as(intended: object, response: str) -> str:
    """An attendee's free/busy status for a meeting the organiser shows as ``intended``."""
    wanted = str(intended or "busy")
    if response == "accepted":
        return wanted
    if response == "declined":
        return "free"
    return "free" if wanted == "free" else "tentative"


def as_seen_by(entry: Entry, day: date | None, data: dict[str, Any]) -> dict[str, Any]:
    """The organiser's event JSON as ``entry``'s mailbox sees it: local changes and the attendee's status."""
    if entry.is_organizer:
        return data
    own = {**entry.own, **(entry.own_days.get(day, {}) if day is not None else {})}
    seen = {**data, **own}
    if "showAs" not in own:
        seen["showAs"] = attendee_show_as(data.get("showAs"), entry.meeting.own_response_of(entry.user_id, day))
    return seen


def stable_id(prefix: str, *parts: object) -> str:
    digest = hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:40]
    return f"{prefix}{digest}"
